/*
** Unit tests of acts other than force (issue 14, point 3; docs/policy-language.md,
** "Rules" and "Facts"): the situation of a reach-in, a command or a warning (its actor
** is "the officer", its target "the subject", facts at its own moment, no force facts);
** the 'on' clause (which rules an act gets, the accessors); review items with keys
** ACTOR@T/TYPE for the acts a rule is on, and none for acts no rule is on.
*/
#include "situation_util.h"

#include "policy/policy.h"
#include "policy/review.h"

#include "base/banned.h"

/* The situation of the event at index i of account acc. */
static fw_situation *act_at(const fw_doc *doc, const char *acc, size_t i)
{
    fw_situation *s = fw_situation_build(doc, account(doc, acc), i, NULL);
    assert_non_null(s);
    return s;
}

static fw_policy *policy_text(const char *body)
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

/* The number of problems the checker reports for body, and the first in *first. */
static size_t problems(const char *body, char *first, size_t n)
{
    char text[4096];
    fw_diag d;
    fw_policy *p = NULL;
    size_t count;
    snprintf(text, sizeof text, "policy t \"test\"\nversion 1\n%s\n", body);
    fw_diag_init(&d, 10);
    assert_int_equal(fw_policy_parse("t", text, strlen(text), &p, &d), FW_ERR_INVALID);
    assert_null(p);
    count = d.n;
    snprintf(first, n, "%s", d.n ? d.msgs[0] : "");
    fw_diag_release(&d);
    return count;
}

/* A reach-in with no force after it: judged at t=0, against o-1; the subject is the
** driver of the vehicle reached into; no force facts. */
static void test_reach_in_situation(void **state)
{
    fw_doc *doc = incident("{'id':'v','kind':'video_analysis','source':'s','complete':true,'events':["
                           " {'t':0,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'},"
                           " {'t':2,'type':'command','actor':'o-2','to':'s-1','tone':'hostile'},"
                           " {'t':3,'type':'threat','actor':'s-1','level':'death','imminent':true},"
                           " {'t':4,'type':'reach_into_vehicle','actor':'o-2','vehicle':'v-1'}]}");
    fw_situation *s = act_at(doc, "v", 0);
    (void)state;

    assert_string_equal(fw_situation_act_type(s), "reach_into_vehicle");
    assert_true(s->t == 0);
    check_str(s, "act.type", "reach_into_vehicle", FW_SRC_EVENT);
    check_str(s, "act.actor", "o-1", FW_SRC_EVENT);
    check_str(s, "act.target", "v-1", FW_SRC_EVENT);
    check_bool(s, "act.before_any_step", true, FW_SRC_COMPLETE);   /* nothing before it, complete */
    check_unknown(s, "act.tone");
    check_unknown(s, "force.kind");
    check_unknown(s, "force.actor");
    check_unknown(s, "force.target");
    check_bool(s, "subject.is_driver", true, FW_SRC_INCIDENT);
    check_bool(s, "vehicle.present", true, FW_SRC_INCIDENT);
    /* At its own moment: the later command and threat do not count. */
    check_bool(s, "command.given", false, FW_SRC_COMPLETE);
    check_str(s, "threat.level", "none", FW_SRC_COMPLETE);
    fw_situation_free(s);

    /* o-2's later reach comes after a command: not before any step, whatever o-1 did;
    ** and by then the threat stands. */
    s = act_at(doc, "v", 3);
    check_str(s, "act.actor", "o-2", FW_SRC_EVENT);
    check_bool(s, "act.before_any_step", false, FW_SRC_EVENT);
    check_event(s, "act.before_any_step", 1, 2);
    check_bool(s, "reached_into_vehicle_first", true, FW_SRC_EVENT);   /* o-1's, earlier */
    check_bool(s, "threat.imminent", true, FW_SRC_EVENT);
    fw_situation_free(s);
    fw_doc_free(doc);
}

/* A command: its own tone, its own actor as "the officer", its `to` as the subject. */
static void test_command_situation(void **state)
{
    fw_doc *doc = incident("{'id':'r','kind':'officer_report','source':'s','events':["
                           " {'t':0,'type':'command','actor':'o-1','to':'s-2','tone':'professional'},"
                           " {'t':1,'type':'command','actor':'o-2','to':'s-2','tone':'hostile'},"
                           " {'t':1,'type':'force','actor':'o-1','kind':'takedown','target':'s-2'},"
                           " {'t':2,'type':'command','actor':'o-1','to':'s-2'},"
                           " {'t':3,'type':'warning','actor':'o-2','to':'s-2','of':'deadly'}]}");
    fw_situation *s = act_at(doc, "r", 1);
    (void)state;

    check_str(s, "act.type", "command", FW_SRC_EVENT);
    check_str(s, "act.actor", "o-2", FW_SRC_EVENT);
    check_str(s, "act.target", "s-2", FW_SRC_EVENT);
    check_str(s, "act.tone", "hostile", FW_SRC_EVENT);
    check_bool(s, "act.before_any_step", false, FW_SRC_EVENT);   /* o-1's command at t=0 */
    check_unknown(s, "force.kind");
    fw_situation_free(s);

    s = act_at(doc, "r", 0);
    check_str(s, "act.tone", "professional", FW_SRC_EVENT);
    check_unknown(s, "act.before_any_step");   /* the first told, but the report is not complete */
    fw_situation_free(s);

    s = act_at(doc, "r", 3);   /* a command without a tone */
    check_unknown(s, "act.tone");
    fw_situation_free(s);

    s = act_at(doc, "r", 4);   /* a warning: no tone, its own type */
    check_str(s, "act.type", "warning", FW_SRC_EVENT);
    check_unknown(s, "act.tone");
    check_str(s, "act.of", "deadly", FW_SRC_EVENT);
    check_bool(s, "warning.deadly_given", true, FW_SRC_EVENT);
    fw_situation_free(s);

    /* The force has act facts too: act.type force, its actor. */
    s = act_at(doc, "r", 2);
    check_str(s, "act.type", "force", FW_SRC_EVENT);
    check_str(s, "act.actor", "o-1", FW_SRC_EVENT);
    check_str(s, "force.kind", "takedown", FW_SRC_EVENT);
    fw_situation_free(s);
    fw_doc_free(doc);
}

/* Silence is not a finding (issue 14, point 5): an act with no step told before it is
** before any step only in a complete account, or where stated absences of all four steps
** (command, identify, warning, deescalate) cover its time; otherwise unknown, and a rule
** requiring 'not act.before_any_step' is undetermined, not out. */
static void test_before_any_step_silence(void **state)
{
    fw_policy *p = policy_text("rule reach cite \"1\" says \"a\" on reach_into_vehicle "
                               "require not act.before_any_step\n");
    fw_doc *doc = incident(
        "{'id':'witness','kind':'civilian_witness','source':'s','events':["
        " {'t':30,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'}]},"
        "{'id':'stated','kind':'civilian_witness','source':'s','events':["
        " {'t':30,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'},"
        " {'t':30,'type':'absence','of':'command'},"
        " {'t':31,'type':'absence','of':'identify'},"
        " {'t':40,'type':'absence','of':'warning'},"
        " {'t':40,'type':'absence','of':'deescalate'}]},"
        "{'id':'three','kind':'civilian_witness','source':'s','events':["
        " {'t':30,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'},"
        " {'t':40,'type':'absence','of':'command'},"
        " {'t':40,'type':'absence','of':'identify'},"
        " {'t':40,'type':'absence','of':'warning'}]},"
        "{'id':'early','kind':'civilian_witness','source':'s','events':["
        " {'t':20,'type':'absence','of':'command'},"
        " {'t':20,'type':'absence','of':'identify'},"
        " {'t':20,'type':'absence','of':'warning'},"
        " {'t':20,'type':'absence','of':'deescalate'},"
        " {'t':30,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'}]},"
        "{'id':'complete','kind':'video_analysis','source':'s','complete':true,'events':["
        " {'t':30,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'}]}");
    fw_rule_result r[1];
    fw_situation *s;
    (void)state;

    /* Only the reach-in, in an incomplete account: unknown, so undetermined. */
    s = act_at(doc, "witness", 0);
    check_unknown(s, "act.before_any_step");
    check_unknown(s, "reached_into_vehicle_first");
    fw_policy_evaluate(p, s, NULL, r);
    assert_int_equal(r[0].outcome, FW_UNDETERMINED);
    fw_situation_free(s);

    /* Absences of all four steps at or after t=30: true, stated by the latest of them. */
    s = act_at(doc, "stated", 0);
    check_bool(s, "act.before_any_step", true, FW_SRC_EVENT);
    check_event(s, "act.before_any_step", 4, 40);
    check_bool(s, "reached_into_vehicle_first", true, FW_SRC_EVENT);
    check_event(s, "reached_into_vehicle_first", 4, 40);
    fw_policy_evaluate(p, s, NULL, r);
    assert_int_equal(r[0].outcome, FW_OUT);
    fw_situation_free(s);

    /* No absence of deescalate: still unknown. */
    s = act_at(doc, "three", 0);
    check_unknown(s, "act.before_any_step");
    check_unknown(s, "reached_into_vehicle_first");
    fw_situation_free(s);

    /* Absences stated before the act say nothing of the seconds up to it. */
    s = act_at(doc, "early", 4);
    check_unknown(s, "act.before_any_step");
    check_unknown(s, "reached_into_vehicle_first");
    fw_situation_free(s);

    /* A complete account's silence is the answer. */
    s = act_at(doc, "complete", 0);
    check_bool(s, "act.before_any_step", true, FW_SRC_COMPLETE);
    check_bool(s, "reached_into_vehicle_first", true, FW_SRC_EVENT);
    check_event(s, "reached_into_vehicle_first", 0, 30);
    fw_policy_evaluate(p, s, NULL, r);
    assert_int_equal(r[0].outcome, FW_OUT);
    fw_situation_free(s);
    fw_policy_free(p);
    fw_doc_free(doc);
}

/* One list of what an act is aimed at, for act.target and the review's "target". */
static void test_act_target(void **state)
{
    fw_doc *doc = incident("{'id':'r','kind':'officer_report','source':'s','events':["
                           " {'t':0,'type':'command','actor':'o-1','to':'s-1'},"
                           " {'t':1,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'},"
                           " {'t':2,'type':'force','actor':'o-1','kind':'takedown','target':'s-1'},"
                           " {'t':3,'type':'medical_aid','actor':'o-2','person':'s-1','status':'requested'},"
                           " {'t':4,'type':'intervene','actor':'o-2','target':'o-1'},"
                           " {'t':5,'type':'identify','actor':'o-1'}]}");
    const fw_account *a = account(doc, "r");
    static const char *const want[] = {"s-1", "v-1", "s-1", "s-1", "o-1", NULL};
    fw_situation *s;
    size_t i;
    (void)state;

    assert_null(fw_act_target(NULL));
    for (i = 0; i < a->nevents; i++) {
        const char *got = fw_act_target(&a->events[i]);
        if (want[i])
            assert_string_equal(got, want[i]);
        else
            assert_null(got);
        s = act_at(doc, "r", i);
        if (want[i])
            check_str(s, "act.target", want[i], FW_SRC_EVENT);
        else
            check_unknown(s, "act.target");
        fw_situation_free(s);
    }
    fw_doc_free(doc);
}

/* Which rules judge which acts; a rule on command never sees force facts. */
static void test_on_clause(void **state)
{
    fw_policy *p = policy_text("rule f cite \"1\" says \"a\" require force.kind != takedown\n"
                               "rule c cite \"2\" says \"b\" on command, warning require act.tone != hostile\n"
                               "rule cw cite \"3\" says \"c\" on command, warning when rule c "
                               "require act.actor = o-1\n");
    fw_doc *doc = incident("{'id':'r','kind':'officer_report','source':'s','events':["
                           " {'t':0,'type':'command','actor':'o-2','to':'s-2','tone':'hostile'},"
                           " {'t':1,'type':'force','actor':'o-1','kind':'takedown','target':'s-2'}]}");
    fw_rule_result r[3];
    fw_rule_info info;
    fw_situation *s;
    size_t i;
    (void)state;

    assert_true(fw_policy_rule_on(p, 0, "force"));
    assert_false(fw_policy_rule_on(p, 0, "command"));
    assert_true(fw_policy_rule_on(p, 1, "command"));
    assert_true(fw_policy_rule_on(p, 1, "warning"));
    assert_false(fw_policy_rule_on(p, 1, "force"));
    assert_true(fw_policy_rule_on(p, 2, "warning"));
    assert_false(fw_policy_rule_on(p, 2, NULL));
    assert_false(fw_policy_rule_on(p, 3, "force"));   /* no such rule */
    assert_true(fw_policy_judges(p, "warning"));
    assert_false(fw_policy_judges(p, "reach_into_vehicle"));
    assert_true(fw_policy_judges_other_acts(p));
    fw_policy_rule(p, 0, &info);
    assert_string_equal(info.on, "force");
    fw_policy_rule(p, 2, &info);
    assert_string_equal(info.on, "command, warning");

    /* The command: judged by c and cw, not by f. */
    s = act_at(doc, "r", 0);
    fw_policy_evaluate(p, s, NULL, r);
    assert_false(r[0].judged);
    assert_int_equal(r[0].outcome, FW_NOT_APPLICABLE);
    assert_int_equal(r[0].nread, 0);
    assert_true(r[1].judged);
    assert_int_equal(r[1].outcome, FW_OUT);
    assert_true(r[2].judged);
    assert_int_equal(r[2].outcome, FW_NOT_APPLICABLE);   /* when rule c: c is out */
    for (i = 0; i < r[1].nread; i++)
        assert_true(strncmp(fw_fact_defs[r[1].read[i]].name, "force.", 6) != 0);
    fw_situation_free(s);

    /* The force: judged by f only. */
    s = act_at(doc, "r", 1);
    fw_policy_evaluate(p, s, NULL, r);
    assert_true(r[0].judged);
    assert_int_equal(r[0].outcome, FW_OUT);
    assert_false(r[1].judged);
    assert_false(r[2].judged);
    assert_int_equal(r[1].nread, 0);
    fw_situation_free(s);
    fw_policy_free(p);
    fw_doc_free(doc);

    /* A policy with no 'on' judges force only. */
    p = policy_text("rule f cite \"1\" says \"a\" require true\n");
    assert_false(fw_policy_judges_other_acts(p));
    assert_true(fw_policy_judges(p, "force"));
    assert_false(fw_policy_judges(p, "command"));
    fw_policy_free(p);
}

static void test_on_errors(void **state)
{
    char msg[512];
    (void)state;

    assert_int_equal(problems("rule r cite \"1\" says \"x\" on frisk require true", msg, sizeof msg), 1);
    assert_string_equal(msg, "t:3:29: rule r: unknown event type 'frisk' after 'on'");
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on command require force.kind = ecd", msg,
                              sizeof msg), 1);
    assert_string_equal(msg, "t:3:45: rule r is on command: 'force.kind' is a fact of force events "
                             "only (use act.*)");
    assert_int_equal(problems("define deadly = firearm_discharge\n"
                              "rule r cite \"1\" says \"x\" on warning require not force.deadly", msg,
                              sizeof msg), 1);
    assert_int_equal(problems("rule f cite \"1\" says \"x\" require true\n"
                              "rule r cite \"1\" says \"x\" on command require rule f", msg,
                              sizeof msg), 1);
    assert_string_equal(msg, "t:4:50: rule r refers to rule f, which is not on command");
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on command, command require true", msg,
                              sizeof msg), 1);
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on command on warning require true", msg,
                              sizeof msg), 1);
    assert_int_equal(problems("rule r cite \"1\" says \"x\" require act.type = frisk", msg,
                              sizeof msg), 1);
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on warning require act.of = loud", msg,
                              sizeof msg), 1);
    /* act.of takes a warning's values and an absence's (the act enumeration), not any
    ** event type. */
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on warning require act.of != threat", msg,
                              sizeof msg), 1);
    assert_string_equal(msg, "t:3:55: 'threat' is not a value of act.of (expected one of deadly, "
                             "less_lethal, warning, identify, command, deescalate, intervene, "
                             "medical_aid, reach_into_vehicle)");
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on warning require act.of in (deadly, force)",
                              msg, sizeof msg), 1);
    fw_policy_free(policy_text("rule w cite \"1\" says \"x\" on warning require act.of = deadly\n"
                               "rule m cite \"2\" says \"y\" on warning require act.of != medical_aid\n"));
    /* 'on' takes force and officers' acts only: not the subject's or the scene's events,
    ** and not an absence (an account's statement, attributed to no one). */
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on threat require true", msg, sizeof msg), 1);
    assert_string_equal(msg, "t:3:29: rule r: 'threat' is not an officer's act (after 'on': force, "
                             "warning, identify, command, deescalate, intervene, medical_aid, "
                             "reach_into_vehicle)");
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on command, position, flee require true",
                              msg, sizeof msg), 2);
    assert_int_equal(problems("rule r cite \"1\" says \"x\" on absence require true", msg, sizeof msg), 1);
    assert_string_equal(msg, "t:3:29: rule r: 'on absence' is not allowed: an absence is an "
                             "account's statement that an act did not happen, not an act (use the "
                             "facts it settles, such as warning.given, in a rule on force)");
    fw_policy_free(policy_text("rule a cite \"1\" says \"x\" on force, warning, identify, command, "
                               "deescalate, intervene, medical_aid, reach_into_vehicle require true\n"));
    /* A force rule may refer to a rule on force and command; act.* facts are fine anywhere. */
    fw_policy_free(policy_text("rule a cite \"1\" says \"x\" on force, command require act.actor = o-1\n"
                               "rule b cite \"2\" says \"y\" require rule a and act.type = force\n"));
}

/* Review items: force and the acts a rule is on, with keys ACTOR@T/TYPE. */
static void test_review_items(void **state)
{
    fw_policy *p = policy_text("rule reach cite \"1\" says \"a\" on reach_into_vehicle "
                               "require not act.before_any_step\n"
                               "rule f cite \"2\" says \"b\" require true\n");
    fw_doc *doc = incident("{'id':'v','kind':'video_analysis','source':'s','complete':true,'events':["
                           " {'t':0,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'},"
                           " {'t':0,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'},"
                           " {'t':1.5,'type':'command','actor':'o-1','to':'s-1'},"
                           " {'t':2,'type':'force','actor':'o-2','kind':'hands_on','target':'s-1'}]}");
    fw_review rv;
    fw_error err;
    json_t *j, *apps;
    (void)state;

    assert_int_equal(fw_review_run(doc, p, NULL, NULL, &rv, &err), FW_OK);
    assert_int_equal(rv.nitems, 3);   /* two reach-ins and the force; no rule on command */
    assert_string_equal(rv.items[0].key, "o-1@0/reach_into_vehicle");
    assert_string_equal(rv.items[1].key, "o-1@0/reach_into_vehicle#2");
    assert_string_equal(rv.items[2].key, "o-2@2");
    assert_false(fw_review_item_is_force(&rv, 0));
    assert_string_equal(fw_review_item_type(&rv, 0), "reach_into_vehicle");
    assert_true(fw_review_item_is_force(&rv, 2));
    assert_int_equal(fw_review_item_outcome(&rv, 0), FW_OUT);
    assert_int_equal(fw_review_item_outcome(&rv, 2), FW_WITHIN);
    assert_false(rv.items[0].results[1].judged);
    assert_false(rv.items[2].results[0].judged);

    j = fw_review_json(&rv);
    apps = json_object_get(j, "applications");
    assert_int_equal(json_array_size(apps), 3);
    /* Its event type is "type"; "act" is the id of the act it is an item of (two reach-ins
    ** at one time in one account are two acts). */
    assert_string_equal(json_string_value(json_object_get(json_array_get(apps, 0), "type")),
                        "reach_into_vehicle");
    assert_string_equal(json_string_value(json_object_get(json_array_get(apps, 0), "act")),
                        "o-1 reach_into_vehicle #1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(apps, 1), "act")),
                        "o-1 reach_into_vehicle #2");
    assert_string_equal(json_string_value(json_object_get(json_array_get(apps, 2), "type")), "force");
    assert_string_equal(json_string_value(json_object_get(json_array_get(apps, 2), "act")),
                        "o-2 hands_on #1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(apps, 0), "actor")), "o-1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(apps, 0), "target")), "v-1");
    /* Only the rules on the act's type are listed. */
    assert_int_equal(json_array_size(json_object_get(json_array_get(apps, 0), "rules")), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(apps, 2), "rules")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(json_array_get(apps, 2), "rules"), 0),
                            "rule")),
                        "f");
    json_decref(j);
    fw_review_release(&rv);
    fw_policy_free(p);
    fw_doc_free(doc);
}

/* Example 09: o-901's reach-in is its own item, at t=0 in the video and t=10 in the report. */
static void test_example_09(void **state)
{
    fw_doc *doc = load("examples/09-reach-into-car-first.json");
    fw_policy *p = policy_text("rule reach cite \"1\" says \"a\" on reach_into_vehicle "
                               "when vehicle.present require not act.before_any_step\n");
    fw_review rv;
    fw_error err;
    size_t i, seen = 0;
    (void)state;

    assert_int_equal(fw_review_run(doc, p, NULL, NULL, &rv, &err), FW_OK);
    for (i = 0; i < rv.nitems; i++) {
        const char *acc = doc->accounts[rv.items[i].account].id;
        if (!fw_review_item_is_force(&rv, i)) {
            assert_string_equal(rv.items[i].sit->facts[fw_fact_index("act.actor")].v.str, "o-901");
            if (strcmp(acc, "passenger-video") == 0) {
                assert_string_equal(rv.items[i].key, "o-901@0/reach_into_vehicle");
                assert_int_equal(fw_review_item_outcome(&rv, i), FW_OUT);
            } else {
                assert_string_equal(rv.items[i].key, "o-901@10/reach_into_vehicle");
                assert_int_equal(fw_review_item_outcome(&rv, i), FW_WITHIN);
            }
            seen++;
        } else {
            /* The force applications are not judged by a rule on reach-ins. */
            assert_int_equal(fw_review_item_outcome(&rv, i), FW_NOT_APPLICABLE);
            assert_false(rv.items[i].results[0].judged);
        }
    }
    assert_int_equal(seen, 2);
    fw_review_release(&rv);
    fw_policy_free(p);
    fw_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reach_in_situation),
        cmocka_unit_test(test_command_situation),
        cmocka_unit_test(test_before_any_step_silence),
        cmocka_unit_test(test_act_target),
        cmocka_unit_test(test_on_clause),
        cmocka_unit_test(test_on_errors),
        cmocka_unit_test(test_review_items),
        cmocka_unit_test(test_example_09),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
