/*
** Unit tests of the situation model's machinery (docs/policy-language.md,
** "Facts"): the fact table, vehicle geometry, the choice of the vehicle and
** the refusals of fw_situation_build, and values.  The facts rebuilt from
** accounts are test_facts.c's.
*/
#include "situation_util.h"

/* ---- the fact table ---------------------------------------------------- */

static void test_fact_table(void **state)
{
    static const char *const in_order[] = {
        "act.type", "act.actor", "act.target", "act.tone", "act.of", "act.before_any_step",
        "force.kind", "force.actor", "force.target", "force.target_type", "force.rounds",
        "force.purpose", "force.from_vehicle", "threat.level", "threat.imminent",
        "threat.means", "threat.target", "threat.other_means", "subject.armed",
        "subject.weapon", "weapon.displayed", "subject.resisting", "resistance.level",
        "subject.fleeing", "flight.mode", "flight.dangerous", "subject.restrained",
        "subject.complying", "seconds_since_compliance",
        "seconds_since_restraint", "seconds_since_threat",
        "subject.is_driver",
        "vehicle.present", "vehicle.driver", "vehicle.moving", "vehicle.speed",
        "vehicle.toward_officer", "officer.in_vehicle_path", "warning.given",
        "warning.deadly_given", "identified", "command.given", "command.hostile",
        "deescalation.attempted", "reached_into_vehicle", "reached_into_vehicle_first",
        "bystanders.present", "intervened", "officers.count",
    };
    size_t i;
    (void)state;

    assert_int_equal(fw_n_facts, sizeof in_order / sizeof in_order[0]);
    for (i = 0; i < fw_n_facts; i++) {
        const fw_fact_def *d = &fw_fact_defs[i];
        assert_string_equal(d->name, in_order[i]);
        assert_int_equal(fw_fact_index(d->name), (int)i);
        assert_non_null(d->doc);
        assert_true(strlen(d->doc) > 10);
        if (d->type == FW_FACT_ENUM && d->en)
            assert_non_null(fw_enum_find(d->en));
        else
            assert_null(d->en);
    }
    /* The ordinal facts name ordinal enumerations, so policies can use <. */
    assert_true(fw_enum_find(fw_fact_defs[fw_fact_index("threat.level")].en)->ordinal);
    assert_true(fw_enum_find(fw_fact_defs[fw_fact_index("resistance.level")].en)->ordinal);
    assert_string_equal(fw_fact_defs[fw_fact_index("subject.weapon")].en, "weapon");
    assert_int_equal(fw_fact_defs[fw_fact_index("force.target_type")].type, FW_FACT_ENUM);
    assert_int_equal(fw_fact_defs[fw_fact_index("force.target")].type, FW_FACT_ID);
    assert_int_equal(fw_fact_defs[fw_fact_index("officers.count")].type, FW_FACT_NUM);
    /* Policy-defined sets are the evaluator's business. */
    assert_int_equal(fw_fact_index("force.deadly"), -1);
    assert_int_equal(fw_fact_index("threat.lvl"), -1);
    assert_int_equal(fw_fact_index(""), -1);
}

/* ---- geometry ---------------------------------------------------------- */

static void geometry(double vx, double vy, double heading, double speed, double px, double py,
                     double *closing, bool *in_path)
{
    fw_geometry g;
    fw_geometry_default(&g);
    fw_vehicle_geometry(&g, vx, vy, heading, speed, px, py, closing, in_path);
}

static void test_geometry_defaults(void **state)
{
    fw_geometry g;
    (void)state;
    memset(&g, 0, sizeof g);
    fw_geometry_default(&g);
    assert_float_equal(g.corridor_width_m, 3.0, 1e-12);
    assert_float_equal(g.horizon_s, 3.0, 1e-12);
    assert_float_equal(g.min_closing_mps, 0.2, 1e-12);
}

static void test_geometry_toward_and_away(void **state)
{
    double closing;
    bool in_path;
    (void)state;

    /* North at 5 m/s, person 10 m north: straight at them. */
    geometry(0, 0, 0, 5, 0, 10, &closing, &in_path);
    assert_float_equal(closing, 5, 1e-9);
    assert_true(in_path);
    /* Person 10 m south: driving away. */
    geometry(0, 0, 0, 5, 0, -10, &closing, &in_path);
    assert_float_equal(closing, -5, 1e-9);
    assert_false(in_path);
    /* Headings are clockwise from north: 90 is east, 270 west. */
    geometry(0, 0, 90, 4, 6, 0, &closing, &in_path);
    assert_float_equal(closing, 4, 1e-9);
    assert_true(in_path);
    geometry(0, 0, 270, 4, 6, 0, &closing, &in_path);
    assert_float_equal(closing, -4, 1e-9);
    assert_false(in_path);
    geometry(10, 10, 180, 3, 10, 5, &closing, &in_path);
    assert_float_equal(closing, 3, 1e-9);
    assert_true(in_path);
    /* Diagonal: heading 45, person on the diagonal. */
    geometry(0, 0, 45, 2, 3, 3, &closing, &in_path);
    assert_float_equal(closing, 2, 1e-9);
    assert_true(in_path);
}

static void test_geometry_past_and_parallel(void **state)
{
    double closing;
    bool in_path;
    (void)state;

    /* Moving east while the person is due north: passing, not closing. */
    geometry(0, 0, 90, 5, 0, 10, &closing, &in_path);
    assert_float_equal(closing, 0, 1e-9);
    assert_false(in_path);
    /* Already past: the person is behind and to the side. */
    geometry(0, 0, 90, 5, -2, 3, &closing, &in_path);
    assert_true(closing < 0);
    assert_false(in_path);
    /* Driving north in the next lane: the distance shrinks, but the person
    ** is 4 m to the side, outside the corridor. */
    geometry(0, 0, 0, 5, 4, 6, &closing, &in_path);
    assert_true(closing > 0.2);
    assert_false(in_path);
    /* Level with the person in the next lane: neither closing nor in path. */
    geometry(0, 0, 0, 5, 4, 0, &closing, &in_path);
    assert_float_equal(closing, 0, 1e-9);
    assert_false(in_path);
}

static void test_geometry_corridor(void **state)
{
    fw_geometry wide;
    double closing;
    bool in_path;
    (void)state;

    /* The default corridor is 3 m wide: 1.5 m either side. */
    geometry(0, 0, 0, 5, 1.4, 5, &closing, &in_path);
    assert_true(in_path);
    geometry(0, 0, 0, 5, -1.4, 5, &closing, &in_path);
    assert_true(in_path);
    geometry(0, 0, 0, 5, 1.6, 5, &closing, &in_path);
    assert_false(in_path);
    geometry(0, 0, 0, 5, -1.6, 5, &closing, &in_path);
    assert_false(in_path);
    /* The width is a setting. */
    fw_geometry_default(&wide);
    wide.corridor_width_m = 4.0;
    fw_vehicle_geometry(&wide, 0, 0, 0, 5, 1.6, 5, &closing, &in_path);
    assert_true(in_path);
    /* NULL settings are the defaults. */
    fw_vehicle_geometry(NULL, 0, 0, 0, 5, 1.6, 5, &closing, &in_path);
    assert_false(in_path);
}

static void test_geometry_horizon(void **state)
{
    fw_geometry longer;
    double closing;
    bool in_path;
    (void)state;

    /* At 2 m/s over 3 s plus 2.5 m of vehicle the path reaches 8.5 m. */
    geometry(0, 0, 0, 2, 0, 8.4, &closing, &in_path);
    assert_true(in_path);
    geometry(0, 0, 0, 2, 0, 8.6, &closing, &in_path);
    assert_false(in_path);
    assert_float_equal(closing, 2, 1e-9);   /* still approaching, only too far */
    fw_geometry_default(&longer);
    longer.horizon_s = 5;
    fw_vehicle_geometry(&longer, 0, 0, 0, 2, 0, 8.6, &closing, &in_path);
    assert_true(in_path);
}

static void test_geometry_stationary(void **state)
{
    double closing = 99;
    bool in_path = true;
    (void)state;

    geometry(0, 0, 0, 0, 0, 2, &closing, &in_path);
    assert_float_equal(closing, 0, 1e-12);
    assert_false(in_path);
    /* A person standing on the vehicle's reference point. */
    geometry(0, 0, 0, 5, 0, 0, &closing, &in_path);
    assert_float_equal(closing, 0, 1e-12);
    assert_false(in_path);
}

/* ---- parties ------------------------------------------------------------ */

static void test_vehicle_choice(void **state)
{
    fw_doc *doc = incident_with(
        "'officers':[{'id':'o-1','role':'applied_force'}],"
        "'subjects':[{'id':'s-1','in_vehicle':'v-2'},{'id':'s-2','in_vehicle':'v-2'}],"
        "'vehicles':[{'id':'v-1','driver':'s-1'},{'id':'v-2'},{'id':'v-3','driver':'o-1'}],",
        "{'id':'a','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'unheard_of','actor':42,'whatever':[1,2,{'x':null}]},"
        " {'t':1,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'v-1'},"
        " {'t':2,'type':'force','actor':'o-1','kind':'ecd','target':'s-2'},"
        " {'t':3,'type':'force','actor':'o-1','kind':'firearm_discharge','target':'v-3'},"
        " {'t':4,'type':'force','actor':'o-1','kind':'takedown'},"
        " {'t':5,'type':'force','actor':'o-1','kind':'takedown','target':'s-1'}]}");
    fw_situation *s;
    const fw_fact *f;
    (void)state;

    /* The targeted vehicle; the subject is its driver. */
    s = sit_n(doc, "a", 0);
    assert_string_equal(s->vehicle, "v-1");
    check_str(s, "force.target_type", "vehicle", FW_SRC_EVENT);
    check_str(s, "vehicle.driver", "s-1", FW_SRC_INCIDENT);
    check_bool(s, "subject.is_driver", true, FW_SRC_INCIDENT);
    fw_situation_free(s);

    /* The vehicle s-2 is in, which has no driver. */
    s = sit_n(doc, "a", 1);
    assert_string_equal(s->vehicle, "v-2");
    check_bool(s, "vehicle.present", true, FW_SRC_INCIDENT);
    check_unknown(s, "vehicle.driver");
    check_bool(s, "subject.is_driver", false, FW_SRC_INCIDENT);
    fw_situation_free(s);

    /* A vehicle an officer drives: it is the vehicle, but there is no
    ** subject to speak of. */
    s = sit_n(doc, "a", 2);
    assert_string_equal(s->vehicle, "v-3");
    check_str(s, "vehicle.driver", "o-1", FW_SRC_INCIDENT);
    check_unknown(s, "subject.is_driver");
    fw_situation_free(s);

    /* No target, three vehicles: no vehicle, and nothing about a subject. */
    s = sit_n(doc, "a", 3);
    assert_null(s->vehicle);
    check_unknown(s, "force.target");
    check_unknown(s, "force.target_type");
    check_bool(s, "vehicle.present", false, FW_SRC_INCIDENT);
    check_bool(s, "vehicle.moving", false, FW_SRC_INCIDENT);
    check_bool(s, "vehicle.toward_officer", false, FW_SRC_INCIDENT);
    check_bool(s, "officer.in_vehicle_path", false, FW_SRC_INCIDENT);
    f = fact(s, "vehicle.driver");
    assert_int_equal(f->v.type, FW_V_UNKNOWN);
    assert_int_equal(f->source, FW_SRC_INCIDENT);
    check_unknown(s, "subject.is_driver");
    check_unknown(s, "subject.restrained");
    fw_situation_free(s);

    /* s-1 sits in v-2 but drives v-1: the vehicle it drives comes first. */
    s = sit_n(doc, "a", 4);
    assert_string_equal(s->vehicle, "v-1");
    check_bool(s, "subject.is_driver", true, FW_SRC_INCIDENT);
    fw_situation_free(s);
    fw_doc_free(doc);
}

static void test_build_rejects(void **state)
{
    fw_doc *doc = incident(
        "{'id':'a','kind':'officer_report','source':'s','events':["
        " {'t':0,'type':'command','actor':'o-1'},"
        " {'t':1,'type':'force','actor':'o-1','kind':'ecd','target':'s-1'}]},"
        "{'id':'empty','kind':'officer_report','source':'s','events':[]}");
    const fw_account *a = account(doc, "a"), *empty = account(doc, "empty");
    fw_situation *s;
    (void)state;

    /* Another act (a command) is judged too: no force facts (tests/unit/test_acts.c). */
    s = fw_situation_build(doc, a, 0, NULL);
    assert_non_null(s);
    assert_string_equal(fw_situation_act_type(s), "command");
    check_unknown(s, "force.kind");
    fw_situation_free(s);
    assert_null(fw_situation_build(doc, a, 2, NULL));   /* past the end */
    assert_null(fw_situation_build(doc, empty, 0, NULL));
    assert_null(fw_situation_build(NULL, a, 1, NULL));
    s = fw_situation_build(doc, a, 1, NULL);
    assert_non_null(s);
    assert_ptr_equal(s->doc, doc);
    assert_ptr_equal(s->account, a);
    assert_null(fw_situation_fact(s, "no.such.fact"));
    assert_ptr_equal(fw_situation_fact(s, "identified"),
                     &s->facts[fw_fact_index("identified")]);
    check_unknown(s, "identified");
    assert_int_equal(fact(s, "identified")->event_index, -1);
    fw_situation_free(s);
    fw_situation_free(NULL);
    fw_doc_free(doc);
}

/* ---- values ------------------------------------------------------------- */

static void test_values(void **state)
{
    fw_value t = {FW_V_BOOL, true, 0, NULL}, f = {FW_V_BOOL, false, 0, NULL};
    fw_value n = {FW_V_NUM, false, 4.6, NULL}, whole = {FW_V_NUM, false, 3.0, NULL};
    fw_value s = {FW_V_STR, false, 0, "death"}, s2 = {FW_V_STR, false, 0, "death"};
    fw_value u = {FW_V_UNKNOWN, false, 0, NULL}, u2 = {FW_V_UNKNOWN, true, 7, NULL};
    fw_value big = {FW_V_NUM, false, 1234567, NULL}, sum = {FW_V_NUM, false, 0, NULL};
    char out[32];
    (void)state;

    sum.num = 0.1;
    sum.num += 0.2;
    fw_value_format(&t, out, sizeof out);
    assert_string_equal(out, "true");
    fw_value_format(&f, out, sizeof out);
    assert_string_equal(out, "false");
    fw_value_format(&n, out, sizeof out);
    assert_string_equal(out, "4.6");
    fw_value_format(&whole, out, sizeof out);
    assert_string_equal(out, "3");
    fw_value_format(&big, out, sizeof out);
    assert_string_equal(out, "1234567");   /* the canonical form, not %g's */
    fw_value_format(&sum, out, sizeof out);
    assert_string_equal(out, "0.30000000000000004");
    fw_value_format(&s, out, sizeof out);
    assert_string_equal(out, "death");
    fw_value_format(&u, out, sizeof out);
    assert_string_equal(out, "unknown");
    fw_value_format(&s, out, 4);   /* truncated, still terminated */
    assert_string_equal(out, "dea");

    assert_true(fw_value_equal(&t, &t));
    assert_false(fw_value_equal(&t, &f));
    assert_true(fw_value_equal(&s, &s2));   /* by content, not pointer */
    assert_false(fw_value_equal(&n, &whole));
    assert_false(fw_value_equal(&u, &f));   /* unknown is not false */
    assert_true(fw_value_equal(&u, &u2));   /* stray fields of unknowns ignored */
    assert_false(fw_value_equal(&s, &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fact_table),
        cmocka_unit_test(test_geometry_defaults),
        cmocka_unit_test(test_geometry_toward_and_away),
        cmocka_unit_test(test_geometry_past_and_parallel),
        cmocka_unit_test(test_geometry_corridor),
        cmocka_unit_test(test_geometry_horizon),
        cmocka_unit_test(test_geometry_stationary),
        cmocka_unit_test(test_vehicle_choice),
        cmocka_unit_test(test_build_rejects),
        cmocka_unit_test(test_values),
    };

    return cmocka_run_group_tests_name("situation", tests, NULL, NULL);
}

