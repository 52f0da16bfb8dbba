/*
** Unit tests of the facts the situation model rebuilds from accounts
** (docs/policy-language.md, "Facts"): the worked example, positions, time
** (later events never count), complete accounts, threat, the subject's
** conduct, what the officers did, and stated against derived facts.  The
** fact table and the geometry are test_situation.c's.
*/
#include "situation_util.h"

/* ---- the worked example (examples/01-vehicle-stop-disputed.json) ------- */

/* Index of the first event of an account of the given type (and actor, if
** not NULL): the examples are edited, so tests do not count positions. */
static int find_event(const fw_account *a, const char *type, const char *actor, double t)
{
    size_t i;
    for (i = 0; i < a->nevents; i++)
        if (a->events[i].type && strcmp(a->events[i].type_name, type) == 0 &&
            (!actor || (a->events[i].actor && strcmp(a->events[i].actor, actor) == 0)) &&
            a->events[i].t == t)
            return (int)i;
    fail_msg("no %s event at t=%g", type, t);
    return -1;
}

/* The worked example's file, which the demo's reviews are computed from: only
** what makes it that example is checked here, since the file may grow. */
static void test_worked_example_file(void **state)
{
    fw_doc *doc = load("examples/01-vehicle-stop-disputed.json");
    fw_situation *ag, *vid;
    const fw_fact *f;
    const fw_event *e;
    (void)state;

    assert_string_equal(doc->id, "demo-0007");
    ag = sit(doc, "agency");
    vid = sit(doc, "video");
    assert_float_equal(ag->t, 4.6, 1e-12);

    /* Agency: toward o-101, stated by its vehicle_motion. */
    check_bool(ag, "vehicle.toward_officer", true, FW_SRC_EVENT);
    f = fact(ag, "vehicle.toward_officer");
    e = &ag->account->events[f->event_index];
    assert_string_equal(e->type_name, "vehicle_motion");
    assert_string_equal(json_string_value(json_object_get(e->obj, "relative_to")), "o-101");
    assert_false(f->conflict);
    check_bool(ag, "vehicle.moving", true, FW_SRC_EVENT);

    /* Video: away from o-101 and not in the path, derived from positions. */
    check_bool(vid, "vehicle.toward_officer", false, FW_SRC_DERIVED);
    f = fact(vid, "vehicle.toward_officer");
    assert_string_equal(vid->account->events[f->event_index].type_name, "position");
    assert_false(f->has_alt);
    check_bool(vid, "officer.in_vehicle_path", false, FW_SRC_DERIVED);
    check_bool(vid, "vehicle.moving", true, FW_SRC_EVENT);
    check_bool(vid, "reached_into_vehicle", true, FW_SRC_EVENT);

    /* The fact the review names as decisive differs between the accounts. */
    assert_false(fw_value_equal(&fact(ag, "vehicle.toward_officer")->v,
                                &fact(vid, "vehicle.toward_officer")->v));
    assert_true(fw_value_equal(&fact(ag, "force.kind")->v, &fact(vid, "force.kind")->v));

    fw_situation_free(ag);
    fw_situation_free(vid);
    fw_doc_free(doc);
}

/* The worked example reduced to its two accounts, every fact checked. */
static void test_worked_example(void **state)
{
    fw_doc *doc = incident_with(
        "'officers':[{'id':'o-101','role':'applied_force'},{'id':'o-102','role':'present'}],"
        "'subjects':[{'id':'s-1','age':37,'sex':'female','in_vehicle':'v-1'}],"
        "'vehicles':[{'id':'v-1','driver':'s-1'}],",
        "{'id':'agency','kind':'agency_statement','source':'press release 2026-01-07',"
        " 'events':["
        " {'t':0.0,'type':'command','actor':'o-102','tone':'firm'},"
        " {'t':4.1,'type':'vehicle_motion','vehicle':'v-1','relative_to':'o-101',"
        "  'direction':'toward','speed_mps':3.0},"
        " {'t':4.2,'type':'threat','actor':'s-1','level':'death','imminent':true,"
        "  'means':'vehicle','target':'officer'},"
        " {'t':4.6,'type':'force','actor':'o-101','kind':'firearm_discharge','target':'s-1',"
        "  'rounds':3}]},"
        "{'id':'video','kind':'video_analysis',"
        " 'source':'frame-by-frame analysis of bystander video','events':["
        " {'t':0.0,'type':'command','actor':'o-102'},"
        " {'t':3.2,'type':'reach_into_vehicle','actor':'o-102','vehicle':'v-1'},"
        " {'t':3.9,'type':'position','actor':'o-101','x':1.5,'y':2.0},"
        " {'t':3.9,'type':'position','actor':'v-1','x':0.0,'y':0.0,'heading_deg':270,"
        "  'speed_mps':2.5},"
        " {'t':4.6,'type':'force','actor':'o-101','kind':'firearm_discharge','target':'s-1',"
        "  'rounds':3}]}");
    fw_situation *ag = sit(doc, "agency"), *vid = sit(doc, "video");
    const fw_fact *f;
    (void)state;

    assert_string_equal(ag->vehicle, "v-1");
    check_bool(ag, "vehicle.toward_officer", true, FW_SRC_EVENT);
    check_event(ag, "vehicle.toward_officer", 1, 4.1);
    f = fact(ag, "vehicle.toward_officer");
    assert_false(f->has_alt);
    assert_false(f->conflict);
    check_bool(ag, "vehicle.moving", true, FW_SRC_EVENT);
    check_num(ag, "vehicle.speed", 3, FW_SRC_EVENT);
    check_unknown(ag, "officer.in_vehicle_path");   /* no positions, and moving */
    check_str(ag, "threat.level", "death", FW_SRC_EVENT);
    check_event(ag, "threat.level", 2, 4.2);
    check_bool(ag, "threat.imminent", true, FW_SRC_EVENT);
    check_str(ag, "threat.means", "vehicle", FW_SRC_EVENT);
    check_str(ag, "threat.target", "officer", FW_SRC_EVENT);
    check_unknown(ag, "threat.other_means");   /* means vehicle, weapon not stated */
    check_unknown(ag, "reached_into_vehicle");
    check_bool(ag, "reached_into_vehicle_first", false, FW_SRC_EVENT);
    check_bool(ag, "command.hostile", false, FW_SRC_EVENT);   /* tone firm */
    check_bool(ag, "command.given", true, FW_SRC_EVENT);
    check_unknown(ag, "bystanders.present");

    /* o-101 stands north-east of an SUV heading west at 2.5 m/s. */
    check_bool(vid, "vehicle.toward_officer", false, FW_SRC_DERIVED);
    check_event(vid, "vehicle.toward_officer", 3, 3.9);
    f = fact(vid, "vehicle.toward_officer");
    assert_false(f->has_alt);
    assert_false(f->conflict);
    check_bool(vid, "officer.in_vehicle_path", false, FW_SRC_DERIVED);
    check_bool(vid, "vehicle.moving", true, FW_SRC_EVENT);
    check_num(vid, "vehicle.speed", 2.5, FW_SRC_EVENT);
    check_event(vid, "vehicle.speed", 3, 3.9);
    check_unknown(vid, "threat.level");
    check_unknown(vid, "threat.imminent");
    check_bool(vid, "reached_into_vehicle", true, FW_SRC_EVENT);
    check_event(vid, "reached_into_vehicle", 1, 3.2);
    check_bool(vid, "reached_into_vehicle_first", false, FW_SRC_EVENT);
    check_event(vid, "reached_into_vehicle_first", 0, 0);
    check_unknown(vid, "command.hostile");   /* tone not given */

    check_str(vid, "force.kind", "firearm_discharge", FW_SRC_EVENT);
    check_event(vid, "force.kind", 4, 4.6);
    check_str(vid, "force.actor", "o-101", FW_SRC_EVENT);
    check_str(vid, "force.target", "s-1", FW_SRC_EVENT);
    check_str(vid, "force.target_type", "subject", FW_SRC_EVENT);
    check_num(vid, "force.rounds", 3, FW_SRC_EVENT);
    check_unknown(vid, "force.purpose");
    check_unknown(vid, "force.from_vehicle");
    check_bool(ag, "vehicle.present", true, FW_SRC_INCIDENT);
    check_str(ag, "vehicle.driver", "s-1", FW_SRC_INCIDENT);
    check_bool(ag, "subject.is_driver", true, FW_SRC_INCIDENT);
    check_num(ag, "officers.count", 2, FW_SRC_INCIDENT);
    check_unknown(ag, "intervened");
    check_unknown(ag, "subject.restrained");
    fw_situation_free(ag);
    fw_situation_free(vid);
    fw_doc_free(doc);
}

static void test_positions_toward(void **state)
{
    fw_doc *doc = load("examples/14-vehicle-toward-officer.json");
    fw_situation *ag = sit(doc, "agency"), *vid = sit(doc, "video");
    (void)state;

    /* The latest positions (t = 7) put o-1401 ahead of the sedan, within
    ** the corridor. */
    check_bool(vid, "vehicle.toward_officer", true, FW_SRC_DERIVED);
    check_event(vid, "vehicle.toward_officer", find_event(vid->account, "position", "v-1", 7),
                7);
    check_bool(vid, "officer.in_vehicle_path", true, FW_SRC_DERIVED);
    /* Two vehicles: the one the subject drives is the vehicle. */
    assert_string_equal(vid->vehicle, "v-1");
    check_bool(ag, "vehicle.toward_officer", true, FW_SRC_EVENT);
    fw_situation_free(ag);
    fw_situation_free(vid);
    fw_doc_free(doc);
}

/* Geometry uses each party's latest position at or before the force, even
** when one of them was sampled later than the other. */
static void test_positions_latest(void **state)
{
    fw_doc *doc = incident(
        "{'id':'a','kind':'video_analysis','source':'s','events':["
        " {'t':6,'type':'position','actor':'o-1','x':0,'y':6},"
        " {'t':6,'type':'position','actor':'v-1','x':0,'y':0,'heading_deg':0,'speed_mps':1.5},"
        " {'t':6.2,'type':'force','actor':'o-1','kind':'firearm_aimed','target':'s-1'},"
        " {'t':7,'type':'position','actor':'o-1','x':4,'y':6},"
        " {'t':7,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]}");
    fw_situation *early = sit_n(doc, "a", 0), *late = sit_n(doc, "a", 1);
    (void)state;

    /* 6 m ahead at 1.5 m/s: within 1.5 * 3 + 2.5 = 7 m. */
    check_bool(early, "vehicle.toward_officer", true, FW_SRC_DERIVED);
    check_bool(early, "officer.in_vehicle_path", true, FW_SRC_DERIVED);
    /* o-1 stepped 4 m aside; the vehicle's latest position is still t = 6. */
    check_bool(late, "officer.in_vehicle_path", false, FW_SRC_DERIVED);
    check_bool(late, "vehicle.toward_officer", true, FW_SRC_DERIVED);
    check_event(late, "officer.in_vehicle_path", 3, 7);
    fw_situation_free(early);
    fw_situation_free(late);
    fw_doc_free(doc);
}

/* ---- time ---------------------------------------------------------------- */

static void test_later_events_never_count(void **state)
{
    fw_doc *doc = incident(
        "{'id':'a','kind':'officer_report','source':'s','events':["
        " {'t':1,'type':'threat','actor':'s-1','level':'minor','imminent':false},"
        " {'t':5,'type':'force','actor':'o-1','kind':'takedown','target':'s-1'},"
        " {'t':5,'type':'warning','actor':'o-2','of':'less_lethal'},"
        " {'t':6,'type':'threat','actor':'s-1','level':'death','imminent':true},"
        " {'t':6,'type':'restrain','actor':'o-2','target':'s-1'},"
        " {'t':6,'type':'comply','actor':'s-1'},"
        " {'t':6,'type':'identify','actor':'o-1'},"
        " {'t':9,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]}");
    fw_situation *first = sit_n(doc, "a", 0), *second = sit_n(doc, "a", 1);
    (void)state;

    /* At t = 5 the threat is the minor one; the restraint, the compliance
    ** and the identification at t = 6 have not happened. */
    check_str(first, "threat.level", "minor", FW_SRC_EVENT);
    check_bool(first, "threat.imminent", false, FW_SRC_EVENT);
    check_unknown(first, "subject.restrained");
    check_unknown(first, "seconds_since_compliance");
    check_unknown(first, "identified");
    /* Listed after the force at the same time: it counts. */
    check_bool(first, "warning.given", true, FW_SRC_EVENT);
    check_event(first, "warning.given", 2, 5);

    /* At t = 9 they have. */
    /* The death threat at t = 6 counts, and so does the restraint listed
    ** after it, which ends it (issue 14: a threat's lifetime). */
    check_num(second, "seconds_since_threat", 3, FW_SRC_EVENT);
    check_str(second, "threat.level", "none", FW_SRC_ENDED);
    check_bool(second, "subject.restrained", true, FW_SRC_EVENT);
    check_num(second, "seconds_since_compliance", 3, FW_SRC_EVENT);
    check_bool(second, "identified", true, FW_SRC_EVENT);
    check_str(second, "force.kind", "hands_on", FW_SRC_EVENT);
    fw_situation_free(first);
    fw_situation_free(second);
    fw_doc_free(doc);
}

/* ---- complete accounts -------------------------------------------------- */

#define SPARSE_EVENTS \
    "'events':[{'t':3,'type':'force','actor':'o-1','kind':'ecd','target':'s-2','rounds':1}]}"

static void test_complete_account_defaults(void **state)
{
    fw_doc *doc = incident(
        "{'id':'open','kind':'video_analysis','source':'s'," SPARSE_EVENTS ","
        "{'id':'full','kind':'video_analysis','source':'s','complete':true," SPARSE_EVENTS ","
        "{'id':'said-no','kind':'video_analysis','source':'s','complete':false," SPARSE_EVENTS);
    fw_situation *open = sit(doc, "open"), *full = sit(doc, "full"), *no = sit(doc, "said-no");
    static const char *const negatives[] = {
        "warning.given", "warning.deadly_given", "identified", "command.given",
        "command.hostile", "deescalation.attempted", "reached_into_vehicle",
        "reached_into_vehicle_first", "bystanders.present", "intervened",
        "subject.restrained", "subject.fleeing", "subject.resisting", "subject.complying",
        "subject.armed", "weapon.displayed", "flight.dangerous", "threat.imminent",
        "threat.other_means",
    };
    size_t i;
    const fw_fact *f;
    (void)state;

    for (i = 0; i < sizeof negatives / sizeof negatives[0]; i++) {
        check_bool(full, negatives[i], false, FW_SRC_COMPLETE);
        check_unknown(open, negatives[i]);
        check_unknown(no, negatives[i]);   /* "complete": false is no promise */
    }
    check_str(full, "threat.level", "none", FW_SRC_COMPLETE);
    check_str(full, "resistance.level", "none", FW_SRC_COMPLETE);
    check_str(full, "subject.weapon", "none", FW_SRC_COMPLETE);
    check_unknown(open, "threat.level");
    check_unknown(open, "resistance.level");
    check_unknown(open, "subject.weapon");
    /* No flight, no threat, no compliance: these have no value, which is
    ** known, not missing. */
    f = fact(full, "flight.mode");
    assert_int_equal(f->v.type, FW_V_UNKNOWN);
    assert_int_equal(f->source, FW_SRC_COMPLETE);
    f = fact(full, "seconds_since_compliance");
    assert_int_equal(f->v.type, FW_V_UNKNOWN);
    assert_int_equal(f->source, FW_SRC_COMPLETE);
    check_unknown(open, "flight.mode");
    /* s-2 is on foot; the incident's only vehicle is still "the vehicle",
    ** and a complete account shows it never moved. */
    assert_string_equal(full->vehicle, "v-1");
    check_bool(full, "vehicle.moving", false, FW_SRC_COMPLETE);
    check_num(full, "vehicle.speed", 0, FW_SRC_COMPLETE);
    check_bool(full, "vehicle.toward_officer", false, FW_SRC_COMPLETE);
    check_bool(full, "officer.in_vehicle_path", false, FW_SRC_COMPLETE);
    check_unknown(open, "vehicle.moving");
    check_unknown(open, "vehicle.toward_officer");
    check_unknown(open, "officer.in_vehicle_path");
    /* Completeness is about events, not the attributes an event leaves out. */
    check_unknown(full, "force.purpose");
    check_unknown(full, "force.from_vehicle");
    /* Party facts do not depend on the account. */
    check_bool(full, "subject.is_driver", false, FW_SRC_INCIDENT);
    check_bool(open, "subject.is_driver", false, FW_SRC_INCIDENT);
    check_bool(open, "vehicle.present", true, FW_SRC_INCIDENT);
    fw_situation_free(open);
    fw_situation_free(full);
    fw_situation_free(no);
    fw_doc_free(doc);
}

/* ---- threat ------------------------------------------------------------- */

static void test_threat_facts(void **state)
{
    fw_doc *doc = incident(
        "{'id':'own','kind':'officer_report','source':'s','events':["
        " {'t':1,'type':'threat','actor':'s-2','level':'serious_bodily_injury','imminent':true,"
        "  'means':'knife','target':'officer'},"
        " {'t':2,'type':'threat','actor':'s-1','level':'minor','means':'hands','target':'other'},"
        " {'t':3,'type':'threat','actor':'s-2','level':'death','imminent':true,'means':'firearm',"
        "  'target':'officer'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'other','kind':'officer_report','source':'s','events':["
        " {'t':1,'type':'threat','actor':'s-2','level':'serious_bodily_injury','imminent':true,"
        "  'means':'knife','target':'self'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'vehicle','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'armed','actor':'s-1','weapon':'none'},"
        " {'t':1,'type':'threat','actor':'s-1','level':'death','imminent':true,'means':'vehicle',"
        "  'target':'officer'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'knife','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'armed','actor':'s-1','weapon':'knife','displayed':true},"
        " {'t':1,'type':'threat','actor':'s-1','level':'death','means':'vehicle'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'no-threat-gun','kind':'family_statement','source':'s','events':["
        " {'t':1,'type':'threat','actor':'s-1','level':'none','means':'firearm'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'unknown-means','kind':'officer_report','source':'s','events':["
        " {'t':1,'type':'threat','actor':'s-1','level':'death','means':'unknown'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'car-only','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'armed','actor':'s-1','weapon':'vehicle'},"
        " {'t':1,'type':'threat','actor':'s-1','level':'death','means':'vehicle'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'vague','kind':'officer_report','source':'s','events':["
        " {'t':1,'type':'threat','actor':'s-1','level':'none'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]}");
    fw_situation *own = sit(doc, "own"), *other = sit(doc, "other"), *veh = sit(doc, "vehicle"),
                 *knife = sit(doc, "knife"), *vague = sit(doc, "vague"), *s;
    (void)state;

    /* The subject's own latest threat wins over a later one by s-2. */
    check_str(own, "threat.level", "minor", FW_SRC_EVENT);
    check_event(own, "threat.level", 1, 2);
    check_unknown(own, "threat.imminent");   /* not said */
    check_str(own, "threat.means", "hands", FW_SRC_EVENT);
    check_str(own, "threat.target", "other", FW_SRC_EVENT);
    check_bool(own, "threat.other_means", true, FW_SRC_EVENT);
    /* The subject made no threat: any subject's latest. */
    check_str(other, "threat.level", "serious_bodily_injury", FW_SRC_EVENT);
    check_bool(other, "threat.imminent", true, FW_SRC_EVENT);
    check_str(other, "threat.target", "self", FW_SRC_EVENT);
    /* The vehicle is the only means, and the subject has no weapon. */
    check_bool(veh, "threat.other_means", false, FW_SRC_EVENT);
    check_bool(veh, "subject.armed", false, FW_SRC_EVENT);
    check_str(veh, "subject.weapon", "none", FW_SRC_EVENT);
    check_bool(veh, "weapon.displayed", false, FW_SRC_EVENT);
    /* The vehicle is the threat, but the subject also has a knife. */
    check_bool(knife, "threat.other_means", true, FW_SRC_EVENT);
    check_event(knife, "threat.other_means", 0, 0);
    check_bool(knife, "subject.armed", true, FW_SRC_EVENT);
    check_str(knife, "subject.weapon", "knife", FW_SRC_EVENT);
    check_bool(knife, "weapon.displayed", true, FW_SRC_EVENT);
    check_unknown(knife, "threat.imminent");
    /* "unknown" means do not make the means known. */
    s = sit(doc, "unknown-means");
    check_str(s, "threat.means", "unknown", FW_SRC_EVENT);
    check_unknown(s, "threat.other_means");
    fw_situation_free(s);
    /* A firearm that threatened nobody (level none) is no threat by other
    ** means; whether the subject was armed otherwise is not said. */
    s = sit(doc, "no-threat-gun");
    check_unknown(s, "threat.other_means");
    fw_situation_free(s);
    /* Armed with the vehicle is no other means. */
    s = sit(doc, "car-only");
    check_bool(s, "subject.armed", true, FW_SRC_EVENT);
    check_bool(s, "threat.other_means", false, FW_SRC_EVENT);
    fw_situation_free(s);
    /* A threat of level none is not imminent; its means are not known. */
    check_str(vague, "threat.level", "none", FW_SRC_EVENT);
    check_bool(vague, "threat.imminent", false, FW_SRC_EVENT);
    check_unknown(vague, "threat.means");
    check_unknown(vague, "threat.other_means");
    check_unknown(vague, "subject.armed");
    fw_situation_free(own);
    fw_situation_free(other);
    fw_situation_free(veh);
    fw_situation_free(knife);
    fw_situation_free(vague);
    fw_doc_free(doc);
}

/* ---- the subject's conduct ---------------------------------------------- */

static void test_restrained_and_compliance(void **state)
{
    fw_doc *doc = incident(
        "{'id':'a','kind':'witness_officer_statement','source':'s','events':["
        " {'t':2,'type':'resist','actor':'s-1','level':'active'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'takedown','target':'s-1'},"
        " {'t':10,'type':'restrain','actor':'o-2','target':'s-1','method':'handcuffs'},"
        " {'t':11,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'},"
        " {'t':12,'type':'comply','actor':'s-1'},"
        " {'t':12,'type':'comply','actor':'s-2'},"
        " {'t':20.5,'type':'force','actor':'o-1','kind':'impact_weapon','target':'s-1'},"
        " {'t':25,'type':'resist','actor':'s-1','level':'assaultive'},"
        " {'t':26,'type':'force','actor':'o-1','kind':'impact_weapon','target':'s-1'},"
        " {'t':30,'type':'force','actor':'o-1','kind':'hands_on','target':'s-2'}]}");
    fw_situation *s4 = sit_n(doc, "a", 0), *s11 = sit_n(doc, "a", 1), *s20 = sit_n(doc, "a", 2),
                 *s26 = sit_n(doc, "a", 3), *s30 = sit_n(doc, "a", 4);
    (void)state;

    /* t = 4: resisting actively, not restrained (unknown: no event says). */
    check_bool(s4, "subject.resisting", true, FW_SRC_EVENT);
    check_str(s4, "resistance.level", "active", FW_SRC_EVENT);
    check_bool(s4, "subject.complying", false, FW_SRC_EVENT);
    check_unknown(s4, "subject.restrained");
    check_unknown(s4, "seconds_since_compliance");

    /* t = 11: handcuffed, which ends the resistance, not yet complying. */
    check_bool(s11, "subject.restrained", true, FW_SRC_EVENT);
    check_event(s11, "subject.restrained", 2, 10);
    check_bool(s11, "subject.resisting", false, FW_SRC_EVENT);
    check_str(s11, "resistance.level", "none", FW_SRC_EVENT);
    check_unknown(s11, "seconds_since_compliance");
    check_bool(s11, "subject.complying", false, FW_SRC_EVENT);

    /* t = 20.5: complied 8.5 s earlier. */
    check_num(s20, "seconds_since_compliance", 8.5, FW_SRC_EVENT);
    check_event(s20, "seconds_since_compliance", 4, 12);
    check_bool(s20, "subject.complying", true, FW_SRC_EVENT);
    check_bool(s20, "subject.restrained", true, FW_SRC_EVENT);

    /* t = 26: resisting again after the restraint. */
    check_bool(s26, "subject.resisting", true, FW_SRC_EVENT);
    check_str(s26, "resistance.level", "assaultive", FW_SRC_EVENT);
    check_bool(s26, "subject.complying", false, FW_SRC_EVENT);
    check_bool(s26, "subject.restrained", true, FW_SRC_EVENT);

    /* Force on s-2: s-1's events are not s-2's. */
    check_unknown(s30, "subject.restrained");
    check_num(s30, "seconds_since_compliance", 18, FW_SRC_EVENT);
    check_bool(s30, "subject.resisting", false, FW_SRC_EVENT);   /* complied */
    check_bool(s30, "subject.is_driver", false, FW_SRC_INCIDENT);
    fw_situation_free(s4);
    fw_situation_free(s11);
    fw_situation_free(s20);
    fw_situation_free(s26);
    fw_situation_free(s30);
    fw_doc_free(doc);
}

static void test_flight(void **state)
{
    fw_doc *doc = incident(
        "{'id':'a','kind':'officer_report','source':'s','events':["
        " {'t':1,'type':'flee','actor':'s-2','mode':'foot','dangerous':false},"
        " {'t':3,'type':'force','actor':'o-1','kind':'takedown','target':'s-2'},"
        " {'t':4,'type':'comply','actor':'s-2'},"
        " {'t':5,'type':'force','actor':'o-1','kind':'hands_on','target':'s-2'}]}");
    fw_situation *during = sit_n(doc, "a", 0), *after = sit_n(doc, "a", 1);
    (void)state;

    check_bool(during, "subject.fleeing", true, FW_SRC_EVENT);
    check_str(during, "flight.mode", "foot", FW_SRC_EVENT);
    check_bool(during, "flight.dangerous", false, FW_SRC_EVENT);
    check_bool(during, "subject.complying", false, FW_SRC_EVENT);
    check_bool(after, "subject.fleeing", false, FW_SRC_EVENT);
    check_event(after, "subject.fleeing", 2, 4);
    check_bool(after, "subject.complying", true, FW_SRC_EVENT);
    fw_situation_free(during);
    fw_situation_free(after);
    fw_doc_free(doc);
}

/* ---- what the officers did ---------------------------------------------- */

static void test_reached_into_vehicle_first(void **state)
{
    fw_doc *doc = incident(
        "{'id':'reach-first','kind':'video_analysis','source':'s','events':["
        " {'t':0,'type':'reach_into_vehicle','actor':'o-2','vehicle':'v-1'},"
        " {'t':1,'type':'command','actor':'o-1','tone':'hostile'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'command-first','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'command','actor':'o-1','tone':'professional'},"
        " {'t':1,'type':'reach_into_vehicle','actor':'o-2','vehicle':'v-1'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'same-time','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'deescalate','actor':'o-2','tactic':'time'},"
        " {'t':0,'type':'reach_into_vehicle','actor':'o-2','vehicle':'v-1'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'after-force','kind':'video_analysis','source':'s','complete':true,'events':["
        " {'t':0,'type':'reach_into_vehicle','actor':'o-2','vehicle':'v-1'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'},"
        " {'t':3,'type':'identify','actor':'o-1'}]},"
        "{'id':'identify-first','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'identify','actor':'o-1'},"
        " {'t':1,'type':'reach_into_vehicle','actor':'o-2','vehicle':'v-1'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'warning-first','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'warning','actor':'o-1','of':'less_lethal'},"
        " {'t':1,'type':'reach_into_vehicle','actor':'o-2','vehicle':'v-1'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'reach-twice','kind':'video_analysis','source':'s','complete':true,'events':["
        " {'t':0,'type':'reach_into_vehicle','actor':'o-2','vehicle':'v-1'},"
        " {'t':1,'type':'command','actor':'o-1'},"
        " {'t':1.5,'type':'reach_into_vehicle','actor':'o-1','vehicle':'v-1'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'neither','kind':'officer_report','source':'s','events':["
        " {'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]},"
        "{'id':'neither-complete','kind':'video_analysis','source':'s','complete':true,"
        " 'events':[{'t':2,'type':'force','actor':'o-1','kind':'hands_on','target':'s-1'}]}");
    fw_situation *s;
    (void)state;

    /* The reach is the first act told, but the account is not complete: whether a
    ** step came before it is unknown (silence is not a finding). */
    s = sit(doc, "reach-first");
    check_unknown(s, "reached_into_vehicle_first");
    check_bool(s, "reached_into_vehicle", true, FW_SRC_EVENT);
    check_bool(s, "command.hostile", true, FW_SRC_EVENT);
    check_bool(s, "command.given", true, FW_SRC_EVENT);
    check_unknown(s, "identified");
    fw_situation_free(s);

    s = sit(doc, "command-first");
    check_bool(s, "reached_into_vehicle_first", false, FW_SRC_EVENT);
    check_event(s, "reached_into_vehicle_first", 0, 0);
    check_bool(s, "reached_into_vehicle", true, FW_SRC_EVENT);
    check_bool(s, "command.hostile", false, FW_SRC_EVENT);
    fw_situation_free(s);

    /* Same time: the order the source lists them in decides. */
    s = sit(doc, "same-time");
    check_bool(s, "reached_into_vehicle_first", false, FW_SRC_EVENT);
    check_bool(s, "deescalation.attempted", true, FW_SRC_EVENT);
    fw_situation_free(s);

    /* An identification after the force does not make the reach later (a complete
    ** account: no step before the reach). */
    s = sit(doc, "after-force");
    check_bool(s, "reached_into_vehicle_first", true, FW_SRC_EVENT);
    check_bool(s, "identified", false, FW_SRC_COMPLETE);
    fw_situation_free(s);

    s = sit(doc, "identify-first");
    check_bool(s, "reached_into_vehicle_first", false, FW_SRC_EVENT);
    check_bool(s, "identified", true, FW_SRC_EVENT);
    fw_situation_free(s);

    s = sit(doc, "warning-first");
    check_bool(s, "reached_into_vehicle_first", false, FW_SRC_EVENT);
    fw_situation_free(s);

    /* The first reach counts, not the latest. */
    s = sit(doc, "reach-twice");
    check_bool(s, "reached_into_vehicle_first", true, FW_SRC_EVENT);
    check_event(s, "reached_into_vehicle_first", 0, 0);
    check_event(s, "reached_into_vehicle", 2, 1.5);
    fw_situation_free(s);

    s = sit(doc, "neither");
    check_unknown(s, "reached_into_vehicle_first");
    check_unknown(s, "reached_into_vehicle");
    fw_situation_free(s);

    s = sit(doc, "neither-complete");
    check_bool(s, "reached_into_vehicle_first", false, FW_SRC_COMPLETE);
    check_bool(s, "reached_into_vehicle", false, FW_SRC_COMPLETE);
    fw_situation_free(s);
    fw_doc_free(doc);
}

static void test_reach_in_example(void **state)
{
    fw_doc *doc = load("examples/09-reach-into-car-first.json");
    fw_situation *video = sit(doc, "passenger-video"), *report = sit(doc, "o-901-report");
    (void)state;

    check_bool(video, "reached_into_vehicle_first", true, FW_SRC_EVENT);
    assert_string_equal(
        video->account->events[fact(video, "reached_into_vehicle_first")->event_index].type_name,
        "reach_into_vehicle");
    check_bool(report, "reached_into_vehicle_first", false, FW_SRC_EVENT);
    /* Two vehicles; s-1 drives v-1, the agency SUV is not "the vehicle". */
    assert_string_equal(video->vehicle, "v-1");
    fw_situation_free(video);
    fw_situation_free(report);
    fw_doc_free(doc);
}

static void test_warnings_bystanders_intervention(void **state)
{
    fw_doc *doc = incident(
        "{'id':'a','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'bystanders','present':true,'count':4},"
        " {'t':1,'type':'warning','actor':'o-1','of':'less_lethal'},"
        " {'t':1,'type':'bystanders'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'ecd','target':'s-2'},"
        " {'t':3,'type':'warning','actor':'o-1','of':'deadly'},"
        " {'t':3,'type':'bystanders','count':0},"
        " {'t':3,'type':'intervene','actor':'o-1','target':'o-1'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'firearm_aimed','target':'s-2'},"
        " {'t':5,'type':'intervene','actor':'o-2','target':'o-1'},"
        " {'t':5,'type':'force','actor':'o-1','kind':'hands_on','target':'s-2'},"
        " {'t':6,'type':'force','actor':'o-2','kind':'hands_on','target':'s-2'},"
        " {'t':7,'type':'bystanders','count':2},"
        " {'t':7,'type':'force','actor':'o-2','kind':'hands_on','target':'s-2'},"
        " {'t':8,'type':'bystanders','present':false},"
        " {'t':8,'type':'force','actor':'o-2','kind':'hands_on','target':'s-2'}]}");
    fw_situation *s2 = sit_n(doc, "a", 0), *s4 = sit_n(doc, "a", 1), *s5 = sit_n(doc, "a", 2),
                 *o2 = sit_n(doc, "a", 3), *s7 = sit_n(doc, "a", 4), *s8 = sit_n(doc, "a", 5);
    (void)state;

    check_bool(s2, "warning.given", true, FW_SRC_EVENT);
    check_unknown(s2, "warning.deadly_given");
    /* A bystanders event without fields says nothing. */
    check_bool(s2, "bystanders.present", true, FW_SRC_EVENT);
    check_event(s2, "bystanders.present", 0, 0);
    check_bool(s4, "warning.deadly_given", true, FW_SRC_EVENT);
    check_bool(s4, "bystanders.present", false, FW_SRC_EVENT);
    /* An officer does not intervene against himself. */
    check_unknown(s4, "intervened");
    check_bool(s5, "intervened", true, FW_SRC_EVENT);
    /* o-2's intervention was against o-1, not against o-2's own force. */
    check_unknown(o2, "intervened");
    /* A count alone says whether there were any. */
    check_bool(s7, "bystanders.present", true, FW_SRC_EVENT);
    check_bool(s8, "bystanders.present", false, FW_SRC_EVENT);
    fw_situation_free(s7);
    fw_situation_free(s8);
    fw_situation_free(s2);
    fw_situation_free(s4);
    fw_situation_free(s5);
    fw_situation_free(o2);
    fw_doc_free(doc);
}

/* ---- stated and derived ------------------------------------------------- */

static void test_stated_derived_conflict(void **state)
{
    fw_doc *doc = incident_with(
        PARTIES_WITH(",{'id':'v-2'}"),
        "{'id':'disagree','kind':'agency_statement','source':'s','events':["
        " {'t':1,'type':'position','actor':'o-1','x':0,'y':-10},"
        " {'t':1,'type':'position','actor':'v-1','x':0,'y':0,'heading_deg':0,'speed_mps':4},"
        " {'t':1.5,'type':'vehicle_motion','vehicle':'v-1','relative_to':'o-1',"
        "  'direction':'toward','speed_mps':4},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'agree','kind':'agency_statement','source':'s','events':["
        " {'t':1,'type':'vehicle_motion','vehicle':'v-1','relative_to':'o-1',"
        "  'direction':'away'},"
        " {'t':1,'type':'position','actor':'o-1','x':0,'y':-10},"
        " {'t':1,'type':'position','actor':'v-1','x':0,'y':0,'heading_deg':0,'speed_mps':4},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'other-vehicle','kind':'agency_statement','source':'s','events':["
        " {'t':1,'type':'vehicle_motion','vehicle':'v-2','relative_to':'o-1',"
        "  'direction':'toward','speed_mps':6},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'bare','kind':'agency_statement','source':'s','events':["
        " {'t':1,'type':'vehicle_motion','vehicle':'v-1'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'glancing','kind':'video_analysis','source':'s','events':["
        " {'t':1,'type':'position','actor':'o-1','x':0.3,'y':10},"
        " {'t':1,'type':'position','actor':'v-1','x':0,'y':0,'heading_deg':90,'speed_mps':5},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]},"
        "{'id':'other-person','kind':'agency_statement','source':'s','events':["
        " {'t':1,'type':'vehicle_motion','vehicle':'v-1','relative_to':'o-2',"
        "  'direction':'toward'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'s-1'}]}");
    fw_situation *s;
    const fw_fact *f;
    const fw_account *a;
    fw_geometry geo;
    (void)state;

    /* Stated toward; the positions show it driving away from o-1. */
    s = sit(doc, "disagree");
    check_bool(s, "vehicle.toward_officer", true, FW_SRC_EVENT);
    check_event(s, "vehicle.toward_officer", 2, 1.5);
    f = fact(s, "vehicle.toward_officer");
    assert_true(f->has_alt);
    assert_int_equal(f->alt.type, FW_V_BOOL);
    assert_false(f->alt.b);
    assert_int_equal(f->alt_source, FW_SRC_DERIVED);
    assert_true(f->conflict);
    check_bool(s, "officer.in_vehicle_path", false, FW_SRC_DERIVED);
    fw_situation_free(s);

    s = sit(doc, "agree");
    check_bool(s, "vehicle.toward_officer", false, FW_SRC_EVENT);
    f = fact(s, "vehicle.toward_officer");
    assert_true(f->has_alt);
    assert_false(f->alt.b);
    assert_false(f->conflict);
    /* A bare direction without speed: moving, speed from the position. */
    check_bool(s, "vehicle.moving", true, FW_SRC_EVENT);
    check_num(s, "vehicle.speed", 4, FW_SRC_EVENT);
    check_event(s, "vehicle.speed", 2, 1);
    fw_situation_free(s);

    /* Another vehicle's motion is not the vehicle's. */
    s = sit(doc, "other-vehicle");
    check_unknown(s, "vehicle.toward_officer");
    check_unknown(s, "vehicle.moving");
    check_unknown(s, "vehicle.speed");
    fw_situation_free(s);

    /* A vehicle_motion with no details still says the vehicle moves. */
    s = sit(doc, "bare");
    check_bool(s, "vehicle.moving", true, FW_SRC_EVENT);
    check_unknown(s, "vehicle.speed");
    check_unknown(s, "vehicle.toward_officer");
    fw_situation_free(s);

    /* Closing at 0.15 m/s: below the 0.2 m/s threshold, unless the
    ** settings lower it. */
    s = sit(doc, "glancing");
    check_bool(s, "vehicle.toward_officer", false, FW_SRC_DERIVED);
    fw_situation_free(s);
    fw_geometry_default(&geo);
    geo.min_closing_mps = 0.1;
    a = account(doc, "glancing");
    s = fw_situation_build(doc, a, 2, &geo);
    assert_non_null(s);
    check_bool(s, "vehicle.toward_officer", true, FW_SRC_DERIVED);
    fw_situation_free(s);

    /* A direction relative to someone else says nothing about o-1. */
    s = sit(doc, "other-person");
    check_unknown(s, "vehicle.toward_officer");
    check_bool(s, "vehicle.moving", true, FW_SRC_EVENT);
    check_unknown(s, "vehicle.speed");
    fw_situation_free(s);
    fw_doc_free(doc);
}

static void test_vehicle_stationary(void **state)
{
    fw_doc *doc = incident(
        "{'id':'stated','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'vehicle_motion','vehicle':'v-1','relative_to':'o-2',"
        "  'direction':'stationary'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_aimed','target':'s-1'}]},"
        "{'id':'positions','kind':'video_analysis','source':'s','events':["
        " {'t':0,'type':'position','actor':'o-1','x':0,'y':2},"
        " {'t':0,'type':'position','actor':'v-1','x':0,'y':0,'speed_mps':0},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_aimed','target':'s-1'}]},"
        "{'id':'no-heading','kind':'video_analysis','source':'s','events':["
        " {'t':0,'type':'position','actor':'o-1','x':0,'y':2},"
        " {'t':0,'type':'position','actor':'v-1','x':0,'y':0,'speed_mps':3},"
        " {'t':2,'type':'force','actor':'o-1','kind':'firearm_aimed','target':'s-1'}]}");
    fw_situation *s;
    (void)state;

    /* Standing still: toward no one, sweeping no path. */
    s = sit(doc, "stated");
    check_bool(s, "vehicle.moving", false, FW_SRC_EVENT);
    check_num(s, "vehicle.speed", 0, FW_SRC_EVENT);
    check_bool(s, "vehicle.toward_officer", false, FW_SRC_EVENT);
    check_bool(s, "officer.in_vehicle_path", false, FW_SRC_EVENT);
    fw_situation_free(s);

    /* Speed 0 needs no heading. */
    s = sit(doc, "positions");
    check_bool(s, "vehicle.moving", false, FW_SRC_EVENT);
    check_bool(s, "vehicle.toward_officer", false, FW_SRC_DERIVED);
    check_bool(s, "officer.in_vehicle_path", false, FW_SRC_DERIVED);
    fw_situation_free(s);

    /* Moving without a heading: direction unknown. */
    s = sit(doc, "no-heading");
    check_bool(s, "vehicle.moving", true, FW_SRC_EVENT);
    check_unknown(s, "vehicle.toward_officer");
    check_unknown(s, "officer.in_vehicle_path");
    fw_situation_free(s);
    fw_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example_file),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_positions_toward),
        cmocka_unit_test(test_positions_latest),
        cmocka_unit_test(test_later_events_never_count),
        cmocka_unit_test(test_complete_account_defaults),
        cmocka_unit_test(test_threat_facts),
        cmocka_unit_test(test_restrained_and_compliance),
        cmocka_unit_test(test_flight),
        cmocka_unit_test(test_reached_into_vehicle_first),
        cmocka_unit_test(test_reach_in_example),
        cmocka_unit_test(test_warnings_bystanders_intervention),
        cmocka_unit_test(test_stated_derived_conflict),
        cmocka_unit_test(test_vehicle_stationary),
    };

    return cmocka_run_group_tests_name("facts", tests, NULL, NULL);
}

