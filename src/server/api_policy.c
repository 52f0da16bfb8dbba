/*
** API handlers for policies: the policies loaded, running and reading a
** stored review, an incident's findings and the what-if tally.
*/
#include <stdlib.h>
#include <string.h>
#include "api_int.h"
#include "policy/policyset.h"
#include "policy/review.h"
#include "store/agency.h"
#include "workflow/walk.h"
#include "base/banned.h"

/* Whether the signed-in user (arg) may see doc, for the library's walks. */
static bool visible(void *user, const fw_doc *doc)
{
    return fw_authz_may_see(user, doc);
}

/* Run a review of an incident under one policy and store it (a new version
** only if it changed). */
void api_run_review(request *r)
{
    json_t *body = r->body.len ? body_json(r) : json_object(), *j = NULL;
    const char *name;
    const fw_loaded_policy *lp;
    fw_store *st;
    fw_doc *doc = NULL;
    fw_review rv;
    fw_record_info info;
    fw_buf raw;
    fw_put_result res;
    fw_agency_chain chain;
    fw_jurisdiction jur;
    fw_error err;

    if (!body)
        return;
    fw_buf_init(&raw, FW_BUF_UNLIMITED);
    name = member(r, body, "policy", true);
    st = r->store;
    if (!name)
        goto done;
    doc = load_doc_writable(r, st, r->params[0]);
    if (!doc)
        goto done;
    lp = fw_policy_set_choose(server_policies(r), name, doc->occurred_at);
    if (!lp) {
        reply_error(r, 400, "invalid", "policy", "no policy %s in effect on %.10s", name,
                    doc->occurred_at);
        goto done;
    }
    if (fw_agency_chain_load(st, doc->agency, &chain, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto done;
    }
    fw_jurisdiction_of(doc, &chain, &jur);
    if (fw_review_run(doc, lp->policy, NULL, NULL, &rv, &err) != FW_OK) {
        reply_error(r, 503, "review", NULL, "%s", err.msg);
        goto done;
    }
    rv.what_if = fw_policy_set_what_if(server_policies(r), lp, doc->occurred_at, &jur);
    fw_store_get(st, FW_RECORD_INCIDENT, doc->id, 0, &raw, &info, NULL);
    j = fw_review_record(&rv, &info, lp, NULL);
    fw_review_release(&rv);
    if (!j || fw_store_begin(st, &err) ||
        fw_review_store(st, doc->id, lp, j, API_ACTOR, &res, &err) || fw_store_commit(st, &err)) {
        fw_store_rollback(st);
        reply_error(r, 503, "store", NULL, "cannot store the review");
        goto done;
    }
    json_object_set_new(j, "review_version", json_integer(res.version));
    reply_json(r, 200, j);
    j = NULL;
done:
    fw_buf_release(&raw);
    fw_doc_free(doc);
    json_decref(j);
    json_decref(body);
}

void api_get_review(request *r)
{
    fw_store *st = r->store;
    fw_buf body;
    fw_record_info info;
    fw_error err;
    fw_rc rc;
    json_t *j;
    fw_doc *doc = load_doc(r, st, r->params[0]);

    if (!doc) {
        return;
    }
    fw_doc_free(doc);

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    rc = fw_review_get(st, r->params[0], r->params[1], &body, &info, &err);
    if (rc == FW_ERR_INVALID) {
        reply_error(r, 400, "invalid", "policy", "%s", err.msg);
    } else if (rc != FW_OK) {
        reply_error(r, 404, "not_found", "policy", "no stored review %s:%s (POST one first)",
                    r->params[0], r->params[1]);
    } else {
        j = json_loadb(body.data, body.len, 0, NULL);
        json_object_set_new(j, "review_version", json_integer(info.version));
        reply_json(r, 200, j);
    }
    fw_buf_release(&body);
}

/* What-if: how many force applications a policy would flag, by rule. */
void api_what_if(request *r)
{
    const char *name = query_arg(r, "policy");
    const fw_loaded_policy *lp = name ? fw_policy_set_choose(server_policies(r), name, NULL) : NULL;
    fw_walk_opts o = {visible, &r->user, false};
    fw_whatif t;
    fw_error err;
    fw_store *st;

    if (!lp) {
        reply_error(r, 400, "invalid", "policy", "no policy '%s'", name ? name : "");
        return;
    }
    if (fw_whatif_init(&t, lp, false, 100, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "cannot review the incidents");
        return;
    }
    t.set = server_policies(r); /* count where it is in effect: the rest is what-if */
    st = r->store;
    /* The default judging settings, as the server's single reviews take them. */
    if (fw_whatif_run(st, &t, 1, NULL, &o, &err) != FW_OK)
        reply_error(r, 503, "store", NULL, "cannot review the incidents");
    else
        reply_json(r, 200, fw_whatif_json(&t));
    fw_whatif_release(&t);
}

/* The policies loaded, for choosing one (what-if, reviews). */
void api_list_policies(request *r)
{
    const fw_policy_set *ps = server_policies(r);
    json_t *items = json_array();
    size_t i;
    fw_buf gov;
    fw_buf_init(&gov, 1 << 16);
    for (i = 0; i < ps->n; i++) {
        const fw_policy *p = ps->items[i].policy;
        fw_buf_reset(&gov);
        fw_policy_governs_text(p, &gov);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:s, s:s}", "name",
                             fw_policy_name(p), "version", fw_policy_fullname(p), "title",
                             fw_policy_title(p), "kind", fw_policy_kind(p), "effective",
                             fw_policy_effective(p), "until", fw_policy_until(p), "rules",
                             (json_int_t)fw_policy_nrules(p), "sha256", ps->items[i].sha256,
                             "governs", fw_buf_str(&gov)));
    }
    fw_buf_release(&gov);
    reply_json(r, 200, json_pack("{s:o}", "policies", items));
}

/* An incident judged under every policy in effect for it by date and
** jurisdiction (fw_policy_set_in_effect; or
** the one ?policy= names), computed and not stored: reading findings is not
** a change, so every reader may see them. */
void api_incident_findings(request *r)
{
    const fw_policy_set *ps = server_policies(r);
    const char *name = query_arg(r, "policy");
    fw_store *st = r->store;
    fw_doc *doc = load_doc(r, st, r->params[0]);
    const fw_loaded_policy *chosen[64];
    fw_agency_chain chain;
    fw_jurisdiction jur;
    char label[300];
    json_t *reviews, *out;
    fw_review rv;
    fw_error err;
    size_t i, n;

    if (!doc)
        return;
    if (fw_agency_chain_load(st, doc->agency, &chain, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto done;
    }
    fw_jurisdiction_of(doc, &chain, &jur);
    fw_agency_label(&chain, label, sizeof label);
    reviews = json_array();
    if (name)
        n = (chosen[0] = fw_policy_set_choose(ps, name, doc->occurred_at)) != NULL;
    else
        n = fw_policy_set_in_effect(ps, doc->occurred_at, &jur, chosen, 64);
    for (i = 0; i < n; i++) {
        if (fw_review_run(doc, chosen[i]->policy, NULL, NULL, &rv, &err) != FW_OK) {
            json_decref(reviews);
            reply_error(r, 503, "review", NULL, "%s", err.msg);
            goto done;
        }
        rv.what_if = fw_policy_set_what_if(ps, chosen[i], doc->occurred_at, &jur);
        json_array_append_new(reviews, fw_review_json(&rv));
        fw_review_release(&rv);
    }
    if (name && json_array_size(reviews) == 0) {
        json_decref(reviews);
        reply_error(r, 400, "invalid", "policy", "no policy %s in effect on %.10s", name,
                    doc->occurred_at);
        goto done;
    }
    out = json_pack("{s:s, s:s, s:s?, s:o}", "incident", doc->id, "agency", doc->agency,
                    "agency_name", chain.links[0].found ? chain.links[0].name : NULL, "reviews",
                    reviews);
    if (out && !name && n == 0)
        json_object_set_new(out, "note", json_sprintf("no bundled policy governs %s", label));
    reply_json(r, 200, out);
done:
    fw_doc_free(doc);
}
