/*
** Unit tests of the incident model: parsing, the typed view, and validation.
** The invalid documents are data (tests/data/invalid.cases): each is the base
** document with a few edits and the exact messages validation must give.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    fw_buf b;
    char chunk[4096];
    size_t n;
    assert_non_null(f);
    fw_buf_init(&b, FW_BUF_UNLIMITED);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(fw_buf_add(&b, chunk, n), FW_OK);
    fclose(f);
    *len = b.len;
    return fw_buf_detach(&b);
}

static json_t *load_base(void)
{
    json_error_t e;
    json_t *j = json_load_file("tests/data/base.json", 0, &e);
    assert_non_null(j);
    return j;
}

/* ---- path edits: a.b[2].c ---------------------------------------------- */

/* Walk all but the last step of path; return the container and the last
** step as a key (*key) or an index (*index, with *key NULL). */
static json_t *walk(json_t *root, const char *path, char *key, size_t keylen, long *index)
{
    json_t *cur = root;
    const char *p = path;
    char name[128];

    for (;;) {
        size_t n = 0;
        long idx = -1;
        if (*p == '[') {
            idx = strtol(p + 1, (char **)&p, 10);
            p++; /* ] */
        } else {
            while (*p && *p != '.' && *p != '[' && n < sizeof name - 1)
                name[n++] = *p++;
            name[n] = '\0';
        }
        if (*p == '.')
            p++;
        if (!*p) {
            if (idx >= 0) {
                *index = idx;
                key[0] = '\0';
            } else {
                snprintf(key, keylen, "%s", name);
            }
            return cur;
        }
        cur = idx >= 0 ? json_array_get(cur, (size_t)idx) : json_object_get(cur, name);
        assert_non_null(cur);
    }
}

static void apply_op(json_t **root, const char *line)
{
    char path[256], key[128];
    const char *value;
    long index = -1;
    json_t *parent, *v = NULL;
    json_error_t e;

    if (strncmp(line, "root ", 5) == 0) {
        v = json_loads(line + 5, JSON_DECODE_ANY, &e);
        assert_non_null(v);
        json_decref(*root);
        *root = v;
        return;
    }
    assert_true(strncmp(line, "set ", 4) == 0 || strncmp(line, "del ", 4) == 0);
    value = strchr(line + 4, ' ');
    snprintf(path, sizeof path, "%.*s", value ? (int)(value - line - 4) : (int)strlen(line + 4),
             line + 4);
    parent = walk(*root, path, key, sizeof key, &index);
    if (line[0] == 's') {
        v = json_loads(value + 1, JSON_DECODE_ANY, &e);
        if (!v)
            fail_msg("bad JSON in case line: %s (%s)", line, e.text);
        if (key[0])
            json_object_set_new(parent, key, v);
        else
            json_array_set_new(parent, (size_t)index, v);
    } else if (key[0]) {
        assert_int_equal(json_object_del(parent, key), 0);
    } else {
        assert_int_equal(json_array_remove(parent, (size_t)index), 0);
    }
}

/* Returns whether validation gave exactly the expected messages. */
static bool run_case(int number, json_t *doc, char **expected, size_t nexpected)
{
    fw_diag diag;
    fw_doc *out = NULL;
    fw_rc rc;
    size_t i;
    bool ok;

    fw_diag_init(&diag, 100);
    rc = fw_doc_from_json(doc, NULL, &out, &diag);
    ok = rc == FW_ERR_INVALID && out == NULL && diag.n == nexpected;
    for (i = 0; ok && i < nexpected; i++)
        ok = strcmp(diag.msgs[i], expected[i]) == 0;
    if (!ok) {
        print_error("case %d (rc %d):\n", number, rc);
        for (i = 0; i < nexpected; i++)
            print_error("  expected %s\n", expected[i]);
        for (i = 0; i < diag.n; i++)
            print_error("  got      %s\n", diag.msgs[i]);
    }
    fw_doc_free(out);
    fw_diag_release(&diag);
    return ok;
}

static void test_invalid_cases(void **state)
{
    size_t len, nexp = 0, i;
    char *text = read_file("tests/data/invalid.cases", &len), *line, *save = NULL;
    char *expected[16];
    json_t *doc = NULL;
    int cases = 0, failed = 0;
    (void)state;

    for (line = strtok_r(text, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
        bool blank_or_end = !line || line[0] == '\0';
        if (line && line[0] == '#')
            continue;
        if (line && strncmp(line, "=> ", 3) == 0) {
            assert_true(nexp < 16);
            expected[nexp++] = line + 3;
            continue;
        }
        /* strtok_r folds blank lines, so a case ends where the next op follows "=>". */
        if (nexp && (blank_or_end || strncmp(line, "=> ", 3) != 0)) {
            if (!run_case(++cases, doc, expected, nexp))
                failed++;
            json_decref(doc);
            doc = NULL;
            nexp = 0;
        }
        if (!line)
            break;
        if (!doc)
            doc = load_base();
        apply_op(&doc, line);
    }
    for (i = 0; i < nexp; i++)
        (void)expected[i];
    json_decref(doc);
    free(text);
    assert_int_equal(failed, 0);
    assert_true(cases >= 40);
    print_message("%d invalid documents checked\n", cases);
}

/* ---- valid documents and the typed view ------------------------------ */

static fw_doc *parse_ok(const char *text)
{
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_diag_init(&diag, 10);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &diag) != FW_OK)
        fail_msg("unexpected rejection: %s", diag.n ? diag.msgs[0] : "?");
    fw_diag_release(&diag);
    return doc;
}

static void test_typed_view(void **state)
{
    size_t len;
    char *text = read_file("tests/data/base.json", &len);
    fw_doc *doc = parse_ok(text);
    const fw_party *p;
    (void)state;

    assert_int_equal(doc->type, FW_RECORD_INCIDENT);
    assert_string_equal(doc->id, "base-0001");
    assert_string_equal(doc->agency, "test-agency");
    assert_string_equal(doc->encounter, "vehicle_stop");
    assert_true(doc->occurred.has_time && doc->occurred.has_offset);
    assert_int_equal(doc->nofficers, 2);
    assert_int_equal(doc->nsubjects, 1);
    assert_int_equal(doc->nvehicles, 1);
    p = fw_doc_party(doc, "v-1");
    assert_non_null(p);
    assert_int_equal(p->kind, FW_REF_VEHICLE);
    assert_null(fw_doc_party(doc, "nobody"));
    assert_int_equal(doc->naccounts, 2);
    assert_string_equal(doc->accounts[1].id, "video");
    assert_string_equal(doc->accounts[1].kind, "video_analysis");
    assert_int_equal(doc->accounts[1].nevents, 7);
    assert_string_equal(doc->accounts[1].events[1].type_name, "reach_into_vehicle");
    assert_string_equal(doc->accounts[1].events[1].actor, "o-102");
    assert_ptr_equal(doc->accounts[1].events[1].type, fw_event_type_find("reach_into_vehicle"));
    /* 09:38:30 is 90 s after occurred_at 09:37:00. */
    assert_true(doc->accounts[1].events[6].t == 90.0);
    assert_true(doc->accounts[0].events[1].t == 4.1);
    fw_doc_free(doc);
    free(text);
}

static void test_local_event_time_uses_incident_offset(void **state)
{
    /* 09:38:30 without an offset is local time in occurred_at's -06:00. */
    fw_doc *doc = parse_ok(
        "{\"id\":\"l1\",\"agency\":\"a\",\"occurred_at\":\"2026-01-07T09:37:00-06:00\","
        "\"officers\":[{\"id\":\"o\",\"role\":\"present\"}],\"accounts\":[{\"id\":\"x\","
        "\"kind\":\"other\",\"source\":\"s\",\"events\":[{\"t\":\"2026-01-07T09:38:30\","
        "\"type\":\"identify\",\"actor\":\"o\"},{\"t\":\"2026-01-07T15:40:00Z\","
        "\"type\":\"identify\",\"actor\":\"o\"}]}]}");
    (void)state;
    assert_true(doc->accounts[0].events[0].t == 90.0);
    assert_true(doc->accounts[0].events[1].t == 180.0);
    fw_doc_free(doc);
}

static void test_unknown_event_type_kept(void **state)
{
    fw_doc *doc = parse_ok(
        "{\"id\":\"u1\",\"agency\":\"a\",\"occurred_at\":\"2020-05-01\",\"officers\":[],"
        "\"accounts\":[{\"id\":\"x\",\"kind\":\"other\",\"source\":\"s\",\"events\":["
        "{\"t\":1,\"type\":\"drone_footage\",\"camera\":{\"zoom\":3},\"anything\":true}]}]}");
    fw_buf b;
    (void)state;
    assert_null(doc->accounts[0].events[0].type);
    assert_string_equal(doc->accounts[0].events[0].type_name, "drone_footage");
    fw_buf_init(&b, 4096);
    assert_int_equal(fw_doc_canonical(doc, &b), FW_OK);
    assert_non_null(strstr(fw_buf_str(&b), "\"camera\":{\"zoom\":3}"));
    fw_buf_release(&b);
    fw_doc_free(doc);
}

static void test_agency_document(void **state)
{
    fw_doc *doc = parse_ok("{\"record\":\"agency\",\"id\":\"metro-pd\",\"name\":\"Metro PD\","
                           "\"type\":\"local_police\",\"state\":\"MN\"}");
    (void)state;
    assert_int_equal(doc->type, FW_RECORD_AGENCY);
    assert_string_equal(doc->id, "metro-pd");
    fw_doc_free(doc);
}

/* ---- raw-byte rejections ---------------------------------------------- */

static void expect_raw(const char *data, size_t len, const fw_limits *lim, const char *msg)
{
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_diag_init(&diag, 10);
    assert_int_equal(fw_doc_parse(data, len, lim, &doc, &diag), FW_ERR_INVALID);
    assert_null(doc);
    assert_int_equal(diag.n, 1);
    assert_string_equal(diag.msgs[0], msg);
    fw_diag_release(&diag);
}

static void test_raw_rejections(void **state)
{
    static const char bad_utf8[] = "{\"id\":\n  \"ab\xff\"}";
    static const char overlong[] = "{\"id\":\"\xc0\xaf\"}";
    static const char surrogate[] = "{\"id\":\"\xed\xa0\x80\"}";
    fw_limits lim;
    char *big;
    (void)state;

    expect_raw(bad_utf8, sizeof bad_utf8 - 1, NULL, "invalid UTF-8 at line 2, column 6");
    expect_raw(overlong, sizeof overlong - 1, NULL, "invalid UTF-8 at line 1, column 8");
    expect_raw(surrogate, sizeof surrogate - 1, NULL, "invalid UTF-8 at line 1, column 8");
    expect_raw("{\"id\": ", 7, NULL,
               "invalid JSON at line 1, column 7: unexpected token near end of file");
    expect_raw("{\"id\":1,\"id\":2}", 15, NULL,
               "invalid JSON at line 1, column 12: duplicate object key near '\"id\"'");
    expect_raw("{\"id\":\"a\\u0000b\"}", 17, NULL,
               "invalid JSON at line 1, column 16: \\u0000 is not allowed without "
               "JSON_ALLOW_NUL near '\"a\\u0000b\"'");
    expect_raw("[]", 2, NULL, "document: expected an object, got an array");

    fw_limits_default(&lim);
    lim.max_doc_bytes = 100;
    big = calloc(1, 200);
    memset(big, ' ', 150);
    big[0] = '{';
    big[149] = '}';
    expect_raw(big, 150, &lim, "document is 150 bytes, over the limit of 100");
    free(big);

    fw_limits_default(&lim);
    lim.max_depth = 3;
    expect_raw("{\"a\":{\"b\":{\"c\":1}}}", 19, &lim, "a.b.c: nesting deeper than 3 levels");
}

static void test_utf8_check(void **state)
{
    (void)state;
    assert_int_equal(fw_utf8_check("abc", 3), 3);
    assert_int_equal(fw_utf8_check("\xc3\xa9t\xc3\xa9", 5), 5);          /* été */
    assert_int_equal(fw_utf8_check("\xf0\x9f\x98\x80", 4), 4);          /* emoji */
    assert_int_equal(fw_utf8_check("a\xf4\x90\x80\x80", 5), 1);         /* > U+10FFFF */
    assert_int_equal(fw_utf8_check("ab\xe2\x82", 4), 2);                 /* truncated */
    assert_int_equal(fw_utf8_check("\x80", 1), 0);                       /* lone continuation */
}

static void test_diag_limit(void **state)
{
    fw_diag d;
    int i;
    (void)state;
    fw_diag_init(&d, 3);
    for (i = 0; i < 10; i++)
        fw_diag_add(&d, "problem %d", i);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.dropped, 7);
    assert_int_equal(fw_diag_count(&d), 10);
    assert_string_equal(d.msgs[2], "problem 2");
    fw_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_cases),
        cmocka_unit_test(test_typed_view),
        cmocka_unit_test(test_unknown_event_type_kept),
        cmocka_unit_test(test_local_event_time_uses_incident_offset),
        cmocka_unit_test(test_agency_document),
        cmocka_unit_test(test_raw_rejections),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_diag_limit),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
