/*
** Unit tests of facts with lifetimes and stated absences (issue 14, points 1
** and 5; docs/policy-language.md, "Persistence" and "Stated absences"): what
** ends a threat and how it is credited, the threat window and the reach
** distance as settings, restraint ended by a release, the seconds since
** restraint and threat, and `absence` events settling the conduct facts
** through fw_absence_find.
*/
#include "situation_util.h"

#include <time.h>

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
    fw_doc *doc = acc(SHOT(10) ",{'t':12,'type':'absence','of':'warning','actor':'o-1'}," SHOT(13)
                      ",{'t':14,'type':'absence','of':'warning','actor':'o-2'},"
                      "{'t':15,'type':'absence','of':'medical_aid'}," SHOT(15.5));
    const fw_account *a = &doc->accounts[0];
    fw_situation *s10 = fw_situation_build(doc, a, 0, NULL);
    fw_situation *s13 = fw_situation_build(doc, a, 2, NULL);
    fw_situation *s15 = fw_situation_build(doc, a, 4, NULL);
    fw_situation *s155 = fw_situation_build(doc, a, 5, NULL);
    (void)state;

    assert_true(s10 && s13 && s15 && s155);
    /* Both officers, each by its own absence: the latest settles it. */
    assert_int_equal(fw_absence_find(s10, "warning", NULL, NULL), 3);
    assert_int_equal(fw_absence_find(s10, "warning", "o-1", NULL), 1);
    assert_int_equal(fw_absence_find(s10, "warning", NULL, "o-2"), 1);
    assert_int_equal(fw_absence_find(s13, "warning", NULL, NULL), -1);   /* o-1's ends at 12 */
    assert_int_equal(fw_absence_find(s13, "warning", "o-2", NULL), 3);
    assert_int_equal(fw_absence_find(s10, "identify", NULL, NULL), -1);
    assert_int_equal(fw_absence_find(s15, "medical_aid", "o-1", NULL), 4);
    assert_int_equal(fw_absence_find(s155, "medical_aid", NULL, NULL), -1);
    assert_int_equal(fw_absence_find(NULL, "warning", NULL, NULL), -1);
    assert_int_equal(fw_absence_find(s10, NULL, NULL, NULL), -1);
    fw_situation_free(s10);
    fw_situation_free(s13);
    fw_situation_free(s15);
    fw_situation_free(s155);
    fw_doc_free(doc);
}

/* Out of reach is decided at the force's moment, from the person threatened
** (target_id) or the nearest officer, and only when the subject is farther than
** when the threat was made (review2 finding 1). */
static void test_reach_at_the_moment(void **state)
{
    /* Closing in from 12 m: 9 m at t=6, 4 m at the shot; stands. */
    fw_doc *adv = acc("{'t':4,'type':'position','actor':'s-2','x':0,'y':0},"
                      "{'t':4,'type':'position','actor':'o-1','x':12,'y':0},"
                      "{'t':5,'type':'threat','actor':'s-2','level':'death','imminent':true,"
                      "'means':'knife','target':'officer'},"
                      "{'t':6,'type':'position','actor':'s-2','x':3,'y':0},"
                      "{'t':7.5,'type':'position','actor':'s-2','x':8,'y':0}," SHOT(7.6));
    /* Still advancing but not yet within reach (12 m, then 9 m): stands. */
    fw_doc *far = acc("{'t':4,'type':'position','actor':'s-2','x':0,'y':0},"
                      "{'t':4,'type':'position','actor':'o-1','x':12,'y':0},"
                      "{'t':5,'type':'threat','actor':'s-2','level':'death','imminent':true,"
                      "'means':'knife','target':'officer'},"
                      "{'t':6,'type':'position','actor':'s-2','x':3,'y':0}," SHOT(7));
    /* The knife is 0.5 m from o-2, the one threatened; o-1 fires from 10 m. */
    fw_doc *other = acc("{'t':4,'type':'position','actor':'s-2','x':0,'y':0},"
                        "{'t':4,'type':'position','actor':'o-2','x':1,'y':0},"
                        "{'t':4,'type':'position','actor':'o-1','x':10,'y':0},"
                        "{'t':5,'type':'threat','actor':'s-2','level':'death','imminent':true,"
                        "'means':'knife','target':'officer','target_id':'o-2'},"
                        "{'t':6,'type':'position','actor':'s-2','x':0.5,'y':0}," SHOT(7));
    /* No target_id: the nearest officer (o-2, 1.5 m), not the shooter. */
    fw_doc *nearest = acc("{'t':4,'type':'position','actor':'s-2','x':0,'y':0},"
                          "{'t':4,'type':'position','actor':'o-2','x':1,'y':0},"
                          "{'t':4,'type':'position','actor':'o-1','x':3,'y':0},"
                          "{'t':5,'type':'threat','actor':'s-2','level':'death','imminent':true,"
                          "'means':'knife','target':'officer'},"
                          "{'t':6,'type':'position','actor':'s-2','x':-0.5,'y':0},"
                          "{'t':6.5,'type':'position','actor':'o-1','x':20,'y':0}," SHOT(7));
    /* Steps back 11 m, comes back to 1 m: the moment decides, stands. */
    fw_doc *back = acc("{'t':4,'type':'position','actor':'s-2','x':0,'y':0},"
                       "{'t':4,'type':'position','actor':'o-1','x':3,'y':0},"
                       "{'t':5,'type':'threat','actor':'s-2','level':'death','imminent':true,"
                       "'means':'knife','target':'officer'},"
                       "{'t':6,'type':'position','actor':'s-2','x':-8,'y':0},"
                       "{'t':8,'type':'position','actor':'s-2','x':2,'y':0}," SHOT(9));
    /* The same, but the shot at t=7 while 11 m away and retreating: ended. */
    fw_doc *away = acc("{'t':4,'type':'position','actor':'s-2','x':0,'y':0},"
                       "{'t':4,'type':'position','actor':'o-1','x':3,'y':0},"
                       "{'t':5,'type':'threat','actor':'s-2','level':'death','imminent':true,"
                       "'means':'knife','target':'officer'},"
                       "{'t':6,'type':'position','actor':'s-2','x':-8,'y':0}," SHOT(7)
                       ",{'t':8,'type':'position','actor':'s-2','x':2,'y':0}");
    fw_doc *docs[] = {adv, far, other, nearest, back};
    fw_situation *s;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        s = with(docs[i], NULL);
        if (fact(s, "threat.imminent")->source != FW_SRC_EVENT)
            fail_msg("case %zu: the threat should stand", i);
        check_bool(s, "threat.imminent", true, FW_SRC_EVENT);
        fw_situation_free(s);
        fw_doc_free(docs[i]);
    }
    s = with(away, NULL);
    check_ended(s, "threat.imminent", "out of reach", 3, 6);
    fw_situation_free(s);
    fw_doc_free(away);
}

/* The absences are read once per situation (review2 finding 2): 1000 officers,
** each with its own absence of warning, and 2000 force applications take a
** moment, not the minutes a scan per officer took (events x officers per
** situation: ~10^10 steps here).  The bound is loose (30 s of CPU, also under
** sanitizers); the facts are checked too. */
static void test_absence_scale(void **state)
{
    enum { OFFICERS = 1000, FORCES = 2000 };
    fw_buf parties, events, text;
    fw_doc *doc = NULL;
    fw_diag d;
    clock_t start;
    size_t i, built = 0;
    (void)state;

    fw_buf_init(&parties, FW_BUF_UNLIMITED);
    fw_buf_init(&events, FW_BUF_UNLIMITED);
    fw_buf_init(&text, FW_BUF_UNLIMITED);
    for (i = 0; i < OFFICERS; i++)
        assert_int_equal(fw_buf_printf(&parties, "%s{\"id\":\"o-%zu\",\"role\":\"applied_force\"}",
                                       i ? "," : "", i),
                         FW_OK);
    for (i = 0; i < FORCES; i++)
        assert_int_equal(fw_buf_printf(&events,
                                       "{\"t\":%zu,\"type\":\"force\",\"actor\":\"o-%zu\","
                                       "\"kind\":\"firearm_discharge\",\"target\":\"s-1\"},",
                                       i, i % OFFICERS),
                         FW_OK);
    for (i = 0; i < OFFICERS; i++)
        assert_int_equal(fw_buf_printf(&events,
                                       "%s{\"t\":5000,\"type\":\"absence\",\"of\":\"warning\","
                                       "\"actor\":\"o-%zu\"}",
                                       i ? "," : "", i),
                         FW_OK);
    assert_int_equal(
        fw_buf_printf(&text,
                      "{\"id\":\"big\",\"agency\":\"a\",\"occurred_at\":\"2025-01-01T12:00:00Z\","
                      "\"officers\":[%s],\"subjects\":[{\"id\":\"s-1\"}],\"accounts\":["
                      "{\"id\":\"a\",\"kind\":\"agency_statement\",\"source\":\"a\","
                      "\"events\":[%s]}]}",
                      fw_buf_str(&parties), fw_buf_str(&events)),
        FW_OK);
    fw_diag_init(&d, 5);
    if (fw_doc_parse(fw_buf_str(&text), text.len, NULL, &doc, &d) != FW_OK)
        fail_msg("test doc: %s", d.msgs[0]);
    fw_diag_release(&d);
    start = clock();
    for (i = 0; i < FORCES; i++) {
        fw_situation *s = fw_situation_build(doc, &doc->accounts[0], i, NULL);
        assert_non_null(s);
        /* every officer states no warning: settled false by the latest absence */
        check_bool(s, "warning.given", false, FW_SRC_EVENT);
        assert_int_equal(fact(s, "warning.given")->event_index, FORCES + OFFICERS - 1);
        assert_int_equal(fw_absence_find(s, "warning", "o-7", NULL), FORCES + 7);
        /* every officer but o-999 (the latest): each such question was a scan
        ** per officer before */
        assert_int_equal(fw_absence_find(s, "warning", NULL, "o-999"), FORCES + OFFICERS - 2);
        assert_int_equal(fw_absence_find(s, "warning", NULL, "o-0"), FORCES + OFFICERS - 1);
        assert_int_equal(fw_absence_find(s, "warning", NULL, NULL), FORCES + OFFICERS - 1);
        fw_situation_free(s);
        built++;
    }
    assert_int_equal(built, FORCES);
    if ((double)(clock() - start) / CLOCKS_PER_SEC > 30.0)
        fail_msg("2000 situations over 1000 officers' absences took %.1f s of CPU",
                 (double)(clock() - start) / CLOCKS_PER_SEC);
    fw_buf_release(&parties);
    fw_buf_release(&events);
    fw_buf_release(&text);
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
        cmocka_unit_test(test_reach_at_the_moment),
        cmocka_unit_test(test_absence_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
