/*
** Unit tests of the cache: hits and misses, expiry, replacement of a key,
** least recently used within a set, the cost budget, values held by a
** reader outliving their removal, and threads sharing one cache.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cache.h"

static int freed;

static void free_value(void *v)
{
    freed++;
    free(v);
}

static int *num(int n)
{
    int *p = malloc(sizeof *p);
    assert_non_null(p);
    *p = n;
    return p;
}

/* The value under key, or -1; the reference is given back at once. */
static int lookup(fw_cache *c, const char *key, double now)
{
    fw_cache_entry *held;
    int *v = fw_cache_get(c, key, strlen(key), now, &held);
    int n = v ? *v : -1;
    fw_cache_release(c, held);
    return n;
}

static void put(fw_cache *c, const char *key, int n, size_t cost, double expires, double now)
{
    int *v = num(n);
    if (!fw_cache_put(c, key, strlen(key), v, cost, expires, now, NULL))
        free(v);
}

static void test_get_put_expire(void **state)
{
    fw_cache *c = fw_cache_new(64, 1000, free_value);
    (void)state;
    assert_non_null(c);
    freed = 0;
    assert_int_equal(lookup(c, "a", 0), -1);
    put(c, "a", 1, 1, INFINITY, 0);
    put(c, "b", 2, 1, 10, 0);
    assert_int_equal(lookup(c, "a", 5), 1);
    assert_int_equal(lookup(c, "b", 5), 2);
    assert_int_equal(lookup(c, "b", 11), -1);      /* expired, and dropped */
    assert_int_equal(freed, 1);
    put(c, "a", 3, 1, INFINITY, 12);               /* replaces */
    assert_int_equal(lookup(c, "a", 12), 3);
    assert_int_equal(fw_cache_count(c, NULL), 1);
    /* Keys are bytes: "a" and "a\0" differ. */
    assert_true(fw_cache_put(c, "a\0", 2, num(4), 1, INFINITY, 12, NULL));
    assert_int_equal(lookup(c, "a", 12), 3);
    fw_cache_clear(c);
    assert_int_equal(fw_cache_count(c, NULL), 0);
    assert_int_equal(freed, 4);
    fw_cache_free(c);
}

/* One set of four: the fifth key displaces the least recently used. */
static void test_lru_in_set(void **state)
{
    fw_cache *c = fw_cache_new(4, 1000, free_value);
    (void)state;
    assert_non_null(c);
    put(c, "k1", 1, 1, INFINITY, 0);
    put(c, "k2", 2, 1, INFINITY, 0);
    put(c, "k3", 3, 1, INFINITY, 0);
    put(c, "k4", 4, 1, INFINITY, 0);
    assert_int_equal(lookup(c, "k1", 0), 1);       /* k2 is now the least recent */
    put(c, "k5", 5, 1, INFINITY, 0);
    assert_int_equal(lookup(c, "k2", 0), -1);
    assert_int_equal(lookup(c, "k1", 0), 1);
    assert_int_equal(lookup(c, "k5", 0), 5);
    assert_int_equal(fw_cache_count(c, NULL), 4);
    fw_cache_free(c);
}

static void test_budget(void **state)
{
    fw_cache *c = fw_cache_new(1024, 100, free_value);
    size_t cost;
    char key[16];
    int i, *big = num(0);
    (void)state;
    assert_non_null(c);
    for (i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(c, key, i, 30, INFINITY, 0);
        fw_cache_count(c, &cost);
        assert_true(cost <= 100);
    }
    assert_int_equal(lookup(c, "k499", 0), 499);   /* the newest is kept */
    assert_false(fw_cache_put(c, "big", 3, big, 101, INFINITY, 0, NULL));
    free(big);                                      /* refused: still ours */
    fw_cache_free(c);
    c = fw_cache_new(16, 0, free_value);            /* a budget of 0: off */
    big = num(1);
    assert_false(fw_cache_put(c, "x", 1, big, 1, INFINITY, 0, NULL));
    free(big);
    fw_cache_free(c);
}

/* A held value survives its replacement and a clear until released. */
static void test_held(void **state)
{
    fw_cache *c = fw_cache_new(8, 1000, free_value);
    fw_cache_entry *h1, *h2;
    int *v;
    (void)state;
    assert_non_null(c);
    freed = 0;
    assert_true(fw_cache_put(c, "a", 1, num(7), 1, INFINITY, 0, &h1));
    v = fw_cache_get(c, "a", 1, 0, &h2);
    assert_int_equal(*v, 7);
    put(c, "a", 8, 1, INFINITY, 0);
    fw_cache_clear(c);
    assert_int_equal(freed, 1);                     /* only the replacement */
    assert_int_equal(*v, 7);
    fw_cache_release(c, h1);
    assert_int_equal(freed, 1);
    fw_cache_release(c, h2);
    assert_int_equal(freed, 2);
    fw_cache_free(c);
}

typedef struct worker {
    fw_cache *c;
    int id, bad;
} worker;

static void *hammer(void *arg)
{
    worker *w = arg;
    char key[16];
    int i;
    for (i = 0; i < 20000; i++) {
        fw_cache_entry *held;
        int *v, k = (i * 7 + w->id) % 50;
        snprintf(key, sizeof key, "k%d", k);
        v = fw_cache_get(w->c, key, strlen(key), 0, &held);
        if (v && *v != k)
            w->bad++;
        fw_cache_release(w->c, held);
        if (!v) {
            int *n = malloc(sizeof *n);
            *n = k;
            if (!fw_cache_put(w->c, key, strlen(key), n, 1, INFINITY, 0, NULL))
                free(n);
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    fw_cache *c = fw_cache_new(16, 12, free);
    pthread_t t[4];
    worker w[4];
    int i;
    (void)state;
    assert_non_null(c);
    for (i = 0; i < 4; i++) {
        w[i].c = c;
        w[i].id = i;
        w[i].bad = 0;
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
    }
    assert_true(fw_cache_count(c, NULL) <= 12);
    fw_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_put_expire),
        cmocka_unit_test(test_lru_in_set),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_held),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
