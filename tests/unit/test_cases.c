/*
** Unit tests of the review workflow's rules (workflow/cases.h): the roles
** reserved each move, separation of duties between investigation and board
** review, the consequences a closing records, assignment and deadlines,
** reopening with a reason, and the no-action counts over stored cases.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forcewatch.h"
#include "workflow/cases.h"

/* An incident: o-1 applied force, o-2 was present. */
static fw_doc *doc_in(const char *id, const char *agency)
{
    char text[4096];
    fw_diag d;
    fw_doc *doc = NULL;
    snprintf(text, sizeof text,
             "{\"id\":\"%s\",\"agency\":\"%s\",\"occurred_at\":\"2025-01-01T12:00:00Z\","
             "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\"},{\"id\":\"o-2\",\"role\":\"present\"}],"
             "\"subjects\":[{\"id\":\"s-1\"}],\"accounts\":[{\"id\":\"r\",\"kind\":\"officer_report\","
             "\"source\":\"report\",\"author\":\"o-1\",\"filed_at\":\"2025-01-01T20:00:00Z\","
             "\"events\":[{\"t\":1,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"}]}]}",
             id, agency);
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test doc: %s", d.msgs[0]);
    fw_diag_release(&d);
    return doc;
}

static fw_doc *doc_of(const char *id)
{
    return doc_in(id, "a");
}

static fw_rc check(const fw_doc *doc, const char *finding, const char *list, fw_error *err)
{
    json_t *j = list ? json_loads(list, 0, NULL) : NULL;
    fw_rc rc;
    if (list)
        assert_non_null(j);
    rc = fw_case_consequences_check(doc, finding, j, err);
    json_decref(j);
    return rc;
}

static void test_consequences(void **state)
{
    fw_doc *doc = doc_of("c-1");
    fw_error err;
    (void)state;
    assert_int_equal(check(doc, "within_policy", NULL, &err), FW_OK);
    assert_int_equal(check(doc, "out_of_policy", NULL, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "consequences: closing out_of_policy"));
    assert_int_equal(check(doc, "out_of_policy", "[]", &err), FW_ERR_INVALID);
    /* Only a duty failure listed: the force still needs its answer. */
    assert_int_equal(check(doc, "out_of_policy",
                           "[{\"officer\":\"o-2\",\"for\":\"failure_to_intervene\",\"action\":\"none\"}]",
                           &err), FW_ERR_INVALID);
    assert_int_equal(check(doc, "out_of_policy",
                           "[{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"none\"}]", &err), FW_OK);
    assert_int_equal(check(doc, "out_of_policy",
                           "[{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"suspension\"},"
                           "{\"officer\":\"o-2\",\"for\":\"failure_to_report\",\"action\":\"counselling\"}]",
                           &err), FW_OK);
    /* Not an officer of the incident, a subject, unknown words, duplicates, extra members. */
    assert_int_equal(check(doc, "within_policy",
                           "[{\"officer\":\"o-9\",\"for\":\"force\",\"action\":\"none\"}]", &err),
                     FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "consequences[0].officer"));
    assert_int_equal(check(doc, "within_policy",
                           "[{\"officer\":\"s-1\",\"for\":\"force\",\"action\":\"none\"}]", &err),
                     FW_ERR_INVALID);
    assert_int_equal(check(doc, "within_policy",
                           "[{\"officer\":\"o-2\",\"for\":\"force\",\"action\":\"none\"}]", &err),
                     FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "applied no force"));
    assert_int_equal(check(doc, "within_policy",
                           "[{\"officer\":\"o-1\",\"for\":\"speeding\",\"action\":\"none\"}]", &err),
                     FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "consequences[0].for"));
    assert_int_equal(check(doc, "within_policy",
                           "[{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"medal\"}]", &err),
                     FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "consequences[0].action"));
    assert_int_equal(check(doc, "within_policy",
                           "[{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"none\"},"
                           "{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"retraining\"}]", &err),
                     FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "listed twice"));
    assert_int_equal(check(doc, "within_policy",
                           "[{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"none\",\"x\":\"y\"}]",
                           &err), FW_ERR_INVALID);
    assert_int_equal(check(doc, "within_policy", "{\"officer\":\"o-1\"}", &err), FW_ERR_INVALID);
    assert_int_equal(check(doc, "within_policy", "[1]", &err), FW_ERR_INVALID);
    fw_doc_free(doc);
}

static void test_consequences_bounded(void **state)
{
    fw_doc *doc = doc_of("c-1");
    json_t *list = json_array();
    fw_error err;
    size_t i;
    (void)state;
    for (i = 0; i <= FW_CASE_MAX_CONSEQUENCES; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "officer", "o-1", "for", "force",
                                              "action", "none"));
    assert_int_equal(fw_case_consequences_check(doc, "out_of_policy", list, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "at most"));
    json_decref(list);
    fw_doc_free(doc);
}

static void test_move_roles(void **state)
{
    size_t i;
    (void)state;
    assert_true(fw_case_move_allowed("reported", "supervisor_review", "supervisor"));
    assert_false(fw_case_move_allowed("reported", "supervisor_review", "investigator"));
    assert_false(fw_case_move_allowed("reported", "supervisor_review", "board"));
    assert_true(fw_case_move_allowed("investigation", "board_review", "investigator"));
    assert_false(fw_case_move_allowed("investigation", "board_review", "supervisor"));
    assert_false(fw_case_move_allowed("investigation", "board_review", "board"));
    assert_true(fw_case_move_allowed("board_review", "closed", "board"));
    assert_false(fw_case_move_allowed("board_review", "closed", "supervisor"));
    assert_false(fw_case_move_allowed("board_review", "closed", "investigator"));
    assert_true(fw_case_move_allowed("closed", "investigation", "board"));
    assert_false(fw_case_move_allowed("closed", "investigation", "investigator"));
    assert_false(fw_case_move_allowed("reported", "closed", "admin"));
    assert_false(fw_case_move_allowed("reported", "supervisor_review", NULL));
    /* Nobody who only reads may move anything. */
    for (i = 0; fw_case_moves[i].from; i++) {
        assert_false(fw_case_move_allowed(fw_case_moves[i].from, fw_case_moves[i].to, "auditor"));
        assert_false(fw_case_move_allowed(fw_case_moves[i].from, fw_case_moves[i].to, "officer"));
        assert_false(fw_case_move_allowed(fw_case_moves[i].from, fw_case_moves[i].to, "analyst"));
        assert_true(fw_case_state_known(fw_case_moves[i].from));
        assert_true(fw_case_state_known(fw_case_moves[i].to));
    }
}

static void test_investigated_by(void **state)
{
    json_t *c = json_loads(
        "{\"state\":\"board_review\",\"transitions\":["
        "{\"from\":\"reported\",\"to\":\"supervisor_review\",\"by\":\"sup\"},"
        "{\"from\":\"supervisor_review\",\"to\":\"investigation\",\"by\":\"sup\"},"
        "{\"from\":\"investigation\",\"to\":\"investigation\",\"assigned\":\"ivy\",\"by\":\"sup\"},"
        "{\"from\":\"investigation\",\"to\":\"board_review\",\"by\":\"ivan\"}]}", 0, NULL);
    (void)state;
    assert_non_null(c);
    assert_true(fw_case_investigated_by(c, "ivy"));
    assert_true(fw_case_investigated_by(c, "ivan"));
    assert_false(fw_case_investigated_by(c, "sup"));
    assert_false(fw_case_investigated_by(c, "bo"));
    assert_false(fw_case_investigated_by(c, NULL));
    json_decref(c);
}

static void test_due(void **state)
{
    json_t *c = json_loads(
        "{\"state\":\"investigation\",\"transitions\":["
        "{\"from\":\"supervisor_review\",\"to\":\"investigation\",\"at\":\"2025-02-01T00:00:00Z\"},"
        "{\"from\":\"investigation\",\"to\":\"investigation\",\"assigned\":\"ivy\","
        "\"at\":\"2025-03-01T00:00:00Z\"}]}", 0, NULL);
    fw_time t, d;
    double due;
    (void)state;
    assert_true(fw_case_due(c, "2025-01-01T00:00:00Z", &due));
    assert_true(fw_time_parse("2025-02-01T00:00:00Z", &t));
    /* 90 days from entering investigation: the assignment does not restart it. */
    assert_true(due == t.epoch + 90 * 86400.0);
    assert_true(fw_time_parse("2025-06-01T00:00:00Z", &d));
    assert_true(fw_case_annotate(c, "2025-01-01T00:00:00Z", d.epoch));
    assert_string_equal(json_string_value(json_object_get(c, "due")), "2025-05-02T00:00:00Z");
    assert_true(json_is_true(json_object_get(c, "overdue")));
    assert_int_equal(fw_case_days("board_review"), 30);
    assert_int_equal(fw_case_days("closed"), -1);
    json_decref(c);
}

static bool writes_yes(const void *user, const fw_doc *doc)
{
    (void)doc;
    return user != NULL;
}

/* An assignee as a caller finds them: writable says whether they may write the incident. */
static const fw_case_assignee *asg(const char *name, const char *role, bool writable)
{
    static fw_case_assignee a;
    static const int someone = 1;
    a.name = name;
    a.role = role;
    a.may_write = writes_yes;
    a.user = writable ? &someone : NULL;
    return &a;
}

/* ---- over a store ---------------------------------------------------------- */

typedef struct fixture {
    char dir[64], path[96];
    fw_store *s;
    fw_doc *doc;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fw_store_opts o;
    fw_error err;
    fw_put_result res;
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-cases-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/c.db", f->dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    if (fw_store_open(f->path, &o, &f->s, &err) != FW_OK)
        return -1;
    f->doc = doc_of("c-1");
    if (fw_store_begin(f->s, &err) || fw_store_put(f->s, f->doc, "test", &res, &err) ||
        fw_store_commit(f->s, &err))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    fw_doc_free(f->doc);
    fw_store_close(f->s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Move the case to `to` as name/role; the rc, the new case dropped. */
static fw_rc move(fixture *f, const char *to, const char *name, const char *role,
                  const char *finding, const char *consequences, const char *reason, fw_error *err)
{
    fw_case_request req = {to, finding, NULL, reason, NULL};
    fw_case_actor who = {name, role};
    json_t *list = consequences ? json_loads(consequences, 0, NULL) : NULL, *c = NULL;
    fw_rc rc;
    req.consequences = list;
    rc = fw_case_transition(f->s, f->doc, &req, &who, 1.8e9, &c, err);
    json_decref(c);
    json_decref(list);
    return rc;
}

static const char *state_of(fixture *f)
{
    static char st[32];
    json_t *c = NULL;
    fw_error err;
    assert_int_equal(fw_case_get(f->s, f->doc, &c, &err), FW_OK);
    snprintf(st, sizeof st, "%s", json_string_value(json_object_get(c, "state")));
    json_decref(c);
    return st;
}

static void test_workflow(void **state)
{
    fixture *f = *state;
    fw_case_actor sup = {"sup", "supervisor"};
    fw_case_outcomes o;
    json_t *c = NULL;
    fw_error err;
    int64_t v1, v2;
    char sha[65];

    assert_int_equal(move(f, "supervisor_review", "ivy", "investigator", NULL, NULL, NULL, &err),
                     FW_ERR_DENIED);
    assert_non_null(strstr(err.msg, "role: "));
    assert_string_equal(state_of(f), "reported");
    assert_int_equal(move(f, "supervisor_review", "sup", "supervisor", NULL, NULL, NULL, &err), FW_OK);
    assert_int_equal(move(f, "investigation", "sup", "supervisor", NULL, NULL, NULL, &err), FW_OK);
    /* Assignment: only an investigator, only by an assigner. */
    assert_int_equal(fw_case_assign(f->s, f->doc, asg("bo", "board", true), &sup, 1.8e9, &c, &err),
                     FW_ERR_INVALID);
    assert_int_equal(fw_case_assign(f->s, f->doc, asg("ivy", NULL, true), &sup, 1.8e9, &c, &err),
                     FW_ERR_INVALID);
    assert_int_equal(fw_case_assign(f->s, f->doc, asg("ivy", "investigator", false), &sup, 1.8e9,
                                    &c, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "may not write"));
    assert_int_equal(fw_case_assign(f->s, f->doc, asg("bad name", "investigator", true), &sup, 1.8e9, &c,
                                    &err), FW_ERR_INVALID);
    {
        fw_case_actor ivan = {"ivan", "investigator"};
        assert_int_equal(fw_case_assign(f->s, f->doc, asg("ivy", "investigator", true), &ivan, 1.8e9, &c,
                                        &err), FW_ERR_DENIED);
    }
    assert_int_equal(fw_case_assign(f->s, f->doc, asg("ivy", "investigator", true), &sup, 1.8e9, &c, &err),
                     FW_OK);
    assert_string_equal(json_string_value(json_object_get(c, "assignee")), "ivy");
    assert_string_equal(json_string_value(json_object_get(c, "state")), "investigation");
    json_decref(c);
    c = NULL;
    /* An admin sends it to the board; neither the admin nor the assigned
    ** investigator may then decide it. */
    assert_int_equal(move(f, "board_review", "adm", "admin", NULL, NULL, NULL, &err), FW_OK);
    assert_int_equal(move(f, "closed", "adm", "admin", "within_policy", NULL, NULL, &err),
                     FW_ERR_DENIED);
    assert_non_null(strstr(err.msg, "separation of duties"));
    assert_int_equal(move(f, "investigation", "adm", "admin", NULL, NULL, NULL, &err),
                     FW_ERR_DENIED);
    assert_int_equal(move(f, "closed", "ivy", "board", "within_policy", NULL, NULL, &err),
                     FW_ERR_DENIED);
    assert_string_equal(state_of(f), "board_review");
    /* Closing out_of_policy: the consequences, then counted. */
    assert_int_equal(move(f, "closed", "bo", "board", "out_of_policy", NULL, NULL, &err),
                     FW_ERR_INVALID);
    assert_int_equal(move(f, "closed", "bo", "board", "out_of_policy",
                          "[{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"none\"},"
                          "{\"officer\":\"o-2\",\"for\":\"failure_to_intervene\",\"action\":\"none\"}]",
                          NULL, &err), FW_OK);
    assert_int_equal(fw_case_outcomes_count(f->s, NULL, &o, &err), FW_OK);
    assert_int_equal(o.closed, 1);
    assert_int_equal(o.out_of_policy, 1);
    assert_int_equal(o.out_of_policy_no_action, 1);
    assert_int_equal(o.officers_no_action, 1);
    assert_int_equal(o.duty_failures, 1);
    assert_int_equal(o.duty_failures_no_action, 1);
    assert_int_equal(fw_case_outcomes_count(f->s, "other-agency", &o, &err), FW_OK);
    assert_int_equal(o.closed, 0);
    /* Reopening: a reason, and a new version. */
    assert_int_equal(fw_store_head(f->s, FW_RECORD_CASE, "c-1", &v1, sha, &err), FW_OK);
    assert_int_equal(move(f, "investigation", "bo", "board", NULL, NULL, NULL, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "reason: "));
    assert_int_equal(move(f, "investigation", "bo", "board", NULL, NULL, "bad\001reason", &err),
                     FW_ERR_INVALID);
    assert_int_equal(move(f, "investigation", "bo", "board", NULL, NULL, "new evidence", &err), FW_OK);
    assert_int_equal(fw_store_head(f->s, FW_RECORD_CASE, "c-1", &v2, sha, &err), FW_OK);
    assert_int_equal(v2, v1 + 1);
    assert_string_equal(state_of(f), "investigation");
    /* Reopened: no longer counted as closed.  A reason only on reopening. */
    assert_int_equal(fw_case_outcomes_count(f->s, NULL, &o, &err), FW_OK);
    assert_int_equal(o.closed, 0);
    assert_int_equal(move(f, "board_review", "ivan", "investigator", NULL, NULL, "why", &err),
                     FW_ERR_INVALID);
    assert_int_equal(move(f, "board_review", "ivan", "investigator", NULL, NULL, NULL, &err), FW_OK);
    assert_int_equal(move(f, "closed", "bea", "board", "out_of_policy",
                          "[{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"suspension\"}]",
                          NULL, &err), FW_OK);
    assert_int_equal(fw_case_outcomes_count(f->s, NULL, &o, &err), FW_OK);
    assert_int_equal(o.out_of_policy, 1);
    assert_int_equal(o.out_of_policy_no_action, 0);
}

static void test_queue(void **state)
{
    fixture *f = *state;
    fw_case_actor sup = {"sup", "supervisor"};
    fw_case_queue_opts o = {NULL, NULL, "ivy", false, 10, 1.8e9};
    json_t *items = json_array(), *c = NULL;
    fw_error err;
    bool more;

    assert_int_equal(fw_case_queue(f->s, &o, items, &more, &err), FW_OK);
    assert_int_equal(json_array_size(items), 0);
    assert_int_equal(move(f, "supervisor_review", "sup", "supervisor", NULL, NULL, NULL, &err), FW_OK);
    assert_int_equal(fw_case_assign(f->s, f->doc, asg("ivy", "investigator", true), &sup, 1.8e9, &c, &err),
                     FW_OK);
    json_decref(c);
    assert_int_equal(fw_case_queue(f->s, &o, items, &more, &err), FW_OK);
    assert_int_equal(json_array_size(items), 1);
    assert_non_null(json_object_get(json_array_get(items, 0), "due"));
    assert_false(more);
    o.assignee = "ivan";
    json_array_clear(items);
    assert_int_equal(fw_case_queue(f->s, &o, items, &more, &err), FW_OK);
    assert_int_equal(json_array_size(items), 0);
    o.assignee = NULL;
    o.state = "nonsense";
    assert_int_equal(fw_case_queue(f->s, &o, items, &more, &err), FW_ERR_INVALID);
    json_decref(items);
}

/* An allocator failing exactly the nth allocation from now (0: none), for jansson. */
static size_t alloc_fail_at, alloc_count;
static void *failing_malloc(size_t n)
{
    return ++alloc_count == alloc_fail_at ? NULL : malloc(n);
}

/* Closing with consequences when one allocation fails, for every allocation in
** turn (a fresh store each): either an error and the case left as it was, or the
** case stored closed with its consequences, never without them. */
static void test_close_nomem(void **state)
{
    fw_case_actor bo = {"bo", "board"};
    fw_case_request req = {"closed", "out_of_policy", NULL, NULL, NULL};
    json_t *list = json_loads("[{\"officer\":\"o-1\",\"for\":\"force\",\"action\":\"none\"}]",
                              0, NULL), *c = NULL;
    fw_error err;
    fw_rc rc;
    size_t n, failures = 0;
    (void)state;

    assert_non_null(list);
    req.consequences = list;
    for (n = 1; n < 10000; n++) {
        void *fs = NULL;
        fixture *f;
        assert_int_equal(setup(&fs), 0);
        f = fs;
        assert_int_equal(move(f, "supervisor_review", "sup", "supervisor", NULL, NULL, NULL, &err), FW_OK);
        assert_int_equal(move(f, "investigation", "sup", "supervisor", NULL, NULL, NULL, &err), FW_OK);
        assert_int_equal(move(f, "board_review", "adm", "admin", NULL, NULL, NULL, &err), FW_OK);
        alloc_count = 0;
        alloc_fail_at = n;
        json_set_alloc_funcs(failing_malloc, free);
        rc = fw_case_transition(f->s, f->doc, &req, &bo, 1.8e9, &c, &err);
        json_set_alloc_funcs(malloc, free);
        json_decref(c);
        c = NULL;
        if (rc == FW_OK) {
            assert_int_equal(fw_case_get(f->s, f->doc, &c, &err), FW_OK);
            assert_string_equal(json_string_value(json_object_get(c, "state")), "closed");
            assert_int_equal(json_array_size(json_object_get(c, "consequences")), 1);
            json_decref(c);
            c = NULL;
        } else {
            failures++;
            assert_string_equal(state_of(f), "board_review");
        }
        assert_int_equal(teardown(&fs), 0);
        if (alloc_count < n) /* no allocation failed: every one was tried */
            break;
    }
    assert_true(failures > 0);
    json_decref(list);
}

/* The no-action counts scope a case by its incident's current agency. */
static void test_outcomes_agency_now(void **state)
{
    fixture *f = *state;
    fw_case_outcomes o;
    fw_put_result res;
    fw_error err;
    fw_doc *moved;

    assert_int_equal(move(f, "supervisor_review", "sup", "supervisor", NULL, NULL, NULL, &err), FW_OK);
    assert_int_equal(move(f, "investigation", "sup", "supervisor", NULL, NULL, NULL, &err), FW_OK);
    assert_int_equal(move(f, "board_review", "adm", "admin", NULL, NULL, NULL, &err), FW_OK);
    assert_int_equal(move(f, "closed", "bo", "board", "within_policy", NULL, NULL, &err), FW_OK);
    assert_int_equal(fw_case_outcomes_count(f->s, "a", &o, &err), FW_OK);
    assert_int_equal(o.closed, 1);
    /* The incident moves to agency b after the case closed: counted for b, not a. */
    moved = doc_in("c-1", "b");
    assert_int_equal(fw_store_begin(f->s, &err), FW_OK);
    assert_int_equal(fw_store_put(f->s, moved, "test", &res, &err), FW_OK);
    assert_int_equal(fw_store_commit(f->s, &err), FW_OK);
    fw_doc_free(moved);
    assert_int_equal(fw_case_outcomes_count(f->s, "a", &o, &err), FW_OK);
    assert_int_equal(o.closed, 0);
    assert_int_equal(fw_case_outcomes_count(f->s, "b", &o, &err), FW_OK);
    assert_int_equal(o.closed, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consequences),
        cmocka_unit_test(test_consequences_bounded),
        cmocka_unit_test(test_move_roles),
        cmocka_unit_test(test_investigated_by),
        cmocka_unit_test(test_due),
        cmocka_unit_test_setup_teardown(test_workflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
        cmocka_unit_test(test_close_nomem),
        cmocka_unit_test_setup_teardown(test_outcomes_agency_now, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
