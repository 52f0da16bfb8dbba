/*
** Runs over stored incidents (walk.h): one walker that reads and parses
** each stored incident, and on it the what-if tally and the duty items that
** both front-ends serve.
*/
#include "workflow/walk.h"

#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"

#include "store/agency.h"
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
    fw_store *s;
    fw_whatif *t;
    size_t n;
    const fw_geometry *settings;
    bool strict;
    fw_error *err;
    fw_rc rc;
} whatif_walk;

static int whatif_doc(void *arg, const fw_incident_row *row, const fw_doc *doc)
{
    whatif_walk *w = arg;
    fw_agency_chain chain;
    fw_jurisdiction jur;
    fw_error err;
    bool chained = false, force = *row->force_kinds != '\0';
    size_t i;

    for (i = 0; i < w->n; i++) {
        fw_review rv;
        /* An incident without force is walked only for the policies that judge other
        ** acts: each tally is what its policy alone would give, whatever else runs. */
        if (!force && !fw_policy_judges_other_acts(w->t[i].policy->policy))
            continue;
        /* Jurisdiction, when asked: the incident's agency chain, read once. */
        if (w->t[i].set && force && !chained) {
            if (fw_agency_chain_load(w->s, doc->agency, &chain, &err) != FW_OK)
                chain.n = 0;
            fw_jurisdiction_of(doc, &chain, &jur);
            chained = true;
        }
        /* Governed counts incidents with force only (whatif.h); the version tested, not
        ** its family: as the single review's what-if decides. */
        if (w->t[i].set && force &&
            fw_policy_set_governs(w->t[i].set, w->t[i].policy, doc->occurred_at, &jur))
            w->t[i].governed++;
        if (fw_review_run(doc, w->t[i].policy->policy, w->settings, NULL, &rv, &err) != FW_OK) {
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

fw_rc fw_whatif_run(fw_store *s, fw_whatif *t, size_t n, const fw_geometry *settings,
                    const fw_walk_opts *o, fw_error *err)
{
    whatif_walk w = {s, t, n, settings, o && o->strict, err, FW_OK};
    size_t incidents = 0, i;
    bool acts = false;
    fw_rc rc;
    /* An incident without force has nothing to judge, unless a rule judges other acts
    ** (a reach-in with no force after it is judged too): read it only then. */
    for (i = 0; i < n; i++) {
        acts = acts || fw_policy_judges_other_acts(t[i].policy->policy);
        if (settings)
            t[i].settings = *settings;
        else
            fw_geometry_default(&t[i].settings);
    }
    rc = fw_walk_incidents(s, o, !acts, whatif_doc, &w, &incidents, err);
    for (i = 0; i < n; i++)
        t[i].incidents += incidents;
    return w.rc ? w.rc : rc;
}

/* ---- duties ------------------------------------------------------------------ */

/* The versions of a record, oldest first, and when each was stored. */
typedef struct version_times {
    int64_t *version;
    double *at;
    size_t n, cap;
    bool nomem;
} version_times;

static int collect_version(void *arg, const fw_record_meta *m)
{
    version_times *v = arg;
    fw_time t;
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 8;
        int64_t *ver = realloc(v->version, cap * sizeof *ver);
        double *at = ver ? realloc(v->at, cap * sizeof *at) : NULL;
        if (ver)
            v->version = ver;
        if (!ver || !at) {
            v->nomem = true;
            return 1;
        }
        v->at = at;
        v->cap = cap;
    }
    v->version[v->n] = m->version;
    v->at[v->n++] = m->created_at && fw_time_parse(m->created_at, &t) ? t.epoch : -1;
    return 0;
}

/* Whether the officer authored an account of doc: only then is a statement's time needed. */
static bool has_statement(const fw_doc *doc, size_t a)
{
    const char *author = json_string_value(json_object_get(doc->accounts[a].obj, "author"));
    size_t p;
    if (!author || !doc->accounts[a].id)
        return false;
    for (p = 0; p < doc->nparties; p++)
        if (doc->parties[p].kind == FW_REF_OFFICER && strcmp(doc->parties[p].id, author) == 0)
            return true;
    return false;
}

/* Whether the stored body j carries an account of id id written by author. */
static bool carries(const json_t *j, const char *id, const char *author)
{
    const json_t *accounts = json_object_get(j, "accounts"), *acc;
    size_t i;
    json_array_foreach(accounts, i, acc) {
        const char *x = json_string_value(json_object_get(acc, "id"));
        const char *w = json_string_value(json_object_get(acc, "author"));
        if (x && w && strcmp(x, id) == 0 && strcmp(w, author) == 0)
            return true;
    }
    return false;
}

fw_rc fw_statements_received(fw_store *s, const fw_doc *doc, json_t **out, fw_error *err)
{
    version_times v;
    fw_buf body;
    json_t *map = json_object(), *j;
    size_t a, i, wanted = 0;
    fw_rc rc = FW_OK;

    memset(&v, 0, sizeof v);
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    *out = NULL;
    if (!map) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (a = 0; a < doc->naccounts; a++)
        wanted += has_statement(doc, a);
    if (!wanted)
        goto done;
    rc = fw_store_history(s, FW_RECORD_INCIDENT, doc->id, collect_version, &v, err);
    if (v.nomem)
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    if (rc == FW_ERR_NOTFOUND || (rc == FW_OK && v.n == 0)) {
        rc = FW_OK; /* not stored: no statement was received */
        goto done;
    }
    if (rc != FW_OK)
        goto done;
    if (v.n == 1 && v.at[0] >= 0) { /* one version, doc itself: it carried them all */
        for (a = 0; a < doc->naccounts; a++)
            if (has_statement(doc, a) &&
                json_object_set_new(map, doc->accounts[a].id, json_real(v.at[0]))) {
                rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
                goto done;
            }
        goto done;
    }
    /* Oldest first: the first version carrying each account is when it arrived. */
    for (i = 0; i < v.n && json_object_size(map) < wanted; i++) {
        fw_buf_reset(&body);
        if ((rc = fw_store_get(s, FW_RECORD_INCIDENT, doc->id, v.version[i], &body, NULL, err)) !=
            FW_OK)
            goto done;
        j = json_loadb(body.data, body.len, 0, NULL);
        for (a = 0; j && a < doc->naccounts; a++) {
            const fw_account *acc = &doc->accounts[a];
            const char *author = json_string_value(json_object_get(acc->obj, "author"));
            if (!has_statement(doc, a) || json_object_get(map, acc->id) || v.at[i] < 0 ||
                !carries(j, acc->id, author))
                continue;
            if (json_object_set_new(map, acc->id, json_real(v.at[i]))) {
                json_decref(j);
                rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
                goto done;
            }
        }
        json_decref(j);
    }
done:
    if (rc == FW_OK)
        *out = map;
    else
        json_decref(map);
    free(v.version);
    free(v.at);
    fw_buf_release(&body);
    return rc;
}

fw_rc fw_duties_of(fw_store *s, const fw_doc *doc, const fw_policy_set *set,
                   const json_t *training, double now, const fw_duty_config *cfg, json_t *items,
                   fw_error *err)
{
    const fw_loaded_policy *chosen[MAX_IN_EFFECT];
    fw_review reviews[MAX_IN_EFFECT];
    fw_agency_chain chain;
    fw_jurisdiction jur;
    json_t *received = NULL;
    fw_error rerr;
    size_t n = 0, i, k;
    fw_rc rc;

    if (!fw_duties_apply(doc))
        return FW_OK; /* a public record: no items, and no reviews run for them */
    /* Statements are judged by when the log received them, never by their filed_at. */
    if ((rc = fw_statements_received(s, doc, &received, err)) != FW_OK)
        return rc;

    /* Interventions follow out-of-policy force under the policies in effect for the
    ** incident's agency (its jurisdiction, store/agency.h). */
    if ((rc = fw_agency_chain_load(s, doc->agency, &chain, err)) != FW_OK) {
        json_decref(received);
        return rc;
    }
    fw_jurisdiction_of(doc, &chain, &jur);
    k = fw_policy_set_in_effect(set, doc->occurred_at, &jur, chosen, MAX_IN_EFFECT);
    for (i = 0; i < k; i++)
        if (fw_review_run(doc, chosen[i]->policy, NULL, NULL, &reviews[n], &rerr) == FW_OK)
            n++;
    rc = fw_duties(doc, received, reviews, n, training, now, cfg, items);
    for (i = 0; i < n; i++)
        fw_review_release(&reviews[i]);
    json_decref(received);
    if (rc != FW_OK)
        return fw_error_set(err, rc, "cannot list the duties of %s", doc->id);
    return FW_OK;
}

typedef struct duty_walk {
    fw_store *s;
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
    w->rc = fw_duties_of(w->s, doc, w->set, w->training, w->now, w->cfg, w->items, w->err);
    return w->rc != FW_OK;
}

fw_rc fw_duties_run(fw_store *s, const fw_policy_set *set, const json_t *training, double now,
                    const fw_duty_config *cfg, const fw_walk_opts *o, json_t *items,
                    fw_error *err)
{
    duty_walk w = {s, set, training, now, cfg, items, err, FW_OK};
    fw_rc rc = fw_walk_incidents(s, o, false, duty_doc, &w, NULL, err);
    return w.rc ? w.rc : rc;
}

json_t *fw_duties_for_officer(const json_t *items, const char *officer)
{
    json_t *shown = json_array();
    size_t i;
    for (i = 0; shown && i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        /* A registry officer, never an incident's label: one person across incidents. */
        const char *o = json_string_value(json_object_get(it, "registry"));
        if ((!officer || (o && strcmp(o, officer) == 0)) && json_array_append(shown, it)) {
            json_decref(shown);
            return NULL;
        }
    }
    return shown;
}
