/*
** Unit tests of the CSV reader: RFC 4180 quoting, doubled quotes, newlines
** in quotes, CRLF and LF, a byte-order mark, empty fields, bad rows reported
** with their line and skipped, limits, and any split of the input into
** chunks giving the same rows.  Also the real files' quirks.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/csv.h"

/* Rows rendered as "line:f1|f2|..." or "line:!error", one per line. */
static int collect(void *arg, const fw_csv_row *row)
{
    fw_buf *b = arg;
    size_t i;
    if (row->error) {
        fw_buf_printf(b, "%zu:!%s\n", row->line, row->error);
        return 0;
    }
    fw_buf_printf(b, "%zu:", row->line);
    for (i = 0; i < row->nfields; i++)
        fw_buf_printf(b, "%s%s", i ? "|" : "", row->fields[i]);
    fw_buf_addc(b, '\n');
    return 0;
}

/* Parse text fed in chunks of size step (0: all at once). */
static char *parse(const char *text, size_t len, size_t step, size_t max_row, size_t max_fields)
{
    fw_buf out;
    fw_csv *p;
    size_t i;
    fw_buf_init(&out, 1 << 24);
    p = fw_csv_new(max_row, max_fields, collect, &out);
    assert_non_null(p);
    if (!step)
        step = len ? len : 1;
    for (i = 0; i < len; i += step)
        assert_int_equal(fw_csv_feed(p, text + i, len - i < step ? len - i : step), FW_OK);
    assert_int_equal(fw_csv_finish(p), FW_OK);
    fw_csv_free(p);
    return fw_buf_detach(&out);
}

static void expect(const char *text, const char *want)
{
    size_t step, len = strlen(text);
    for (step = 0; step <= 7; step++) { /* every chunking gives the same rows */
        char *got = parse(text, len, step, 0, 0);
        if (strcmp(got, want) != 0)
            fail_msg("input %s (chunks of %zu):\n got:\n%s want:\n%s", text, step, got, want);
        free(got);
    }
}

static void test_basics(void **state)
{
    (void)state;
    expect("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
    expect("a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n");
    expect("a,b\n1,2", "1:a|b\n2:1|2\n");               /* no final newline */
    expect("a,,c\n,\n", "1:a||c\n2:|\n");                 /* empty fields */
    expect("a\n\n\nb\n", "1:a\n4:b\n");                  /* blank lines are no rows */
    expect("", "");
}

static void test_quotes(void **state)
{
    (void)state;
    expect("\"a,b\",c\n", "1:a,b|c\n");
    expect("\"say \"\"hi\"\"\",x\n", "1:say \"hi\"|x\n");
    expect("\"two\nlines\",x\nnext\n", "1:two\nlines|x\n3:next\n");
    expect("\"crlf\r\ninside\"\r\nz\r\n", "1:crlf\r\ninside\n3:z\n");
    expect("\"\",\"\"\n", "1:|\n");
    expect("\"Hubert Thomas Burns, Jr.\",\"car, knife and mace\"\r\n",
           "1:Hubert Thomas Burns, Jr.|car, knife and mace\n");
}

static void test_bom_and_utf8(void **state)
{
    (void)state;
    expect("\xef\xbb\xbfid,name\n1,Ca\xc3\xb1on\n", "1:id|name\n2:1|Ca\xc3\xb1on\n");
    expect("\xef\xbb" "a\n", "1:!invalid UTF-8\n");       /* half a BOM is not a BOM */
    expect("ok\nbad\xff,x\nok2\n", "1:ok\n2:!invalid UTF-8\n3:ok2\n");
}

static void test_bad_rows(void **state)
{
    (void)state;
    expect("a\"b,c\nnext\n", "1:!a quote inside an unquoted field\n2:next\n");
    expect("\"a\"b,c\nnext\n", "1:!text after a closing quote\n2:next\n");
    expect("ok\n\"never closed\n", "1:ok\n2:!unterminated quoted field\n");
}

static void test_limits(void **state)
{
    char *got;
    (void)state;
    got = parse("aaaaaaaaaa,b\nc\n", 15, 0, 5, 0);
    assert_string_equal(got, "1:!row longer than the limit\n2:c\n");
    free(got);
    got = parse("a,b,c,d\ne\n", 10, 0, 0, 3);
    assert_string_equal(got, "1:!more fields than the limit\n2:e\n");
    free(got);
}

/* As expect, with limits on a row's bytes and fields. */
static void expect_limited(const char *text, size_t max_row, size_t max_fields, const char *want)
{
    size_t step, len = strlen(text);
    for (step = 0; step <= 7; step++) {
        char *got = parse(text, len, step, max_row, max_fields);
        if (strcmp(got, want) != 0)
            fail_msg("input %s (chunks of %zu):\n got:\n%s want:\n%s", text, step, got, want);
        free(got);
    }
}

/* A bad row ends where a good one would: at the first line end outside a
** properly quoted field, and the rows after it are read as usual. */
static void test_bad_row_ends(void **state)
{
    (void)state;
    /* A line end right after a field that failed to start (one too many). */
    expect_limited("a,b,c,\nd\n", 0, 3, "1:!more fields than the limit\n2:d\n");
    expect_limited("a,b,c,\r\nd\r\n", 0, 3, "1:!more fields than the limit\n2:d\n");
    /* The field that failed to start was quoted: its newline is data. */
    expect_limited("a,b,c,\"x\ny\"\nd\n", 0, 3, "1:!more fields than the limit\n3:d\n");
    /* After a stray quote the rest of the field is text: its quotes open nothing. */
    expect("a,b\"c\"d,e\nnext\n", "1:!a quote inside an unquoted field\n2:next\n");
    expect("5'10\",6'2\"\nnext\n", "1:!a quote inside an unquoted field\n2:next\n");
    expect("a\"b,\"x\ny\"\nnext\n", "1:!a quote inside an unquoted field\n3:next\n");
    expect("\"a\"b\"c\nnext\n", "1:!text after a closing quote\n2:next\n");
    /* A row too long inside quotes still honours doubled quotes. */
    expect_limited("\"aaaaaa\"\"\n\"\"\",x\nok\n", 3, 0, "1:!row longer than the limit\n3:ok\n");
}

static int stop_after_one(void *arg, const fw_csv_row *row)
{
    (void)row;
    return ++*(int *)arg >= 1;
}

static void test_stop(void **state)
{
    int n = 0;
    fw_csv *p = fw_csv_new(0, 0, stop_after_one, &n);
    (void)state;
    assert_int_equal(fw_csv_feed(p, "a\nb\nc\n", 6), FW_ERR_USAGE);
    assert_int_equal(n, 1);
    fw_csv_free(p);
}

/* The published files: row counts and a few known rows. */
static int count_rows(void *arg, const fw_csv_row *row)
{
    size_t *counts = arg;
    counts[row->error ? 1 : 0]++;
    return 0;
}

static void count_file(const char *path, size_t *good, size_t *bad)
{
    FILE *f = fopen(path, "rb");
    char chunk[4093];
    size_t n, counts[2] = {0, 0};
    fw_csv *p;
    if (!f) {
        *good = *bad = (size_t)-1;
        return;
    }
    p = fw_csv_new(0, 0, count_rows, counts);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fw_csv_feed(p, chunk, n);
    fw_csv_finish(p);
    fw_csv_free(p);
    fclose(f);
    *good = counts[0];
    *bad = counts[1];
}

static void test_published_files(void **state)
{
    const char *dir = getenv("FW_DATASETS");
    char path[512];
    size_t good, bad;
    (void)state;
    if (!dir)
        dir = "../shared/datasets";
    snprintf(path, sizeof path, "%s/wapo-v2/fatal-police-shootings-data.csv", dir);
    count_file(path, &good, &bad);
    if (good == (size_t)-1) {
        print_message("datasets not found at %s: skipped\n", dir);
        skip();
    }
    assert_int_equal(good, 9519);      /* header + 9,518 rows */
    assert_int_equal(bad, 0);
    snprintf(path, sizeof path, "%s/wapo-v1/fatal-police-shootings-data-2016-07-09.csv", dir);
    count_file(path, &good, &bad);
    assert_int_equal(good, 1503);
    assert_int_equal(bad, 0);
    snprintf(path, sizeof path, "%s/seattletimes/deadly-force-data.csv", dir);
    count_file(path, &good, &bad);
    assert_int_equal(bad, 0);
    assert_true(good >= 214);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basics),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_bom_and_utf8),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_bad_row_ends),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_published_files),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
