/*
** API handlers for the workflow: review cases and their transitions, the
** review queue, duties and officers' training.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "api_int.h"
#include "policy/policyset.h"
#include "workflow/cases.h"
#include "workflow/duties.h"
#include "workflow/walk.h"
#include "base/banned.h"

void api_get_case(request *r)
{
    fw_store *st = r->store;
    fw_doc *doc = load_doc(r, st, r->params[0]);
    json_t *c = NULL;
    fw_error err;
    if (doc && fw_case_get(st, doc, &c, &err) == FW_OK) {
        if (fw_case_annotate(c, doc->occurred_at, server_now(r))) {
            reply_json(r, 200, c);
        } else {
            json_decref(c);
            reply_error(r, 503, "busy", NULL, "out of memory");
        }
    } else if (doc) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    }
    fw_doc_free(doc);
}

/* A case write's error: a rule's refusal 403 (the role, or separation of
** duties), an illegal move or a missing part 409, naming the member. */
static void reply_case_error(request *r, const fw_error *err)
{
    static const char *const fields[] = {"to", "finding", "consequences", "reason", "note",
                                         "assignee", "role", "by", NULL};
    char field[32];
    size_t i;
    snprintf(field, sizeof field, "%.*s", (int)strcspn(err->msg, ":[."), err->msg);
    for (i = 0; fields[i] && strcmp(fields[i], field) != 0; i++)
        ;
    if (err->rc == FW_ERR_DENIED)
        reply_error(r, 403, strcmp(field, "by") == 0 ? "separation_of_duties" : "role", field,
                    "%s", err->msg);
    else if (err->rc == FW_ERR_INVALID)
        reply_error(r, 409, "illegal_transition", fields[i] ? fields[i] : "to", "%s", err->msg);
    else
        reply_error(r, 503, "store", NULL, "%s", err->msg);
}

void api_move_case(request *r)
{
    static const char *const allowed[] = {"to", "finding", "note", "reason", "consequences", NULL};
    json_t *j = body_json(r), *c = NULL;
    fw_case_request req = {NULL, NULL, NULL, NULL, NULL};
    fw_case_actor who = {API_ACTOR, fw_role_name(r->user.role)};
    fw_store *st;
    fw_doc *doc;
    fw_error err;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(req.to = member(r, j, "to", true))) {
        json_decref(j);
        return;
    }
    req.finding = member(r, j, "finding", false);
    req.note = member(r, j, "note", false);
    /* A reason is bounded by the library (FW_CASE_REASON_MAX), not by member's 256. */
    if (json_object_get(j, "reason") && !(req.reason = json_string_value(json_object_get(j, "reason"))))
        reply_error(r, 400, "invalid", "reason", "expected a string");
    req.consequences = json_object_get(j, "consequences");
    if (r->status) {
        json_decref(j);
        return;
    }
    st = r->store;
    doc = load_doc_writable(r, st, r->params[0]);
    if (doc) {
        if (fw_case_transition(st, doc, &req, &who, server_now(r), &c, &err) != FW_OK)
            reply_case_error(r, &err);
        else if (!fw_case_annotate(c, doc->occurred_at, server_now(r))) {
            json_decref(c);
            reply_error(r, 503, "busy", NULL, "out of memory");
        } else
            reply_json(r, 200, c);
    }
    fw_doc_free(doc);
    json_decref(j);
}

/* Whether user (a const fw_user) may write doc: the assignee rule of fw_case_assign. */
static bool user_writes(const void *user, const fw_doc *doc)
{
    return fw_authz_may_write(user, doc);
}

void api_assign_case(request *r)
{
    static const char *const allowed[] = {"assignee", NULL};
    json_t *j = body_json(r), *c = NULL;
    fw_case_actor who = {API_ACTOR, fw_role_name(r->user.role)};
    const char *name;
    fw_store *st;
    fw_doc *doc;
    fw_user u;
    fw_error err;
    bool found;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(name = member(r, j, "assignee", true)) || r->status) {
        json_decref(j);
        return;
    }
    st = r->store;
    doc = load_doc_writable(r, st, r->params[0]);
    if (doc) {
        /* The library checks the role and that the assignee may write the incident. */
        found = strlen(name) <= FW_CASE_NAME_MAX && fw_user_get(st, name, &u, &err) == FW_OK &&
                u.active;
        fw_case_assignee a = {name, found ? fw_role_name(u.role) : NULL, user_writes, &u};
        if (fw_case_assign(st, doc, &a, &who, server_now(r), &c, &err) != FW_OK)
            reply_case_error(r, &err);
        else if (!fw_case_annotate(c, doc->occurred_at, server_now(r))) {
            json_decref(c);
            reply_error(r, 503, "busy", NULL, "out of memory");
        } else
            reply_json(r, 200, c);
    }
    fw_doc_free(doc);
    json_decref(j);
}

/* How often closed cases end with no action: exact counts for oversight
** roles (not served publicly, so not suppressed), of the user's agency only. */
void api_case_outcomes(request *r)
{
    fw_case_outcomes o;
    fw_error err;
    json_t *j;
    if (fw_case_outcomes_count(r->store, r->user.agency[0] ? r->user.agency : NULL, &o, &err))
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else if (!(j = fw_case_outcomes_json(&o)))
        reply_error(r, 503, "busy", NULL, "out of memory");
    else
        reply_json(r, 200, j);
}

/* Whether the signed-in user (arg) may see doc, for the library's walks. */
static bool visible(void *user, const fw_doc *doc)
{
    return fw_authz_may_see(user, doc);
}

void api_list_duties(request *r)
{
    const fw_policy_set *ps = server_policies(r);
    const char *incident = query_arg(r, "incident"), *officer = query_arg(r, "officer");
    fw_walk_opts o = {visible, &r->user, false};
    json_t *training = NULL, *items = json_array(), *shown;
    double now = server_now(r);
    fw_error err;
    fw_store *st = r->store;

    if (fw_training_all(st, &training, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else if (incident) {
        fw_doc *doc = load_doc(r, st, incident);
        /* A failure (an agency chain that cannot be read) is an error, not a partial list. */
        if (doc && fw_duties_of(st, doc, ps, training, now, NULL, items, &err) != FW_OK)
            reply_error(r, 503, "store", NULL, "%s", err.msg);
        fw_doc_free(doc);
    } else if (fw_duties_run(st, ps, training, now, NULL, &o, items, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    }
    if (!r->status) {
        shown = fw_duties_for_officer(items, officer);
        if (shown)
            reply_json(r, 200, json_pack("{s:o}", "duties", shown));
        else
            reply_error(r, 503, "busy", NULL, "out of memory");
    }
    json_decref(items);
    json_decref(training);
}

/* Whether the signed-in user (arg) may write a training record of
** stored_agency, for the library's training writes. */
static fw_rc training_writable(void *user, const char *stored_agency)
{
    return fw_authz_check_agency_record(user, stored_agency);
}

void api_add_training(request *r)
{
    static const char *const allowed[] = {"course", "completed", "expires", NULL};
    json_t *j = body_json(r);
    const char *course, *completed, *expires;
    fw_store *st;
    fw_error err;
    fw_rc rc;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(course = member(r, j, "course", true)) ||
        !(completed = member(r, j, "completed", true))) {
        json_decref(j);
        return;
    }
    expires = member(r, j, "expires", false);
    if (!r->status) {
        st = r->store;
        rc = fw_training_add_as(st, r->params[0], r->user.agency, training_writable, &r->user,
                                course, completed, expires, API_ACTOR, &err);
        if (rc == FW_ERR_NOTFOUND) { /* no such registry officer, or one of another agency */
            reply_error(r, 404, "not_found", "id", "%s", err.msg);
        } else if (rc == FW_ERR_INVALID) {
            char field[32];
            snprintf(field, sizeof field, "%.*s", (int)strcspn(err.msg, ":"), err.msg);
            reply_error(r, 400, "invalid", field, "%s", err.msg);
        } else if (rc) {
            reply_error(r, 503, "store", NULL, "%s", err.msg);
        } else {
            reply_json(r, 201, json_pack("{s:s, s:s}", "officer", r->params[0], "course", course));
        }
    }
    json_decref(j);
}

/* An officer's training record: one of another agency is answered as none. */
void api_get_training(request *r)
{
    fw_store *st = r->store;
    fw_buf body;
    fw_error err;
    json_t *rec = NULL;
    fw_buf_init(&body, 1 << 20);
    if (fw_store_get(st, FW_RECORD_TRAINING, r->params[0], 0, &body, NULL, &err) == FW_OK)
        rec = json_loadb(body.data, body.len, 0, NULL);
    if (rec && fw_authz_check_agency_record(&r->user, fw_training_agency(rec)) == FW_OK) {
        reply_json(r, 200, rec);
        rec = NULL;
    } else {
        reply_error(r, 404, "not_found", "id", "no training record for %s", r->params[0]);
    }
    json_decref(rec);
    fw_buf_release(&body);
}

/* The review queue: cases in one state (or all), of one assignee (or all),
** oldest incident first, each with its deadline. */
void api_list_cases(request *r)
{
    const char *limit = query_arg(r, "limit"), *overdue = query_arg(r, "overdue");
    fw_case_queue_opts o;
    json_t *items;
    bool more = false;
    fw_error err;
    char *end;

    memset(&o, 0, sizeof o);
    o.limit = 100;
    o.state = query_arg(r, "state");
    o.assignee = query_arg(r, "assignee");
    if (o.state && !fw_case_state_known(o.state)) {
        reply_error(r, 400, "invalid", "state", "unknown case state '%s'", o.state);
        return;
    }
    if (o.assignee && (!*o.assignee || strlen(o.assignee) > FW_CASE_NAME_MAX)) {
        reply_error(r, 400, "invalid", "assignee", "expected a user name of 1 to %d bytes",
                    FW_CASE_NAME_MAX);
        return;
    }
    if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false")) {
        reply_error(r, 400, "invalid", "overdue", "expected true or false, not '%s'", overdue);
        return;
    }
    o.overdue = overdue && strcmp(overdue, "true") == 0;
    if (limit) {
        errno = 0;
        o.limit = strtol(limit, &end, 10);
        if (errno || *end || end == limit || o.limit < 1 || o.limit > 1000) {
            reply_error(r, 400, "invalid", "limit", "expected 1 to 1000, not '%s'", limit);
            return;
        }
    }
    o.agency = r->user.agency[0] ? r->user.agency : query_arg(r, "agency");
    o.now = server_now(r);
    if (!(items = json_array())) {
        reply_error(r, 503, "busy", NULL, "out of memory");
    } else if (fw_case_queue(r->store, &o, items, &more, &err) != FW_OK) {
        json_decref(items);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else {
        reply_json(r, 200, json_pack("{s:o, s:b}", "cases", items, "more", more));
    }
}
