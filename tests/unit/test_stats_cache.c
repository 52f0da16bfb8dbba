/*
** Unit tests of the public statistics' answer cache (data/stats_cache.h):
** the key of a query, how long an answer is kept (the settling seconds
** after a boundary), hits and misses, a failed fill kept nowhere, the byte
** bound with many periods' answers, a budget of 0, and identical misses at
** once filled once while the others wait.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/stats_cache.h"

typedef struct filler {
    const char *text;
    size_t size;             /* bytes to write when text is NULL */
    fw_rc rc;
    int calls;
    /* For the threads test: the fill blocks until released. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool block, entered, released;
} filler;

static fw_rc fill(void *arg, fw_buf *body, fw_error *err)
{
    filler *f = arg;
    pthread_mutex_lock(&f->mu);
    f->calls++;
    if (f->block) {
        f->entered = true;
        pthread_cond_broadcast(&f->cv);
        while (!f->released)
            pthread_cond_wait(&f->cv, &f->mu);
    }
    pthread_mutex_unlock(&f->mu);
    if (f->rc)
        return fw_error_set(err, f->rc, "the store failed");
    if (f->text)
        return fw_buf_adds(body, f->text);
    for (size_t i = 0; i < f->size; i++)
        fw_buf_addc(body, 'x');
    return fw_buf_error(body);
}

static void filler_init(filler *f, const char *text)
{
    memset(f, 0, sizeof *f);
    f->text = text;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
}

/* One answer under key at now, kept until expires; its text into out. */
static fw_rc ask(fw_stats_cache *c, const char *key, double now, double expires, filler *f,
                 fw_buf *out, bool *hit)
{
    fw_error err;
    fw_buf_reset(out);
    return fw_stats_cache_answer(c, key, strlen(key), now, expires, fill, f, out, hit, &err);
}

static void test_key(void **state)
{
    fw_stats_query q;
    fw_stats_asof when;
    const char *field;
    fw_error err;
    char key[FW_STATS_CACHE_KEY_MAX], key2[FW_STATS_CACHE_KEY_MAX];
    size_t n;
    (void)state;

    fw_stats_when(86400 * 3 + 100, 86400, &when);
    assert_int_equal(fw_stats_query_parse("year,state", NULL, &q, &field, &err), FW_OK);
    n = fw_stats_cache_key(&q, 5, &when, key);
    assert_int_equal(n, strlen(key));
    assert_string_equal(key, "1970-01-04T00:00:00Z k=5 by=year,state");
    /* Order, k and the publication are part of it. */
    assert_int_equal(fw_stats_query_parse("state,year", NULL, &q, &field, &err), FW_OK);
    fw_stats_cache_key(&q, 5, &when, key2);
    assert_string_not_equal(key, key2);
    assert_int_equal(fw_stats_query_parse("year,state", NULL, &q, &field, &err), FW_OK);
    fw_stats_cache_key(&q, 6, &when, key2);
    assert_string_not_equal(key, key2);
    fw_stats_when(86400 * 4 + 100, 86400, &when);
    fw_stats_cache_key(&q, 5, &when, key2);
    assert_string_equal(key2, "1970-01-05T00:00:00Z k=5 by=year,state");
    /* A filtered query is never kept. */
    assert_int_equal(fw_stats_query_parse("year", "state=CA", &q, &field, &err), FW_OK);
    assert_int_equal(fw_stats_cache_key(&q, 5, &when, key), 0);
}

static void test_expires(void **state)
{
    fw_stats_asof when;
    (void)state;
    fw_stats_when(1000000.0, 86400, &when);
    /* In the first seconds of a period: until they end; after: the next boundary. */
    assert_true(fw_stats_cache_expires(&when, (double)when.as_of + 1) ==
                (double)when.as_of + FW_STATS_CACHE_SETTLE);
    assert_true(fw_stats_cache_expires(&when, (double)when.as_of + FW_STATS_CACHE_SETTLE) ==
                (double)when.next);
    assert_true(fw_stats_cache_expires(&when, (double)when.as_of + 5000) == (double)when.next);
    /* A period shorter than the settling seconds: its next boundary. */
    fw_stats_when(1000000.5, 2, &when);
    assert_true(fw_stats_cache_expires(&when, 1000000.5) == (double)when.next);
}

static void test_hits_and_failures(void **state)
{
    fw_stats_cache *c = fw_stats_cache_new(1 << 20);
    fw_stats_cache_counts n;
    filler f;
    fw_buf out;
    bool hit;
    (void)state;

    assert_non_null(c);
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    filler_init(&f, "{\"total\":1}");
    assert_int_equal(ask(c, "a", 10, 100, &f, &out, &hit), FW_OK);
    assert_false(hit);
    assert_string_equal(out.data, "{\"total\":1}");
    f.text = "{\"total\":2}"; /* a second fill would answer otherwise */
    assert_int_equal(ask(c, "a", 20, 100, &f, &out, &hit), FW_OK);
    assert_true(hit);
    assert_string_equal(out.data, "{\"total\":1}");
    assert_int_equal(f.calls, 1);
    /* Expired: filled again. */
    assert_int_equal(ask(c, "a", 101, 200, &f, &out, &hit), FW_OK);
    assert_false(hit);
    assert_string_equal(out.data, "{\"total\":2}");
    /* A failed fill keeps nothing. */
    f.rc = FW_ERR_STORE;
    assert_int_equal(ask(c, "b", 10, 100, &f, &out, &hit), FW_ERR_STORE);
    f.rc = FW_OK;
    assert_int_equal(ask(c, "b", 10, 100, &f, &out, &hit), FW_OK);
    assert_false(hit);
    assert_int_equal(f.calls, 4);
    /* A key of length 0 is never kept. */
    assert_int_equal(ask(c, "", 10, 100, &f, &out, &hit), FW_OK);
    assert_int_equal(ask(c, "", 10, 100, &f, &out, &hit), FW_OK);
    assert_false(hit);
    assert_int_equal(f.calls, 6);
    fw_stats_cache_counts_of(c, &n);
    assert_int_equal(n.hits, 1);
    assert_int_equal(n.misses, 6);
    assert_int_equal(n.entries, 2);
    fw_buf_release(&out);
    fw_stats_cache_free(c);
}

/* Many periods' answers in a small budget: the sum stays under it, and the
** newest answer is kept. */
static void test_bound(void **state)
{
    const size_t budget = 20000;
    fw_stats_cache *c = fw_stats_cache_new(budget);
    fw_stats_cache_counts n;
    filler f;
    fw_buf out;
    char key[64];
    bool hit;
    int i;
    (void)state;

    assert_non_null(c);
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    filler_init(&f, NULL);
    f.size = 1000;
    for (i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "period %d k=5 by=year", i);
        assert_int_equal(ask(c, key, i, i + 1, &f, &out, &hit), FW_OK);
        assert_int_equal(out.len, 1000);
        fw_stats_cache_counts_of(c, &n);
        assert_true(n.bytes <= budget);
        assert_true(n.entries <= budget / 1000);
    }
    assert_int_equal(ask(c, key, 499, 500, &f, &out, &hit), FW_OK);
    assert_true(hit);
    /* An answer over the whole budget is given, not kept. */
    f.size = budget + 1;
    assert_int_equal(ask(c, "big", 1, 2, &f, &out, &hit), FW_OK);
    assert_int_equal(out.len, budget + 1);
    assert_int_equal(ask(c, "big", 1, 2, &f, &out, &hit), FW_OK);
    assert_false(hit);
    fw_buf_release(&out);
    fw_stats_cache_free(c);

    /* A budget of 0 keeps nothing. */
    c = fw_stats_cache_new(0);
    assert_non_null(c);
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    f.size = 10;
    f.calls = 0;
    assert_int_equal(ask(c, "a", 1, 2, &f, &out, &hit), FW_OK);
    assert_int_equal(ask(c, "a", 1, 2, &f, &out, &hit), FW_OK);
    assert_false(hit);
    assert_int_equal(f.calls, 2);
    fw_stats_cache_counts_of(c, &n);
    assert_int_equal(n.entries, 0);
    assert_int_equal(n.misses, 2);
    fw_buf_release(&out);
    fw_stats_cache_free(c);
}

#define WAITERS 6

typedef struct asker {
    fw_stats_cache *c;
    filler *f;
    fw_rc rc;
    bool hit;
    char text[64];
} asker;

static void *ask_thread(void *arg)
{
    asker *a = arg;
    fw_buf out;
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    a->rc = ask(a->c, "same", 10, 100, a->f, &out, &a->hit);
    snprintf(a->text, sizeof a->text, "%s", out.data ? out.data : "");
    fw_buf_release(&out);
    return NULL;
}

/* Identical misses at once: one fills, the others wait and take its answer. */
static void test_one_fill(void **state)
{
    fw_stats_cache *c = fw_stats_cache_new(1 << 20);
    fw_stats_cache_counts n;
    filler f;
    asker first, rest[WAITERS];
    pthread_t t0, t[WAITERS];
    int i, hits = 0;
    (void)state;

    assert_non_null(c);
    filler_init(&f, "{\"total\":7}");
    f.block = true;
    first.c = c;
    first.f = &f;
    assert_int_equal(pthread_create(&t0, NULL, ask_thread, &first), 0);
    pthread_mutex_lock(&f.mu);
    while (!f.entered)
        pthread_cond_wait(&f.cv, &f.mu);
    pthread_mutex_unlock(&f.mu);
    for (i = 0; i < WAITERS; i++) {
        rest[i].c = c;
        rest[i].f = &f;
        assert_int_equal(pthread_create(&t[i], NULL, ask_thread, &rest[i]), 0);
    }
    usleep(100000); /* the others reach the wait (a late one hits anyway) */
    pthread_mutex_lock(&f.mu);
    f.released = true;
    pthread_cond_broadcast(&f.cv);
    pthread_mutex_unlock(&f.mu);
    pthread_join(t0, NULL);
    for (i = 0; i < WAITERS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(rest[i].rc, FW_OK);
        assert_string_equal(rest[i].text, "{\"total\":7}");
        hits += rest[i].hit;
    }
    assert_int_equal(first.rc, FW_OK);
    assert_false(first.hit);
    assert_int_equal(f.calls, 1);
    assert_int_equal(hits, WAITERS);
    fw_stats_cache_counts_of(c, &n);
    assert_int_equal(n.misses, 1);
    assert_int_equal(n.hits, WAITERS);
    fw_stats_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_expires),
        cmocka_unit_test(test_hits_and_failures),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_one_fill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
