/*
** API handlers for policies: the policies loaded, running and reading a
** stored review, an incident's findings and the what-if tally.
*/
#include <stdlib.h>
#include <string.h>
#include "api_int.h"
#include "cli/policyset.h"
#include "policy/review.h"

/* The loaded policy named name (a version, or a family's version in effect on date). */
static const loaded_policy *pick_policy(request *r, const char *name, const char *date)
{
    const policy_set *ps = server_policies(r);
    size_t i;
    for (i = 0; i < ps->n; i++)
        if (strcmp(fw_policy_fullname(ps->items[i].policy), name) == 0)
            return &ps->items[i];
    for (i = 0; i < ps->n; i++)
        if (strcmp(fw_policy_name(ps->items[i].policy), name) == 0 &&
            (fw_policy_in_effect(ps->items[i].policy, date) ||
             strcmp(fw_policy_kind(ps->items[i].policy), "adopted") != 0))
            return &ps->items[i];
    return NULL;
}

/* Run a review of an incident under one policy and store it (a new version
** only if it changed). */
void api_run_review(request *r)
{
    json_t *body = r->body.len ? body_json(r) : json_object(), *j = NULL;
    const char *name;
    const loaded_policy *lp;
    fw_store *st;
    fw_doc *doc = NULL;
    fw_review rv;
    fw_record_info info;
    fw_buf raw;
    fw_prepared prep;
    fw_put_result res;
    fw_error err;
    char rid[200];

    if (!body)
        return;
    memset(&prep, 0, sizeof prep);
    fw_buf_init(&raw, FW_BUF_UNLIMITED);
    name = member(r, body, "policy", true);
    st = request_store(r);
    if (!name)
        goto done;
    doc = load_doc(r, st, r->params[0]);
    if (!doc)
        goto done;
    lp = pick_policy(r, name, doc->occurred_at);
    if (!lp) {
        reply_error(r, 400, "invalid", "policy", "no policy %s in effect on %.10s", name,
                    doc->occurred_at);
        goto done;
    }
    if (fw_review_run(doc, lp->policy, NULL, NULL, &rv, &err) != FW_OK) {
        reply_error(r, 503, "review", NULL, "%s", err.msg);
        goto done;
    }
    j = fw_review_json(&rv);
    fw_review_release(&rv);
    fw_store_get(st, FW_RECORD_INCIDENT, doc->id, 0, &raw, &info, NULL);
    json_object_set_new(j, "incident_version", json_integer(info.version));
    json_object_set_new(j, "incident_sha256", json_string(info.sha256));
    json_object_set_new(j, "policy_sha256", json_string(lp->sha256));
    snprintf(rid, sizeof rid, "%s:%s", doc->id, fw_policy_fullname(lp->policy));
    if (fw_prepare_json(FW_RECORD_REVIEW, rid, j, &prep) || fw_store_begin(st, &err) ||
        fw_store_put_prepared(st, &prep, API_ACTOR, &res, &err) || fw_store_commit(st, &err)) {
        fw_store_rollback(st);
        reply_error(r, 503, "store", NULL, "cannot store the review");
        goto done;
    }
    json_object_set_new(j, "review_version", json_integer(res.version));
    reply_json(r, 200, j);
    j = NULL;
done:
    server_store_return(r, st);
    fw_prepared_release(&prep);
    fw_buf_release(&raw);
    fw_doc_free(doc);
    json_decref(j);
    json_decref(body);
}

void api_get_review(request *r)
{
    fw_store *st = request_store(r);
    fw_buf body;
    fw_record_info info;
    fw_error err;
    char rid[200];
    json_t *j;
    fw_doc *doc = load_doc(r, st, r->params[0]);

    if (!doc) {
        server_store_return(r, st);
        return;
    }
    fw_doc_free(doc);

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    snprintf(rid, sizeof rid, "%s:%s", r->params[0], r->params[1]);
    if (fw_store_get(st, FW_RECORD_REVIEW, rid, 0, &body, &info, &err) != FW_OK) {
        reply_error(r, 404, "not_found", "policy", "no stored review %s (POST one first)", rid);
    } else {
        j = json_loadb(body.data, body.len, 0, NULL);
        json_object_set_new(j, "review_version", json_integer(info.version));
        reply_json(r, 200, j);
    }
    server_store_return(r, st);
    fw_buf_release(&body);
}

/* What-if: how many force applications a policy would flag, by rule. */
typedef struct whatif {
    request *r;
    fw_store *st;
    const loaded_policy *lp;
    size_t incidents, applications, out_apps;
    size_t *out, *undetermined;
    json_t *flagged;           /* per rule: incident ids (first 100) */
    fw_buf body;
} whatif;

static int whatif_row(void *arg, const fw_incident_row *row)
{
    whatif *w = arg;
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_review rv;
    fw_error err;
    size_t i, k, n = fw_policy_nrules(w->lp->policy);

    w->incidents++;
    if (!*row->force_kinds)
        return 0;
    fw_buf_reset(&w->body);
    fw_diag_init(&diag, 2);
    if (fw_store_get(w->st, FW_RECORD_INCIDENT, row->id, row->version, &w->body, NULL, NULL) ==
            FW_OK &&
        fw_doc_parse(w->body.data, w->body.len, NULL, &doc, &diag) == FW_OK && may_see(w->r, doc) &&
        fw_review_run(doc, w->lp->policy, NULL, NULL, &rv, &err) == FW_OK) {
        for (i = 0; i < rv.nitems; i++) {
            w->applications++;
            w->out_apps += fw_review_item_outcome(&rv, i) == FW_OUT;
            for (k = 0; k < n; k++) {
                json_t *ids = json_array_get(w->flagged, k);
                if (rv.items[i].results[k].outcome == FW_OUT) {
                    w->out[k]++;
                    const char *last = json_string_value(
                        json_array_get(ids, json_array_size(ids) ? json_array_size(ids) - 1 : 0));
                    if (json_array_size(ids) < 100 && (!last || strcmp(last, doc->id) != 0))
                        json_array_append_new(ids, json_string(doc->id));
                } else if (rv.items[i].results[k].outcome == FW_UNDETERMINED) {
                    w->undetermined[k]++;
                }
            }
        }
        fw_review_release(&rv);
    }
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return 0;
}

void api_what_if(request *r)
{
    const char *name = query_arg(r, "policy");
    const policy_set *ps = server_policies(r);
    whatif w;
    fw_error err;
    json_t *rules;
    size_t i, n;

    memset(&w, 0, sizeof w);
    for (i = 0; name && i < ps->n && !w.lp; i++)
        if (strcmp(fw_policy_fullname(ps->items[i].policy), name) == 0)
            w.lp = &ps->items[i];
    for (i = ps->n; name && !w.lp && i-- > 0;)
        if (strcmp(fw_policy_name(ps->items[i].policy), name) == 0)
            w.lp = &ps->items[i];
    if (!w.lp) {
        reply_error(r, 400, "invalid", "policy", "no policy '%s'", name ? name : "");
        return;
    }
    n = fw_policy_nrules(w.lp->policy);
    w.r = r;
    w.out = calloc(n + 1, sizeof *w.out);
    w.undetermined = calloc(n + 1, sizeof *w.undetermined);
    w.flagged = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(w.flagged, json_array());
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    w.st = request_store(r);
    if (!w.out || !w.undetermined || fw_store_list(w.st, NULL, whatif_row, &w, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "cannot review the incidents");
    } else {
        rules = json_array();
        for (i = 0; i < n; i++) {
            fw_rule_info info;
            fw_policy_rule(w.lp->policy, i, &info);
            json_array_append_new(rules, json_pack("{s:s, s:s, s:I, s:I, s:O}", "rule", info.id,
                                                   "cite", info.cite, "out", (json_int_t)w.out[i],
                                                   "undetermined", (json_int_t)w.undetermined[i],
                                                   "incidents", json_array_get(w.flagged, i)));
        }
        reply_json(r, 200, json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "policy",
                                     fw_policy_fullname(w.lp->policy), "kind",
                                     fw_policy_kind(w.lp->policy), "incidents",
                                     (json_int_t)w.incidents, "applications",
                                     (json_int_t)w.applications, "out_of_policy",
                                     (json_int_t)w.out_apps, "rules", rules));
    }
    server_store_return(r, w.st);
    free(w.out);
    free(w.undetermined);
    json_decref(w.flagged);
    fw_buf_release(&w.body);
}

/* The policies loaded, for choosing one (what-if, reviews). */
void api_list_policies(request *r)
{
    const policy_set *ps = server_policies(r);
    json_t *items = json_array();
    size_t i;
    for (i = 0; i < ps->n; i++) {
        const fw_policy *p = ps->items[i].policy;
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:s}", "name",
                             fw_policy_name(p), "version", fw_policy_fullname(p), "title",
                             fw_policy_title(p), "kind", fw_policy_kind(p), "effective",
                             fw_policy_effective(p), "until", fw_policy_until(p), "rules",
                             (json_int_t)fw_policy_nrules(p), "sha256", ps->items[i].sha256));
    }
    reply_json(r, 200, json_pack("{s:o}", "policies", items));
}

/* An incident judged under every adopted policy in effect on its date (or
** the one ?policy= names), computed and not stored: reading findings is not
** a change, so every reader may see them. */
void api_incident_findings(request *r)
{
    const policy_set *ps = server_policies(r);
    const char *name = query_arg(r, "policy");
    fw_store *st = request_store(r);
    fw_doc *doc = load_doc(r, st, r->params[0]);
    json_t *reviews;
    fw_review rv;
    fw_error err;
    size_t i;

    server_store_return(r, st);
    if (!doc)
        return;
    reviews = json_array();
    for (i = 0; i < ps->n; i++) {
        const loaded_policy *lp = &ps->items[i];
        if (name ? lp != pick_policy(r, name, doc->occurred_at)
                 : !fw_policy_in_effect(lp->policy, doc->occurred_at))
            continue;
        if (fw_review_run(doc, lp->policy, NULL, NULL, &rv, &err) != FW_OK) {
            json_decref(reviews);
            reply_error(r, 503, "review", NULL, "%s", err.msg);
            goto done;
        }
        json_array_append_new(reviews, fw_review_json(&rv));
        fw_review_release(&rv);
    }
    if (name && json_array_size(reviews) == 0) {
        json_decref(reviews);
        reply_error(r, 400, "invalid", "policy", "no policy %s in effect on %.10s", name,
                    doc->occurred_at);
        goto done;
    }
    reply_json(r, 200, json_pack("{s:s, s:o}", "incident", doc->id, "reviews", reviews));
done:
    fw_doc_free(doc);
}
