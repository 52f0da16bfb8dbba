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
    if (doc && fw_case_get(st, doc, &c, &err) == FW_OK)
        reply_json(r, 200, c);
    else if (doc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    fw_doc_free(doc);
}

void api_move_case(request *r)
{
    static const char *const allowed[] = {"to", "finding", "note", NULL};
    json_t *j = body_json(r), *c = NULL;
    const char *to, *finding, *note;
    fw_store *st;
    fw_doc *doc;
    fw_error err;
    fw_rc rc;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(to = member(r, j, "to", true))) {
        json_decref(j);
        return;
    }
    finding = member(r, j, "finding", false);
    note = member(r, j, "note", false);
    if (r->status) {
        json_decref(j);
        return;
    }
    st = r->store;
    doc = load_doc_writable(r, st, r->params[0]);
    if (doc) {
        rc = fw_case_transition(st, doc, to, finding, note, API_ACTOR, server_now(r), &c, &err);
        if (rc == FW_ERR_INVALID)
            reply_error(r, 409, "illegal_transition",
                        strncmp(err.msg, "finding", 7) == 0 ? "finding" : "to", "%s", err.msg);
        else if (rc)
            reply_error(r, 503, "store", NULL, "%s", err.msg);
        else
            reply_json(r, 200, c);
    }
    fw_doc_free(doc);
    json_decref(j);
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
        if (doc)
            fw_duties_of(st, doc, ps, training, now, NULL, items, &err);
        fw_doc_free(doc);
    } else {
        fw_duties_run(st, ps, training, now, NULL, &o, items, &err);
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

/* The review queue: cases in one state (or all), oldest incident first, each
** with its deadline. */
typedef struct case_walk {
    request *r;
    fw_store *st;
    const char *state;
    long limit;
    bool more;
    double now;
    json_t *items;
    fw_buf body;
} case_walk;

static int case_row(void *arg, const fw_incident_row *row)
{
    case_walk *w = arg;
    json_t *c = NULL;
    fw_doc *doc = NULL;
    fw_diag diag;
    fw_error err;
    const char *state;
    double due;

    if ((long)json_array_size(w->items) == w->limit) {
        w->more = true;
        return 1;
    }
    fw_buf_reset(&w->body);
    fw_diag_init(&diag, 2);
    if (fw_store_get(w->st, FW_RECORD_CASE, row->id, 0, &w->body, NULL, NULL) == FW_OK) {
        c = json_loadb(w->body.data, w->body.len, 0, NULL);
    } else if (!w->state || strcmp(w->state, "reported") == 0) {
        /* No move yet: "reported", and whether review is mandatory needs the incident. */
        if (fw_store_get(w->st, FW_RECORD_INCIDENT, row->id, row->version, &w->body, NULL,
                         NULL) == FW_OK &&
            fw_doc_parse(w->body.data, w->body.len, NULL, &doc, &diag) == FW_OK)
            fw_case_get(w->st, doc, &c, &err);
    }
    state = json_string_value(json_object_get(c, "state"));
    if (json_is_false(json_object_get(c, "opened")))
        state = NULL; /* a public record nobody has taken up: not in the queue */
    if (state && (!w->state || strcmp(state, w->state) == 0)) {
        json_object_set_new(c, "agency", json_string(row->agency));
        json_object_set_new(c, "occurred_at", json_string(row->occurred_at));
        json_object_set_new(c, "force_kinds", json_string(row->force_kinds));
        if (fw_case_due(c, row->occurred_at, &due)) {
            char at[32];
            fw_time_format_utc((time_t)due, at, sizeof at);
            json_object_set_new(c, "due", json_string(at));
            json_object_set_new(c, "overdue", json_boolean(due < w->now));
        }
        json_array_append(w->items, c);
    }
    json_decref(c);
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return 0;
}

void api_list_cases(request *r)
{
    const char *limit = query_arg(r, "limit");
    fw_list_filter f;
    case_walk w;
    fw_error err;
    char *end;

    memset(&w, 0, sizeof w);
    memset(&f, 0, sizeof f);
    w.r = r;
    w.limit = 100;
    w.state = query_arg(r, "state");
    if (w.state && !fw_case_state_known(w.state)) {
        reply_error(r, 400, "invalid", "state", "unknown case state '%s'", w.state);
        return;
    }
    if (limit) {
        errno = 0;
        w.limit = strtol(limit, &end, 10);
        if (errno || *end || end == limit || w.limit < 1 || w.limit > 1000) {
            reply_error(r, 400, "invalid", "limit", "expected 1 to 1000, not '%s'", limit);
            return;
        }
    }
    f.agency = r->user.agency[0] ? r->user.agency : query_arg(r, "agency");
    w.now = server_now(r);
    w.items = json_array();
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    w.st = r->store;
    if (fw_store_list(w.st, &f, case_row, &w, &err) != FW_OK) {
        json_decref(w.items);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else {
        reply_json(r, 200, json_pack("{s:o, s:b}", "cases", w.items, "more", w.more));
    }
    fw_buf_release(&w.body);
}
