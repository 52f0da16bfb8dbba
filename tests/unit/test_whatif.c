/*
** Unit tests of the what-if tally and the scenario runner: counts by rule
** and account kind from reviews of tests/data/base.json (two accounts, one
** firearm discharge each), the JSON and text forms, the listing and the
** capped incident ids; and scenario files passing, failing by line, and
** missing.  Run from the repository's top (as tests/run does).
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
#include "policy/policyset.h"
#include "policy/scenario.h"
#include "policy/whatif.h"

static const char *const policy_text =
    "policy t \"t\"\nversion 1\nstatus paraphrase\n\n"
    "rule no-shots\n  cite \"1\"\n  says \"s\"\n  require force.kind != firearm_discharge\n\n"
    "rule shots-ok\n  cite \"2\"\n  says \"s\"\n  require force.kind = firearm_discharge\n";

static fw_doc *base_doc(const char *id)
{
    fw_buf text;
    fw_diag d;
    fw_error err;
    fw_doc *doc = NULL;
    char *at;
    fw_buf_init(&text, FW_BUF_UNLIMITED);
    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_read_file("tests/data/base.json", &text, &err), FW_OK);
    at = strstr(text.data, "base-0001");
    assert_non_null(at);
    memcpy(at, id, 9);
    assert_int_equal(fw_doc_parse(text.data, text.len, NULL, &doc, &d), FW_OK);
    fw_diag_release(&d);
    fw_buf_release(&text);
    return doc;
}

static void load(fw_policy_set *set)
{
    fw_diag d;
    fw_error err;
    memset(set, 0, sizeof *set);
    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_set_add_text(set, "t-1.policy", policy_text, strlen(policy_text),
                                            &d, &err), FW_OK);
    fw_diag_release(&d);
}

static void tally(fw_whatif *t, const fw_doc *doc)
{
    fw_review rv;
    fw_error err;
    assert_int_equal(fw_review_run(doc, t->policy->policy, NULL, NULL, &rv, &err), FW_OK);
    assert_int_equal(fw_whatif_add(t, &rv, doc), FW_OK);
    fw_review_release(&rv);
    t->incidents++;
}

static void test_tally(void **state)
{
    fw_policy_set set;
    fw_whatif t;
    fw_error err;
    fw_doc *a = base_doc("base-0001"), *b = base_doc("base-0002");
    json_t *j;
    fw_buf text;
    int agency = fw_enum_index(fw_enum_find("account_kind"), "agency_statement");
    (void)state;

    load(&set);
    assert_int_equal(fw_whatif_init(&t, &set.items[0], true, 1, &err), FW_OK);
    tally(&t, a);
    tally(&t, b);
    assert_int_equal(t.incidents, 2);
    assert_int_equal(t.applications, 4);
    assert_int_equal(t.evaluations, 8);
    assert_int_equal(t.out_apps, 4);
    assert_int_equal(t.undetermined_apps, 0);
    assert_int_equal(t.out_by_rule[0], 4);
    assert_int_equal(t.out_by_rule[1], 0);
    assert_int_equal(t.apps_by_kind[agency], 2);
    assert_int_equal(t.out_by_kind[agency], 2);
    /* Every application listed; incident ids once each, capped at max_ids (1). */
    assert_non_null(strstr(fw_buf_str(&t.listing[0]), "    base-0001 o-101@4.6 agency\n"));
    assert_non_null(strstr(fw_buf_str(&t.listing[0]), "    base-0002 o-101@4.6 video\n"));
    assert_int_equal(t.listing[1].len, 0);

    j = fw_whatif_json(&t);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "policy")), "t-1");
    assert_int_equal(json_integer_value(json_object_get(j, "incidents")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "applications")), 4);
    assert_int_equal(json_integer_value(json_object_get(j, "out_of_policy")), 4);
    {
        json_t *r0 = json_array_get(json_object_get(j, "rules"), 0);
        json_t *ids = json_object_get(r0, "incidents");
        assert_string_equal(json_string_value(json_object_get(r0, "rule")), "no-shots");
        assert_int_equal(json_integer_value(json_object_get(r0, "out")), 4);
        assert_int_equal(json_array_size(ids), 1);
        assert_string_equal(json_string_value(json_array_get(ids, 0)), "base-0001");
    }
    json_decref(j);

    fw_buf_init(&text, FW_BUF_UNLIMITED);
    assert_int_equal(fw_whatif_text(&t, &text), FW_OK);
    assert_non_null(strstr(fw_buf_str(&text), "what-if: policy t-1 (adopted) over 2 incidents\n"));
    assert_non_null(strstr(fw_buf_str(&text), "force applications (per account): 4; out of "
                                              "policy: 4; undetermined: 0\n"));
    assert_non_null(strstr(fw_buf_str(&text), "agency_statement"));
    fw_buf_release(&text);
    fw_whatif_release(&t);

    /* Without a listing or ids, the JSON still names every rule with an empty list. */
    assert_int_equal(fw_whatif_init(&t, &set.items[0], false, 0, &err), FW_OK);
    tally(&t, a);
    j = fw_whatif_json(&t);
    assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(j, "rules"),
                                                                     0), "incidents")), 0);
    json_decref(j);
    fw_whatif_release(&t);
    fw_doc_free(a);
    fw_doc_free(b);
    fw_policy_set_release(&set);
}

/* Other acts in the JSON as in the text: base.json's agency account gives o-102's command a
** firm tone, its video account none, so a rule on command finds one act within and one
** undetermined per incident; and the JSON names the force applications' undetermined
** too (subject.armed is never stated). */
static const char *const acts_text =
    "policy a \"a\"\nversion 1\nstatus paraphrase\n\n"
    "rule calm\n  cite \"2\"\n  says \"s\"\n  on command\n  require act.tone != hostile\n\n"
    "rule armed\n  cite \"3\"\n  says \"s\"\n  require subject.armed\n";

static void test_acts_json(void **state)
{
    fw_policy_set set;
    fw_whatif t;
    fw_error err;
    fw_diag d;
    fw_doc *a = base_doc("base-0001"), *b = base_doc("base-0002");
    fw_geometry g;
    fw_buf text;
    json_t *j;
    (void)state;

    memset(&set, 0, sizeof set);
    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_set_add_text(&set, "a-1.policy", acts_text, strlen(acts_text), &d,
                                            &err), FW_OK);
    fw_diag_release(&d);
    assert_int_equal(fw_whatif_init(&t, &set.items[0], false, 0, &err), FW_OK);
    tally(&t, a);
    tally(&t, b);
    assert_int_equal(t.acts, 4);
    assert_int_equal(t.out_acts, 0);
    assert_int_equal(t.undetermined_acts, 2);
    j = fw_whatif_json(&t);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "acts")), 4);
    assert_int_equal(json_integer_value(json_object_get(j, "acts_out_of_policy")), 0);
    assert_true(json_is_integer(json_object_get(j, "undetermined_acts")));
    assert_int_equal(json_integer_value(json_object_get(j, "undetermined_acts")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "applications")), 4);
    assert_int_equal(json_integer_value(json_object_get(j, "out_of_policy")), 0);
    /* subject.armed is never stated in base.json: every application undetermined */
    assert_int_equal(t.undetermined_apps, 4);
    assert_true(json_is_integer(json_object_get(j, "undetermined")));
    assert_int_equal(json_integer_value(json_object_get(j, "undetermined")), 4);
    assert_null(json_object_get(j, "governed")); /* no set: no jurisdiction counted */
    json_decref(j);

    /* The text names the threat window the tally was judged with. */
    fw_buf_init(&text, FW_BUF_UNLIMITED);
    assert_int_equal(fw_whatif_text(&t, &text), FW_OK);
    assert_non_null(strstr(fw_buf_str(&text), "other acts judged (per account; not counted as "
                                              "force): 4; out of policy: 0; undetermined: 2\n"));
    assert_non_null(strstr(fw_buf_str(&text), "judged with a threat window of 60 s\n"));
    fw_buf_reset(&text);
    fw_geometry_default(&g);
    g.threat_window_s = 120;
    t.settings = g;
    assert_int_equal(fw_whatif_text(&t, &text), FW_OK);
    assert_non_null(strstr(fw_buf_str(&text), "judged with a threat window of 120 s\n"));
    fw_buf_release(&text);
    fw_whatif_release(&t);
    fw_doc_free(a);
    fw_doc_free(b);
    fw_policy_set_release(&set);
}

static void test_scenarios(void **state)
{
    fw_policy_set set;
    fw_scenario_result res;
    fw_diag d;
    fw_error err;
    const char *dir = "tests/data/policies";
    char path[] = "tests/data/policies/tests/tmp-XXXXXX";
    FILE *f;
    int fd;
    (void)state;

    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_set_load(dir, &set, &d, &err), FW_OK);
    /* The shipped tests of vt-2023 pass. */
    assert_int_equal(fw_scenario_run(dir, fw_policy_set_find(&set, "vt-2023")->policy, true, &res),
                     FW_OK);
    assert_int_equal(res.failed, 0);
    assert_true(res.checked >= 6);
    assert_non_null(strstr(fw_buf_str(&res.passed), "ok o-101@4.6 video moving-vehicle out\n"));
    fw_scenario_release(&res);

    /* A wrong expectation fails on its line; a missing incident is one failure. */
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("incident ../../base.json\n"
          "o-101@4.6  agency  imminent-threat  out\n"
          "o-101@4.6  agency  moving-vehicle   within\n"
          "incident nosuch.json\n", f);
    fclose(f);
    fw_scenario_init(&res);
    fw_scenario_run_file(path, fw_policy_set_find(&set, "vt-2023")->policy, false, &res);
    assert_true(res.failed >= 2);
    assert_non_null(strstr(res.failures.msgs[0], ":2: o-101@4.6 agency imminent-threat: "
                                                 "expected out, got within"));
    fw_scenario_release(&res);
    unlink(path);
    fw_policy_set_release(&set);

    /* A policy without a tests file. */
    load(&set);
    assert_int_equal(fw_scenario_run(dir, set.items[0].policy, false, &res), FW_OK);
    assert_int_equal(res.failed, 1);
    assert_non_null(strstr(res.failures.msgs[0], "missing: every policy ships scenario tests"));
    fw_scenario_release(&res);
    fw_policy_set_release(&set);
    fw_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tally),
        cmocka_unit_test(test_acts_json),
        cmocka_unit_test(test_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
