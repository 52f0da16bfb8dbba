/*
** Unit tests of statement lateness: fw_statement_judge (the rule: the time
** the record log received a statement, never its filed_at; backdating beyond
** a day flagged) and fw_duties given those times, and fw_statements_received
** reading them from a store's incident versions.
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
#include "workflow/duties.h"
#include "workflow/walk.h"

#define H 3600.0
#define DAY 86400.0

static void test_judge(void **state)
{
    const double occurred = 1000000000.0, due = occurred + 24 * H;
    bool back = true;
    (void)state;
    /* Not received yet: pending before the deadline, overdue after it. */
    assert_int_equal(fw_statement_judge(due, -1, -1, due - 1, &back), FW_STATEMENT_PENDING);
    assert_false(back);
    assert_int_equal(fw_statement_judge(due, -1, -1, due + 1, &back), FW_STATEMENT_OVERDUE);
    /* Received on time, whatever it says. */
    assert_int_equal(fw_statement_judge(due, occurred + H, -1, due + 30 * DAY, &back),
                     FW_STATEMENT_ON_TIME);
    assert_false(back);
    /* Received eleven months late, with no filed_at: late. */
    assert_int_equal(fw_statement_judge(due, occurred + 335 * DAY, -1, occurred + 336 * DAY, &back),
                     FW_STATEMENT_LATE);
    assert_false(back);
    /* The same, saying it was filed two hours after the incident: late and backdated. */
    assert_int_equal(fw_statement_judge(due, occurred + 335 * DAY, occurred + 2 * H,
                                        occurred + 336 * DAY, &back),
                     FW_STATEMENT_LATE);
    assert_true(back);
    /* Within the day's tolerance: not backdated; just beyond it: backdated. */
    fw_statement_judge(due, occurred + 10 * DAY, occurred + 9 * DAY + 1, occurred + 11 * DAY,
                       &back);
    assert_false(back);
    fw_statement_judge(due, occurred + 10 * DAY, occurred + 9 * DAY - 1, occurred + 11 * DAY,
                       &back);
    assert_true(back);
    /* As of a moment before the log received it, it was not filed. */
    assert_int_equal(fw_statement_judge(due, occurred + 10 * DAY, occurred + H, occurred + 5 * DAY,
                                        &back),
                     FW_STATEMENT_OVERDUE);
    assert_false(back);
    /* NULL backdated is allowed. */
    assert_int_equal(fw_statement_judge(due, occurred + H, -1, due, NULL), FW_STATEMENT_ON_TIME);
}

static const char doc_fmt[] =
    "{\"id\":\"l-1\",\"agency\":\"a\",\"occurred_at\":\"2025-01-01T12:00:00Z\","
    "\"encounter\":\"arrest\","
    "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\"},{\"id\":\"o-2\",\"role\":\"present\"}],"
    "\"subjects\":[{\"id\":\"s-1\"}],\"accounts\":[{\"id\":\"r\",\"kind\":\"officer_report\","
    "\"source\":\"report\",\"author\":\"o-1\"%s,"
    "\"events\":[{\"t\":1,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"takedown\",\"target\":\"s-1\"}]}%s]}";

static fw_doc *doc_of(const char *filed, const char *extra)
{
    char text[4096];
    fw_diag d;
    fw_doc *doc = NULL;
    snprintf(text, sizeof text, doc_fmt, filed, extra);
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test doc: %s", d.msgs[0]);
    fw_diag_release(&d);
    return doc;
}

static const json_t *find(const json_t *items, const char *kind, const char *officer)
{
    size_t i;
    for (i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        const char *o = json_string_value(json_object_get(it, "officer"));
        if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0 && o &&
            strcmp(o, officer) == 0)
            return it;
    }
    return NULL;
}

static json_t *duties(const fw_doc *doc, const json_t *received, const char *now)
{
    fw_time t;
    json_t *items = json_array();
    assert_true(fw_time_parse(now, &t));
    assert_int_equal(fw_duties(doc, received, NULL, 0, NULL, t.epoch, NULL, items), FW_OK);
    return items;
}

static double epoch(const char *s)
{
    fw_time t;
    assert_true(fw_time_parse(s, &t));
    return t.epoch;
}

static void test_duties_by_received(void **state)
{
    fw_doc *doc = doc_of(",\"filed_at\":\"2025-01-01T14:00:00Z\"", "");
    json_t *received = json_object(), *items;
    const json_t *it;
    (void)state;
    /* Says 14:00 the same day; the log received it eleven months later. */
    json_object_set_new(received, "r", json_real(epoch("2025-12-01T00:00:00Z")));
    items = duties(doc, received, "2025-12-02T00:00:00Z");
    it = find(items, "statement_late", "o-1");
    assert_non_null(it);
    assert_true(json_is_true(json_object_get(it, "backdated")));
    assert_string_equal(json_string_value(json_object_get(it, "received")), "2025-12-01T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(it, "filed_at")), "2025-01-01T14:00:00Z");
    assert_string_equal(json_string_value(json_object_get(it, "account")), "r");
    assert_non_null(strstr(json_string_value(json_object_get(it, "detail")), "backdated"));
    assert_null(find(items, "statement_overdue", "o-1"));
    assert_non_null(find(items, "statement_overdue", "o-2"));
    json_decref(items);
    /* Before the log received it, it was not filed: overdue. */
    items = duties(doc, received, "2025-06-01T00:00:00Z");
    assert_non_null(find(items, "statement_overdue", "o-1"));
    assert_null(find(items, "statement_late", "o-1"));
    json_decref(items);
    /* Received on time: nothing. */
    json_object_set_new(received, "r", json_real(epoch("2025-01-01T15:00:00Z")));
    items = duties(doc, received, "2025-12-02T00:00:00Z");
    assert_null(find(items, "statement_late", "o-1"));
    assert_null(find(items, "statement_overdue", "o-1"));
    json_decref(items);
    /* An account the log never received (not in the map) is no statement. */
    json_object_clear(received);
    items = duties(doc, received, "2025-12-02T00:00:00Z");
    assert_non_null(find(items, "statement_overdue", "o-1"));
    json_decref(items);
    json_decref(received);
    fw_doc_free(doc);

    /* Eleven months late with no filed_at: late, not backdated. */
    doc = doc_of("", "");
    received = json_pack("{s:f}", "r", epoch("2025-12-01T00:00:00Z"));
    items = duties(doc, received, "2025-12-02T00:00:00Z");
    it = find(items, "statement_late", "o-1");
    assert_non_null(it);
    assert_true(json_is_false(json_object_get(it, "backdated")));
    assert_null(json_object_get(it, "filed_at"));
    json_decref(items);
    json_decref(received);
    fw_doc_free(doc);
}

static time_t fake_now;
static time_t fake_clock(void *arg)
{
    (void)arg;
    return fake_now;
}

static void test_received_from_store(void **state)
{
    char path[] = "/tmp/fw-lateness-XXXXXX";
    char dbpath[64];
    fw_store_opts o;
    fw_store *s;
    fw_error err;
    fw_put_result res;
    fw_doc *v1, *v2, *v3;
    json_t *received = NULL;
    int fd = mkstemp(path);
    (void)state;
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    snprintf(dbpath, sizeof dbpath, "%s.db", path);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    o.clock.now = fake_clock;
    assert_int_equal(fw_store_open(dbpath, &o, &s, &err), FW_OK);

    /* Not stored: nothing received. */
    v1 = doc_of(",\"filed_at\":\"2025-01-01T14:00:00Z\"", "");
    assert_int_equal(fw_statements_received(s, v1, &received, &err), FW_OK);
    assert_int_equal(json_object_size(received), 0);
    json_decref(received);

    /* v1 on 2025-01-01 carries o-1's r; v2 in December adds o-2's w; v3 changes nothing of them. */
    fake_now = (time_t)epoch("2025-01-01T15:00:00Z");
    assert_int_equal(fw_store_begin(s, &err), FW_OK);
    assert_int_equal(fw_store_put(s, v1, "t", &res, &err), FW_OK);
    assert_int_equal(fw_store_commit(s, &err), FW_OK);
    assert_int_equal(fw_statements_received(s, v1, &received, &err), FW_OK);
    assert_true(json_real_value(json_object_get(received, "r")) == epoch("2025-01-01T15:00:00Z"));
    json_decref(received);

    v2 = doc_of(",\"filed_at\":\"2025-01-01T14:00:00Z\"",
                ",{\"id\":\"w\",\"kind\":\"witness_officer_statement\",\"source\":\"s\","
                "\"author\":\"o-2\",\"filed_at\":\"2025-01-01T16:00:00Z\",\"events\":[]}");
    fake_now = (time_t)epoch("2025-12-01T00:00:00Z");
    assert_int_equal(fw_store_begin(s, &err), FW_OK);
    assert_int_equal(fw_store_put(s, v2, "t", &res, &err), FW_OK);
    assert_int_equal(fw_store_commit(s, &err), FW_OK);
    v3 = doc_of(",\"filed_at\":\"2025-01-01T14:00:00Z\"",
                ",{\"id\":\"w\",\"kind\":\"witness_officer_statement\",\"source\":\"s\","
                "\"author\":\"o-2\",\"filed_at\":\"2025-01-01T16:00:00Z\",\"events\":[]},"
                "{\"id\":\"c\",\"kind\":\"civilian_witness\",\"source\":\"s\",\"events\":[]}");
    fake_now = (time_t)epoch("2025-12-05T00:00:00Z");
    assert_int_equal(fw_store_begin(s, &err), FW_OK);
    assert_int_equal(fw_store_put(s, v3, "t", &res, &err), FW_OK);
    assert_int_equal(fw_store_commit(s, &err), FW_OK);

    assert_int_equal(fw_statements_received(s, v3, &received, &err), FW_OK);
    assert_int_equal(json_object_size(received), 2); /* c has no officer author */
    assert_true(json_real_value(json_object_get(received, "r")) == epoch("2025-01-01T15:00:00Z"));
    assert_true(json_real_value(json_object_get(received, "w")) == epoch("2025-12-01T00:00:00Z"));
    json_decref(received);

    fw_doc_free(v1);
    fw_doc_free(v2);
    fw_doc_free(v3);
    fw_store_close(s);
    unlink(dbpath);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_duties_by_received),
        cmocka_unit_test(test_received_from_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
