/*
** Unit tests of the sign-in failure table: lockout after the limit, the
** window, a bounded table whatever the number of names, and which entry
** a new name displaces (never a locked one while another will do).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "access/ratelimit.h"

static void fail_n(fw_ratelimit *rl, const char *name, int n, double now)
{
    while (n-- > 0)
        fw_ratelimit_failed(rl, name, now);
}

static void test_lockout_and_window(void **state)
{
    fw_ratelimit *rl = fw_ratelimit_new(16, 5, 60);
    (void)state;
    assert_non_null(rl);
    assert_true(fw_ratelimit_allowed(rl, "alice", 0));
    fail_n(rl, "alice", 4, 0);
    assert_true(fw_ratelimit_allowed(rl, "alice", 1));
    fw_ratelimit_failed(rl, "alice", 1);
    assert_false(fw_ratelimit_allowed(rl, "alice", 2));
    assert_true(fw_ratelimit_allowed(rl, "bob", 2));       /* others are not affected */
    assert_false(fw_ratelimit_allowed(rl, "alice", 60));
    assert_true(fw_ratelimit_allowed(rl, "alice", 61));    /* the window has passed */
    fw_ratelimit_failed(rl, "alice", 61);                   /* a new window starts */
    assert_true(fw_ratelimit_allowed(rl, "alice", 62));
    fw_ratelimit_free(rl);
}

static void test_bounded(void **state)
{
    fw_ratelimit *rl = fw_ratelimit_new(8, 5, 60);
    char name[32];
    int i;
    (void)state;
    assert_non_null(rl);
    for (i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "user-%d", i);
        fw_ratelimit_failed(rl, name, i * 0.001);
    }
    assert_int_equal(fw_ratelimit_used(rl), 8);
    fw_ratelimit_free(rl);
}

/* A flood of other names does not unlock a locked name within its window. */
static void test_flood_keeps_lockout(void **state)
{
    fw_ratelimit *rl = fw_ratelimit_new(8, 5, 60);
    char name[32];
    int i;
    (void)state;
    assert_non_null(rl);
    fail_n(rl, "admin", 5, 0);
    for (i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "spray-%d", i);
        fw_ratelimit_failed(rl, name, 1 + i * 0.01);
    }
    assert_false(fw_ratelimit_allowed(rl, "admin", 20));
    assert_true(fw_ratelimit_allowed(rl, "admin", 61));
    fw_ratelimit_free(rl);
}

/* A new name takes an expired entry before a live one. */
static void test_expired_first(void **state)
{
    fw_ratelimit *rl = fw_ratelimit_new(2, 5, 60);
    (void)state;
    assert_non_null(rl);
    fw_ratelimit_failed(rl, "old", 0);
    fail_n(rl, "carol", 4, 30);                  /* live, not yet locked */
    fw_ratelimit_failed(rl, "new", 70);          /* "old" expired at 60 */
    fw_ratelimit_failed(rl, "carol", 71);
    assert_false(fw_ratelimit_allowed(rl, "carol", 72));
    fw_ratelimit_free(rl);
}

/* Names longer than any valid username are counted whole, not truncated. */
static void test_long_names(void **state)
{
    fw_ratelimit *rl = fw_ratelimit_new(4, 2, 60);
    char a[300], b[300];
    (void)state;
    assert_non_null(rl);
    memset(a, 'x', sizeof a - 1);
    a[sizeof a - 1] = '\0';
    memcpy(b, a, sizeof b);
    b[sizeof b - 2] = 'y';
    fail_n(rl, a, 2, 0);
    assert_false(fw_ratelimit_allowed(rl, a, 1));
    assert_true(fw_ratelimit_allowed(rl, b, 1));
    fw_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lockout_and_window),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_flood_keeps_lockout),
        cmocka_unit_test(test_expired_first),
        cmocka_unit_test(test_long_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
