/*
** Unit tests of the policy language: every malformed policy in
** tests/data/policy-errors.cases gives exactly its messages and positions;
** the evaluator follows Kleene's tables for and / or / not, compares
** ordinal levels and numbers, tests set membership, follows rule
** references, honours policy definitions, and evaluates time windows.
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
#include "policy/policy.h"
#include "policy/situation.h"

/* ---- malformed policies ------------------------------------------------- */

static bool run_error_case(const char *name, const char *text, char **expected, size_t n)
{
    fw_diag d;
    fw_policy *p = NULL;
    size_t i;
    bool ok;

    fw_diag_init(&d, 50);
    ok = fw_policy_parse("p", text, strlen(text), &p, &d) == FW_ERR_INVALID && !p && d.n == n;
    for (i = 0; ok && i < n; i++)
        ok = strcmp(d.msgs[i], expected[i]) == 0;
    if (!ok) {
        print_error("case '%s':\n", name);
        for (i = 0; i < n; i++)
            print_error("  expected %s\n", expected[i]);
        for (i = 0; i < d.n; i++)
            print_error("  got      %s\n", d.msgs[i]);
    }
    fw_policy_free(p);
    fw_diag_release(&d);
    return ok;
}

static void test_malformed_policies(void **state)
{
    FILE *f = fopen("tests/data/policy-errors.cases", "r");
    char line[1024], name[256] = "", *expected[16];
    fw_buf text;
    size_t nexp = 0, i;
    int cases = 0, failed = 0;
    bool in_case = false;
    (void)state;

    assert_non_null(f);
    fw_buf_init(&text, 1 << 20);
    for (;;) {
        char *l = fgets(line, sizeof line, f);
        if (!l || strncmp(l, "=== ", 4) == 0) {
            if (in_case) {
                /* The blank line before the next case is not part of this one. */
                while (text.len && text.data[text.len - 1] == '\n' && text.len > 1 &&
                       text.data[text.len - 2] == '\n')
                    text.data[--text.len] = '\0';
                cases++;
                if (!run_error_case(name, fw_buf_str(&text), expected, nexp))
                    failed++;
                for (i = 0; i < nexp; i++)
                    free(expected[i]);
            }
            if (!l)
                break;
            in_case = true;
            snprintf(name, sizeof name, "%s", l + 4);
            name[strcspn(name, "\n")] = '\0';
            fw_buf_reset(&text);
            nexp = 0;
            continue;
        }
        if (!in_case)
            continue;
        if (strncmp(l, "=> ", 3) == 0) {
            l[strcspn(l, "\n")] = '\0';
            assert_true(nexp < 16);
            expected[nexp++] = strdup(l + 3);
        } else {
            fw_buf_adds(&text, l);
        }
    }
    fclose(f);
    fw_buf_release(&text);
    assert_int_equal(failed, 0);
    assert_true(cases >= 30);
    print_message("%d malformed policies checked\n", cases);
}

/* ---- evaluation on hand-set facts --------------------------------------- */

static fw_account no_events;

static fw_situation *situation(void)
{
    fw_situation *s = calloc(1, sizeof *s + fw_n_facts * sizeof(fw_fact));
    size_t i;
    assert_non_null(s);
    if (!no_events.obj)
        no_events.obj = json_object();
    s->account = &no_events;
    s->t = 10;
    for (i = 0; i < fw_n_facts; i++)
        s->facts[i].event_index = -1;
    return s;
}

static void set_tri(fw_situation *s, const char *fact, fw_tri v)
{
    int i = fw_fact_index(fact);
    assert_true(i >= 0);
    s->facts[i].v.type = v == FW_UNKNOWN ? FW_V_UNKNOWN : FW_V_BOOL;
    s->facts[i].v.b = v == FW_TRUE;
}

static void set_str(fw_situation *s, const char *fact, const char *value)
{
    int i = fw_fact_index(fact);
    assert_true(i >= 0);
    s->facts[i].v.type = value ? FW_V_STR : FW_V_UNKNOWN;
    s->facts[i].v.str = value;
}

static void set_num(fw_situation *s, const char *fact, double v)
{
    int i = fw_fact_index(fact);
    assert_true(i >= 0);
    s->facts[i].v.type = FW_V_NUM;
    s->facts[i].v.num = v;
}

static fw_policy *policy_of(const char *body)
{
    char text[4096];
    fw_diag d;
    fw_policy *p = NULL;
    snprintf(text, sizeof text, "policy t \"test\"\nversion 1\n%s\n", body);
    fw_diag_init(&d, 10);
    if (fw_policy_parse("t", text, strlen(text), &p, &d) != FW_OK)
        fail_msg("test policy rejected: %s", d.n ? d.msgs[0] : "?");
    fw_diag_release(&d);
    return p;
}

/* Outcome of a one-rule policy "when W require R" on s. */
static fw_outcome outcome(fw_situation *s, const char *when, const char *require)
{
    char body[2048];
    fw_policy *p;
    fw_rule_result r[1];
    snprintf(body, sizeof body, "rule r\n cite \"1\"\n says \"x\"\n%s%s\n require %s",
             when ? " when " : "", when ? when : "", require);
    p = policy_of(body);
    fw_policy_evaluate(p, s, NULL, r);
    fw_policy_free(p);
    return r[0].outcome;
}

static fw_outcome as_outcome(fw_tri t)
{
    return t == FW_TRUE ? FW_WITHIN : t == FW_FALSE ? FW_OUT : FW_UNDETERMINED;
}

static void test_kleene_tables(void **state)
{
    static const fw_tri v[] = {FW_FALSE, FW_TRUE, FW_UNKNOWN};
    /* Kleene's strong three-valued logic, written out. */
    static const fw_tri and_t[3][3] = {{FW_FALSE, FW_FALSE, FW_FALSE},
                                       {FW_FALSE, FW_TRUE, FW_UNKNOWN},
                                       {FW_FALSE, FW_UNKNOWN, FW_UNKNOWN}};
    static const fw_tri or_t[3][3] = {{FW_FALSE, FW_TRUE, FW_UNKNOWN},
                                      {FW_TRUE, FW_TRUE, FW_TRUE},
                                      {FW_UNKNOWN, FW_TRUE, FW_UNKNOWN}};
    static const fw_tri not_t[3] = {FW_TRUE, FW_FALSE, FW_UNKNOWN};
    fw_situation *s = situation();
    int a, b;
    (void)state;

    for (a = 0; a < 3; a++) {
        assert_int_equal(fw_tri_not(v[a]), not_t[a]);
        set_tri(s, "identified", v[a]);
        assert_int_equal(outcome(s, NULL, "not identified"), as_outcome(not_t[a]));
        for (b = 0; b < 3; b++) {
            assert_int_equal(fw_tri_and(v[a], v[b]), and_t[a][b]);
            assert_int_equal(fw_tri_or(v[a], v[b]), or_t[a][b]);
            set_tri(s, "warning.given", v[b]);
            assert_int_equal(outcome(s, NULL, "identified and warning.given"),
                             as_outcome(and_t[a][b]));
            assert_int_equal(outcome(s, NULL, "identified or warning.given"),
                             as_outcome(or_t[a][b]));
        }
    }
    free(s);
}

static void test_when_and_outcomes(void **state)
{
    fw_situation *s = situation();
    (void)state;
    set_tri(s, "identified", FW_TRUE);
    set_tri(s, "vehicle.moving", FW_FALSE);
    assert_int_equal(outcome(s, "vehicle.moving", "identified"), FW_NOT_APPLICABLE);
    set_tri(s, "vehicle.moving", FW_UNKNOWN);
    assert_int_equal(outcome(s, "vehicle.moving", "identified"), FW_UNDETERMINED);
    set_tri(s, "vehicle.moving", FW_TRUE);
    assert_int_equal(outcome(s, "vehicle.moving", "identified"), FW_WITHIN);
    assert_int_equal(outcome(s, "vehicle.moving", "not identified"), FW_OUT);
    assert_int_equal(outcome(s, NULL, "true"), FW_WITHIN);
    assert_int_equal(outcome(s, NULL, "false"), FW_OUT);
    free(s);
}

static void test_ordinal_and_numbers(void **state)
{
    fw_situation *s = situation();
    (void)state;
    set_str(s, "threat.level", "minor");
    assert_int_equal(outcome(s, NULL, "threat.level >= serious_bodily_injury"), FW_OUT);
    assert_int_equal(outcome(s, NULL, "threat.level < serious_bodily_injury"), FW_WITHIN);
    assert_int_equal(outcome(s, NULL, "threat.level > none"), FW_WITHIN);
    assert_int_equal(outcome(s, NULL, "threat.level <= none"), FW_OUT);
    set_str(s, "threat.level", "death");
    assert_int_equal(outcome(s, NULL, "threat.level >= serious_bodily_injury"), FW_WITHIN);
    assert_int_equal(outcome(s, NULL, "serious_bodily_injury <= threat.level"), FW_WITHIN);
    set_str(s, "threat.level", NULL);
    assert_int_equal(outcome(s, NULL, "threat.level >= serious_bodily_injury"), FW_UNDETERMINED);
    set_str(s, "resistance.level", "active");
    assert_int_equal(outcome(s, NULL, "resistance.level >= assaultive"), FW_OUT);
    set_num(s, "seconds_since_compliance", 12.5);
    assert_int_equal(outcome(s, NULL, "seconds_since_compliance > 10"), FW_WITHIN);
    assert_int_equal(outcome(s, NULL, "seconds_since_compliance <= 12.4"), FW_OUT);
    free(s);
}

static void test_membership_and_equality(void **state)
{
    fw_situation *s = situation();
    (void)state;
    set_str(s, "threat.target", "self");
    assert_int_equal(outcome(s, NULL, "threat.target in (officer, other)"), FW_OUT);
    assert_int_equal(outcome(s, NULL, "threat.target not in (officer, other)"), FW_WITHIN);
    set_str(s, "threat.target", "other");
    assert_int_equal(outcome(s, NULL, "threat.target in (officer, other)"), FW_WITHIN);
    set_str(s, "threat.target", NULL);
    assert_int_equal(outcome(s, NULL, "threat.target in (officer, other)"), FW_UNDETERMINED);
    set_str(s, "force.target", "s-1");
    set_str(s, "vehicle.driver", "s-1");
    assert_int_equal(outcome(s, NULL, "force.target = vehicle.driver"), FW_WITHIN);
    set_str(s, "vehicle.driver", "s-2");
    assert_int_equal(outcome(s, NULL, "force.target = vehicle.driver"), FW_OUT);
    assert_int_equal(outcome(s, NULL, "force.target != vehicle.driver"), FW_WITHIN);
    set_tri(s, "identified", FW_TRUE);
    assert_int_equal(outcome(s, NULL, "identified = false"), FW_OUT);
    free(s);
}

static void test_definitions_and_rule_references(void **state)
{
    fw_situation *s = situation();
    fw_policy *p = policy_of(
        "define deadly = firearm_discharge, chokehold\n"
        "rule threat\n cite \"1\"\n says \"x\"\n when force.deadly\n require threat.imminent\n"
        "rule chokehold\n cite \"2\"\n says \"y\"\n when force.kind = chokehold\n"
        " require rule threat\n");
    fw_rule_result r[2];
    (void)state;

    set_str(s, "force.kind", "firearm_aimed");   /* aiming is not in the deadly set */
    set_tri(s, "threat.imminent", FW_FALSE);
    fw_policy_evaluate(p, s, NULL, r);
    assert_int_equal(r[0].outcome, FW_NOT_APPLICABLE);
    assert_int_equal(r[1].outcome, FW_NOT_APPLICABLE);

    set_str(s, "force.kind", "chokehold");
    fw_policy_evaluate(p, s, NULL, r);
    assert_int_equal(r[0].outcome, FW_OUT);
    assert_int_equal(r[1].outcome, FW_OUT);              /* follows the referenced rule */

    set_tri(s, "threat.imminent", FW_UNKNOWN);
    fw_policy_evaluate(p, s, NULL, r);
    assert_int_equal(r[1].outcome, FW_UNDETERMINED);
    assert_int_equal(r[1].nunknown, 1);                  /* the unknown comes through */
    assert_string_equal(fw_fact_defs[r[1].unknown[0]].name, "threat.imminent");

    /* An override replaces one fact for decisive-fact substitution. */
    {
        fw_override ov;
        ov.fact = fw_fact_index("threat.imminent");
        ov.v.type = FW_V_BOOL;
        ov.v.b = true;
        fw_policy_evaluate(p, s, &ov, r);
        assert_int_equal(r[1].outcome, FW_WITHIN);
    }
    assert_string_equal(fw_policy_fullname(p), "t-1");
    fw_policy_free(p);
    free(s);
}

static void test_unknown_facts_named(void **state)
{
    fw_situation *s = situation();
    fw_policy *p = policy_of("rule r\n cite \"1\"\n says \"x\"\n"
                             " require (threat.imminent and identified) or warning.given\n");
    fw_rule_result r[1];
    (void)state;
    set_tri(s, "threat.imminent", FW_UNKNOWN);
    set_tri(s, "identified", FW_UNKNOWN);
    set_tri(s, "warning.given", FW_FALSE);
    fw_policy_evaluate(p, s, NULL, r);
    assert_int_equal(r[0].outcome, FW_UNDETERMINED);
    assert_int_equal(r[0].nunknown, 2);
    assert_int_equal(r[0].nread, 3);
    set_tri(s, "warning.given", FW_TRUE);                 /* decided: nothing is missing */
    fw_policy_evaluate(p, s, NULL, r);
    assert_int_equal(r[0].outcome, FW_WITHIN);
    assert_int_equal(r[0].nunknown, 0);
    fw_policy_free(p);
    free(s);
}

/* ---- windows, on a real account ---------------------------------------- */

static fw_outcome window_outcome(bool complete, double warning_t, const char *window)
{
    char text[2048], rule[512];
    fw_diag d;
    fw_doc *doc = NULL;
    fw_situation *s;
    fw_policy *p;
    fw_rule_result r[1];

    snprintf(text, sizeof text,
             "{\"id\":\"w\",\"agency\":\"a\",\"occurred_at\":\"2024-01-01\","
             "\"officers\":[{\"id\":\"o\",\"role\":\"applied_force\"}],\"subjects\":[{\"id\":\"s\"}],"
             "\"accounts\":[{\"id\":\"x\",\"kind\":\"video_analysis\",\"source\":\"v\",%s\"events\":["
             "{\"t\":%g,\"type\":\"warning\",\"actor\":\"o\",\"of\":\"deadly\"},"
             "{\"t\":40,\"type\":\"force\",\"actor\":\"o\",\"kind\":\"ecd\",\"target\":\"s\"},"
             "{\"t\":41,\"type\":\"warning\",\"actor\":\"o\",\"of\":\"less_lethal\"}]}]}",
             complete ? "\"complete\":true," : "", warning_t);
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("window doc: %s", d.msgs[0]);
    s = fw_situation_build(doc, &doc->accounts[0], 1, NULL);
    assert_non_null(s);
    snprintf(rule, sizeof rule, "rule r\n cite \"1\"\n says \"x\"\n require %s", window);
    p = policy_of(rule);
    fw_policy_evaluate(p, s, NULL, r);
    fw_policy_free(p);
    fw_situation_free(s);
    fw_doc_free(doc);
    fw_diag_release(&d);
    return r[0].outcome;
}

static void test_windows(void **state)
{
    (void)state;
    assert_int_equal(window_outcome(false, 20, "event warning within 30 s before"), FW_WITHIN);
    assert_int_equal(window_outcome(false, 5, "event warning within 30 s before"),
                     FW_UNDETERMINED);             /* too early; the account may be partial */
    assert_int_equal(window_outcome(true, 5, "event warning within 30 s before"), FW_OUT);
    assert_int_equal(window_outcome(true, 40, "event warning within 0 s before"), FW_WITHIN);
    assert_int_equal(window_outcome(true, 20, "event warning(of = deadly) within 30 s before"),
                     FW_WITHIN);
    /* The less-lethal warning at 41 s comes after the force: it never counts. */
    assert_int_equal(window_outcome(true, 20, "event warning(of = less_lethal) within 30 s before"),
                     FW_OUT);
}

static void test_accessors_and_effect(void **state)
{
    const char *text = "policy dhs \"DHS\"\nversion 2023\neffective 2023-02-06\nuntil 2025-12-31\n"
                       "status verbatim\nsource \"S \\\"quoted\\\"\"\n"
                       "rule r\n cite \"VI.A\"\n says \"w\"\n status paraphrase\n require true\n";
    fw_diag d;
    fw_policy *p = NULL;
    fw_rule_info info;
    (void)state;
    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_parse("t", text, strlen(text), &p, &d), FW_OK);
    assert_string_equal(fw_policy_fullname(p), "dhs-2023");
    assert_string_equal(fw_policy_source(p), "S \"quoted\"");
    assert_false(fw_policy_in_effect(p, "2023-02-05"));
    assert_true(fw_policy_in_effect(p, "2023-02-06T10:00:00-05:00"));
    assert_true(fw_policy_in_effect(p, "2025-12-31"));
    assert_false(fw_policy_in_effect(p, "2026-01-01"));
    fw_policy_rule(p, 0, &info);
    assert_string_equal(info.status, "paraphrase");
    assert_string_equal(info.require, "true");
    assert_null(info.when);
    fw_policy_free(p);
    fw_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_policies),
        cmocka_unit_test(test_kleene_tables),
        cmocka_unit_test(test_when_and_outcomes),
        cmocka_unit_test(test_ordinal_and_numbers),
        cmocka_unit_test(test_membership_and_equality),
        cmocka_unit_test(test_definitions_and_rule_references),
        cmocka_unit_test(test_unknown_facts_named),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_accessors_and_effect),
    };
    int rc = cmocka_run_group_tests_name("policy", tests, NULL, NULL);
    json_decref(no_events.obj);
    return rc;
}
