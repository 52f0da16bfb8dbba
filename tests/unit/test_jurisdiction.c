/*
** Unit tests of jurisdiction (issue 13, points 2 and 3): the 'governs'
** statements parsed and checked, whom and what a policy governs through an
** agency's chain, adoptions with dates, the one rule of the policy set
** (fw_policy_set_in_effect) and the what-if reason of a named policy, and
** the agency record's own checks.  Pure: no store.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "policy/policyset.h"
#include "record/agency.h"

#define RULE "\nrule r\n  cite \"1\"\n  says \"s\"\n  require warning.given\n"

static void add(fw_policy_set *set, const char *path, const char *head)
{
    char text[2048];
    fw_diag d;
    fw_error err;
    snprintf(text, sizeof text, "%s\nstatus paraphrase\n%s", head, RULE);
    fw_diag_init(&d, 10);
    if (fw_policy_set_add_text(set, path, text, strlen(text), &d, &err) != FW_OK)
        fail_msg("%s: %s", path, d.n ? d.msgs[0] : err.msg);
    fw_diag_release(&d);
}

/* A set like the bundled one: a department's policy, a component's vehicle guidance, another
** department's, and a model policy that governs nobody. */
static void bundle(fw_policy_set *set)
{
    memset(set, 0, sizeof *set);
    add(set, "dept-1.policy", "policy dept \"d\"\nversion 1\neffective 2023-02-06\ngoverns agency dhs");
    add(set, "other-1.policy", "policy other \"o\"\nversion 1\neffective 2022-05-20\ngoverns agency doj");
    add(set, "model-1.policy", "policy model \"m\"\nversion 1\nkind proposal");
    add(set, "veh-1.policy", "policy veh \"v\"\nversion 1\ngoverns agency ice\ngoverns vehicle\n"
                             "governs encounter vehicle_stop, vehicle_pursuit");
    add(set, "typ-1.policy", "policy typ \"t\"\nversion 1\ngoverns type tribal");
}

static void link(fw_agency_chain *c, const char *id, const char *type)
{
    fw_agency_link *l = &c->links[c->n++];
    memset(l, 0, sizeof *l);
    strcpy(l->id, id);
    strcpy(l->name, id);
    strcpy(l->type, type);
    l->found = true;
}

/* The family names in effect, comma-separated, into out. */
static const char *in_effect(const fw_policy_set *set, const char *date, const fw_jurisdiction *j,
                             char *out, size_t n)
{
    const fw_loaded_policy *lp[16];
    size_t k, i;
    out[0] = '\0';
    k = fw_policy_set_in_effect(set, date, j, lp, 16);
    for (i = 0; i < k; i++) {
        strncat(out, i ? "," : "", n - strlen(out) - 1);
        strncat(out, fw_policy_name(lp[i]->policy), n - strlen(out) - 1);
    }
    return out;
}

static void test_parse_and_check(void **state)
{
    static const struct {
        const char *head, *want;
    } bad[] = {
        {"governs type federal_bureau", "governs type: unknown value 'federal_bureau'"},
        {"governs encounter parade", "governs encounter: unknown value 'parade'"},
        {"governs agency bad/id", "expected"},
        {"governs nation us", "one of agency, type, encounter, vehicle"},
        {"governs agency", "a value after 'governs'"},
    };
    char text[1024];
    fw_policy *p = NULL;
    fw_diag d;
    fw_buf b;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "policy x \"x\"\nversion 1\n%s\n%s", bad[i].head, RULE);
        fw_diag_init(&d, 10);
        assert_int_equal(fw_policy_parse("x.policy", text, strlen(text), &p, &d), FW_ERR_INVALID);
        assert_null(p);
        assert_true(d.n > 0);
        if (!strstr(d.msgs[0], bad[i].want))
            fail_msg("%s: got '%s', wanted '%s'", bad[i].head, d.msgs[0], bad[i].want);
        fw_diag_release(&d);
    }
    snprintf(text, sizeof text, "policy x \"x\"\nversion 1\ngoverns agency dhs, doj\n"
                                "governs type federal_component\ngoverns vehicle\n%s", RULE);
    fw_diag_init(&d, 10);
    assert_int_equal(fw_policy_parse("x.policy", text, strlen(text), &p, &d), FW_OK);
    fw_buf_init(&b, 1024);
    fw_policy_governs_text(p, &b);
    assert_string_equal(fw_buf_str(&b), "agency dhs, doj; type federal_component; vehicle");
    fw_buf_release(&b);
    fw_policy_free(p);
    fw_diag_release(&d);
}

static void test_whom_and_what(void **state)
{
    fw_policy_set set;
    fw_agency_chain office = {0}, city = {0}, tribal = {0};
    fw_jurisdiction j = {0};
    char out[256];
    (void)state;
    bundle(&set);
    link(&office, "ice-ero-stp", "federal_field_office");
    link(&office, "ice", "federal_component");
    link(&office, "dhs", "federal_department");
    link(&city, "blue-island-pd", "local_police");
    link(&tribal, "nation-pd", "tribal");

    /* An ICE field office at a vehicle stop: the department's policy through the chain, and
    ** the vehicle guidance; not the other department's. */
    j.chain = &office;
    j.encounter = "vehicle_stop";
    j.vehicle = true;
    assert_string_equal(in_effect(&set, "2026-01-07", &j, out, sizeof out), "dept,veh");
    /* Before the department's policy took effect: the guidance has no date. */
    assert_string_equal(in_effect(&set, "2020-01-01", &j, out, sizeof out), "veh");
    /* No vehicle and another encounter: not the vehicle guidance. */
    j.vehicle = false;
    j.encounter = "off_duty";
    assert_string_equal(in_effect(&set, "2026-01-07", &j, out, sizeof out), "dept");
    /* A vehicle pursuit with no vehicle listed still is a vehicle encounter. */
    j.encounter = "vehicle_pursuit";
    assert_string_equal(in_effect(&set, "2026-01-07", &j, out, sizeof out), "dept,veh");
    /* A city police department: nothing bundled governs it. */
    j.chain = &city;
    j.vehicle = true;
    assert_string_equal(in_effect(&set, "2026-01-07", &j, out, sizeof out), "");
    /* By type. */
    j.chain = &tribal;
    assert_string_equal(in_effect(&set, "2026-01-07", &j, out, sizeof out), "typ");
    /* No chain at all: nothing. */
    j.chain = NULL;
    assert_string_equal(in_effect(&set, "2026-01-07", &j, out, sizeof out), "");
    fw_policy_set_release(&set);
}

static void test_adoption(void **state)
{
    fw_policy_set set;
    fw_agency_chain c = {0};
    fw_jurisdiction j = {0};
    fw_adoption *a;
    char out[256];
    (void)state;
    bundle(&set);
    link(&c, "metro-pd-north", "local_police");
    link(&c, "metro-pd", "local_police");
    /* The parent adopted the model policy from 2020-06-01 to 2024-12-31. */
    a = &c.links[1].adopts[c.links[1].nadopts++];
    strcpy(a->policy, "model");
    strcpy(a->from, "2020-06-01");
    strcpy(a->to, "2024-12-31");
    j.chain = &c;
    assert_string_equal(in_effect(&set, "2020-05-31", &j, out, sizeof out), "");
    assert_string_equal(in_effect(&set, "2020-06-01T08:00:00-04:00", &j, out, sizeof out), "model");
    assert_string_equal(in_effect(&set, "2024-12-31", &j, out, sizeof out), "model");
    assert_string_equal(in_effect(&set, "2025-01-01", &j, out, sizeof out), "");
    assert_true(fw_agency_chain_adopted(&c, "model", "model-1", "2021-01-01"));
    assert_false(fw_agency_chain_adopted(&c, "dept", "dept-1", "2021-01-01"));
    /* Adoption by version name: that version, though the family has a later one. */
    add(&set, "model-2.policy", "policy model \"m\"\nversion 2\nkind proposal");
    strcpy(a->policy, "model-1");
    strcpy(a->to, "");
    assert_string_equal(in_effect(&set, "2030-01-01", &j, out, sizeof out), "model");
    {
        const fw_loaded_policy *lp[4];
        assert_int_equal(fw_policy_set_in_effect(&set, "2030-01-01", &j, lp, 4), 1);
        assert_string_equal(fw_policy_fullname(lp[0]->policy), "model-1");
        assert_null(fw_policy_set_what_if(&set, lp[0], "2030-01-01", &j));
        assert_non_null(fw_policy_set_what_if(&set, fw_policy_set_find(&set, "model-2"),
                                              "2030-01-01", &j));
    }
    /* By family: the family's version chosen (the last of the proposals). */
    strcpy(a->policy, "model");
    {
        const fw_loaded_policy *lp[4];
        assert_int_equal(fw_policy_set_in_effect(&set, "2030-01-01", &j, lp, 4), 1);
        assert_string_equal(fw_policy_fullname(lp[0]->policy), "model-2");
    }
    fw_policy_set_release(&set);
}

static void test_what_if(void **state)
{
    fw_policy_set set;
    fw_agency_chain city = {0}, office = {0};
    fw_jurisdiction j = {0};
    (void)state;
    bundle(&set);
    link(&city, "metro-pd", "local_police");
    link(&office, "ice", "federal_component");
    link(&office, "dhs", "federal_department");
    j.chain = &city;
    assert_string_equal(fw_policy_set_what_if(&set, fw_policy_set_find(&set, "dept-1"),
                                              "2026-01-01", &j),
                        "it does not govern this agency");
    assert_string_equal(fw_policy_set_what_if(&set, fw_policy_set_find(&set, "model-1"),
                                              "2026-01-01", &j),
                        "a model policy no agency of this incident adopted");
    j.chain = &office;
    assert_null(fw_policy_set_what_if(&set, fw_policy_set_find(&set, "dept-1"), "2026-01-01", &j));
    assert_true(fw_policy_set_governs(&set, fw_policy_set_find(&set, "dept-1"), "2026-01-01", &j));
    assert_string_equal(fw_policy_set_what_if(&set, fw_policy_set_find(&set, "dept-1"),
                                              "2020-01-01", &j),
                        "not in effect on that date");
    assert_string_equal(fw_policy_set_what_if(&set, fw_policy_set_find(&set, "veh-1"),
                                              "2026-01-01", &j),
                        "it does not govern this kind of encounter");
    fw_policy_set_release(&set);
}

static void test_agency_record(void **state)
{
    static const char *const bad[][2] = {
        {"{\"record\":\"agency\",\"id\":\"a\",\"name\":\"A\",\"parent_id\":\"a\"}",
         "parent_id: agency a cannot be its own parent"},
        {"{\"record\":\"agency\",\"id\":\"a\",\"name\":\"A\",\"adopts\":[{\"policy\":\"p\","
         "\"from\":\"2020-01-01\",\"to\":\"2019-01-01\"}]}",
         "adopts[0].to: 2019-01-01 is before its from, 2020-01-01"},
        {"{\"record\":\"agency\",\"id\":\"a\",\"name\":\"A\",\"adopts\":[{\"policy\":\"p\"}]}",
         "adopts[0].from"},
        {"{\"record\":\"agency\",\"id\":\"a\",\"name\":\"A\",\"type\":\"ministry\"}", "type"},
    };
    const char *good = "{\"record\":\"agency\",\"id\":\"ice\",\"name\":\"ICE\",\"type\":"
                       "\"federal_component\",\"parent_id\":\"dhs\",\"withdrawn\":true,"
                       "\"adopts\":[{\"policy\":\"model\",\"from\":\"2020-06-01\"}]}";
    fw_agency_link l;
    fw_agency_chain c = {0};
    fw_doc *doc = NULL;
    fw_diag d;
    char label[300];
    size_t i;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fw_diag_init(&d, 10);
        assert_int_equal(fw_doc_parse(bad[i][0], strlen(bad[i][0]), NULL, &doc, &d),
                         FW_ERR_INVALID);
        assert_true(d.n > 0);
        if (!strstr(d.msgs[0], bad[i][1]))
            fail_msg("got '%s', wanted '%s'", d.msgs[0], bad[i][1]);
        fw_diag_release(&d);
    }
    fw_diag_init(&d, 10);
    assert_int_equal(fw_doc_parse(good, strlen(good), NULL, &doc, &d), FW_OK);
    fw_agency_link_from_json(doc->root, doc->id, &l);
    assert_string_equal(l.id, "ice");
    assert_string_equal(l.parent_id, "dhs");
    assert_string_equal(l.type, "federal_component");
    assert_true(l.withdrawn && l.found);
    assert_int_equal(l.nadopts, 1);
    assert_string_equal(l.adopts[0].from, "2020-06-01");
    assert_string_equal(l.adopts[0].to, "");
    c.links[0] = l;
    c.n = 1;
    fw_agency_label(&c, label, sizeof label);
    assert_string_equal(label, "ICE (ice, withdrawn)");
    fw_agency_link_from_json(NULL, "gone", &c.links[0]);
    fw_agency_label(&c, label, sizeof label);
    assert_string_equal(label, "gone");
    fw_doc_free(doc);
    fw_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_check),
        cmocka_unit_test(test_whom_and_what),
        cmocka_unit_test(test_adoption),
        cmocka_unit_test(test_what_if),
        cmocka_unit_test(test_agency_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
