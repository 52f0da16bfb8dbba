/*
** Unit tests of the training checks among the duty items (issue 13, point
** 8): the course entry current at the date of the force (fw_training_on),
** the force's local date (fw_force_day), which force is in a vehicle
** encounter (fw_force_in_vehicle_encounter), and the items fw_duties raises:
** training_vehicle_stop, training_device and training_crowd_control, with the
** course and why, one per officer and course in an incident.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "forcewatch.h"
#include "base/timeutil.h"
#include "workflow/duties.h"

/* An incident of id with encounter, the parties given (JSON members after
** "officers"), and one account holding events. */
static fw_doc *incident(const char *id, const char *occurred, const char *encounter,
                        const char *parties, const char *events)
{
    char text[8192];
    fw_diag d;
    fw_doc *doc = NULL;
    snprintf(text, sizeof text,
             "{\"id\":\"%s\",\"agency\":\"a\",\"occurred_at\":\"%s\",\"encounter\":\"%s\","
             "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\",\"registry\":\"a:o-1\"},"
             "{\"id\":\"o-2\",\"role\":\"present\",\"registry\":\"a:o-2\"}],%s,"
             "\"accounts\":[{\"id\":\"r\",\"kind\":\"officer_report\",\"source\":\"report\","
             "\"author\":\"o-1\",\"filed_at\":\"2025-01-01T20:00:00Z\",\"events\":[%s]},"
             "{\"id\":\"w\",\"kind\":\"witness_officer_statement\",\"source\":\"s\","
             "\"author\":\"o-2\",\"filed_at\":\"2025-01-01T20:00:00Z\",\"events\":[%s]}]}",
             id, occurred, encounter, parties, events, events);
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test doc: %s", d.msgs[0]);
    fw_diag_release(&d);
    return doc;
}

static const char on_foot[] = "\"subjects\":[{\"id\":\"s-1\"}]";
static const char in_car[] =
    "\"subjects\":[{\"id\":\"s-1\",\"in_vehicle\":\"v-1\"},{\"id\":\"s-2\"}],"
    "\"vehicles\":[{\"id\":\"v-1\",\"kind\":\"car\"}]";
static const char driving[] =
    "\"subjects\":[{\"id\":\"s-1\"},{\"id\":\"s-2\"}],"
    "\"vehicles\":[{\"id\":\"v-1\",\"kind\":\"car\",\"driver\":\"s-1\"}]";

static const char hands_s1[] = "{\"t\":5,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"hands_on\","
                               "\"target\":\"s-1\"}";
static const char hands_s2[] = "{\"t\":5,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"hands_on\","
                               "\"target\":\"s-2\"}";
static const char ecd_s1[] = "{\"t\":5,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\","
                             "\"target\":\"s-1\"}";

/* The items of doc at a time long after it, with training. */
static json_t *items_of(const fw_doc *doc, const json_t *training)
{
    fw_time t;
    json_t *items = json_array();
    assert_true(fw_time_parse("2030-01-01T00:00:00Z", &t));
    assert_int_equal(fw_duties(doc, NULL, NULL, 0, training, t.epoch, NULL, items), FW_OK);
    return items;
}

/* The items of a kind for officer (NULL: anyone); *last the last one. */
static size_t count(const json_t *items, const char *kind, const char *officer, json_t **last)
{
    size_t i, n = 0;
    for (i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        const char *o = json_string_value(json_object_get(it, "officer"));
        if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0 &&
            (!officer || (o && strcmp(o, officer) == 0))) {
            n++;
            if (last)
                *last = it;
        }
    }
    return n;
}

static const char *sval(const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v ? v : "";
}

/* A training map: o-1's registry officer, a:o-1, holds course completed (and expires, may be
** NULL); training is found through the incident officer's registry link. */
static json_t *trained(const char *course, const char *completed, const char *expires)
{
    return json_pack("{s:{s:[{s:s, s:s, s:s?}]}}", "a:o-1", "courses", "course", course,
                     "completed", completed, "expires", expires);
}

static int64_t day(const char *date)
{
    fw_time t;
    assert_true(fw_time_parse(date, &t));
    return (int64_t)(t.epoch / 86400);
}

static void test_training_on(void **state)
{
    json_t *rec = json_pack("{s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s}]}", "courses",
                            "course", "ecd", "completed", "2020-01-01", "expires", "2021-01-01",
                            "course", "ecd", "completed", "2021-01-01", "expires", "2022-06-30",
                            "course", "canine", "completed", "2024-03-01");
    char date[16];
    (void)state;
    /* Completed on the day counts; the expiry day does not. */
    assert_int_equal(fw_training_on(rec, "ecd", day("2020-01-01"), date, sizeof date),
                     FW_TRAINING_CURRENT);
    assert_int_equal(fw_training_on(rec, "ecd", day("2020-12-31"), NULL, 0), FW_TRAINING_CURRENT);
    /* The renewal completed on the first one's expiry day covers that day. */
    assert_int_equal(fw_training_on(rec, "ecd", day("2021-01-01"), NULL, 0), FW_TRAINING_CURRENT);
    assert_int_equal(fw_training_on(rec, "ecd", day("2022-06-29"), NULL, 0), FW_TRAINING_CURRENT);
    /* After both expired: the latest expiry says why. */
    assert_int_equal(fw_training_on(rec, "ecd", day("2022-06-30"), date, sizeof date),
                     FW_TRAINING_EXPIRED);
    assert_string_equal(date, "2022-06-30");
    assert_int_equal(fw_training_on(rec, "ecd", day("2025-01-01"), date, sizeof date),
                     FW_TRAINING_EXPIRED);
    assert_string_equal(date, "2022-06-30");
    /* Before any completion. */
    assert_int_equal(fw_training_on(rec, "ecd", day("2019-12-31"), date, sizeof date),
                     FW_TRAINING_COMPLETED_AFTER);
    assert_string_equal(date, "2020-01-01");
    /* No expiry: current for good from completion. */
    assert_int_equal(fw_training_on(rec, "canine", day("2040-01-01"), NULL, 0),
                     FW_TRAINING_CURRENT);
    assert_int_equal(fw_training_on(rec, "firearm", day("2025-01-01"), date, sizeof date),
                     FW_TRAINING_NONE);
    assert_string_equal(date, "");
    assert_int_equal(fw_training_on(NULL, "ecd", day("2025-01-01"), NULL, 0), FW_TRAINING_NONE);
    json_decref(rec);
    /* Entries whose dates cannot be read certify nothing. */
    rec = json_pack("{s:[{s:s, s:s, s:s}, {s:s, s:s}, {s:s, s:i}]}", "courses", "course", "ecd",
                    "completed", "2020-01-01", "expires", "soon", "course", "ecd", "completed",
                    "2020-01-01T10:00:00Z", "course", "ecd", "completed", 2020);
    assert_int_equal(fw_training_on(rec, "ecd", day("2021-01-01"), NULL, 0), FW_TRAINING_NONE);
    json_decref(rec);
    assert_string_equal(fw_training_state_name(FW_TRAINING_EXPIRED), "expired");
    assert_string_equal(fw_training_state_name(FW_TRAINING_COMPLETED_AFTER), "completed_after");
    assert_string_equal(fw_training_state_name(FW_TRAINING_NONE), "none");
    assert_true(fw_training_course_known("vehicle_stops"));
}

static void test_force_day(void **state)
{
    fw_doc *doc = incident("d", "2025-01-01T22:00:00-05:00", "arrest", on_foot, ecd_s1);
    (void)state;
    /* 22:00 in New York is the next day in UTC; the incident's own date counts. */
    assert_int_equal(fw_force_day(doc, 0), day("2025-01-01"));
    assert_int_equal(fw_force_day(doc, 7200), day("2025-01-02"));
    fw_doc_free(doc);
    doc = incident("d", "2025-01-01T23:59:00Z", "arrest", on_foot, ecd_s1);
    assert_int_equal(fw_force_day(doc, 30), day("2025-01-01"));
    assert_int_equal(fw_force_day(doc, 90), day("2025-01-02"));
    fw_doc_free(doc);
}

/* Whether the first force event of doc's first account is in a vehicle encounter. */
static bool vehicle_force(const char *encounter, const char *parties, const char *events)
{
    fw_doc *doc = incident("d", "2025-01-01T12:00:00Z", encounter, parties, events);
    const fw_account *acc = &doc->accounts[0];
    bool in = false;
    size_t e;
    for (e = 0; e < acc->nevents; e++)
        if (strcmp(acc->events[e].type_name, "force") == 0) {
            in = fw_force_in_vehicle_encounter(doc, acc, &acc->events[e]);
            break;
        }
    fw_doc_free(doc);
    return in;
}

static void test_vehicle_encounter(void **state)
{
    char ev[1024];
    (void)state;
    assert_true(vehicle_force("vehicle_stop", on_foot, hands_s1));
    assert_false(vehicle_force("arrest", on_foot, hands_s1));
    assert_false(vehicle_force("vehicle_pursuit", on_foot, hands_s1));
    /* A subject in a vehicle, or its driver, or the vehicle itself. */
    assert_true(vehicle_force("arrest", in_car, hands_s1));
    assert_true(vehicle_force("vehicle_pursuit", driving, hands_s1));
    assert_true(vehicle_force("arrest", in_car,
                              "{\"t\":5,\"type\":\"force\",\"actor\":\"o-1\","
                              "\"kind\":\"firearm_discharge\",\"target\":\"v-1\"}"));
    /* A vehicle present, force at someone else: not a vehicle encounter. */
    assert_false(vehicle_force("arrest", in_car, hands_s2));
    assert_false(vehicle_force("arrest", driving, hands_s2));
    /* The officer reached into the vehicle before the force; not someone
    ** else, and not after. */
    snprintf(ev, sizeof ev,
             "{\"t\":2,\"type\":\"reach_into_vehicle\",\"actor\":\"o-1\",\"vehicle\":\"v-1\"},%s",
             hands_s2);
    assert_true(vehicle_force("arrest", in_car, ev));
    snprintf(ev, sizeof ev,
             "{\"t\":2,\"type\":\"reach_into_vehicle\",\"actor\":\"o-2\",\"vehicle\":\"v-1\"},%s",
             hands_s2);
    assert_false(vehicle_force("arrest", in_car, ev));
    snprintf(ev, sizeof ev,
             "%s,{\"t\":9,\"type\":\"reach_into_vehicle\",\"actor\":\"o-1\",\"vehicle\":\"v-1\"}",
             hands_s2);
    assert_false(vehicle_force("arrest", in_car, ev));
}

static void test_vehicle_stop_items(void **state)
{
    fw_doc *doc = incident("d", "2025-01-01T12:00:00Z", "vehicle_stop", in_car, hands_s1);
    json_t *items, *training, *it = NULL;
    (void)state;
    /* Without training: one item (two accounts show the force), for the
    ** officer who used force only. */
    items = items_of(doc, NULL);
    assert_int_equal(count(items, "training_vehicle_stop", NULL, &it), 1);
    assert_string_equal(sval(it, "officer"), "o-1");
    assert_string_equal(sval(it, "incident"), "d");
    assert_string_equal(sval(it, "course"), "vehicle_stops");
    assert_string_equal(sval(it, "training"), "none");
    assert_non_null(strstr(sval(it, "detail"), "vehicle_stops"));
    assert_non_null(strstr(sval(it, "detail"), "none recorded"));
    assert_int_equal(count(items, "training_device", NULL, NULL), 0); /* hands: no device */
    json_decref(items);
    /* Current training: no item. */
    training = trained("vehicle_stops", "2024-01-01", "2026-01-01");
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_vehicle_stop", NULL, NULL), 0);
    json_decref(items);
    json_decref(training);
    /* Expired before the force: an item saying so, with the date. */
    training = trained("vehicle_stops", "2022-01-01", "2024-12-31");
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_vehicle_stop", "o-1", &it), 1);
    assert_string_equal(sval(it, "training"), "expired");
    assert_string_equal(sval(it, "expired"), "2024-12-31");
    assert_non_null(strstr(sval(it, "detail"), "expired on 2024-12-31"));
    json_decref(items);
    json_decref(training);
    /* Expiring on the day of the force: no longer current. */
    training = trained("vehicle_stops", "2022-01-01", "2025-01-01");
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_vehicle_stop", "o-1", &it), 1);
    assert_string_equal(sval(it, "training"), "expired");
    json_decref(items);
    json_decref(training);
    /* Completed only after the force: an item. */
    training = trained("vehicle_stops", "2025-02-01", NULL);
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_vehicle_stop", "o-1", &it), 1);
    assert_string_equal(sval(it, "training"), "completed_after");
    assert_string_equal(sval(it, "completed"), "2025-02-01");
    assert_non_null(strstr(sval(it, "detail"), "completed 2025-02-01, after the force"));
    json_decref(items);
    json_decref(training);
    /* Another course does not count. */
    training = trained("crowd_control", "2020-01-01", NULL);
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_vehicle_stop", "o-1", NULL), 1);
    json_decref(items);
    json_decref(training);
    fw_doc_free(doc);
    /* Force on foot in an arrest: no vehicle-stop item. */
    doc = incident("d", "2025-01-01T12:00:00Z", "arrest", in_car, hands_s2);
    items = items_of(doc, NULL);
    assert_int_equal(count(items, "training_vehicle_stop", NULL, NULL), 0);
    json_decref(items);
    fw_doc_free(doc);
}

static void test_device_items(void **state)
{
    fw_doc *doc = incident("d", "2025-01-01T12:00:00Z", "arrest", on_foot, ecd_s1);
    json_t *items, *training, *it = NULL;
    (void)state;
    training = trained("ecd", "2023-01-01", "2024-06-30");
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_device", "o-1", &it), 1);
    assert_string_equal(sval(it, "course"), "ecd");
    assert_string_equal(sval(it, "training"), "expired");
    assert_non_null(strstr(sval(it, "detail"), "used ecd without a current ecd certification: "
                                                "expired on 2024-06-30"));
    json_decref(items);
    json_decref(training);
    training = trained("ecd", "2023-01-01", "2025-06-30");
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_device", NULL, NULL), 0);
    json_decref(items);
    json_decref(training);
    training = trained("ecd", "2025-01-02", NULL);
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_device", "o-1", &it), 1);
    assert_string_equal(sval(it, "training"), "completed_after");
    json_decref(items);
    json_decref(training);
    fw_doc_free(doc);
}

/* One item per officer and course in an incident, whatever the number of
** force applications; and each incident its own, in one list. */
static void test_dedup(void **state)
{
    char ev[1024];
    fw_doc *a, *b;
    json_t *items;
    fw_time t;
    (void)state;
    snprintf(ev, sizeof ev,
             "%s,{\"t\":6,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"},"
             "{\"t\":7,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"oc_spray\",\"target\":\"s-1\"},"
             "{\"t\":8,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"chemical_munition\"},"
             "{\"t\":9,\"type\":\"force\",\"actor\":\"o-2\",\"kind\":\"ecd\",\"target\":\"s-1\"}",
             ecd_s1);
    a = incident("a", "2025-01-01T12:00:00Z", "arrest", on_foot, ev);
    b = incident("b", "2025-01-01T12:00:00Z", "arrest", on_foot, ecd_s1);
    items = items_of(a, NULL);
    /* o-1: ecd and chemical_agents (oc_spray and chemical_munition share it); o-2: ecd. */
    assert_int_equal(count(items, "training_device", "o-1", NULL), 2);
    assert_int_equal(count(items, "training_device", "o-2", NULL), 1);
    assert_true(fw_time_parse("2030-01-01T00:00:00Z", &t));
    assert_int_equal(fw_duties(b, NULL, NULL, 0, NULL, t.epoch, NULL, items), FW_OK);
    assert_int_equal(count(items, "training_device", "o-1", NULL), 3); /* b's own item */
    json_decref(items);
    fw_doc_free(a);
    fw_doc_free(b);
}

static void test_crowd_control(void **state)
{
    fw_doc *doc = incident("d", "2025-01-01T12:00:00Z", "crowd_control", on_foot, hands_s1);
    json_t *items, *training, *it = NULL;
    (void)state;
    items = items_of(doc, NULL);
    assert_int_equal(count(items, "training_crowd_control", NULL, NULL), 2);
    assert_int_equal(count(items, "training_vehicle_stop", NULL, NULL), 0);
    json_decref(items);
    training = trained("crowd_control", "2023-05-01", NULL);
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_crowd_control", "o-1", NULL), 0);
    assert_int_equal(count(items, "training_crowd_control", "o-2", &it), 1);
    assert_string_equal(sval(it, "course"), "crowd_control");
    json_decref(items);
    json_decref(training);
    training = trained("crowd_control", "2020-05-01", "2023-05-01");
    items = items_of(doc, training);
    assert_int_equal(count(items, "training_crowd_control", "o-1", &it), 1);
    assert_string_equal(sval(it, "expired"), "2023-05-01");
    json_decref(items);
    json_decref(training);
    fw_doc_free(doc);
}

/* A public record raises no training item either. */
static void test_public_record(void **state)
{
    fw_doc *doc = incident("d", "2025-01-01T12:00:00Z", "vehicle_stop", in_car, ecd_s1);
    json_t *items;
    (void)state;
    doc->provenance = "public_record"; /* as fw_doc_parse reads it from the document */
    items = items_of(doc, NULL);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    fw_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_training_on),
        cmocka_unit_test(test_force_day),
        cmocka_unit_test(test_vehicle_encounter),
        cmocka_unit_test(test_vehicle_stop_items),
        cmocka_unit_test(test_device_items),
        cmocka_unit_test(test_dedup),
        cmocka_unit_test(test_crowd_control),
        cmocka_unit_test(test_public_record),
    };
    return cmocka_run_group_tests_name("training", tests, NULL, NULL);
}
