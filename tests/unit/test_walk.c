/*
** Unit tests of the runs over stored incidents that both front-ends share:
** a review stored as a versioned record (unchanged when stored again), the
** what-if tally over the store (with a visibility filter: walked but not
** reviewed), and duties per incident and over the store, under the policy
** set's one version per family.  Run from the repository's top.
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
#include "workflow/walk.h"

typedef struct fixture {
    char dir[64], path[128];
    fw_store *s;
    fw_policy_set set;
} fixture;

static void put_base(fw_store *s, const char *id)
{
    fw_buf text;
    fw_diag d;
    fw_error err;
    fw_doc *doc = NULL;
    fw_put_result res;
    char *at;
    fw_buf_init(&text, FW_BUF_UNLIMITED);
    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_read_file("tests/data/base.json", &text, &err), FW_OK);
    at = strstr(text.data, "base-0001");
    memcpy(at, id, 9);
    assert_int_equal(fw_doc_parse(text.data, text.len, NULL, &doc, &d), FW_OK);
    assert_int_equal(fw_store_begin(s, &err), FW_OK);
    assert_int_equal(fw_store_put(s, doc, "test", &res, &err), FW_OK);
    assert_int_equal(fw_store_commit(s, &err), FW_OK);
    fw_doc_free(doc);
    fw_diag_release(&d);
    fw_buf_release(&text);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fw_store_opts o;
    fw_diag d;
    fw_error err;
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-walk-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/w.db", f->dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    if (fw_store_open(f->path, &o, &f->s, &err) != FW_OK)
        return -1;
    fw_diag_init(&d, 5);
    if (fw_policy_set_load("tests/data/policies", &f->set, &d, &err) != FW_OK)
        return -1;
    fw_diag_release(&d);
    put_base(f->s, "base-0001");
    put_base(f->s, "base-0002");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    fw_store_close(f->s);
    fw_policy_set_release(&f->set);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static bool only_first(void *arg, const fw_doc *doc)
{
    (void)arg;
    return strcmp(doc->id, "base-0001") == 0;
}

static void test_review_record(void **state)
{
    fixture *f = *state;
    const fw_loaded_policy *lp = fw_policy_set_choose(&f->set, "vt", "2026-01-07");
    fw_buf body;
    fw_record_info info;
    fw_error err;
    fw_diag d;
    fw_doc *doc = NULL;
    fw_review rv;
    fw_put_result res;
    json_t *j;

    assert_non_null(lp);
    assert_string_equal(fw_policy_fullname(lp->policy), "vt-2023");
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_diag_init(&d, 5);
    assert_int_equal(fw_store_get(f->s, FW_RECORD_INCIDENT, "base-0001", 0, &body, &info, &err),
                     FW_OK);
    assert_int_equal(fw_doc_parse(body.data, body.len, NULL, &doc, &d), FW_OK);
    assert_int_equal(fw_review_run(doc, lp->policy, NULL, NULL, &rv, &err), FW_OK);
    j = fw_review_record(&rv, &info, lp, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "incident_version")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "policy_sha256")), lp->sha256);
    assert_null(json_object_get(j, "account"));
    assert_int_equal(fw_store_begin(f->s, &err), FW_OK);
    assert_int_equal(fw_review_store(f->s, "base-0001", lp, j, "test", &res, &err), FW_OK);
    assert_int_equal(res.version, 1);
    assert_int_equal(fw_review_store(f->s, "base-0001", lp, j, "test", &res, &err), FW_OK);
    assert_int_equal(res.action, FW_PUT_UNCHANGED);
    assert_int_equal(fw_store_commit(f->s, &err), FW_OK);
    fw_buf_reset(&body);
    assert_int_equal(fw_store_get(f->s, FW_RECORD_REVIEW, "base-0001:vt-2023", 0, &body, NULL,
                                  &err), FW_OK);
    json_decref(j);
    j = fw_review_record(&rv, &info, lp, "video");
    assert_string_equal(json_string_value(json_object_get(j, "account")), "video");
    json_decref(j);
    fw_review_release(&rv);
    fw_doc_free(doc);
    fw_diag_release(&d);
    fw_buf_release(&body);
}

static void test_review_id(void **state)
{
    char id[FW_REVIEW_ID_MAX], longid[300];
    fw_error err;
    (void)state;
    assert_int_equal(fw_review_id("a:b", "dhs-2023", id, sizeof id, &err), FW_OK);
    assert_string_equal(id, "a:b:dhs-2023");
    /* "a" under "b:dhs-2023" would name the review of incident "a:b". */
    assert_int_equal(fw_review_id("a", "b:dhs-2023", id, sizeof id, &err), FW_ERR_INVALID);
    assert_int_equal(fw_review_id("a", "", id, sizeof id, &err), FW_ERR_INVALID);
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    assert_int_equal(fw_review_id(longid, "dhs-2023", id, sizeof id, &err), FW_ERR_INVALID);
}

static void test_whatif_run(void **state)
{
    fixture *f = *state;
    fw_whatif t[2];
    fw_walk_opts strict = {NULL, NULL, true}, filtered = {only_first, NULL, false};
    fw_error err;

    assert_int_equal(fw_whatif_init(&t[0], fw_policy_set_choose(&f->set, "vt", NULL), false, 10,
                                    &err), FW_OK);
    assert_int_equal(fw_whatif_init(&t[1], fw_policy_set_choose(&f->set, "prop", NULL), false,
                                    10, &err), FW_OK);
    assert_string_equal(fw_policy_fullname(t[0].policy->policy), "vt-2023");
    assert_int_equal(fw_whatif_run(f->s, t, 2, NULL, &strict, &err), FW_OK);
    assert_int_equal(t[0].incidents, 2);
    assert_int_equal(t[0].applications, 4);
    assert_int_equal(t[1].applications, 4);
    assert_int_equal(t[1].out_apps, 4); /* prop-1 refuses every firearm discharge */
    fw_whatif_release(&t[0]);
    fw_whatif_release(&t[1]);

    assert_int_equal(fw_whatif_init(&t[0], fw_policy_set_choose(&f->set, "prop", NULL), false, 10,
                                    &err), FW_OK);
    assert_int_equal(fw_whatif_run(f->s, t, 1, NULL, &filtered, &err), FW_OK);
    assert_int_equal(t[0].incidents, 1);      /* only the visible one: no total tells of hidden ones */
    assert_int_equal(t[0].applications, 2);   /* reviewed: base-0001 only */
    assert_int_equal(json_array_size(json_array_get(t[0].ids, 0)), 1);
    fw_whatif_release(&t[0]);
}

/* A policy of test-agency with a rule on reach-ins: it judges acts other than force, so a
** what-if with it walks incidents without force too. */
static const char *const reach_policy =
    "policy reach \"r\"\ngoverns agency test-agency\nversion 1\neffective 2020-01-01\n"
    "status paraphrase\n\nrule no-reach\n  cite \"1\"\n  says \"s\"\n"
    "  on reach_into_vehicle\n  require false\n";

/* An incident of test-agency without force: only a reach-in. */
static const char *const forceless =
    "{\"id\": \"none-0001\", \"agency\": \"test-agency\", "
    "\"occurred_at\": \"2026-01-08T09:00:00-06:00\", "
    "\"location\": {\"type\": \"street\", \"city\": \"Riverton\", \"state\": \"MN\"}, "
    "\"encounter\": \"vehicle_stop\", \"officers\": [{\"id\": \"o-101\", \"role\": \"present\"}], "
    "\"subjects\": [{\"id\": \"s-1\", \"in_vehicle\": \"v-1\"}], "
    "\"vehicles\": [{\"id\": \"v-1\", \"kind\": \"car\", \"driver\": \"s-1\"}], "
    "\"accounts\": [{\"id\": \"video\", \"kind\": \"video_analysis\", \"source\": \"test\", "
    "\"events\": [{\"t\": 0, \"type\": \"reach_into_vehicle\", \"actor\": \"o-101\", "
    "\"vehicle\": \"v-1\"}]}]}";

/* governed counts the incidents with force where the policy is in effect: the same for vt
** alone and beside a policy that judges reach-ins (which walks the incident without force),
** and for that policy, whose reach-in there is judged but not counted as governed. */
static void test_whatif_governed(void **state)
{
    fixture *f = *state;
    fw_whatif t[2];
    fw_walk_opts strict = {NULL, NULL, true};
    const fw_loaded_policy *vt, *reach;
    fw_doc *doc = NULL;
    fw_diag d;
    fw_error err;
    fw_put_result res;

    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_set_add_text(&f->set, "reach-1.policy", reach_policy,
                                            strlen(reach_policy), &d, &err), FW_OK);
    assert_int_equal(fw_doc_parse(forceless, strlen(forceless), NULL, &doc, &d), FW_OK);
    fw_diag_release(&d);
    assert_int_equal(fw_store_begin(f->s, &err), FW_OK);
    assert_int_equal(fw_store_put(f->s, doc, "test", &res, &err), FW_OK);
    assert_int_equal(fw_store_commit(f->s, &err), FW_OK);
    fw_doc_free(doc);
    vt = fw_policy_set_choose(&f->set, "vt", NULL);
    reach = fw_policy_set_choose(&f->set, "reach", NULL);
    assert_non_null(reach);
    assert_true(fw_policy_judges_other_acts(reach->policy));

    /* vt alone: the incident without force is not even read. */
    assert_int_equal(fw_whatif_init(&t[0], vt, false, 0, &err), FW_OK);
    t[0].set = &f->set;
    assert_int_equal(fw_whatif_run(f->s, t, 1, NULL, &strict, &err), FW_OK);
    assert_int_equal(t[0].incidents, 3);
    assert_int_equal(t[0].governed, 2);
    assert_int_equal(t[0].applications, 4);
    fw_whatif_release(&t[0]);

    /* vt beside reach: the same counts for vt. */
    assert_int_equal(fw_whatif_init(&t[0], vt, false, 0, &err), FW_OK);
    assert_int_equal(fw_whatif_init(&t[1], reach, false, 0, &err), FW_OK);
    t[0].set = t[1].set = &f->set;
    assert_int_equal(fw_whatif_run(f->s, t, 2, NULL, &strict, &err), FW_OK);
    assert_int_equal(t[0].incidents, 3);
    assert_int_equal(t[0].governed, 2);
    assert_int_equal(t[0].applications, 4);
    assert_int_equal(t[0].acts, 0);
    /* reach: in effect for all three, governed counts the two with force; the reach-in of
    ** the incident without force is judged (base.json's video tells one more). */
    assert_int_equal(t[1].governed, 2);
    assert_int_equal(t[1].acts, 3);
    assert_int_equal(t[1].out_acts, 3);
    assert_int_equal(t[1].applications, 4);
    fw_whatif_release(&t[0]);
    fw_whatif_release(&t[1]);
}

static void test_duties_run(void **state)
{
    fixture *f = *state;
    fw_walk_opts strict = {NULL, NULL, true}, filtered = {only_first, NULL, false};
    json_t *all = json_array(), *one = json_array(), *shown;
    fw_error err;
    fw_time now;
    size_t i, n;

    assert_true(fw_time_parse("2030-01-01T00:00:00Z", &now));
    assert_int_equal(fw_duties_run(f->s, &f->set, NULL, now.epoch, NULL, &strict, all, &err),
                     FW_OK);
    assert_true(json_array_size(all) > 0);
    assert_int_equal(fw_duties_run(f->s, &f->set, NULL, now.epoch, NULL, &filtered, one, &err),
                     FW_OK);
    n = 0;
    for (i = 0; i < json_array_size(all); i++)
        n += strcmp(json_string_value(json_object_get(json_array_get(all, i), "incident")),
                    "base-0001") == 0;
    assert_true(n > 0 && n < json_array_size(all));
    assert_int_equal(json_array_size(one), n);
    for (i = 0; i < json_array_size(one); i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(one, i),
                                                              "incident")), "base-0001");
    shown = fw_duties_for_officer(all, "o-102");
    assert_non_null(shown);
    for (i = 0; i < json_array_size(shown); i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(shown, i),
                                                              "officer")), "o-102");
    json_decref(shown);
    shown = fw_duties_for_officer(all, NULL);
    assert_int_equal(json_array_size(shown), json_array_size(all));
    json_decref(shown);
    json_decref(all);
    json_decref(one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_review_record, setup, teardown),
        cmocka_unit_test(test_review_id),
        cmocka_unit_test_setup_teardown(test_whatif_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whatif_governed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duties_run, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
