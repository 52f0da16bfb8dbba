/*
** Unit tests of facts with lifetimes and stated absences (issue 14, points 1
** and 5; docs/policy-language.md, "Persistence" and "Stated absences"): what
** ends a threat and how it is credited, the threat window and the reach
** distance as settings, restraint ended by a release, the seconds since
** restraint and threat, and `absence` events settling the conduct facts
** through fw_absence_find.
*/
#include "situation_util.h"

#include "base/banned.h"

/* One incomplete account "a" with the given events (JSON with ' for "). */
static fw_doc *acc(const char *events)
{
    fw_buf b;
    fw_doc *doc;

    fw_buf_init(&b, FW_BUF_UNLIMITED);
    assert_int_equal(fw_buf_printf(&b, "{'id':'a','kind':'officer_report','source':'s','events':[%s]}",
                                   events),
                     FW_OK);
    doc = incident(b.data);
    fw_buf_release(&b);
    return doc;
}

#define THREAT(t) \
    "{'t':" #t ",'type':'threat','actor':'s-2','level':'death','imminent':true," \
    "'means':'firearm','target':'officer'}"
#define SHOT(t) "{'t':" #t ",'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-2'}"

static fw_situation *with(const fw_doc *doc, const fw_geometry *g)
{
    fw_situation *s = NULL;
    size_t i;
    const fw_account *a = &doc->accounts[0];
    for (i = 0; i < a->nevents && !s; i++)
        if (strcmp(a->events[i].type_name, "force") == 0)
            s = fw_situation_build(doc, a, i, g);
    assert_non_null(s);
    return s;
}

static void check_ended(const fw_situation *s, const char *name, const char *why, int ev, double t)
{
    const fw_fact *f = fact(s, name);
    if (f->source != FW_SRC_ENDED || !f->why || strcmp(f->why, why) != 0 ||
        f->event_index != ev || f->t != t)
        fail_msg("%s: want ended by %s (event %d t=%g), got source %d why %s event %d t=%g", name,
                 why, ev, t, (int)f->source, f->why ? f->why : "-", f->event_index, f->t);
}

static void test_defaults(void **state)
{
    fw_geometry g;
    (void)state;
    fw_geometry_default(&g);
    assert_float_equal(g.threat_window_s, 60.0, 1e-12);
    assert_float_equal(g.reach_m, 6.4, 1e-12);
    assert_int_equal(fw_fact_index("seconds_since_restraint"),
                     fw_fact_index("seconds_since_compliance") + 1);
    assert_int_equal(fw_fact_index("seconds_since_threat"),
                     fw_fact_index("seconds_since_compliance") + 2);
}

static void test_threat_ends(void **state)
{
    static const struct {
        const char *ender, *why;
    } cases[] = {
        {"{'t':8,'type':'comply','actor':'s-2'}", "comply"},
        {"{'t':8,'type':'restrain','actor':'o-2','target':'s-2','method':'handcuffs'}", "restrain"},
        {"{'t':8,'type':'armed','actor':'s-2','weapon':'none'}", "disarmed"},
    };
    char events[512];
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fw_doc *doc;
        fw_situation *s;
        snprintf(events, sizeof events, "%s,%s,%s", THREAT(5), cases[i].ender, SHOT(10));
        doc = acc(events);
        s = with(doc, NULL);
        check_bool(s, "threat.imminent", false, FW_SRC_ENDED);
        check_str(s, "threat.level", "none", FW_SRC_ENDED);
        check_ended(s, "threat.imminent", cases[i].why, 1, 8);
        check_ended(s, "threat.level", cases[i].why, 1, 8);
        check_ended(s, "threat.means", cases[i].why, 1, 8);
        assert_int_equal(fact(s, "threat.means")->v.type, FW_V_UNKNOWN);
        assert_int_equal(fact(s, "threat.target")->v.type, FW_V_UNKNOWN);
        /* No current threat, so threat.other_means rests on the weapon:
        ** unknown, except once disarmed (false, ended with the threat). */
        if (strcmp(cases[i].why, "disarmed") == 0) {
            check_ended(s, "threat.other_means", cases[i].why, 1, 8);
            assert_false(fact(s, "threat.other_means")->v.b);
        } else {
            check_unknown(s, "threat.other_means");
        }
        /* The threat was still the latest: 5 s old. */
        check_num(s, "seconds_since_threat", 5, FW_SRC_EVENT);
        fw_situation_free(s);
        fw_doc_free(doc);
    }
}

/* Another subject's compliance, or a comply before the threat, ends nothing. */
static void test_threat_not_ended(void **state)
{
    fw_doc *doc = acc("{'t':4,'type':'comply','actor':'s-2'}," THREAT(5)
                      ",{'t':8,'type':'comply','actor':'s-1'},"
                      "{'t':9,'type':'armed','actor':'s-2','weapon':'knife'}," SHOT(10));
    fw_situation *s = with(doc, NULL);
    (void)state;
    check_bool(s, "threat.imminent", true, FW_SRC_EVENT);
    check_str(s, "threat.means", "firearm", FW_SRC_EVENT);
    check_str(s, "threat.target", "officer", FW_SRC_EVENT);
    fw_situation_free(s);
    fw_doc_free(doc);
}

/* A threat by another subject (read when the target made none) ends with
** that subject's compliance. */
static void test_threat_of_another_subject(void **state)
{
    fw_doc *doc = acc("{'t':5,'type':'threat','actor':'s-1','level':'death','imminent':true},"
                      "{'t':7,'type':'comply','actor':'s-1'}," SHOT(10));
    fw_situation *s = with(doc, NULL);
    (void)state;
    check_ended(s, "threat.imminent", "comply", 1, 7);
    fw_situation_free(s);
    fw_doc_free(doc);
}

static void test_threat_window(void **state)
{
    fw_doc *at = acc(THREAT(5) "," SHOT(65)), *past = acc(THREAT(5) "," SHOT(65.5));
    fw_situation *s;
    fw_geometry g;
    (void)state;

    /* Exactly the window: it stands; longer: it ends, credited to the
    ** threat itself. */
    s = with(at, NULL);
    check_bool(s, "threat.imminent", true, FW_SRC_EVENT);
    check_num(s, "seconds_since_threat", 60, FW_SRC_EVENT);
    fw_situation_free(s);
    s = with(past, NULL);
    check_ended(s, "threat.imminent", "no renewal since", 0, 5);
    check_num(s, "seconds_since_threat", 60.5, FW_SRC_EVENT);
    fw_situation_free(s);

    /* The window is a setting. */
    fw_geometry_default(&g);
    g.threat_window_s = 61;
    s = with(past, &g);
    check_bool(s, "threat.imminent", true, FW_SRC_EVENT);
    fw_situation_free(s);
    g.threat_window_s = 0;
    s = with(at, &g);
    check_ended(s, "threat.imminent", "no renewal since", 0, 5);
    fw_situation_free(s);
    fw_doc_free(at);
    fw_doc_free(past);
}

/* A renewal restarts the window; a threat of level none has no age. */
static void test_threat_renewed_and_none(void **state)
{
    fw_doc *doc = acc(THREAT(5) "," THREAT(100) "," SHOT(110));
    fw_doc *none = acc("{'t':5,'type':'threat','actor':'s-2','level':'none'}," SHOT(200));
    fw_situation *s = with(doc, NULL);
    const fw_fact *f;
    (void)state;

    check_bool(s, "threat.imminent", true, FW_SRC_EVENT);
    check_event(s, "threat.imminent", 1, 100);
    check_num(s, "seconds_since_threat", 10, FW_SRC_EVENT);
    fw_situation_free(s);

    s = with(none, NULL);
    check_str(s, "threat.level", "none", FW_SRC_EVENT);   /* not "ended": it never was */
    check_bool(s, "threat.imminent", false, FW_SRC_EVENT);
    f = fact(s, "seconds_since_threat");
    assert_int_equal(f->v.type, FW_V_UNKNOWN);
    check_ended(s, "seconds_since_threat", "a threat of level none", 0, 5);
    fw_situation_free(s);
    fw_doc_free(doc);
    fw_doc_free(none);
}

/* Out of reach: a threat by hands, knife or blunt object ends when the latest
** positions of the subject and the officer are farther apart than reach_m. */
static void test_out_of_reach(void **state)
{
    fw_doc *knife = acc(
        "{'t':4,'type':'position','actor':'o-1','x':0,'y':0},"
        "{'t':5,'type':'threat','actor':'s-2','level':'serious_bodily_injury','imminent':true,"
        "'means':'knife'},"
        "{'t':6,'type':'position','actor':'s-2','x':6,'y':0},"
        "{'t':7,'type':'position','actor':'s-2','x':0,'y':8}," SHOT(10));
    fw_doc *near = acc(
        "{'t':4,'type':'position','actor':'o-1','x':0,'y':0},"
        "{'t':5,'type':'threat','actor':'s-2','level':'serious_bodily_injury','imminent':true,"
        "'means':'hands'},"
        "{'t':6,'type':'position','actor':'s-2','x':6,'y':0}," SHOT(10));
    fw_doc *gun = acc(
        "{'t':4,'type':'position','actor':'o-1','x':0,'y':0}," THREAT(5)
        ",{'t':7,'type':'position','actor':'s-2','x':0,'y':80}," SHOT(10));
    fw_situation *s;
    fw_geometry g;
    (void)state;

    s = with(knife, NULL);   /* 6 m at t=6: in reach; 8 m at t=7: out */
    check_ended(s, "threat.imminent", "out of reach", 3, 7);
    fw_situation_free(s);
    s = with(near, NULL);
    check_bool(s, "threat.imminent", true, FW_SRC_EVENT);
    fw_situation_free(s);
    fw_geometry_default(&g);
    g.reach_m = 5;
    s = with(near, &g);
    check_ended(s, "threat.imminent", "out of reach", 2, 6);
    fw_situation_free(s);
    s = with(gun, NULL);   /* 80 m: a firearm still reaches */
    check_bool(s, "threat.imminent", true, FW_SRC_EVENT);
    fw_situation_free(s);
    fw_doc_free(knife);
    fw_doc_free(near);
    fw_doc_free(gun);
}

static void test_restraint_release(void **state)
{
    fw_doc *doc = acc("{'t':3,'type':'restrain','actor':'o-2','target':'s-2'},"
                      "{'t':4,'type':'force','actor':'o-1','kind':'takedown','target':'s-2'},"
                      "{'t':6,'type':'release','actor':'o-2','target':'s-2'},"
                      "{'t':9,'type':'force','actor':'o-1','kind':'takedown','target':'s-2'},"
                      "{'t':11,'type':'restrain','target':'s-2'},"
                      "{'t':12,'type':'force','actor':'o-1','kind':'takedown','target':'s-2'}");
    fw_situation *held = sit_n(doc, "a", 0), *freed = sit_n(doc, "a", 1),
                 *again = sit_n(doc, "a", 2);
    const fw_fact *f;
    (void)state;

    check_bool(held, "subject.restrained", true, FW_SRC_EVENT);
    check_num(held, "seconds_since_restraint", 1, FW_SRC_EVENT);
    check_bool(freed, "subject.restrained", false, FW_SRC_EVENT);
    check_event(freed, "subject.restrained", 2, 6);
    f = fact(freed, "seconds_since_restraint");
    assert_int_equal(f->v.type, FW_V_UNKNOWN);   /* released: no restraint to count from */
    check_ended(freed, "seconds_since_restraint", "release", 2, 6);
    check_bool(again, "subject.restrained", true, FW_SRC_EVENT);
    check_num(again, "seconds_since_restraint", 1, FW_SRC_EVENT);
    fw_situation_free(held);
    fw_situation_free(freed);
    fw_situation_free(again);
    fw_doc_free(doc);
}

/* The new facts in a complete account with no such events: no value, from
** the account's completeness. */
static void test_complete_account(void **state)
{
    fw_doc *doc = incident("{'id':'a','kind':'video_analysis','source':'s','complete':true,'events':["
                           SHOT(10) "]}");
    fw_situation *s = sit(doc, "a");
    (void)state;
    assert_int_equal(fact(s, "seconds_since_restraint")->source, FW_SRC_COMPLETE);
    assert_int_equal(fact(s, "seconds_since_threat")->source, FW_SRC_COMPLETE);
    check_bool(s, "subject.restrained", false, FW_SRC_COMPLETE);
    fw_situation_free(s);
    fw_doc_free(doc);
}

/* ---- stated absences ----------------------------------------------------- */

static void test_absence_facts(void **state)
{
    fw_doc *doc = acc(SHOT(10) ","
                      "{'t':10,'type':'absence','of':'warning'},"
                      "{'t':10,'type':'absence','of':'identify'},"
                      "{'t':12,'type':'absence','of':'command'},"
                      "{'t':12,'type':'absence','of':'deescalate'},"
                      "{'t':12,'type':'absence','of':'reach_into_vehicle'},"
                      "{'t':12,'type':'absence','of':'intervene','actor':'o-2'}");
    fw_situation *s = with(doc, NULL);
    (void)state;

    check_bool(s, "warning.given", false, FW_SRC_EVENT);
    check_event(s, "warning.given", 1, 10);
    check_bool(s, "warning.deadly_given", false, FW_SRC_EVENT);
    check_bool(s, "identified", false, FW_SRC_EVENT);
    check_bool(s, "command.given", false, FW_SRC_EVENT);
    check_bool(s, "command.hostile", false, FW_SRC_EVENT);
    check_event(s, "command.hostile", 3, 12);
    check_bool(s, "deescalation.attempted", false, FW_SRC_EVENT);
    check_bool(s, "reached_into_vehicle", false, FW_SRC_EVENT);
    check_bool(s, "reached_into_vehicle_first", false, FW_SRC_EVENT);
    /* o-2 is the only officer but the force's own. */
    check_bool(s, "intervened", false, FW_SRC_EVENT);
    check_event(s, "intervened", 6, 12);
    fw_situation_free(s);
    fw_doc_free(doc);
}

/* A told act wins; an absence before the force says nothing of the time
** after it; one naming a single officer of two settles nothing. */
static void test_absence_limits(void **state)
{
    fw_doc *act = acc("{'t':10,'type':'absence','of':'warning'},"
                      "{'t':10,'type':'warning','actor':'o-2','of':'less_lethal'},"
                      "{'t':10,'type':'command','actor':'o-1','tone':'hostile'}," SHOT(10)
                      ",{'t':11,'type':'absence','of':'command'}");
    fw_doc *early = acc("{'t':9,'type':'absence','of':'warning'}," SHOT(10));
    fw_doc *one = acc(SHOT(10) ",{'t':12,'type':'absence','of':'warning','actor':'o-1'}");
    fw_situation *s;
    (void)state;

    /* The warning listed after an absence at the same time; the command
    ** before an absence that contradicts it: the told acts win both times. */
    s = with(act, NULL);
    check_bool(s, "warning.given", true, FW_SRC_EVENT);
    check_event(s, "warning.given", 1, 10);
    check_unknown(s, "warning.deadly_given");   /* a warning, not of deadly force */
    check_bool(s, "command.given", true, FW_SRC_EVENT);
    check_bool(s, "command.hostile", true, FW_SRC_EVENT);
    fw_situation_free(s);

    s = with(early, NULL);
    check_unknown(s, "warning.given");
    fw_situation_free(s);
    s = with(one, NULL);
    check_unknown(s, "warning.given");   /* o-2 may have warned */
    fw_situation_free(s);
    fw_doc_free(act);
    fw_doc_free(early);
    fw_doc_free(one);
}

static void test_absence_find(void **state)
{
    fw_doc *doc = acc(SHOT(10) ",{'t':12,'type':'absence','of':'warning','actor':'o-1'},"
                      "{'t':14,'type':'absence','of':'warning','actor':'o-2'},"
                      "{'t':15,'type':'absence','of':'medical_aid'}");
    const fw_account *a = &doc->accounts[0];
    (void)state;

    /* Both officers, each by its own absence: the latest settles it. */
    assert_int_equal(fw_absence_find(doc, a, "warning", NULL, NULL, 10), 2);
    assert_int_equal(fw_absence_find(doc, a, "warning", "o-1", NULL, 10), 1);
    assert_int_equal(fw_absence_find(doc, a, "warning", NULL, "o-2", 10), 1);
    assert_int_equal(fw_absence_find(doc, a, "warning", NULL, NULL, 13), -1);   /* o-1's ends at 12 */
    assert_int_equal(fw_absence_find(doc, a, "warning", "o-2", NULL, 13), 2);
    assert_int_equal(fw_absence_find(doc, a, "identify", NULL, NULL, 10), -1);
    assert_int_equal(fw_absence_find(doc, a, "medical_aid", "o-1", NULL, 15), 3);
    assert_int_equal(fw_absence_find(doc, a, "medical_aid", NULL, NULL, 15.5), -1);
    assert_int_equal(fw_absence_find(NULL, a, "warning", NULL, NULL, 10), -1);
    assert_int_equal(fw_absence_find(doc, a, NULL, NULL, NULL, 10), -1);
    fw_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_threat_ends),
        cmocka_unit_test(test_threat_not_ended),
        cmocka_unit_test(test_threat_of_another_subject),
        cmocka_unit_test(test_threat_window),
        cmocka_unit_test(test_threat_renewed_and_none),
        cmocka_unit_test(test_out_of_reach),
        cmocka_unit_test(test_restraint_release),
        cmocka_unit_test(test_complete_account),
        cmocka_unit_test(test_absence_facts),
        cmocka_unit_test(test_absence_limits),
        cmocka_unit_test(test_absence_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
