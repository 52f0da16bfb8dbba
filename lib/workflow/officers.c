/*
** An officer's profile (see officers.h): one walk over the stored incidents,
** keeping those linked to the officer, and for each the officer's acts, the
** findings of the stored reviews on them and their duty items.
*/
#include "workflow/officers.h"

#include <string.h>

#include "store/agency.h"
#include "store/officers.h"

#include "base/banned.h"

typedef struct profile_walk {
    fw_store *s;
    const char *id;
    const fw_policy_set *set;
    const json_t *training;   /* {id: record} or {} */
    double now;
    const fw_duty_config *cfg;
    unsigned sections;        /* FW_PROFILE_*: what to gather */
    json_t *incidents, *acts, *findings, *duties;
    fw_rc rc;
    fw_error *err;
} profile_walk;

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/*
** The findings on label's applications in doc's stored review under lp, if
** any and if it reviewed this version (version) of the incident: a review of
** an older version may name another party by the label.  A review under a
** policy not in effect for the incident is kept, marked what_if (and why).
*/
static fw_rc add_findings(profile_walk *w, const fw_doc *doc, int64_t version,
                          const char *label, const fw_loaded_policy *lp)
{
    fw_buf body;
    json_t *rv = NULL, *apps;
    size_t i;
    fw_rc rc = FW_OK;

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    if (fw_review_get(w->s, doc->id, fw_policy_fullname(lp->policy), &body, NULL, NULL) != FW_OK)
        goto done;
    rv = json_loadb(body.data, body.len, 0, NULL);
    if (!json_is_integer(json_object_get(rv, "incident_version")) ||
        json_integer_value(json_object_get(rv, "incident_version")) != version)
        goto done;
    apps = json_object_get(rv, "applications");
    for (i = 0; i < json_array_size(apps); i++) {
        const json_t *a = json_array_get(apps, i);
        const char *actor = str(a, "actor");
        if (!actor || strcmp(actor, label) != 0)
            continue;
        if (json_array_append_new(
                w->findings,
                json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:s?}", "incident", doc->id,
                          "policy", str(rv, "policy"), "key", str(a, "key"), "type",
                          str(a, "type"), "act", str(a, "act"), "kind",
                          str(a, "kind"), "outcome", str(a, "outcome"), "what_if",
                          json_is_true(json_object_get(rv, "what_if")), "what_if_reason",
                          str(rv, "what_if_reason")))) {
            rc = FW_ERR_NOMEM;
            break;
        }
    }
done:
    json_decref(rv);
    fw_buf_release(&body);
    return rc;
}

static fw_rc add_incident(profile_walk *w, const fw_doc *doc, int64_t version,
                          const fw_party *p)
{
    const json_t *withdrawn = json_object_get(doc->root, "withdrawn");
    json_t *items = NULL;
    size_t a, e, i;
    fw_rc rc = FW_OK;

    if (json_is_true(withdrawn))
        return FW_OK;
    if (json_array_append_new(w->incidents,
                              json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s}", "id", doc->id,
                                        "agency", doc->agency, "occurred_at", doc->occurred_at,
                                        "label", p->id, "role", str(p->obj, "role"),
                                        "encounter", doc->encounter, "provenance",
                                        doc->provenance)))
        return fw_error_set(w->err, FW_ERR_NOMEM, "out of memory");
    fw_agency_name_set(w->s, json_array_get(w->incidents, json_array_size(w->incidents) - 1),
                       doc->agency);
    for (a = 0; a < doc->naccounts; a++) {
        const fw_account *acc = &doc->accounts[a];
        for (e = 0; e < acc->nevents; e++) {
            const fw_event *ev = &acc->events[e];
            if (!ev->type_name || strcmp(ev->type_name, "force") != 0 || !ev->actor ||
                strcmp(ev->actor, p->id) != 0)
                continue;
            if (json_array_append_new(w->acts, json_pack("{s:s, s:s, s:f, s:s?, s:s?}",
                                                         "incident", doc->id, "account",
                                                         acc->id, "t", ev->t, "kind",
                                                         str(ev->obj, "kind"), "target",
                                                         str(ev->obj, "target"))))
                return fw_error_set(w->err, FW_ERR_NOMEM, "out of memory");
        }
    }
    for (i = 0; (w->sections & FW_PROFILE_FINDINGS) && w->set && i < w->set->n && !rc; i++)
        rc = add_findings(w, doc, version, p->id, &w->set->items[i]);
    if (rc)
        return fw_error_set(w->err, rc, "out of memory");
    if (!(w->sections & FW_PROFILE_DUTIES))
        return FW_OK;
    items = json_array();
    if (!items)
        return fw_error_set(w->err, FW_ERR_NOMEM, "out of memory");
    rc = fw_duties_of(w->s, doc, w->set, w->training, w->now, w->cfg, items, w->err);
    for (i = 0; !rc && i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        const char *reg = str(it, "registry");
        if (reg && strcmp(reg, w->id) == 0 && json_array_append(w->duties, it))
            rc = fw_error_set(w->err, FW_ERR_NOMEM, "out of memory");
    }
    json_decref(items);
    return rc;
}

static int profile_doc(void *arg, const fw_incident_row *row, const fw_doc *doc)
{
    profile_walk *w = arg;
    const fw_party *p = fw_doc_officer_linked(doc, w->id);
    if (!p)
        return 0;
    w->rc = add_incident(w, doc, row->version, p);
    return w->rc != FW_OK;
}

fw_rc fw_officer_profile(fw_store *s, const char *id, const fw_policy_set *set, double now,
                         const fw_duty_config *cfg, const fw_walk_opts *o, unsigned sections,
                         json_t **out, fw_error *err)
{
    profile_walk w;
    fw_doc *officer = NULL;
    fw_buf body;
    json_t *training = NULL, *tmap = NULL, *prof = NULL;
    fw_rc rc;

    *out = NULL;
    memset(&w, 0, sizeof w);
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    if ((rc = fw_officer_get(s, id, &officer, err)) != FW_OK)
        goto done;
    if (fw_store_get(s, FW_RECORD_TRAINING, id, 0, &body, NULL, NULL) == FW_OK)
        training = json_loadb(body.data, body.len, 0, NULL);
    tmap = json_object();
    w.s = s;
    w.id = officer->id;
    w.set = set;
    w.training = tmap;
    w.now = now;
    w.cfg = cfg;
    w.sections = sections;
    w.err = err;
    w.incidents = json_array();
    w.acts = json_array();
    w.findings = json_array();
    w.duties = json_array();
    if (!tmap || !w.incidents || !w.acts || !w.findings || !w.duties ||
        (training && json_object_set(tmap, id, training))) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    rc = fw_walk_incidents(s, o, false, profile_doc, &w, NULL, err);
    if (w.rc)
        rc = w.rc;
    if (rc)
        goto done;
    prof = json_pack("{s:O, s:O, s:O}", "officer", officer->root, "incidents", w.incidents,
                     "acts", w.acts);
    fw_agency_name_set(s, prof, officer->agency); /* the officer's agency, by name */
    if (prof && (((sections & FW_PROFILE_FINDINGS) &&
                  json_object_set(prof, "findings", w.findings)) ||
                 ((sections & FW_PROFILE_DUTIES) &&
                  (json_object_set(prof, "duties", w.duties) ||
                   json_object_set(prof, "training", training ? training : json_null()))))) {
        json_decref(prof);
        prof = NULL;
    }
    if (!prof)
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    *out = prof;
done:
    json_decref(w.incidents);
    json_decref(w.acts);
    json_decref(w.findings);
    json_decref(w.duties);
    json_decref(training);
    json_decref(tmap);
    fw_doc_free(officer);
    fw_buf_release(&body);
    return rc;
}
