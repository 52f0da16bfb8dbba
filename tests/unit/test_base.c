/*
** Unit tests of the base tools: FNV-1a against its published vectors, the
** hash set (add, find, indexes in insertion order, growth, byte keys with
** NULs), the array-growth macro and its overflow check, the clocks, the
** buffer's sticky error, and fw_snprintf / fw_strlcpy reporting truncation.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/str.h"
#include "base/banned.h"

static void test_fnv1a(void **state)
{
    (void)state;
    /* The FNV authors' 64-bit FNV-1a test vectors. */
    assert_true(fw_hash_fnv1a("", 0) == 0xcbf29ce484222325ull);
    assert_true(fw_hash_fnv1a("a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(fw_hash_fnv1a("foobar", 6) == 0x85944171f73967e8ull);
    assert_true(fw_hash_fnv1a_str("foobar") == 0x85944171f73967e8ull);
}

static void test_hset(void **state)
{
    fw_hset s;
    size_t i, idx, len;
    bool added;
    char key[32];
    (void)state;

    fw_hset_init(&s);
    assert_false(fw_hset_finds(&s, "x", &idx));
    assert_int_equal(fw_hset_adds(&s, "alpha", &idx, &added), FW_OK);
    assert_true(added);
    assert_int_equal(idx, 0);
    assert_int_equal(fw_hset_adds(&s, "beta", &idx, &added), FW_OK);
    assert_true(added);
    assert_int_equal(idx, 1);
    assert_int_equal(fw_hset_adds(&s, "alpha", &idx, &added), FW_OK);
    assert_false(added);
    assert_int_equal(idx, 0);
    assert_int_equal(fw_hset_count(&s), 2);
    assert_string_equal(fw_hset_key(&s, 1, &len), "beta");
    assert_int_equal(len, 4);

    /* Many keys: the table grows and every index stays as given. */
    for (i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "id-%zu", i);
        assert_int_equal(fw_hset_adds(&s, key, &idx, &added), FW_OK);
        assert_true(added);
        assert_int_equal(idx, i + 2);
    }
    for (i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "id-%zu", i);
        assert_true(fw_hset_finds(&s, key, &idx));
        assert_int_equal(idx, i + 2);
        assert_string_equal(fw_hset_key(&s, idx, NULL), key);
    }
    assert_false(fw_hset_finds(&s, "id-5000", NULL));
    assert_int_equal(fw_hset_count(&s), 5002);

    /* Byte keys: a NUL inside, and a prefix, are different keys. */
    assert_int_equal(fw_hset_add(&s, "a\0b", 3, &idx, &added), FW_OK);
    assert_true(added);
    assert_false(fw_hset_find(&s, "a\0c", 3, NULL));
    assert_true(fw_hset_find(&s, "a\0b", 3, NULL));
    assert_false(fw_hset_find(&s, "a", 1, NULL));
    assert_int_equal(fw_hset_add(&s, "", 0, &idx, &added), FW_OK);
    assert_true(added);
    assert_true(fw_hset_find(&s, "", 0, NULL));

    fw_hset_release(&s);
    assert_int_equal(fw_hset_count(&s), 0);
    assert_false(fw_hset_finds(&s, "alpha", NULL));
    assert_int_equal(fw_hset_adds(&s, "again", &idx, NULL), FW_OK);
    assert_int_equal(idx, 0);
    fw_hset_release(&s);
}

static void test_alloc_grow(void **state)
{
    int *v = NULL;
    size_t n = 0, alloc = 0, i, before;
    uint64_t *big = NULL;
    size_t big_alloc = 0;
    (void)state;

    for (i = 0; i < 1000; i++) {
        assert_int_equal(FW_ALLOC_GROW(v, n + 1, alloc), FW_OK);
        assert_true(alloc >= n + 1);
        v[n++] = (int)i;
    }
    for (i = 0; i < 1000; i++)
        assert_int_equal(v[i], (int)i);
    before = alloc;
    assert_int_equal(FW_ALLOC_GROW(v, 10, alloc), FW_OK);   /* already room */
    assert_int_equal(alloc, before);
    /* A size in bytes that would overflow: refused, nothing changed. */
    assert_int_equal(FW_ALLOC_GROW(v, SIZE_MAX / 2, alloc), FW_ERR_NOMEM);
    assert_int_equal(alloc, before);
    assert_int_equal(v[999], 999);
    assert_int_equal(FW_ALLOC_GROW(big, SIZE_MAX / 4, big_alloc), FW_ERR_NOMEM);
    assert_null(big);
    assert_int_equal(big_alloc, 0);
    free(v);
}

static void test_clocks(void **state)
{
    double a, b, w;
    (void)state;
    a = fw_clock_monotonic();
    b = fw_clock_monotonic();
    assert_true(b >= a);
    w = fw_clock_wall();
    assert_true(w > 1.6e9);                     /* after 2020 */
    assert_true((double)fw_clock_wall_seconds() - w < 2.0);
    assert_true(w - (double)fw_clock_wall_seconds() < 2.0);
}

static void test_buf_sticky(void **state)
{
    fw_buf b;
    char *p;
    (void)state;

    fw_buf_init(&b, 8);
    assert_int_equal(fw_buf_adds(&b, "abcd"), FW_OK);
    assert_int_equal(fw_buf_error(&b), FW_OK);
    assert_int_equal(fw_buf_adds(&b, "efghij"), FW_ERR_LIMIT);   /* past the limit */
    assert_int_equal(fw_buf_error(&b), FW_ERR_LIMIT);
    /* Later appends are no-ops even when they would fit. */
    assert_int_equal(fw_buf_addc(&b, 'x'), FW_ERR_LIMIT);
    assert_int_equal(fw_buf_adds(&b, "y"), FW_ERR_LIMIT);
    assert_int_equal(fw_buf_printf(&b, "%d", 1), FW_ERR_LIMIT);
    assert_int_equal(fw_buf_reserve(&b, 1), FW_ERR_LIMIT);
    assert_string_equal(fw_buf_str(&b), "abcd");
    assert_int_equal(b.len, 4);
    /* Reset clears it. */
    fw_buf_reset(&b);
    assert_int_equal(fw_buf_error(&b), FW_OK);
    assert_int_equal(fw_buf_printf(&b, "%s-%d", "ok", 7), FW_OK);
    assert_string_equal(fw_buf_str(&b), "ok-7");
    assert_int_equal(fw_buf_printf(&b, "%s", "123456789"), FW_ERR_LIMIT);
    assert_string_equal(fw_buf_str(&b), "ok-7");
    fw_buf_release(&b);
    assert_int_equal(fw_buf_error(&b), FW_OK);
    assert_int_equal(fw_buf_adds(&b, "fits"), FW_OK);
    p = fw_buf_detach(&b);
    assert_string_equal(p, "fits");
    free(p);
    assert_int_equal(fw_buf_error(&b), FW_OK);
    fw_buf_release(&b);
}

static void test_snprintf(void **state)
{
    char out[8];
    (void)state;
    assert_int_equal(fw_snprintf(out, sizeof out, "%s", "1234567"), FW_OK);
    assert_string_equal(out, "1234567");
    assert_int_equal(fw_snprintf(out, sizeof out, "%s", "12345678"), FW_ERR_LIMIT);
    assert_string_equal(out, "1234567");
    assert_int_equal(fw_snprintf(out, sizeof out, "%d/%d", 1, 2), FW_OK);
    assert_string_equal(out, "1/2");
    assert_int_equal(fw_strlcpy(out, "abc", sizeof out), FW_OK);
    assert_string_equal(out, "abc");
    assert_int_equal(fw_strlcpy(out, "abcdefghij", sizeof out), FW_ERR_LIMIT);
    assert_string_equal(out, "abcdefg");
    assert_int_equal(fw_strlcpy(out, "", 0), FW_OK);
    assert_int_equal(fw_strlcpy(out, "a", 0), FW_ERR_LIMIT);
}

/* Decimal numbers as JSON writes them; nothing strtod takes beyond that. */
static void test_parse_decimal(void **state)
{
    static const char *const bad[] = {"", "-", "0x10", "0X1p4", "inf", "-inf", "nan", "infinity",
                                      " 5", "5 ", "+5", ".5", "5.", "1e", "1e+", "1e400", "--1",
                                      "1,5", "1.5.2", "١٢", "5\n"};
    double v = 42;
    size_t i;
    (void)state;
    assert_true(fw_parse_decimal("60", &v));
    assert_float_equal(v, 60, 0);
    assert_true(fw_parse_decimal("-1.25", &v));
    assert_float_equal(v, -1.25, 0);
    assert_true(fw_parse_decimal("2E3", &v));
    assert_float_equal(v, 2000, 0);
    assert_true(fw_parse_decimal("1e-2", &v));
    assert_float_equal(v, 0.01, 1e-15);
    assert_true(fw_parse_decimal("007", &v));
    assert_float_equal(v, 7, 0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 42;
        assert_false(fw_parse_decimal(bad[i], &v));
        assert_float_equal(v, 42, 0);   /* untouched */
    }
    assert_false(fw_parse_decimal(NULL, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv1a),
        cmocka_unit_test(test_hset),
        cmocka_unit_test(test_alloc_grow),
        cmocka_unit_test(test_clocks),
        cmocka_unit_test(test_buf_sticky),
        cmocka_unit_test(test_snprintf),
        cmocka_unit_test(test_parse_decimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
