/*
** Unit tests of statistics over a real store: the ledger written with each
** version (one transaction per incident, as the API writes), corrections
** moving an incident between cells, withdrawals, and the snapshots that
** keep counting fast, checked against counts kept by the test itself.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forcewatch.h"
#include "data/stats_run.h"

static void put_in(fw_store *s, int i, const char *state, bool withdrawn, bool own_txn)
{
    char text[1024];
    fw_diag d;
    fw_doc *doc = NULL;
    fw_error err;
    fw_put_result res;
    snprintf(text, sizeof text,
             "{\"id\":\"t-%d\",\"agency\":\"ag-%d\",\"occurred_at\":\"%d-05-01\","
             "\"location\":{\"state\":\"%s\"},\"officers\":[],%s%s"
             "\"accounts\":[{\"id\":\"a\",\"kind\":\"other\",\"source\":\"s\",\"events\":[]}]}",
             i, i % 3, 2000 + i % 4, state, withdrawn ? "\"withdrawn\":true," : "",
             i % 5 == 0 ? "\"encounter\":\"arrest\"," : "");
    fw_diag_init(&d, 3);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("%s", d.msgs[0]);
    fw_diag_release(&d);
    if (own_txn)
        assert_int_equal(fw_store_begin(s, &err), FW_OK);
    assert_int_equal(fw_store_put(s, doc, "test", &res, &err), FW_OK);
    if (own_txn)
        assert_int_equal(fw_store_commit(s, &err), FW_OK);
    fw_doc_free(doc);
}

static void put(fw_store *s, int i, const char *state, bool withdrawn)
{
    put_in(s, i, state, withdrawn, true);
}

static int64_t cell(const fw_stats_table *t, const char *year, const char *state)
{
    size_t i;
    for (i = 0; i < t->part[3].n; i++) {
        char y[16], st[16];
        fw_stats_value(t, FW_DIM_YEAR, t->part[3].cells[i].codes[0], y, sizeof y);
        fw_stats_value(t, FW_DIM_STATE, t->part[3].cells[i].codes[1], st, sizeof st);
        if (strcmp(y, year) == 0 && strcmp(st, state) == 0)
            return t->part[3].cells[i].count;
    }
    return 0;
}

/* The two integers the query sql (one row) answers on the database at path. */
static void query_ints(const char *path, const char *sql, int *x, int *y)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    *x = *y = -1;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *x = sqlite3_column_int(st, 0);
        *y = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static int snapshots(const char *path)
{
    int n, unused;
    query_ints(path, "SELECT count(*), 0 FROM stats_ledger WHERE snapshot", &n, &unused);
    return n;
}

/* Ledger rows that are not snapshots, and the longest one's bytes. */
static int ledger_rows(const char *path, int *longest)
{
    int n;
    query_ints(path, "SELECT count(*), max(length(entries)) FROM stats_ledger WHERE NOT snapshot",
               &n, longest);
    return n;
}

static void test_ledger(void **state)
{
    static const char *const states[] = {"CA", "WA", "OH"};
    char dir[] = "/tmp/fw-stats-XXXXXX", path[64], year[16];
    int expect[4][3], now[1200], i, y, c, total, oh1, arrests, others;
    fw_stats_query q;
    fw_stats_table *t;
    fw_store *s;
    const char *field;
    fw_error err;
    fw_store_opts o;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.db", dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    assert_int_equal(fw_store_open(path, &o, &s, &err), FW_OK);
    /* 1,200 incidents, each in its own transaction; then a third corrected
    ** to another state, a tenth withdrawn (one later restored), and more
    ** corrections.  now[i] is each incident's state index, -1 if withdrawn. */
    for (i = 0; i < 1200; i++) {
        put(s, i, states[i % 3], false);
        now[i] = i % 3;
    }
    assert_int_equal(snapshots(path), 2);   /* the migration's, and one after 1,024 rows */
    for (i = 0; i < 1200; i += 3) {
        put(s, i, "WA", false);
        now[i] = 1;
    }
    for (i = 1; i < 1200; i += 10) {
        put(s, i, states[i % 3], true);
        now[i] = -1;
    }
    put(s, 1, "OH", false);
    now[1] = 2;
    assert_int_equal(snapshots(path), 2);
    for (i = 0; i < 700; i++)   /* unchanged: no new versions, no ledger rows */
        put(s, 2, states[now[2]], false);
    for (i = 4; i < 1200; i += 3) {   /* rows enough for another snapshot */
        put(s, i, "OH", false);
        now[i] = 2;
    }
    assert_int_equal(snapshots(path), 3);
    memset(expect, 0, sizeof expect);
    for (i = 0, total = 0, oh1 = 0, arrests = 0, others = 0; i < 1200; i++) {
        if (now[i] < 0)
            continue;
        expect[i % 4][now[i]]++;
        total++;
        oh1 += i % 3 == 1 && now[i] == 2;
        if (i % 4 == 1 || i % 4 == 2)   /* years 2001..2002 */
            *(i % 5 == 0 ? &arrests : &others) += 1;
    }

    assert_int_equal(fw_stats_query_parse("year,state", NULL, &q, &field, &err), FW_OK);
    assert_int_equal(fw_stats_run(s, &q, NULL, &t, &err), FW_OK);
    for (y = 0; y < 4; y++)
        for (c = 0; c < 3; c++) {
            snprintf(year, sizeof year, "%d", 2000 + y);
            if (cell(t, year, states[c]) != expect[y][c])
                fail_msg("%s %s: %lld, expected %d", year, states[c],
                         (long long)cell(t, year, states[c]), expect[y][c]);
        }
    assert_int_equal(t->part[0].cells[0].count, total);
    fw_stats_table_free(t);

    /* A filtered and an agency-scoped count. */
    assert_int_equal(fw_stats_query_parse("agency", "state=OH", &q, &field, &err), FW_OK);
    assert_int_equal(fw_stats_run(s, &q, "ag-1", &t, &err), FW_OK);
    assert_int_equal(t->part[1].n, 1);
    assert_int_equal(t->part[0].cells[0].count, oh1);
    fw_stats_table_free(t);

    /* By encounter over a range of years: "arrest", and the rest unknown. */
    assert_int_equal(fw_stats_query_parse("encounter", "year=2001..2002", &q, &field, &err),
                     FW_OK);
    assert_int_equal(fw_stats_run(s, &q, NULL, &t, &err), FW_OK);
    assert_int_equal(t->part[1].n, 2);
    fw_stats_value(t, FW_DIM_ENCOUNTER, t->part[1].cells[0].codes[0], year, sizeof year);
    assert_string_equal(year, "arrest");
    assert_int_equal(t->part[1].cells[0].count, arrests);
    assert_int_equal(t->part[1].cells[1].codes[0], 0);
    assert_int_equal(t->part[1].cells[1].count, others);
    assert_int_equal(t->part[0].cells[0].count, arrests + others);
    fw_stats_table_free(t);
    fw_store_close(s);
    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
    }
}

/* One transaction of 30,000 incidents: ledger rows far larger than the piece
** they are read in, so entries straddle the pieces' edges; and more than one
** row, as an import's entries are written in rows of about 1 MiB rather than
** held in memory to the end. */
static void test_large_row(void **state)
{
    char dir[] = "/tmp/fw-stats-XXXXXX", path[64], cmd[128];
    fw_stats_query q;
    fw_stats_table *t;
    fw_store *s;
    const char *field;
    fw_error err;
    fw_store_opts o;
    int i;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.db", dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    assert_int_equal(fw_store_open(path, &o, &s, &err), FW_OK);
    assert_int_equal(fw_store_begin(s, &err), FW_OK);
    for (i = 0; i < 30000; i++)
        put_in(s, 100000 + i, "CA", false, false);
    assert_int_equal(fw_store_commit(s, &err), FW_OK);
    {
        int longest = 0;
        assert_true(ledger_rows(path, &longest) >= 2);
        assert_true(longest > 256 * 1024 && longest < 1024 * 1024 + 1024);
    }
    assert_int_equal(fw_stats_query_parse("year", NULL, &q, &field, &err), FW_OK);
    assert_int_equal(fw_stats_run(s, &q, NULL, &t, &err), FW_OK);
    assert_int_equal(t->part[0].cells[0].count, 30000);
    assert_int_equal(t->part[1].n, 4);
    for (i = 0; i < 4; i++)
        assert_int_equal(t->part[1].cells[i].count, 7500);
    fw_stats_table_free(t);
    fw_store_close(s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The public table's rules, shared by the command line and the server: no filter, at most
** two dimensions, small cells suppressed. */
static void test_public(void **state)
{
    char dir[] = "/tmp/fw-stats-XXXXXX", path[64], cmd[96];
    fw_stats_query q;
    fw_stats_table *t = NULL;
    fw_store *s;
    const char *field;
    fw_error err;
    fw_store_opts o;
    fw_stats_asof later;
    int i;
    (void)state;

    /* Published as of 2100: everything stored counts. */
    fw_stats_when(4102444800.0, FW_STATS_DAILY, &later);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.db", dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    assert_int_equal(fw_store_open(path, &o, &s, &err), FW_OK);
    for (i = 0; i < 40; i++)
        put(s, i, i < 37 ? "CA" : "WA", false);
    assert_int_equal(fw_stats_query_parse("state", "state=CA", &q, &field, &err), FW_OK);
    assert_int_equal(fw_stats_public(s, &q, 5, &later, &t, &field, &err), FW_ERR_INVALID);
    assert_string_equal(field, "where");
    assert_null(t);
    assert_int_equal(fw_stats_query_parse("year,state,encounter", NULL, &q, &field, &err), FW_OK);
    assert_int_equal(fw_stats_public(s, &q, 5, &later, &t, &field, &err), FW_ERR_INVALID);
    assert_string_equal(field, "by");
    assert_string_equal(err.msg, "public statistics group by at most two dimensions");
    assert_int_equal(fw_stats_query_parse("state", NULL, &q, &field, &err), FW_OK);
    assert_int_equal(fw_stats_public(s, &q, 5, &later, &t, &field, &err), FW_OK);
    assert_non_null(t);
    assert_int_equal(t->k, 5);
    fw_stats_table_free(t);
    assert_int_equal(fw_stats_public(s, &q, 0, &later, &t, &field, &err), FW_ERR_INVALID);
    assert_string_equal(field, "k");
    fw_store_close(s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ledger),
        cmocka_unit_test(test_large_row),
        cmocka_unit_test(test_public),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
