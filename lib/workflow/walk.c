/*
** Runs over stored incidents (walk.h): one walker that reads and parses
** each stored incident, and on it the what-if tally and the duty items that
** both front-ends serve.
*/
#include "workflow/walk.h"

#include <string.h>

#include "base/str.h"

#include "base/banned.h"

#define MAX_IN_EFFECT 32

/* ---- reviews as records ------------------------------------------------------ */

json_t *fw_review_record(const fw_review *rv, const fw_record_info *info,
                         const fw_loaded_policy *lp, const char *account)
{
    json_t *j = fw_review_json(rv);
    if (!j)
        return NULL;
    if (json_object_set_new(j, "incident_version", json_integer(info->version)) ||
        json_object_set_new(j, "incident_sha256", json_string(info->sha256)) ||
        json_object_set_new(j, "policy_sha256", json_string(lp->sha256)) ||
        (account && json_object_set_new(j, "account", json_string(account)))) {
        json_decref(j);
        return NULL;
    }
    return j;
}

fw_rc fw_review_id(const char *incident, const char *policy, char *out, size_t n,
                   fw_error *err)
{
    if (!*policy || strchr(policy, ':'))
        return fw_error_set(err, FW_ERR_INVALID, "'%s' is not a policy name", policy);
    if (fw_snprintf(out, n, "%s:%s", incident, policy) != FW_OK)
        return fw_error_set(err, FW_ERR_INVALID, "review id %s:%s is too long", incident,
                            policy);
    return FW_OK;
}

fw_rc fw_review_get(fw_store *s, const char *incident, const char *policy, fw_buf *body,
                    fw_record_info *info, fw_error *err)
{
    char rid[FW_REVIEW_ID_MAX];
    json_t *j;
    fw_rc rc;
    bool same;

    if ((rc = fw_review_id(incident, policy, rid, sizeof rid, err)) != FW_OK)
        return rc;
    if ((rc = fw_store_get(s, FW_RECORD_REVIEW, rid, 0, body, info, err)) != FW_OK)
        return rc;
    j = json_loadb(body->data, body->len, 0, NULL);
    same = j && json_is_string(json_object_get(j, "incident")) &&
           strcmp(json_string_value(json_object_get(j, "incident")), incident) == 0;
    json_decref(j);
    if (!same)
        return fw_error_set(err, FW_ERR_NOTFOUND, "no stored review %s", rid);
    return FW_OK;
}

fw_rc fw_review_store(fw_store *s, const char *incident, const fw_loaded_policy *lp,
                      const json_t *j, const char *actor, fw_put_result *res, fw_error *err)
{
    fw_prepared prep;
    fw_put_result local;
    fw_error perr;
    char rid[FW_REVIEW_ID_MAX];
    fw_rc rc;

    if ((rc = fw_review_id(incident, fw_policy_fullname(lp->policy), rid, sizeof rid, err)) !=
        FW_OK)
        return rc;
    memset(&prep, 0, sizeof prep);
    rc = fw_prepare_json(FW_RECORD_REVIEW, rid, j, &prep);
    if (rc != FW_OK)
        rc = fw_error_set(err, rc, "cannot store review %s: cannot prepare it", rid);
    else if ((rc = fw_store_put_prepared(s, &prep, actor, res ? res : &local, &perr)) != FW_OK)
        rc = fw_error_set(err, rc, "cannot store review %s: %s", rid, perr.msg);
    fw_prepared_release(&prep);
    return rc;
}

typedef struct walk {
    fw_store *s;
    const fw_walk_opts *o;
    bool skip_forceless;
    fw_doc_cb cb;
    void *arg;
    size_t *count_all;
    fw_buf body;
    fw_diag diag;
    fw_error *err;
    fw_rc rc;
} walk;

static int walk_row(void *arg, const fw_incident_row *row)
{
    walk *w = arg;
    fw_doc *doc = NULL;
    bool filtered = w->o && w->o->visible;
    int stop = 0;

    /* Without a filter every incident counts, read or not; with one, only
    ** those it lets through, so that no total tells of hidden incidents. */
    if (w->count_all && !filtered)
        (*w->count_all)++;
    if (w->skip_forceless && !*row->force_kinds && !filtered)
        return 0;
    fw_buf_reset(&w->body);
    fw_diag_reset(&w->diag);
    if (fw_store_get(w->s, FW_RECORD_INCIDENT, row->id, row->version, &w->body, NULL, NULL) !=
            FW_OK ||
        fw_doc_parse(w->body.data, w->body.len, NULL, &doc, &w->diag) != FW_OK) {
        if (w->o && w->o->strict) {
            w->rc = fw_error_set(w->err, FW_ERR_STORE, "cannot read incident %s", row->id);
            stop = 1;
        }
        goto done;
    }
    if (filtered && !w->o->visible(w->o->visible_arg, doc))
        goto done;
    if (w->count_all && filtered)
        (*w->count_all)++;
    if (!(w->skip_forceless && !*row->force_kinds))
        stop = w->cb(w->arg, row, doc);
done:
    fw_doc_free(doc);
    return stop;
}

fw_rc fw_walk_incidents(fw_store *s, const fw_walk_opts *o, bool skip_forceless, fw_doc_cb cb,
                        void *arg, size_t *count_all, fw_error *err)
{
    walk w;
    fw_error list_err;
    fw_rc rc;

    memset(&w, 0, sizeof w);
    w.s = s;
    w.o = o;
    w.skip_forceless = skip_forceless;
    w.cb = cb;
    w.arg = arg;
    w.count_all = count_all;
    w.err = err;
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    fw_diag_init(&w.diag, 2);
    rc = fw_store_list(s, NULL, walk_row, &w, &list_err);
    if (w.rc)
        rc = w.rc;
    else if (rc != FW_OK && err)
        *err = list_err;
    fw_buf_release(&w.body);
    fw_diag_release(&w.diag);
    return rc;
}

/* ---- what-if --------------------------------------------------------------- */

typedef struct whatif_walk {
    fw_whatif *t;
    size_t n;
    bool strict;
    fw_error *err;
    fw_rc rc;
} whatif_walk;

static int whatif_doc(void *arg, const fw_incident_row *row, const fw_doc *doc)
{
    whatif_walk *w = arg;
    fw_error err;
    size_t i;
    (void)row;

    for (i = 0; i < w->n; i++) {
        fw_review rv;
        if (fw_review_run(doc, w->t[i].policy->policy, NULL, NULL, &rv, &err) != FW_OK) {
            if (!w->strict)
                continue;
            w->rc = fw_error_set(w->err, FW_ERR_INTERNAL, "cannot review %s: %s", doc->id,
                                 err.msg);
            return 1;
        }
        if (fw_whatif_add(&w->t[i], &rv, doc) != FW_OK)
            w->rc = fw_error_set(w->err, FW_ERR_NOMEM, "out of memory");
        fw_review_release(&rv);
        if (w->rc)
            return 1;
    }
    return 0;
}

fw_rc fw_whatif_run(fw_store *s, fw_whatif *t, size_t n, const fw_walk_opts *o, fw_error *err)
{
    whatif_walk w = {t, n, o && o->strict, err, FW_OK};
    size_t incidents = 0, i;
    fw_rc rc = fw_walk_incidents(s, o, true, whatif_doc, &w, &incidents, err);
    for (i = 0; i < n; i++)
        t[i].incidents += incidents;
    return w.rc ? w.rc : rc;
}

/* ---- duties ------------------------------------------------------------------ */

fw_rc fw_duties_of(const fw_doc *doc, const fw_policy_set *set, const json_t *training,
                   double now, const fw_duty_config *cfg, json_t *items, fw_error *err)
{
    const fw_loaded_policy *chosen[MAX_IN_EFFECT];
    fw_review reviews[MAX_IN_EFFECT];
    fw_error rerr;
    size_t n = 0, i, k;
    fw_rc rc;

    if (!fw_duties_apply(doc))
        return FW_OK; /* a public record: no items, and no reviews run for them */
    /* Interventions follow out-of-policy force under the policies in effect. */
    k = fw_policy_set_in_effect(set, doc->occurred_at, chosen, MAX_IN_EFFECT);
    for (i = 0; i < k; i++)
        if (fw_review_run(doc, chosen[i]->policy, NULL, NULL, &reviews[n], &rerr) == FW_OK)
            n++;
    rc = fw_duties(doc, reviews, n, training, now, cfg, items);
    for (i = 0; i < n; i++)
        fw_review_release(&reviews[i]);
    if (rc != FW_OK)
        return fw_error_set(err, rc, "cannot list the duties of %s", doc->id);
    return FW_OK;
}

typedef struct duty_walk {
    const fw_policy_set *set;
    const json_t *training;
    double now;
    const fw_duty_config *cfg;
    json_t *items;
    fw_error *err;
    fw_rc rc;
} duty_walk;

static int duty_doc(void *arg, const fw_incident_row *row, const fw_doc *doc)
{
    duty_walk *w = arg;
    (void)row;
    w->rc = fw_duties_of(doc, w->set, w->training, w->now, w->cfg, w->items, w->err);
    return w->rc != FW_OK;
}

fw_rc fw_duties_run(fw_store *s, const fw_policy_set *set, const json_t *training, double now,
                    const fw_duty_config *cfg, const fw_walk_opts *o, json_t *items,
                    fw_error *err)
{
    duty_walk w = {set, training, now, cfg, items, err, FW_OK};
    fw_rc rc = fw_walk_incidents(s, o, false, duty_doc, &w, NULL, err);
    return w.rc ? w.rc : rc;
}

json_t *fw_duties_for_officer(const json_t *items, const char *officer)
{
    json_t *shown = json_array();
    size_t i;
    for (i = 0; shown && i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        const char *o = json_string_value(json_object_get(it, "officer"));
        if ((!officer || (o && strcmp(o, officer) == 0)) && json_array_append(shown, it)) {
            json_decref(shown);
            return NULL;
        }
    }
    return shown;
}
