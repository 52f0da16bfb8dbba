/*
** Case workflow (see cases.h): a small state table of moves and the roles
** reserved each, checked on every move with the separation of duties
** between investigation and board review; assignments, reopenings, the
** consequences a closing records, the review queue and how often a finding
** ends with no action.
*/
#include "workflow/cases.h"

#include <string.h>
#include <time.h>

#include "base/timeutil.h"
#include "base/str.h"
#include "store/agency.h"

#include "base/banned.h"

const fw_case_move fw_case_moves[] = {
    {"reported", "supervisor_review", {"supervisor", "admin"}},
    {"supervisor_review", "investigation", {"supervisor", "admin"}},
    {"supervisor_review", "closed", {"supervisor", "admin"}},
    {"investigation", "board_review", {"investigator", "admin"}},
    {"board_review", "investigation", {"board", "admin"}},
    {"board_review", "closed", {"board", "admin"}},
    {"closed", "investigation", {"board", "admin"}},
    {NULL, NULL, {NULL}},
};

const char *const fw_case_assigners[] = {"supervisor", "admin", NULL};
#define NMOVES (sizeof fw_case_moves / sizeof fw_case_moves[0] - 1)

const char *const fw_case_states[] = {"reported", "supervisor_review", "investigation",
                                      "board_review", "closed", NULL};

/* Days a case may stay in each open state (cases.h). */
static const struct {
    const char *state;
    int days;
} allowed_days[] = {
    {"reported", 3},
    {"supervisor_review", 14},
    {"investigation", 90},
    {"board_review", 30},
};

bool fw_case_follows(const fw_doc *doc)
{
    return strcmp(doc->provenance, "workflow") == 0 ||
           strcmp(doc->provenance, "investigation") == 0;
}

bool fw_case_mandatory(const fw_doc *doc)
{
    size_t a, e;
    for (a = 0; a < doc->naccounts; a++) {
        for (e = 0; e < doc->accounts[a].nevents; e++) {
            const fw_event *ev = &doc->accounts[a].events[e];
            const char *k = json_string_value(json_object_get(ev->obj, "kind"));
            const char *sev = json_string_value(json_object_get(ev->obj, "severity"));
            const char *target = json_string_value(json_object_get(ev->obj, "target"));
            const fw_party *p = target ? fw_doc_party(doc, target) : NULL;
            if (!ev->type_name)
                continue;
            if (strcmp(ev->type_name, "injury") == 0 && sev &&
                (strcmp(sev, "fatal") == 0 || strcmp(sev, "serious") == 0))
                return true;
            /* At or toward a person: a subject, or a vehicle (its occupants). */
            if (strcmp(ev->type_name, "force") == 0 && k && strcmp(k, "firearm_discharge") == 0 &&
                (!p || p->kind != FW_REF_OFFICER))
                return true;
        }
    }
    return false;
}

fw_rc fw_case_get(fw_store *s, const fw_doc *doc, json_t **out, fw_error *err)
{
    fw_buf body;
    fw_rc rc;

    fw_buf_init(&body, 1 << 20);
    rc = fw_store_get(s, FW_RECORD_CASE, doc->id, 0, &body, NULL, err);
    if (rc == FW_OK) {
        *out = json_loadb(body.data, body.len, 0, NULL);
        rc = *out ? FW_OK : fw_error_set(err, FW_ERR_STORE, "case %s is not JSON", doc->id);
    } else if (rc == FW_ERR_NOTFOUND) {
        fw_error_clear(err);
        *out = json_pack("{s:s, s:s, s:b, s:[]}", "incident", doc->id, "state", "reported",
                         "mandatory_review", fw_case_mandatory(doc), "transitions");
        rc = *out ? FW_OK : FW_ERR_NOMEM;
        /* A public record opens no case until someone moves it. */
        if (*out && !fw_case_follows(doc))
            json_object_set_new(*out, "opened", json_false());
    }
    fw_buf_release(&body);
    return rc;
}

/* Whether role is one of the NULL-terminated roles. */
static bool role_in(const char *const *roles, const char *role)
{
    size_t i;
    for (i = 0; role && roles[i]; i++)
        if (strcmp(roles[i], role) == 0)
            return true;
    return false;
}

static const fw_case_move *move_find(const char *from, const char *to)
{
    size_t i;
    for (i = 0; i < NMOVES; i++)
        if (strcmp(fw_case_moves[i].from, from) == 0 && strcmp(fw_case_moves[i].to, to) == 0)
            return &fw_case_moves[i];
    return NULL;
}

bool fw_case_move_allowed(const char *from, const char *to, const char *role)
{
    const fw_case_move *m = from && to ? move_find(from, to) : NULL;
    return m && role_in(m->roles, role);
}

/* Roles joined by " or ", for messages. */
static void roles_text(const char *const *roles, char *out, size_t outlen)
{
    size_t i, len = 0;
    out[0] = '\0';
    for (i = 0; roles[i] && len < outlen; i++) {
        if (fw_snprintf(out + len, outlen - len, "%s%s", i ? " or " : "", roles[i]) != FW_OK)
            return;
        len += strlen(out + len);
    }
}

/* Text a person wrote (a reason, a note): 1 to max bytes, no control
** characters but tab and newline. */
static fw_rc text_check(const char *what, const char *t, size_t max, fw_error *err)
{
    size_t i, n = t ? strlen(t) : 0;
    if (n == 0)
        return fw_error_set(err, FW_ERR_INVALID, "%s: must not be empty", what);
    if (n > max)
        return fw_error_set(err, FW_ERR_INVALID, "%s: at most %zu bytes, not %zu", what, max, n);
    for (i = 0; i < n; i++)
        if (((unsigned char)t[i] < 0x20 && t[i] != '\t' && t[i] != '\n') || t[i] == 0x7f)
            return fw_error_set(err, FW_ERR_INVALID, "%s: no control characters", what);
    return FW_OK;
}

bool fw_case_investigated_by(const json_t *c, const char *name)
{
    const json_t *moves_made = json_object_get(c, "transitions");
    size_t i;
    const char *a = json_string_value(json_object_get(c, "assignee"));

    if (!name)
        return false;
    if (a && strcmp(a, name) == 0)
        return true;
    for (i = 0; i < json_array_size(moves_made); i++) {
        const json_t *t = json_array_get(moves_made, i);
        const char *from = json_string_value(json_object_get(t, "from"));
        const char *by = json_string_value(json_object_get(t, "by"));
        const char *assigned = json_string_value(json_object_get(t, "assigned"));
        if (assigned && strcmp(assigned, name) == 0)
            return true;
        if (!assigned && from && by && strcmp(from, "investigation") == 0 &&
            strcmp(by, name) == 0)
            return true;
    }
    return false;
}

/* Whether officer applied force in doc. */
static bool applied_force(const fw_doc *doc, const char *officer)
{
    size_t a, e;
    for (a = 0; a < doc->naccounts; a++)
        for (e = 0; e < doc->accounts[a].nevents; e++) {
            const fw_event *ev = &doc->accounts[a].events[e];
            const char *actor = json_string_value(json_object_get(ev->obj, "actor"));
            if (ev->type_name && strcmp(ev->type_name, "force") == 0 && actor &&
                strcmp(actor, officer) == 0)
                return true;
        }
    return false;
}

fw_rc fw_case_consequences_check(const fw_doc *doc, const char *finding, const json_t *list,
                                 fw_error *err)
{
    static const char *const members[] = {"officer", "for", "action"};
    bool oop = finding && strcmp(finding, "out_of_policy") == 0, force_listed = false;
    size_t i, j, k, n;

    if (list && !json_is_array(list))
        return fw_error_set(err, FW_ERR_INVALID,
                            "consequences: expected a list of {officer, for, action}");
    n = json_array_size(list);
    if (n > FW_CASE_MAX_CONSEQUENCES)
        return fw_error_set(err, FW_ERR_INVALID, "consequences: at most %d entries, not %zu",
                            FW_CASE_MAX_CONSEQUENCES, n);
    for (i = 0; i < n; i++) {
        const json_t *e = json_array_get(list, i);
        const char *v[3];
        const fw_party *p;
        if (!json_is_object(e) || json_object_size(e) != 3)
            return fw_error_set(err, FW_ERR_INVALID,
                                "consequences[%zu]: expected exactly officer, for and action", i);
        for (k = 0; k < 3; k++)
            if (!(v[k] = json_string_value(json_object_get(e, members[k]))))
                return fw_error_set(err, FW_ERR_INVALID, "consequences[%zu].%s: expected a string",
                                    i, members[k]);
        p = fw_doc_party(doc, v[0]);
        if (!p || p->kind != FW_REF_OFFICER)
            return fw_error_set(err, FW_ERR_INVALID,
                                "consequences[%zu].officer: '%.64s' is not an officer of incident "
                                "%s", i, v[0], doc->id);
        if (!fw_vocab_has(fw_case_consequence_kinds, v[1]))
            return fw_error_set(err, FW_ERR_INVALID,
                                "consequences[%zu].for: expected force, failure_to_intervene or "
                                "failure_to_report, not '%.64s'", i, v[1]);
        if (!fw_vocab_has(fw_case_actions, v[2]))
            return fw_error_set(err, FW_ERR_INVALID,
                                "consequences[%zu].action: expected none, counselling, retraining, "
                                "suspension, termination or referral_for_prosecution, not '%.64s'",
                                i, v[2]);
        if (strcmp(v[1], "force") == 0) {
            if (!applied_force(doc, v[0]))
                return fw_error_set(err, FW_ERR_INVALID,
                                    "consequences[%zu].for: officer %s applied no force in "
                                    "incident %s", i, v[0], doc->id);
            force_listed = true;
        }
        for (j = 0; j < i; j++) {
            const json_t *o = json_array_get(list, j);
            if (strcmp(json_string_value(json_object_get(o, "officer")), v[0]) == 0 &&
                strcmp(json_string_value(json_object_get(o, "for")), v[1]) == 0)
                return fw_error_set(err, FW_ERR_INVALID,
                                    "consequences[%zu]: officer %s is listed twice for %s", i,
                                    v[0], v[1]);
        }
    }
    if (oop && !force_listed)
        return fw_error_set(err, FW_ERR_INVALID,
                            "consequences: closing out_of_policy needs at least one force entry: "
                            "an officer whose force was out of policy and the action taken "
                            "(\"none\" if none)");
    return FW_OK;
}

/* The consequences (checked) as stored: a copy, each entry with "registry",
** the registry officer its incident label is linked to, when it is.  NULL if
** out of memory. */
static json_t *consequences_stored(const fw_doc *doc, const json_t *list)
{
    json_t *out = list ? json_deep_copy(list) : json_array(), *e;
    size_t i;
    json_array_foreach(out, i, e) {
        const char *label = json_string_value(json_object_get(e, "officer"));
        const char *r = label ? fw_doc_party_registry(fw_doc_party(doc, label)) : NULL;
        if (r && json_object_set_new(e, "registry", json_string(r))) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* Load the case of doc for a write inside a transaction, opened. */
static fw_rc case_for_write(fw_store *s, const fw_doc *doc, json_t **c, fw_error *err)
{
    fw_rc rc;
    if ((rc = fw_store_begin(s, err)) != FW_OK)
        return rc;
    if ((rc = fw_case_get(s, doc, c, err)) != FW_OK) {
        fw_store_rollback(s);
        return rc;
    }
    json_object_del(*c, "opened");
    return FW_OK;
}

/* Store case c of doc as a new version by who and commit; *out takes c. */
static fw_rc case_store(fw_store *s, const fw_doc *doc, json_t *c, const char *who, json_t **out,
                        fw_error *err)
{
    fw_rc rc;
    json_object_set_new(c, "mandatory_review", json_boolean(fw_case_mandatory(doc)));
    if (doc->agency)
        json_object_set_new(c, "agency", json_string(doc->agency));
    if ((rc = fw_store_put_json(s, FW_RECORD_CASE, doc->id, c, who, NULL, err)) != FW_OK) {
        fw_store_rollback(s);
        json_decref(c);
        return rc;
    }
    if ((rc = fw_store_commit(s, err)) != FW_OK) {
        json_decref(c);
        return rc;
    }
    *out = c;
    return FW_OK;
}

fw_rc fw_case_transition(fw_store *s, const fw_doc *doc, const fw_case_request *req,
                         const fw_case_actor *who, double now, json_t **out, fw_error *err)
{
    json_t *c = NULL, *t;
    const char *from, *to = req->to, *finding = req->finding;
    const fw_case_move *m;
    char allowed[256] = "", roles[64], at[32];
    size_t i, len = 0;
    bool closing, reopening;
    fw_rc rc;

    *out = NULL;
    if (!to)
        return fw_error_set(err, FW_ERR_INVALID, "to: the state to move to is required");
    if ((rc = case_for_write(s, doc, &c, err)) != FW_OK)
        return rc;
    from = json_string_value(json_object_get(c, "state"));
    for (i = 0; i < NMOVES; i++) {
        if (strcmp(fw_case_moves[i].from, from) != 0)
            continue;
        if (fw_snprintf(allowed + len, sizeof allowed - len, "%s%s", len ? ", " : "",
                        fw_case_moves[i].to) != FW_OK) {
            rc = fw_error_set(err, FW_ERR_INTERNAL, "the allowed moves do not fit their buffer");
            goto fail;
        }
        len += strlen(allowed + len);
    }
    if (!(m = move_find(from, to))) {
        rc = fw_error_set(err, FW_ERR_INVALID, "to: cannot move case %s from %s to %s (allowed: %s)",
                          doc->id, from, to, len ? allowed : "none");
        goto fail;
    }
    if (!role_in(m->roles, who->role)) {
        roles_text(m->roles, roles, sizeof roles);
        rc = fw_error_set(err, FW_ERR_DENIED,
                          "role: moving a case from %s to %s is reserved for %s, not %s", from, to,
                          roles, who->role ? who->role : "no role");
        goto fail;
    }
    if (strcmp(from, "board_review") == 0 && fw_case_investigated_by(c, who->name)) {
        rc = fw_error_set(err, FW_ERR_DENIED,
                          "by: %s investigated case %s and cannot also make its board review move "
                          "(rule: separation of duties)", who->name, doc->id);
        goto fail;
    }
    closing = strcmp(to, "closed") == 0;
    reopening = strcmp(from, "closed") == 0;
    if (closing) {
        if (!fw_vocab_has(fw_case_findings, finding)) {
            rc = fw_error_set(err, FW_ERR_INVALID,
                              "finding: closing needs one of within_policy, out_of_policy, "
                              "not_sustained, exonerated, unfounded");
            goto fail;
        }
        if (strcmp(from, "supervisor_review") == 0 && fw_case_mandatory(doc)) {
            rc = fw_error_set(err, FW_ERR_INVALID,
                              "to: case %s needs investigation and board review: a death, serious "
                              "bodily injury or firearm discharge at a person", doc->id);
            goto fail;
        }
        if ((rc = fw_case_consequences_check(doc, finding, req->consequences, err)) != FW_OK)
            goto fail;
    } else if (finding) {
        rc = fw_error_set(err, FW_ERR_INVALID, "finding: only closing a case records a finding");
        goto fail;
    } else if (req->consequences) {
        rc = fw_error_set(err, FW_ERR_INVALID,
                          "consequences: only closing a case records consequences");
        goto fail;
    }
    if (reopening && (rc = text_check("reason", req->reason, FW_CASE_REASON_MAX, err)) != FW_OK)
        goto fail;
    if (!reopening && req->reason) {
        rc = fw_error_set(err, FW_ERR_INVALID, "reason: only reopening a closed case takes a reason");
        goto fail;
    }
    if (req->note && (rc = text_check("note", req->note, FW_CASE_REASON_MAX, err)) != FW_OK)
        goto fail;
    fw_time_format_utc((time_t)now, at, sizeof at);
    t = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "from", from, "to", to, "by",
                  who->name, "at", at, "role", who->role, "finding", finding, "note", req->note,
                  "reason", req->reason);
    if (!t || json_array_append_new(json_object_get(c, "transitions"), t)) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* A closing without its consequences would later count as no action: fail instead. */
    if (closing && json_object_set_new(t, "consequences",
                                       consequences_stored(doc, req->consequences))) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (json_object_set_new(c, "state", json_string(to)) ||
        (closing && (json_object_set_new(c, "finding", json_string(finding)) ||
                     json_object_set_new(c, "reviewer", json_string(who->name)) ||
                     json_object_set(c, "consequences", json_object_get(t, "consequences"))))) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (reopening) {
        json_object_del(c, "finding");
        json_object_del(c, "reviewer");
        json_object_del(c, "consequences");
    }
    rc = case_store(s, doc, c, who->name, out, err);
    return rc;
fail:
    fw_store_rollback(s);
    json_decref(c);
    return rc;
}

fw_rc fw_case_assign(fw_store *s, const fw_doc *doc, const fw_case_assignee *assignee,
                     const fw_case_actor *who, double now, json_t **out, fw_error *err)
{
    json_t *c = NULL, *t;
    const char *state, *investigator = assignee ? assignee->name : NULL;
    char roles[64], at[32];
    size_t i, n = investigator ? strlen(investigator) : 0;
    fw_rc rc;

    *out = NULL;
    if (n == 0 || n > FW_CASE_NAME_MAX)
        return fw_error_set(err, FW_ERR_INVALID, "assignee: expected a user name of 1 to %d bytes",
                            FW_CASE_NAME_MAX);
    for (i = 0; i < n; i++)
        if ((unsigned char)investigator[i] <= 0x20 || investigator[i] == 0x7f)
            return fw_error_set(err, FW_ERR_INVALID,
                                "assignee: no spaces or control characters in a user name");
    if (!role_in(fw_case_assigners, who->role)) {
        roles_text(fw_case_assigners, roles, sizeof roles);
        return fw_error_set(err, FW_ERR_DENIED,
                            "role: assigning an investigator is reserved for %s, not %s", roles,
                            who->role ? who->role : "no role");
    }
    if (!assignee->role || strcmp(assignee->role, FW_CASE_ASSIGNEE_ROLE) != 0)
        return fw_error_set(err, FW_ERR_INVALID, "assignee: %s is not an active %s", investigator,
                            FW_CASE_ASSIGNEE_ROLE);
    /* One who could only see the incident could never move the case. */
    if (!assignee->may_write || !assignee->may_write(assignee->user, doc))
        return fw_error_set(err, FW_ERR_INVALID, "assignee: %s may not write incident %s",
                            investigator, doc->id);
    if ((rc = case_for_write(s, doc, &c, err)) != FW_OK)
        return rc;
    state = json_string_value(json_object_get(c, "state"));
    if (strcmp(state, "closed") == 0) {
        rc = fw_error_set(err, FW_ERR_INVALID,
                          "assignee: case %s is closed: reopen it before assigning it", doc->id);
        goto fail;
    }
    fw_time_format_utc((time_t)now, at, sizeof at);
    t = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "from", state, "to", state, "assigned",
                  investigator, "by", who->name, "at", at, "role", who->role);
    if (!t || json_array_append_new(json_object_get(c, "transitions"), t)) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    json_object_set_new(c, "assignee", json_string(investigator));
    json_object_set_new(c, "assigned_at", json_string(at));
    return case_store(s, doc, c, who->name, out, err);
fail:
    fw_store_rollback(s);
    json_decref(c);
    return rc;
}

int fw_case_days(const char *state)
{
    size_t i;
    for (i = 0; i < sizeof allowed_days / sizeof allowed_days[0]; i++)
        if (strcmp(allowed_days[i].state, state) == 0)
            return allowed_days[i].days;
    return -1;
}

bool fw_case_state_known(const char *state)
{
    size_t i;
    for (i = 0; fw_case_states[i]; i++)
        if (strcmp(fw_case_states[i], state) == 0)
            return true;
    return false;
}

bool fw_case_due(const json_t *c, const char *occurred_at, double *due)
{
    const char *state = json_string_value(json_object_get(c, "state"));
    const json_t *moves_made = json_object_get(c, "transitions");
    const char *since = occurred_at;
    fw_time t;
    size_t i;

    if (!state)
        return false;
    for (i = json_array_size(moves_made); i-- > 0;) {
        const json_t *move = json_array_get(moves_made, i);
        if (json_object_get(move, "assigned"))
            continue; /* an assignment does not restart the clock */
        since = json_string_value(json_object_get(move, "at"));
        break;
    }
    for (i = 0; i < sizeof allowed_days / sizeof allowed_days[0]; i++)
        if (strcmp(allowed_days[i].state, state) == 0)
            break;
    if (i == sizeof allowed_days / sizeof allowed_days[0] || !since || !fw_time_parse(since, &t))
        return false;
    /* A bare local date or time counts as UTC: a deadline a few hours off is
    ** still the right day's. */
    *due = t.epoch + allowed_days[i].days * 86400.0;
    return true;
}

bool fw_case_annotate(json_t *c, const char *occurred_at, double now)
{
    double due;
    char at[32];
    if (!fw_case_due(c, occurred_at, &due))
        return true;
    fw_time_format_utc((time_t)due, at, sizeof at);
    return json_object_set_new(c, "due", json_string(at)) == 0 &&
           json_object_set_new(c, "overdue", json_boolean(due < now)) == 0;
}

/* The review queue's walk over the incident listing. */
typedef struct queue_walk {
    fw_store *s;
    const fw_case_queue_opts *o;
    json_t *items;
    bool more;
    fw_buf body;
    fw_rc rc;
    fw_error *err;
} queue_walk;

static int queue_row(void *arg, const fw_incident_row *row)
{
    queue_walk *w = arg;
    const fw_case_queue_opts *o = w->o;
    json_t *c = NULL;
    fw_doc *doc = NULL;
    fw_diag diag;
    fw_error err;
    const char *state, *assignee;
    bool keep;

    fw_buf_reset(&w->body);
    fw_diag_init(&diag, 2);
    if (fw_store_get(w->s, FW_RECORD_CASE, row->id, 0, &w->body, NULL, NULL) == FW_OK) {
        c = json_loadb(w->body.data, w->body.len, 0, NULL);
    } else if (!o->assignee && (!o->state || strcmp(o->state, "reported") == 0)) {
        /* No move yet: "reported", and whether review is mandatory needs the incident. */
        if (fw_store_get(w->s, FW_RECORD_INCIDENT, row->id, row->version, &w->body, NULL,
                         NULL) == FW_OK &&
            fw_doc_parse(w->body.data, w->body.len, NULL, &doc, &diag) == FW_OK)
            fw_case_get(w->s, doc, &c, &err);
    }
    state = json_string_value(json_object_get(c, "state"));
    assignee = json_string_value(json_object_get(c, "assignee"));
    if (json_is_false(json_object_get(c, "opened")))
        state = NULL; /* a public record nobody has taken up: not in the queue */
    keep = state && (!o->state || strcmp(state, o->state) == 0) &&
           (!o->assignee || (assignee && strcmp(assignee, o->assignee) == 0));
    if (keep) {
        json_object_set_new(c, "agency", json_string(row->agency));
        fw_agency_name_set(w->s, c, row->agency);
        json_object_set_new(c, "occurred_at", json_string(row->occurred_at));
        json_object_set_new(c, "force_kinds", json_string(row->force_kinds));
        if (!fw_case_annotate(c, row->occurred_at, o->now)) {
            w->rc = fw_error_set(w->err, FW_ERR_NOMEM, "out of memory");
            keep = false;
        }
        if (o->overdue && !json_is_true(json_object_get(c, "overdue")))
            keep = false;
    }
    if (keep) {
        if ((long)json_array_size(w->items) == o->limit)
            w->more = true;
        else
            json_array_append(w->items, c);
    }
    json_decref(c);
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return w->more || w->rc ? 1 : 0;
}

fw_rc fw_case_queue(fw_store *s, const fw_case_queue_opts *o, json_t *items, bool *more,
                    fw_error *err)
{
    fw_list_filter f;
    queue_walk w;
    fw_rc rc;

    memset(&f, 0, sizeof f);
    memset(&w, 0, sizeof w);
    *more = false;
    if (o->state && !fw_case_state_known(o->state))
        return fw_error_set(err, FW_ERR_INVALID, "state: unknown case state '%.64s'", o->state);
    if (o->limit < 1)
        return fw_error_set(err, FW_ERR_INVALID, "limit: expected at least 1");
    f.agency = o->agency;
    w.s = s;
    w.o = o;
    w.items = items;
    w.err = err;
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    rc = fw_store_list(s, &f, queue_row, &w, err);
    if (!rc)
        rc = w.rc;
    *more = w.more;
    fw_buf_release(&w.body);
    return rc;
}

/* The outcome count's walk over stored cases. */
typedef struct outcome_walk {
    fw_store *s;
    const char *agency;
    fw_case_outcomes *out;
    fw_buf body;
    fw_rc rc;
    fw_error *err;
} outcome_walk;

/* Whether the incident of case id belongs to agency now: its latest version's
** agency, as the queue scopes (the agency a case recorded at its last move may
** since have changed). */
static bool case_of_agency(outcome_walk *w, const char *id)
{
    json_t *incident;
    const char *a;
    bool yes = false;
    fw_buf_reset(&w->body);
    if (fw_store_get(w->s, FW_RECORD_INCIDENT, id, 0, &w->body, NULL, NULL) != FW_OK)
        return false;
    incident = json_loadb(w->body.data, w->body.len, 0, NULL);
    a = json_string_value(json_object_get(incident, "agency"));
    yes = a && strcmp(a, w->agency) == 0;
    json_decref(incident);
    return yes;
}

static int outcome_row(void *arg, const fw_record_row *row)
{
    outcome_walk *w = arg;
    fw_case_outcomes *o = w->out;
    json_t *c = json_loadb(row->body, row->body_len, 0, NULL);
    const json_t *list;
    const char *state, *finding;
    bool oop, none = false, forced = false;
    size_t i;

    if (!c) {
        w->rc = fw_error_set(w->err, FW_ERR_STORE, "case %s does not parse", row->id);
        return 1;
    }
    state = json_string_value(json_object_get(c, "state"));
    finding = json_string_value(json_object_get(c, "finding"));
    list = json_object_get(c, "consequences");
    if (!state || strcmp(state, "closed") != 0 || (w->agency && !case_of_agency(w, row->id))) {
        json_decref(c);
        return 0;
    }
    o->closed++;
    oop = finding && strcmp(finding, "out_of_policy") == 0;
    for (i = 0; i < json_array_size(list); i++) {
        const json_t *e = json_array_get(list, i);
        const char *kind = json_string_value(json_object_get(e, "for"));
        const char *action = json_string_value(json_object_get(e, "action"));
        bool no_action = !action || strcmp(action, "none") == 0;
        if (!kind)
            continue;
        if (strcmp(kind, "force") == 0) {
            if (!oop)
                continue;
            forced = true;
            o->officers_out_of_policy++;
            if (no_action) {
                o->officers_no_action++;
                none = true;
            }
        } else {
            o->duty_failures++;
            o->duty_failures_no_action += no_action;
        }
    }
    if (oop) {
        o->out_of_policy++;
        /* Closed before consequences were recorded: no action on record. */
        o->out_of_policy_no_action += none || !forced;
    }
    json_decref(c);
    return 0;
}

fw_rc fw_case_outcomes_count(fw_store *s, const char *agency, fw_case_outcomes *out,
                             fw_error *err)
{
    outcome_walk w;
    fw_rc rc;

    memset(out, 0, sizeof *out);
    memset(&w, 0, sizeof w);
    w.s = s;
    w.agency = agency;
    w.out = out;
    w.err = err;
    fw_buf_init(&w.body, 1 << 20);
    if ((rc = fw_store_begin_read(s, err)) == FW_OK) {
        rc = fw_store_latest_scan(s, FW_RECORD_CASE, outcome_row, &w, err);
        fw_store_end_read(s);
    }
    if (!rc)
        rc = w.rc;
    fw_buf_release(&w.body);
    return rc;
}

json_t *fw_case_outcomes_json(const fw_case_outcomes *o)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "closed", (json_int_t)o->closed,
                     "out_of_policy", (json_int_t)o->out_of_policy, "out_of_policy_no_action",
                     (json_int_t)o->out_of_policy_no_action, "officers_out_of_policy",
                     (json_int_t)o->officers_out_of_policy, "officers_no_action",
                     (json_int_t)o->officers_no_action, "duty_failures",
                     (json_int_t)o->duty_failures, "duty_failures_no_action",
                     (json_int_t)o->duty_failures_no_action);
}
