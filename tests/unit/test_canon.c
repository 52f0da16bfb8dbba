/*
** Unit tests of canonical JSON and hashing: the same record must always give
** the same bytes, whatever order its keys came in or how its numbers were
** written, and those bytes must read back to the same record.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"

/* Canonical form of a JSON text, as a new string. */
static char *canon(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    fw_buf b;
    if (!j)
        fail_msg("bad test JSON %s: %s", text, e.text);
    fw_buf_init(&b, FW_BUF_UNLIMITED);
    assert_int_equal(fw_canon_write(j, &b), FW_OK);
    json_decref(j);
    return fw_buf_detach(&b);
}

static void expect_canon(const char *in, const char *out)
{
    char *c = canon(in);
    assert_string_equal(c, out);
    free(c);
}

static void test_sorted_keys_no_whitespace(void **state)
{
    (void)state;
    expect_canon("{ \"b\" : 1 , \"a\" : [ true, false, null ] }", "{\"a\":[true,false,null],\"b\":1}");
    expect_canon("{\"z\":{\"y\":1,\"x\":2},\"aa\":0,\"a\":0}", "{\"a\":0,\"aa\":0,\"z\":{\"x\":2,\"y\":1}}");
    expect_canon("{}", "{}");
    expect_canon("[]", "[]");
    /* UTF-8 byte order: "Z" < "a" < "é". */
    expect_canon("{\"\xc3\xa9\":1,\"a\":2,\"Z\":3}", "{\"Z\":3,\"a\":2,\"\xc3\xa9\":1}");
}

static void test_numbers(void **state)
{
    (void)state;
    expect_canon("[1, -0, 0.0, 3.0, 1e2, 4.1, 0.1, 1.5e-7, 1e21, -2.5, 12345678901234567]",
                 "[1,0,0,3,100,4.1,0.1,1.5e-7,1e21,-2.5,12345678901234567]");
    expect_canon("[100.0, 2.50, 1E+3, 0.000001]", "[100,2.5,1000,1e-6]");
    expect_canon("[9007199254740993.0]", "[9007199254740992]");
    expect_canon("[1.7976931348623157e308]", "[1.7976931348623157e308]");
}

static void test_strings(void **state)
{
    (void)state;
    expect_canon("[\"a\\\"b\\\\c\"]", "[\"a\\\"b\\\\c\"]");
    expect_canon("[\"\\n\\t\\r\\b\\f\\u0001\\u001f\"]", "[\"\\n\\t\\r\\b\\f\\u0001\\u001f\"]");
    /* Escaped non-ASCII and "/" come out as themselves. */
    expect_canon("[\"\\u00e9\\/\"]", "[\"\xc3\xa9/\"]");
    expect_canon("[\"\\ud83d\\ude00\"]", "[\"\xf0\x9f\x98\x80\"]");
}

static void test_round_trip_and_stability(void **state)
{
    static const char *const docs[] = {
        "{\"id\":\"x\",\"n\":[1,2.25,{\"k\":\"v\\u0007\"}],\"t\":4.6}",
        "{\"a\":{\"b\":{\"c\":[[],{}]}},\"s\":\"line\\nbreak\"}",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char *once = canon(docs[i]);
        char *twice = canon(once);
        json_t *a = json_loads(docs[i], 0, NULL), *b = json_loads(once, 0, NULL);
        assert_string_equal(once, twice);      /* canonical of canonical is itself */
        assert_true(json_equal(a, b));         /* and it means the same */
        json_decref(a);
        json_decref(b);
        free(once);
        free(twice);
    }
}

static void test_same_hash_for_reordered_document(void **state)
{
    const char *a = "{\"id\":\"i-1\",\"agency\":\"x\",\"officers\":[{\"id\":\"o\",\"role\":\"present\"}],"
                    "\"t\":4.60}";
    const char *b = "{\n  \"t\": 4.6,\n  \"officers\": [{\"role\": \"present\", \"id\": \"o\"}],\n"
                    "  \"agency\": \"x\", \"id\": \"i-1\"\n}";
    const char *c = "{\"id\":\"i-1\",\"agency\":\"x\",\"officers\":[{\"id\":\"o\",\"role\":\"present\"}],"
                    "\"t\":4.7}";
    uint8_t ha[32], hb[32], hc[32];
    char *ca = canon(a), *cb = canon(b), *cc = canon(c);
    (void)state;
    fw_sha256(ca, strlen(ca), ha);
    fw_sha256(cb, strlen(cb), hb);
    fw_sha256(cc, strlen(cc), hc);
    assert_memory_equal(ha, hb, 32);
    assert_memory_not_equal(ha, hc, 32);
    free(ca);
    free(cb);
    free(cc);
}

static void test_sha256_vector(void **state)
{
    uint8_t d[32];
    char hex[65];
    (void)state;
    fw_sha256("abc", 3, d);
    fw_hex(d, 32, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fw_sha256("", 0, d);
    fw_hex(d, 32, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* OpenSSL's digest against libsodium's for every length across several blocks. */
static void test_sha256_matches_libsodium(void **state)
{
    static uint8_t data[5000];
    uint8_t got[32], want[32];
    size_t len;
    (void)state;
    for (len = 0; len < sizeof data; len++)
        data[len] = (uint8_t)(len * 131 + 7);
    for (len = 0; len <= sizeof data; len += len < 300 ? 1 : 97) {
        fw_sha256(data, len, got);
        crypto_hash_sha256(want, data, len);
        assert_memory_equal(got, want, 32);
    }
}

/* More members than the sort on the stack holds: the same order either way. */
static void test_many_keys_sorted(void **state)
{
    json_t *o = json_object();
    fw_buf b;
    char key[16], *want = NULL;
    size_t i, len = 0;
    FILE *f = open_memstream(&want, &len);
    (void)state;
    assert_non_null(f);
    for (i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%03zu", 99 - i);
        json_object_set_new(o, key, json_integer((json_int_t)i));
    }
    fputc('{', f);
    for (i = 0; i < 100; i++)
        fprintf(f, "%s\"k%03zu\":%zu", i ? "," : "", i, 99 - i);
    fputc('}', f);
    fclose(f);
    fw_buf_init(&b, FW_BUF_UNLIMITED);
    assert_int_equal(fw_canon_write(o, &b), FW_OK);
    assert_string_equal(fw_buf_str(&b), want);
    fw_buf_release(&b);
    free(want);
    json_decref(o);
}

static void test_buf_limit(void **state)
{
    fw_buf b;
    (void)state;
    fw_buf_init(&b, 8);
    assert_int_equal(fw_buf_adds(&b, "12345678"), FW_OK);
    assert_int_equal(fw_buf_addc(&b, '9'), FW_ERR_LIMIT);
    assert_int_equal(fw_buf_printf(&b, "%d", 1), FW_ERR_LIMIT);
    assert_string_equal(fw_buf_str(&b), "12345678");
    fw_buf_reset(&b);
    assert_int_equal(fw_buf_printf(&b, "%s-%d", "ab", 7), FW_OK);
    assert_string_equal(fw_buf_str(&b), "ab-7");
    fw_buf_release(&b);
}

static void test_time_parse(void **state)
{
    fw_time t;
    (void)state;
    assert_true(fw_time_parse("1970-01-01T00:00:00Z", &t));
    assert_true(t.epoch == 0 && t.has_time && t.has_offset);
    assert_true(fw_time_parse("2026-01-07T09:37:00-06:00", &t));
    assert_true(t.epoch == 1767800220.0);
    assert_int_equal(t.offset_min, -360);
    assert_true(fw_time_parse("2026-01-07T15:37:00Z", &t));
    assert_true(t.epoch == 1767800220.0);
    assert_true(fw_time_parse("2024-02-29", &t));
    assert_false(t.has_time);
    assert_true(fw_time_parse("2026-01-07T09:37", &t));
    assert_false(t.has_offset);
    assert_true(fw_time_parse("2026-01-07T09:37:00.25+05:30", &t));
    assert_true(t.epoch == 1767758820.25);
    assert_false(fw_time_parse("2023-02-29", &t));
    assert_false(fw_time_parse("2026-1-07", &t));
    assert_false(fw_time_parse("2026-01-07T09:37:00+5", &t));
    assert_false(fw_time_parse("2026-01-07 09:37", &t));
    assert_false(fw_time_parse("2026-01-07T09:60", &t));
    assert_false(fw_time_parse("2026-01-07T09:37:00.", &t));
    assert_false(fw_time_parse("", &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorted_keys_no_whitespace),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_round_trip_and_stability),
        cmocka_unit_test(test_same_hash_for_reordered_document),
        cmocka_unit_test(test_sha256_vector),
        cmocka_unit_test(test_sha256_matches_libsodium),
        cmocka_unit_test(test_many_keys_sorted),
        cmocka_unit_test(test_buf_limit),
        cmocka_unit_test(test_time_parse),
    };
    return cmocka_run_group_tests_name("canon", tests, NULL, NULL);
}
