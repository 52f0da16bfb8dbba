/*
** Unit tests of the published statistics' schedule and of durable writes:
** the schedule's boundaries, the public table counted as of the last one
** (writes, corrections and withdrawals after it change nothing until the
** next), and the writing handle's synchronous setting (FULL).
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
#include "data/stats_run.h"

#define DAY 86400
#define DAY1 1767225600 /* 2026-01-01T00:00:00Z */

static time_t clock_now;

static time_t test_clock(void *arg)
{
    (void)arg;
    return clock_now;
}

static fw_store *open_at(const char *path, unsigned flags)
{
    fw_store_opts o;
    fw_store *s = NULL;
    fw_error err;
    memset(&o, 0, sizeof o);
    o.flags = flags;
    o.clock.now = test_clock;
    if (fw_store_open(path, &o, &s, &err) != FW_OK)
        fail_msg("open %s: %s", path, err.msg);
    return s;
}

static void put(fw_store *s, int i, const char *state, bool withdrawn)
{
    char text[1024];
    fw_diag d;
    fw_doc *doc = NULL;
    fw_error err;
    fw_put_result res;
    snprintf(text, sizeof text,
             "{\"id\":\"t-%d\",\"agency\":\"ag-1\",\"occurred_at\":\"2020-05-01\","
             "\"location\":{\"state\":\"%s\"},\"officers\":[],%s"
             "\"accounts\":[{\"id\":\"a\",\"kind\":\"other\",\"source\":\"s\",\"events\":[]}]}",
             i, state, withdrawn ? "\"withdrawn\":true," : "");
    fw_diag_init(&d, 3);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("%s", d.msgs[0]);
    fw_diag_release(&d);
    assert_int_equal(fw_store_begin(s, &err), FW_OK);
    assert_int_equal(fw_store_put(s, doc, "test", &res, &err), FW_OK);
    assert_int_equal(fw_store_commit(s, &err), FW_OK);
    fw_doc_free(doc);
}

/* The public table by state at now (k = 1: nothing suppressed) as JSON text,
** and its count for one state. */
static char *public_at(fw_store *s, double now, const char *state, int64_t *count)
{
    fw_stats_query q;
    fw_stats_table *t = NULL;
    fw_stats_asof when;
    const char *field;
    fw_error err;
    json_t *j, *cell;
    char *text;
    size_t i;
    assert_int_equal(fw_stats_query_parse("state", NULL, &q, &field, &err), FW_OK);
    fw_stats_when(now, FW_STATS_DAILY, &when);
    if (fw_stats_public(s, &q, 1, &when, &t, &field, &err) != FW_OK)
        fail_msg("public: %s", err.msg);
    j = fw_stats_public_json(t, &when);
    assert_non_null(j);
    *count = 0;
    json_array_foreach(json_object_get(j, "cells"), i, cell)
        if (strcmp(json_string_value(json_object_get(cell, "state")), state) == 0)
            *count = json_integer_value(json_object_get(cell, "count"));
    text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(j);
    fw_stats_table_free(t);
    return text;
}

static int64_t live_total(fw_store *s)
{
    fw_stats_query q;
    fw_stats_table *t = NULL;
    const char *field;
    fw_error err;
    int64_t n;
    assert_int_equal(fw_stats_query_parse("state", NULL, &q, &field, &err), FW_OK);
    assert_int_equal(fw_stats_run(s, &q, NULL, &t, &err), FW_OK);
    n = t->part[0].cells[0].count;
    fw_stats_table_free(t);
    return n;
}

static void test_schedule(void **state)
{
    fw_stats_asof w;
    int64_t every;
    fw_error err;
    (void)state;
    fw_stats_when(DAY1 + 3600 * 15 + 7, FW_STATS_DAILY, &w);
    assert_string_equal(w.as_of_text, "2026-01-01T00:00:00Z");
    assert_string_equal(w.next_text, "2026-01-02T00:00:00Z");
    fw_stats_when(DAY1, FW_STATS_DAILY, &w); /* a boundary is its own publication */
    assert_string_equal(w.as_of_text, "2026-01-01T00:00:00Z");
    fw_stats_when(DAY1 - 1, FW_STATS_DAILY, &w);
    assert_string_equal(w.as_of_text, "2025-12-31T00:00:00Z");
    fw_stats_when(DAY1 + 3600 * 15 + 7, FW_STATS_HOURLY, &w);
    assert_string_equal(w.as_of_text, "2026-01-01T15:00:00Z");
    assert_string_equal(w.next_text, "2026-01-01T16:00:00Z");
    assert_int_equal(fw_stats_every_parse("daily", &every, &err), FW_OK);
    assert_int_equal(every, 86400);
    assert_int_equal(fw_stats_every_parse("hourly", &every, &err), FW_OK);
    assert_int_equal(every, 3600);
    assert_int_equal(fw_stats_every_parse("600", &every, &err), FW_OK);
    assert_int_equal(every, 600);
    assert_int_equal(fw_stats_every_parse("0", &every, &err), FW_ERR_INVALID);
    assert_int_equal(fw_stats_every_parse("-5", &every, &err), FW_ERR_INVALID);
    assert_int_equal(fw_stats_every_parse("weekly", &every, &err), FW_ERR_INVALID);
    assert_int_equal(fw_stats_every_parse("99999999999", &every, &err), FW_ERR_INVALID);
}

/* Writes after the boundary, a correction and a withdrawal among them,
** leave the public table as it was until the next boundary. */
static void test_as_of(void **state)
{
    char dir[] = "/tmp/fw-snap-XXXXXX", path[64], cmd[96];
    char *before, *after, *reopened, *next;
    int64_t ca, wa;
    fw_store *s;
    int i;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.db", dir);
    clock_now = DAY1 + 3600 * 10; /* day 1, 10:00: 10 in CA, 3 in WA */
    s = open_at(path, FW_STORE_CREATE);
    for (i = 0; i < 13; i++)
        put(s, i, i < 10 ? "CA" : "WA", false);
    /* Day 2, 09:00: published as of day 2, 00:00. */
    before = public_at(s, DAY1 + DAY + 3600 * 9, "CA", &ca);
    assert_int_equal(ca, 10);
    free(before);
    before = public_at(s, DAY1 + DAY + 3600 * 9, "WA", &wa);
    assert_int_equal(wa, 3);
    /* Day 2, 10:00: one new incident, one corrected to WA, one withdrawn. */
    clock_now = DAY1 + DAY + 3600 * 10;
    put(s, 100, "WA", false);
    put(s, 0, "WA", false);
    put(s, 11, "WA", true);
    assert_int_equal(live_total(s), 13);
    after = public_at(s, DAY1 + DAY + 3600 * 11, "WA", &wa);
    assert_string_equal(before, after);
    free(after);
    /* The same after reopening: nothing depends on when the reader started. */
    fw_store_close(s);
    s = open_at(path, 0);
    reopened = public_at(s, DAY1 + DAY + 3600 * 23 + 3599, "WA", &wa);
    assert_string_equal(before, reopened);
    free(reopened);
    /* Day 3: the boundary passed, the changes count. */
    next = public_at(s, DAY1 + 2 * DAY, "WA", &wa);
    assert_int_equal(wa, 4); /* 3 - 1 withdrawn + 1 new + 1 corrected */
    free(next);
    next = public_at(s, DAY1 + 2 * DAY, "CA", &ca);
    assert_int_equal(ca, 9);
    assert_string_not_equal(before, next);
    free(next);
    /* Day 1, before anything was stored: nothing. */
    next = public_at(s, DAY1 + 3600, "CA", &ca);
    assert_int_equal(ca, 0);
    free(next);
    free(before);
    fw_store_close(s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* A writing handle syncs every commit (synchronous = FULL, 2). */
static void test_synchronous(void **state)
{
    char dir[] = "/tmp/fw-snap-XXXXXX", path[64], cmd[96];
    fw_store *s;
    fw_error err;
    int level = -1;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.db", dir);
    clock_now = DAY1;
    s = open_at(path, FW_STORE_CREATE);
    assert_int_equal(fw_store_synchronous(s, &level, &err), FW_OK);
    assert_int_equal(level, 2);
    fw_store_close(s);
    s = open_at(path, 0);
    level = -1;
    assert_int_equal(fw_store_synchronous(s, &level, &err), FW_OK);
    assert_int_equal(level, 2);
    fw_store_close(s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_synchronous),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
