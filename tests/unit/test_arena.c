/*
** Unit tests of the per-request arena: zeroed and aligned allocations,
** strings, large allocations beside small ones, the size limit, and
** release freeing everything in one call (the sanitizer build checks that
** nothing leaks) with the arena reusable afterwards.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdalign.h>
#include <string.h>

#include "base/arena.h"

static void test_small_allocations(void **state)
{
    fw_arena a;
    size_t i, j;
    unsigned char *prev = NULL;
    (void)state;
    fw_arena_init(&a, 256, 0);
    for (i = 1; i < 200; i++) {
        unsigned char *p = fw_arena_alloc(&a, i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
        for (j = 0; j < i; j++)
            assert_int_equal(p[j], 0);
        memset(p, 0xab, i);   /* must not overlap an earlier allocation */
        if (prev)
            assert_int_equal(prev[0], 0xab);
        prev = p;
    }
    assert_true(a.used >= 199 * 200 / 2);
    fw_arena_release(&a);
    assert_null(a.blocks);
    assert_int_equal(a.used, 0);
}

static void test_zero_and_large(void **state)
{
    fw_arena a;
    char *small, *big, *after;
    (void)state;
    fw_arena_init(&a, 0, 0);
    assert_non_null(fw_arena_alloc(&a, 0));
    small = fw_arena_alloc(&a, 16);
    big = fw_arena_alloc(&a, 1 << 20);
    assert_non_null(small);
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    after = fw_arena_alloc(&a, 16);   /* still from the first block */
    assert_non_null(after);
    assert_true(after > small && after - small < 4096);
    fw_arena_release(&a);
}

static void test_strdup(void **state)
{
    fw_arena a;
    char *s;
    (void)state;
    fw_arena_init(&a, 64, 0);
    s = fw_arena_strdup(&a, "a string longer than one block of sixty-four bytes, copied whole");
    assert_string_equal(s, "a string longer than one block of sixty-four bytes, copied whole");
    assert_string_equal(fw_arena_strdup(&a, ""), "");
    assert_null(fw_arena_strdup(&a, NULL));
    fw_arena_release(&a);
}

static void test_limit_and_reuse(void **state)
{
    fw_arena a;
    (void)state;
    fw_arena_init(&a, 128, 1024);
    assert_non_null(fw_arena_alloc(&a, 512));
    assert_non_null(fw_arena_alloc(&a, 256));
    assert_null(fw_arena_alloc(&a, 512));          /* over the limit */
    assert_null(fw_arena_alloc(&a, SIZE_MAX));     /* no overflow */
    fw_arena_release(&a);
    assert_non_null(fw_arena_alloc(&a, 1000));     /* usable again */
    fw_arena_release(&a);
    fw_arena_release(&a);                          /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_allocations),
        cmocka_unit_test(test_zero_and_large),
        cmocka_unit_test(test_strdup),
        cmocka_unit_test(test_limit_and_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
