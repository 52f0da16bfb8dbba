/*
** Duty items (see duties.h).  Each rule reads the incident's accounts as
** they stand, statements with the times the record log received them
** (given by the caller); times are seconds since the epoch, so deadlines can
** be tested with any clock.
*/
#include "workflow/duties.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "store/officers.h"
#include "workflow/cases.h"

#include "base/banned.h"

void fw_duty_config_default(fw_duty_config *c)
{
    c->statement_hours = 24;
    c->medical_aid_minutes = 10;
}

const char *const fw_duty_kinds[] = {"statement_overdue", "statement_late", "intervention",
                                     "medical_aid", "training_device", "training_crowd_control",
                                     "training_vehicle_stop", NULL};

/* Force kinds that need a device certification, and the course. */
static const struct {
    const char *kind, *course;
} certified[] = {
    {"ecd", "ecd"},
    {"oc_spray", "chemical_agents"},
    {"chemical_munition", "chemical_agents"},
    {"less_lethal_projectile", "less_lethal_launcher"},
    {"impact_weapon", "impact_weapon"},
    {"canine", "canine"},
    {"firearm_discharge", "firearm"},
};

const char *fw_duty_course_for(const char *force_kind)
{
    size_t i;
    for (i = 0; force_kind && i < sizeof certified / sizeof certified[0]; i++)
        if (strcmp(certified[i].kind, force_kind) == 0)
            return certified[i].course;
    return NULL;
}

static const char *str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The registry officer (store/officers.h) incident officer label is linked to, or "" (no
** training record, no registry item is keyed by ""). */
static const char *registry_of(const fw_doc *doc, const char *label)
{
    const char *r = label ? fw_doc_party_registry(fw_doc_party(doc, label)) : NULL;
    return r ? r : "";
}

static void add_item(json_t *items, const char *kind, const fw_doc *doc, const char *officer,
                     const char *detail)
{
    const char *reg = registry_of(doc, officer);
    json_array_append_new(items, json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "kind", kind,
                                           "incident", doc->id, "officer", officer, "registry",
                                           *reg ? reg : NULL, "detail", detail));
}

static void iso(double epoch, char *out, size_t n)
{
    fw_time_format_utc((time_t)epoch, out, n);
}

fw_statement_state fw_statement_judge(double due, double received, double filed_at, double now,
                                      bool *backdated)
{
    bool in_log = received >= 0 && received <= now;
    if (backdated)
        *backdated = in_log && filed_at >= 0 && filed_at < received - FW_BACKDATE_TOLERANCE;
    if (!in_log)
        return now > due ? FW_STATEMENT_OVERDUE : FW_STATEMENT_PENDING;
    return received > due ? FW_STATEMENT_LATE : FW_STATEMENT_ON_TIME;
}

/* When the statement acc was received: from the log's times, or (a document
** not stored) its filed_at, else the time of the incident.  -1: never. */
static double received_at(const fw_doc *doc, const fw_account *acc, const json_t *received,
                          double filed_at)
{
    const json_t *v;
    if (!received)
        return filed_at >= 0 ? filed_at : doc->occurred.epoch;
    v = acc->id ? json_object_get(received, acc->id) : NULL;
    return json_is_number(v) ? json_number_value(v) : -1;
}

/* Officers who must file a statement: everyone listed. */
static void statements(const fw_doc *doc, const json_t *received, double now,
                       const fw_duty_config *cfg, json_t *items)
{
    double due = doc->occurred.epoch + cfg->statement_hours * 3600;
    char due_s[32], got_s[32], detail[512];
    size_t p, a;

    iso(due, due_s, sizeof due_s);
    for (p = 0; p < doc->nparties; p++) {
        const fw_party *o = &doc->parties[p];
        const fw_account *acc = NULL;
        const char *at = NULL;
        double filed_at = -1, got = -1;
        fw_statement_state st;
        bool backdated;
        json_t *it;
        fw_time t;
        if (o->kind != FW_REF_OFFICER)
            continue;
        for (a = 0; a < doc->naccounts && !acc; a++) {
            const char *author = str(doc->accounts[a].obj, "author");
            if (author && strcmp(author, o->id) == 0)
                acc = &doc->accounts[a];
        }
        if (acc) {
            at = str(acc->obj, "filed_at");
            if (at && fw_time_parse(at, &t))
                filed_at = t.epoch;
            else
                at = NULL;
            got = received_at(doc, acc, received, filed_at);
        }
        st = fw_statement_judge(due, got, filed_at, now, &backdated);
        if (st == FW_STATEMENT_OVERDUE) {
            snprintf(detail, sizeof detail, "no statement filed; it was due %s", due_s);
            add_item(items, "statement_overdue", doc, o->id, detail);
            json_object_set_new(json_array_get(items, json_array_size(items) - 1), "due",
                                json_string(due_s));
        } else if (st == FW_STATEMENT_LATE) {
            iso(got, got_s, sizeof got_s);
            if (backdated)
                snprintf(detail, sizeof detail,
                         "statement received %s, after the deadline of %s; backdated: it says "
                         "it was filed %s", got_s, due_s, at);
            else
                snprintf(detail, sizeof detail,
                         "statement received %s, after the deadline of %s", got_s, due_s);
            add_item(items, "statement_late", doc, o->id, detail);
            it = json_array_get(items, json_array_size(items) - 1);
            json_object_set_new(it, "due", json_string(due_s));
            json_object_set_new(it, "received", json_string(got_s));
            json_object_set_new(it, "backdated", json_boolean(backdated));
            if (acc->id)
                json_object_set_new(it, "account", json_string(acc->id));
            if (at)
                json_object_set_new(it, "filed_at", json_string(at));
        }
    }
}

/* Officers present (not the one using force) with no intervene event in an
** account where that force was out of policy.  Acts other than force (items of rules
** 'on' other event types) do not count: the duty is to stop excessive force. */
static void interventions(const fw_doc *doc, const fw_review *reviews, size_t n, json_t *items)
{
    size_t r, i, p, e, k;
    char detail[512];

    for (r = 0; r < n; r++) {
        const fw_review *rv = &reviews[r];
        for (i = 0; i < rv->nitems; i++) {
            const fw_review_item *it = &rv->items[i];
            const fw_account *acc = &doc->accounts[it->account];
            const fw_event *force = &acc->events[it->event];
            const char *act = rv->acts[it->act].id;   /* the act all accounts of it share */
            json_t *added;
            fw_rule_info info;
            size_t rule;
            /* Only force: an act out of policy that is not force (a reach-in, a hostile
            ** command) is its actor's own finding, not force others had to stop. */
            if (!fw_review_item_is_force(rv, i) || fw_review_item_outcome(rv, i) != FW_OUT)
                continue;
            for (rule = 0; rule < fw_policy_nrules(rv->policy); rule++)
                if (it->results[rule].outcome == FW_OUT)
                    break;
            fw_policy_rule(rv->policy, rule, &info);
            for (p = 0; p < doc->nparties; p++) {
                const fw_party *o = &doc->parties[p];
                bool intervened = false;
                if (o->kind != FW_REF_OFFICER || (force->actor && strcmp(o->id, force->actor) == 0))
                    continue;
                for (e = 0; e < acc->nevents && !intervened; e++)
                    intervened = acc->events[e].type_name &&
                                 strcmp(acc->events[e].type_name, "intervene") == 0 &&
                                 acc->events[e].actor && strcmp(acc->events[e].actor, o->id) == 0;
                if (intervened)
                    continue;
                /* One item per officer and act, whatever the policy and however many
                ** accounts tell the act (each under its own key): force acts have the same
                ** ids under every policy. */
                for (k = 0; k < json_array_size(items); k++) {
                    const json_t *x = json_array_get(items, k);
                    if (strcmp(str(x, "kind"), "intervention") == 0 &&
                        strcmp(str(x, "officer"), o->id) == 0 && str(x, "act") &&
                        strcmp(str(x, "act"), act) == 0)
                        break;
                }
                if (k < json_array_size(items))
                    continue;
                snprintf(detail, sizeof detail,
                         "present when %s (%s) was out of policy under account %s (%s %s); no "
                         "intervene event", act, it->key, acc->id, fw_policy_fullname(rv->policy),
                         info.id);
                add_item(items, "intervention", doc, o->id, detail);
                added = json_array_get(items, json_array_size(items) - 1);
                json_object_set_new(added, "force", json_string(it->key));
                json_object_set_new(added, "act", json_string(act));
            }
        }
    }
}

/* An injury with no medical aid (requested or rendered) for that person in
** the same account within the configured time. */
static void medical_aid(const fw_doc *doc, const fw_duty_config *cfg, json_t *items)
{
    size_t a, e, k;
    char detail[256];
    for (a = 0; a < doc->naccounts; a++) {
        const fw_account *acc = &doc->accounts[a];
        for (e = 0; e < acc->nevents; e++) {
            const fw_event *inj = &acc->events[e];
            const char *person, *sev;
            double first_aid = -1;
            if (!inj->type_name || strcmp(inj->type_name, "injury") != 0)
                continue;
            person = str(inj->obj, "person");
            sev = str(inj->obj, "severity");
            if (!person || (sev && strcmp(sev, "none") == 0))
                continue;
            for (k = 0; k < acc->nevents; k++) {
                const fw_event *aid = &acc->events[k];
                const char *st = str(aid->obj, "status");
                if (aid->type_name && strcmp(aid->type_name, "medical_aid") == 0 &&
                    str(aid->obj, "person") && strcmp(str(aid->obj, "person"), person) == 0 &&
                    st && strcmp(st, "refused") != 0 && aid->t >= inj->t) {
                    first_aid = aid->t;
                    break;
                }
            }
            if (first_aid >= 0 && first_aid - inj->t <= cfg->medical_aid_minutes * 60)
                continue;
            if (first_aid < 0)
                snprintf(detail, sizeof detail,
                         "%s injured (%s) at t=%.0f s in account %s; no medical aid recorded",
                         person, sev ? sev : "?", inj->t, acc->id);
            else
                snprintf(detail, sizeof detail,
                         "%s injured (%s) at t=%.0f s in account %s; aid only %.0f min later",
                         person, sev ? sev : "?", inj->t, acc->id, (first_aid - inj->t) / 60);
            add_item(items, "medical_aid", doc, NULL, detail);
            json_object_set_new(json_array_get(items, json_array_size(items) - 1), "account",
                                json_string(acc->id));
        }
    }
}

/* ---- training ------------------------------------------------------------
** Every training check reads the course entry current at the date of the
** force (fw_training_on); an officer gets one item per course in an incident,
** however many force applications or accounts show the need. */

/* Days since 1970-01-01 of a training date (YYYY-MM-DD); false if it is not one. */
static bool day_of(const char *date, int64_t *day)
{
    fw_time t;
    if (!date || !fw_time_parse(date, &t) || t.has_time)
        return false;
    *day = (int64_t)floor(t.epoch / 86400);
    return true;
}

fw_training_state fw_training_on(const json_t *rec, const char *course, int64_t day,
                                 char *date, size_t n)
{
    const json_t *courses = json_object_get(rec, "courses");
    const char *expired = NULL, *later = NULL;
    int64_t expired_day = 0, later_day = 0, d1, d2;
    size_t i;

    if (date && n)
        date[0] = '\0';
    for (i = 0; course && i < json_array_size(courses); i++) {
        const json_t *c = json_array_get(courses, i);
        const char *name = str(c, "course"), *done = str(c, "completed"), *exp = str(c, "expires");
        bool has_exp;
        if (!name || strcmp(name, course) != 0 || !day_of(done, &d1))
            continue;
        has_exp = exp && day_of(exp, &d2);
        if (exp && !has_exp)
            continue; /* an expiry that cannot be read certifies nothing */
        if (d1 > day) {
            if (!later || d1 < later_day) {
                later = done;
                later_day = d1;
            }
        } else if (has_exp && d2 <= day) {
            if (!expired || d2 > expired_day) {
                expired = exp;
                expired_day = d2;
            }
        } else {
            return FW_TRAINING_CURRENT;
        }
    }
    if (expired || later) {
        if (date && n)
            snprintf(date, n, "%s", expired ? expired : later);
        return expired ? FW_TRAINING_EXPIRED : FW_TRAINING_COMPLETED_AFTER;
    }
    return FW_TRAINING_NONE;
}

const char *fw_training_state_name(fw_training_state st)
{
    switch (st) {
    case FW_TRAINING_CURRENT:
        return "current";
    case FW_TRAINING_EXPIRED:
        return "expired";
    case FW_TRAINING_COMPLETED_AFTER:
        return "completed_after";
    case FW_TRAINING_NONE:
        break;
    }
    return "none";
}

int64_t fw_force_day(const fw_doc *doc, double t)
{
    double local = doc->occurred.epoch + (t > 0 ? t : 0);
    if (doc->occurred.has_offset)
        local += doc->occurred.offset_min * 60.0;
    return (int64_t)floor(local / 86400);
}

/* Whether id is a vehicle of doc, or a subject in or driving one. */
static bool in_vehicle(const fw_doc *doc, const char *id)
{
    const fw_party *p = id ? fw_doc_party(doc, id) : NULL;
    const json_t *in;
    size_t i;
    if (!p)
        return false;
    if (p->kind == FW_REF_VEHICLE)
        return true;
    if (p->kind != FW_REF_SUBJECT)
        return false;
    in = json_object_get(p->obj, "in_vehicle");
    if (json_is_string(in))
        return true;
    for (i = 0; i < doc->nparties; i++) {
        const char *driver = doc->parties[i].kind == FW_REF_VEHICLE
                                 ? str(doc->parties[i].obj, "driver")
                                 : NULL;
        if (driver && strcmp(driver, id) == 0)
            return true;
    }
    return false;
}

bool fw_force_in_vehicle_encounter(const fw_doc *doc, const fw_account *acc,
                                   const fw_event *force)
{
    size_t e;
    if (doc->encounter && strcmp(doc->encounter, "vehicle_stop") == 0)
        return true;
    if (in_vehicle(doc, str(force->obj, "target")))
        return true;
    for (e = 0; force->actor && e < acc->nevents; e++) {
        const fw_event *r = &acc->events[e];
        if (r->type_name && strcmp(r->type_name, "reach_into_vehicle") == 0 && r->actor &&
            strcmp(r->actor, force->actor) == 0 && r->t <= force->t)
            return true;
    }
    return false;
}

/* The officer's training item for course, unless the officer already has one
** for this incident (kind, officer and course, among the items from first on,
** which are doc's) or is current on day. */
static void training_item(const fw_doc *doc, const json_t *training, json_t *items,
                          size_t first, const char *kind, const char *officer, const char *course,
                          int64_t day, const char *what)
{
    char date[32], detail[384], why[96];
    fw_training_state st;
    json_t *it;
    size_t k;

    for (k = first; k < json_array_size(items); k++) {
        const json_t *x = json_array_get(items, k);
        const char *o = str(x, "officer"), *c = str(x, "course");
        if (strcmp(str(x, "kind"), kind) == 0 && o && strcmp(o, officer) == 0 && c &&
            strcmp(c, course) == 0)
            return;
    }
    /* training belongs to the registry officer the label links to, never the label */
    st = fw_training_on(json_object_get(training, registry_of(doc, officer)), course, day, date,
                        sizeof date);
    if (st == FW_TRAINING_CURRENT)
        return;
    if (st == FW_TRAINING_EXPIRED)
        snprintf(why, sizeof why, "expired on %s", date);
    else if (st == FW_TRAINING_COMPLETED_AFTER)
        snprintf(why, sizeof why, "none then; completed %s, after the force", date);
    else
        snprintf(why, sizeof why, "none recorded");
    if (strcmp(kind, "training_device") == 0)
        snprintf(detail, sizeof detail, "%s without a current %s certification: %s", what,
                 course, why);
    else
        snprintf(detail, sizeof detail, "%s without current %s training: %s", what, course, why);
    add_item(items, kind, doc, officer, detail);
    it = json_array_get(items, json_array_size(items) - 1);
    json_object_set_new(it, "course", json_string(course));
    json_object_set_new(it, "training", json_string(fw_training_state_name(st)));
    if (st == FW_TRAINING_EXPIRED)
        json_object_set_new(it, "expired", json_string(date));
    else if (st == FW_TRAINING_COMPLETED_AFTER)
        json_object_set_new(it, "completed", json_string(date));
}

static void training_items(const fw_doc *doc, const json_t *training, json_t *items,
                           size_t first)
{
    size_t a, e, p;
    char what[160];
    bool crowd = doc->encounter && strcmp(doc->encounter, "crowd_control") == 0;

    for (a = 0; a < doc->naccounts; a++) {
        const fw_account *acc = &doc->accounts[a];
        for (e = 0; e < acc->nevents; e++) {
            const fw_event *f = &acc->events[e];
            const char *kind, *course;
            if (!f->type_name || strcmp(f->type_name, "force") != 0 || !f->actor)
                continue;
            kind = str(f->obj, "kind");
            if ((course = fw_duty_course_for(kind)) != NULL) {
                snprintf(what, sizeof what, "used %s", kind);
                training_item(doc, training, items, first, "training_device", f->actor, course,
                              fw_force_day(doc, f->t), what);
            }
            if (fw_force_in_vehicle_encounter(doc, acc, f)) {
                snprintf(what, sizeof what, "used force (%s) in a vehicle encounter",
                         kind ? kind : "?");
                training_item(doc, training, items, first, "training_vehicle_stop", f->actor,
                              "vehicle_stops", fw_force_day(doc, f->t), what);
            }
        }
    }
    if (!crowd)
        return;
    for (p = 0; p < doc->nparties; p++) {
        const fw_party *o = &doc->parties[p];
        if (o->kind != FW_REF_OFFICER)
            continue;
        training_item(doc, training, items, first, "training_crowd_control", o->id, "crowd_control",
                      fw_force_day(doc, 0), "deployed to crowd control");
    }
}

bool fw_duties_apply(const fw_doc *doc)
{
    /* The workflow's own rule: a public record raises no work (cases.h). */
    return fw_case_follows(doc);
}

fw_rc fw_duties(const fw_doc *doc, const json_t *received, const fw_review *reviews, size_t n,
                const json_t *training, double now, const fw_duty_config *cfg, json_t *items)
{
    fw_duty_config def;
    size_t first = json_array_size(items); /* the items before are other incidents' */
    if (doc->type != FW_RECORD_INCIDENT)
        return FW_ERR_USAGE;
    if (!fw_duties_apply(doc))
        return FW_OK;
    if (!cfg) {
        fw_duty_config_default(&def);
        cfg = &def;
    }
    statements(doc, received, now, cfg, items);
    interventions(doc, reviews, n, items);
    medical_aid(doc, cfg, items);
    training_items(doc, training, items, first);
    return FW_OK;
}

const char *const fw_training_courses[] = {
    "ecd", "chemical_agents", "less_lethal_launcher", "impact_weapon", "canine", "firearm",
    "crowd_control", "vehicle_stops", NULL};

bool fw_training_course_known(const char *course)
{
    size_t i;
    for (i = 0; course && fw_training_courses[i]; i++)
        if (strcmp(fw_training_courses[i], course) == 0)
            return true;
    return false;
}

const char *fw_training_agency(const json_t *rec)
{
    const char *a = str(rec, "agency");
    return a ? a : "";
}

fw_rc fw_training_add(fw_store *s, const char *officer, const char *course,
                      const char *completed, const char *expires, const char *actor,
                      fw_error *err)
{
    return fw_training_add_as(s, officer, NULL, NULL, NULL, course, completed, expires, actor,
                              err);
}

/*
** Training belongs to a registry officer (store/officers.h): officer must name
** one, of agency when the writer belongs to one (NULL or "": any agency).  The
** same words for an unknown officer and another agency's, so that a writer
** cannot probe other agencies' ids.  owner gets the officer's agency.
*/
static fw_rc training_owner(fw_store *s, const char *officer, const char *agency, char *owner,
                            size_t n, fw_error *err)
{
    fw_doc *o = NULL;
    fw_rc rc = FW_OK;

    if (fw_officer_get(s, officer, &o, NULL) != FW_OK ||
        (agency && *agency && strcmp(agency, o->agency) != 0))
        rc = fw_error_set(err, FW_ERR_NOTFOUND, "officer: '%s' is not a registry officer%s%s",
                          officer, agency && *agency ? " of agency " : "",
                          agency && *agency ? agency : "");
    else if ((size_t)snprintf(owner, n, "%s", o->agency) >= n)
        rc = fw_error_set(err, FW_ERR_INVALID, "officer: agency too long");
    fw_doc_free(o);
    return rc;
}

fw_rc fw_training_add_as(fw_store *s, const char *officer, const char *agency,
                         fw_agency_check_fn check, void *check_arg, const char *course,
                         const char *completed, const char *expires, const char *actor,
                         fw_error *err)
{
    char owner[128];
    fw_buf body;
    json_t *rec = NULL, *courses;
    fw_time t;
    size_t i;
    fw_rc rc;

    if (!completed || strlen(completed) != 10 || !fw_time_parse(completed, &t))
        return fw_error_set(err, FW_ERR_INVALID, "completed: expected a date YYYY-MM-DD");
    if (expires && (strlen(expires) != 10 || !fw_time_parse(expires, &t)))
        return fw_error_set(err, FW_ERR_INVALID, "expires: expected a date YYYY-MM-DD");
    if (expires && strcmp(expires, completed) < 0)
        return fw_error_set(err, FW_ERR_INVALID, "expires: %s is before the completion date %s",
                            expires, completed);
    if (!course || !*course || strlen(course) > 64)
        return fw_error_set(err, FW_ERR_INVALID, "course: 1 to 64 bytes");
    for (i = 0; course[i]; i++)
        if ((unsigned char)course[i] < 0x20 || course[i] == 0x7f)
            return fw_error_set(err, FW_ERR_INVALID, "course: a control character at byte %zu",
                                i + 1);
    if (fw_utf8_check(course, strlen(course)) < strlen(course))
        return fw_error_set(err, FW_ERR_INVALID, "course: not valid UTF-8");
    if (!fw_training_course_known(course)) {
        char known[256] = "";
        size_t used = 0;
        for (i = 0; fw_training_courses[i] && used < sizeof known; i++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                                     fw_training_courses[i]);
        return fw_error_set(err, FW_ERR_INVALID, "course: '%s' is not a known course (%s)",
                            course, known);
    }
    fw_buf_init(&body, 1 << 20);
    if ((rc = fw_store_begin(s, err)) != FW_OK)
        goto done;
    if ((rc = training_owner(s, officer, agency, owner, sizeof owner, err)) != FW_OK) {
        fw_store_rollback(s);
        goto done;
    }
    agency = owner;
    if (fw_store_get(s, FW_RECORD_TRAINING, officer, 0, &body, NULL, NULL) == FW_OK)
        rec = json_loadb(body.data, body.len, 0, NULL);
    if (check && (rc = check(check_arg, rec ? fw_training_agency(rec) : NULL)) != FW_OK) {
        fw_store_rollback(s);
        rc = fw_error_set(err, rc, "no training record for %s", officer);
        goto done;
    }
    if (!rec)
        rec = json_pack("{s:s, s:s?, s:[]}", "officer", officer, "agency",
                        agency && *agency ? agency : NULL, "courses");
    courses = json_object_get(rec, "courses");
    if (!rec || !json_is_array(courses) ||
        json_array_append_new(courses, json_pack("{s:s, s:s, s:s?}", "course", course,
                                                 "completed", completed, "expires", expires))) {
        fw_store_rollback(s);
        rc = fw_error_set(err, FW_ERR_NOMEM, "cannot build the training record of %s", officer);
        goto done;
    }
    if ((rc = fw_store_put_json(s, FW_RECORD_TRAINING, officer, rec, actor, NULL, err)) != FW_OK) {
        fw_store_rollback(s);
        goto done;
    }
    rc = fw_store_commit(s, err);
done:
    json_decref(rec);
    fw_buf_release(&body);
    return rc;
}

static int collect_training(void *arg, const fw_record_row *row)
{
    json_t *map = arg, *j;
    if (strcmp(row->type, "training") != 0)
        return 0;
    j = json_loadb(row->body, row->body_len, 0, NULL);
    if (j)
        json_object_set_new(map, row->id, j); /* later versions replace earlier ones */
    return 0;
}

fw_rc fw_training_all(fw_store *s, json_t **out, fw_error *err)
{
    json_t *map = json_object();
    fw_rc rc = fw_store_record_scan(s, collect_training, map, err);
    if (rc) {
        json_decref(map);
        map = NULL;
    }
    *out = map;
    return rc;
}
