/*
** Unit tests of the duty items: statement deadlines judged with a given
** clock, interventions after out-of-policy force, late medical aid, device
** certification and crowd-control training.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "forcewatch.h"
#include "workflow/duties.h"
#include "policy/policy.h"
#include "policy/review.h"

static fw_doc *doc_of(const char *events, const char *extra_accounts, const char *encounter)
{
    char text[8192];
    fw_diag d;
    fw_doc *doc = NULL;
    snprintf(text, sizeof text,
             "{\"id\":\"d-1\",\"agency\":\"a\",\"occurred_at\":\"2025-01-01T12:00:00Z\","
             "\"encounter\":\"%s\","
             "\"officers\":[{\"id\":\"o-1\",\"registry\":\"a:o-1\",\"role\":\"applied_force\"},"
             "{\"id\":\"o-2\",\"registry\":\"a:o-2\",\"role\":\"present\"}],"
             "\"subjects\":[{\"id\":\"s-1\"}],\"accounts\":[{\"id\":\"r\",\"kind\":\"officer_report\","
             "\"source\":\"report\",\"author\":\"o-1\",\"filed_at\":\"2025-01-01T20:00:00Z\","
             "\"events\":[%s]}%s]}",
             encounter, events, extra_accounts);
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test doc: %s", d.msgs[0]);
    fw_diag_release(&d);
    return doc;
}

static size_t count_kind(const json_t *items, const char *kind, const char *officer)
{
    size_t i, n = 0;
    for (i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        const char *o = json_string_value(json_object_get(it, "officer"));
        if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0 &&
            (!officer || (o && strcmp(o, officer) == 0)))
            n++;
    }
    return n;
}

static json_t *duties(const fw_doc *doc, const fw_review *rv, size_t n, const json_t *training,
                      const char *now)
{
    fw_time t;
    json_t *items = json_array();
    assert_true(fw_time_parse(now, &t));
    assert_int_equal(fw_duties(doc, NULL, rv, n, training, t.epoch, NULL, items), FW_OK);
    return items;
}

static const char force_ecd[] = "{\"t\":1,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"}";

static void test_statements(void **state)
{
    fw_doc *doc = doc_of(force_ecd, "", "arrest");
    json_t *items;
    (void)state;
    /* o-1 filed 8 h after; o-2 never did. Before the deadline nothing is due. */
    items = duties(doc, NULL, 0, NULL, "2025-01-02T11:59:00Z");
    assert_int_equal(count_kind(items, "statement_overdue", NULL), 0);
    json_decref(items);
    items = duties(doc, NULL, 0, NULL, "2025-01-02T12:01:00Z");
    assert_int_equal(count_kind(items, "statement_overdue", "o-2"), 1);
    assert_int_equal(count_kind(items, "statement_overdue", "o-1"), 0);
    assert_int_equal(count_kind(items, "statement_late", NULL), 0);
    json_decref(items);
    fw_doc_free(doc);
    /* A statement filed two days later is late. */
    doc = doc_of(force_ecd, ",{\"id\":\"w\",\"kind\":\"witness_officer_statement\",\"source\":\"s\","
                            "\"author\":\"o-2\",\"filed_at\":\"2025-01-03T12:00:00Z\",\"events\":[]}",
                 "arrest");
    items = duties(doc, NULL, 0, NULL, "2025-02-01T00:00:00Z");
    assert_int_equal(count_kind(items, "statement_late", "o-2"), 1);
    assert_int_equal(count_kind(items, "statement_overdue", NULL), 0);
    json_decref(items);
    fw_doc_free(doc);
}

static void test_interventions(void **state)
{
    const char *pol = "policy t \"t\"\nversion 1\nrule no-ecd\n cite \"1\"\n says \"x\"\n"
                      " when force.kind = ecd\n require false\n";
    fw_policy *p = NULL;
    fw_diag d;
    fw_review rv;
    fw_error err;
    fw_doc *doc;
    json_t *items;
    char events[512];
    (void)state;

    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_parse("t", pol, strlen(pol), &p, &d), FW_OK);
    doc = doc_of(force_ecd, "", "arrest");
    assert_int_equal(fw_review_run(doc, p, NULL, NULL, &rv, &err), FW_OK);
    items = duties(doc, &rv, 1, NULL, "2025-01-01T13:00:00Z");
    assert_int_equal(count_kind(items, "intervention", "o-2"), 1);
    assert_int_equal(count_kind(items, "intervention", "o-1"), 0); /* not the one using force */
    json_decref(items);
    fw_review_release(&rv);
    fw_doc_free(doc);
    /* o-2 intervened: no item. */
    snprintf(events, sizeof events, "%s,{\"t\":2,\"type\":\"intervene\",\"actor\":\"o-2\",\"target\":\"o-1\"}",
             force_ecd);
    doc = doc_of(events, "", "arrest");
    assert_int_equal(fw_review_run(doc, p, NULL, NULL, &rv, &err), FW_OK);
    items = duties(doc, &rv, 1, NULL, "2025-01-01T13:00:00Z");
    assert_int_equal(count_kind(items, "intervention", NULL), 0);
    json_decref(items);
    fw_review_release(&rv);
    fw_doc_free(doc);
    fw_policy_free(p);
    fw_diag_release(&d);
}

/* One act two accounts tell at different times (1 s and 2 s): one intervention item for
** o-2, naming the act, not one per account's key. */
static void test_interventions_one_per_act(void **state)
{
    const char *pol = "policy t \"t\"\nversion 1\nrule no-ecd\n cite \"1\"\n says \"x\"\n"
                      " when force.kind = ecd\n require false\n";
    fw_policy *p = NULL;
    fw_diag d;
    fw_review rv;
    fw_error err;
    fw_doc *doc;
    json_t *items, *it;
    (void)state;

    fw_diag_init(&d, 5);
    assert_int_equal(fw_policy_parse("t", pol, strlen(pol), &p, &d), FW_OK);
    doc = doc_of(force_ecd,
                 ",{\"id\":\"v\",\"kind\":\"video_analysis\",\"source\":\"v\",\"events\":"
                 "[{\"t\":2,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"}]}",
                 "arrest");
    assert_int_equal(fw_review_run(doc, p, NULL, NULL, &rv, &err), FW_OK);
    assert_int_equal(rv.nacts, 1);
    items = duties(doc, &rv, 1, NULL, "2025-01-01T13:00:00Z");
    assert_int_equal(count_kind(items, "intervention", "o-2"), 1);
    assert_int_equal(count_kind(items, "intervention", NULL), 1);
    it = json_array_get(items, 0);
    assert_string_equal(json_string_value(json_object_get(it, "act")), "o-1 ecd #1");
    assert_string_equal(json_string_value(json_object_get(it, "force")), "o-1@1");
    assert_non_null(strstr(json_string_value(json_object_get(it, "detail")), "o-1 ecd #1"));
    json_decref(items);
    fw_review_release(&rv);
    fw_doc_free(doc);
    fw_policy_free(p);
    fw_diag_release(&d);
}

static void test_medical_aid(void **state)
{
    char events[1024];
    fw_doc *doc;
    json_t *items;
    (void)state;
    snprintf(events, sizeof events,
             "%s,{\"t\":5,\"type\":\"injury\",\"person\":\"s-1\",\"severity\":\"minor\"},"
             "{\"t\":905,\"type\":\"medical_aid\",\"person\":\"s-1\",\"status\":\"rendered\"}", force_ecd);
    doc = doc_of(events, "", "arrest");
    items = duties(doc, NULL, 0, NULL, "2025-01-01T13:00:00Z");
    assert_int_equal(count_kind(items, "medical_aid", NULL), 1); /* 15 min > 10 min */
    json_decref(items);
    fw_doc_free(doc);
    snprintf(events, sizeof events,
             "%s,{\"t\":5,\"type\":\"injury\",\"person\":\"s-1\",\"severity\":\"minor\"},"
             "{\"t\":65,\"type\":\"medical_aid\",\"person\":\"s-1\",\"status\":\"requested\"}", force_ecd);
    doc = doc_of(events, "", "arrest");
    items = duties(doc, NULL, 0, NULL, "2025-01-01T13:00:00Z");
    assert_int_equal(count_kind(items, "medical_aid", NULL), 0);
    json_decref(items);
    fw_doc_free(doc);
}

static void test_training(void **state)
{
    fw_doc *doc = doc_of(force_ecd, "", "crowd_control");
    json_t *items, *training;
    (void)state;
    items = duties(doc, NULL, 0, NULL, "2025-01-01T13:00:00Z");
    assert_int_equal(count_kind(items, "training_device", "o-1"), 1);
    assert_int_equal(count_kind(items, "training_crowd_control", NULL), 2);
    json_decref(items);
    /* Training records are keyed by registry officer: o-1 is a:o-1. */
    training = json_pack("{s:{s:[{s:s, s:s, s:s}, {s:s, s:s}]}}", "a:o-1", "courses", "course", "ecd",
                         "completed", "2024-01-01", "expires", "2025-06-30", "course",
                         "crowd_control", "completed", "2023-05-01");
    items = duties(doc, NULL, 0, training, "2025-01-01T13:00:00Z");
    assert_int_equal(count_kind(items, "training_device", NULL), 0);
    assert_int_equal(count_kind(items, "training_crowd_control", "o-1"), 0);
    assert_int_equal(count_kind(items, "training_crowd_control", "o-2"), 1);
    json_decref(items);
    /* An expired certification does not count. */
    json_object_set_new(json_array_get(json_object_get(json_object_get(training, "a:o-1"), "courses"), 0),
                        "expires", json_string("2024-12-31"));
    items = duties(doc, NULL, 0, training, "2025-01-01T13:00:00Z");
    assert_int_equal(count_kind(items, "training_device", "o-1"), 1);
    json_decref(items);
    json_decref(training);
    fw_doc_free(doc);
    assert_string_equal(fw_duty_course_for("less_lethal_projectile"), "less_lethal_launcher");
    assert_null(fw_duty_course_for("firearm_aimed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_interventions),
        cmocka_unit_test(test_interventions_one_per_act),
        cmocka_unit_test(test_medical_aid),
        cmocka_unit_test(test_training),
    };
    return cmocka_run_group_tests_name("duties", tests, NULL, NULL);
}
