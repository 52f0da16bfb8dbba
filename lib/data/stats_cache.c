/*
** The public statistics' answers kept per publication (see stats_cache.h):
** a bounded cache of answer bodies (base/cache.h), a list of the keys being
** filled, and a condition variable their waiters sleep on.  A filling
** call's list node lives on its own stack, linked only while it fills.
*/
#include "data/stats_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cache.h"

#include "base/banned.h"

/* Answers kept at most: every query the public table takes (at most two
** dimensions), for the period and the one before, fit with room to spare. */
#define SLOTS 1024
/* What an answer costs beyond its bytes (the entry, the key). */
#define OVERHEAD 64

typedef struct answer {
    size_t len;
    char data[];
} answer;

typedef struct filling {
    const char *key;
    size_t keylen;
    struct filling *next;
} filling;

struct fw_stats_cache {
    pthread_mutex_t mu;
    pthread_cond_t filled;
    fw_cache *kept;           /* NULL: max_bytes 0, nothing kept */
    filling *busy;            /* keys being filled, under mu */
    unsigned long hits, misses;
};

fw_stats_cache *fw_stats_cache_new(size_t max_bytes)
{
    fw_stats_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (max_bytes > 0 && !(c->kept = fw_cache_new(SLOTS, max_bytes, free))) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->filled, NULL);
    return c;
}

void fw_stats_cache_free(fw_stats_cache *c)
{
    if (!c)
        return;
    fw_cache_free(c->kept);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->filled);
    free(c);
}

size_t fw_stats_cache_key(const fw_stats_query *q, int k, const fw_stats_asof *when,
                          char key[FW_STATS_CACHE_KEY_MAX])
{
    size_t d, n;
    int w;

    for (d = 0; d < FW_DIM_COUNT; d++)
        if (q->where[d].on)
            return 0;
    w = snprintf(key, FW_STATS_CACHE_KEY_MAX, "%s k=%d by=", when->as_of_text, k);
    if (w < 0 || (size_t)w >= FW_STATS_CACHE_KEY_MAX)
        return 0;
    n = (size_t)w;
    for (d = 0; d < q->nby; d++) {
        w = snprintf(key + n, FW_STATS_CACHE_KEY_MAX - n, "%s%s", d ? "," : "",
                     fw_stats_dim_name(q->by[d]));
        if (w < 0 || (size_t)w >= FW_STATS_CACHE_KEY_MAX - n)
            return 0;
        n += (size_t)w;
    }
    return n;
}

double fw_stats_cache_expires(const fw_stats_asof *when, double now)
{
    double settled = (double)when->as_of + FW_STATS_CACHE_SETTLE;
    if (now < settled && settled < (double)when->next)
        return settled;
    return (double)when->next;
}

static bool busy(const fw_stats_cache *c, const char *key, size_t keylen)
{
    const filling *f;
    for (f = c->busy; f; f = f->next)
        if (f->keylen == keylen && memcmp(f->key, key, keylen) == 0)
            return true;
    return false;
}

/* Keep the answer fill wrote from byte start of out, if it fits. */
static void keep(fw_stats_cache *c, const char *key, size_t keylen, const fw_buf *out,
                 size_t start, double now, double expires)
{
    size_t len = out->len - start;
    answer *a = malloc(sizeof *a + len);
    if (!a)
        return;
    a->len = len;
    if (len)
        memcpy(a->data, out->data + start, len);
    if (!fw_cache_put(c->kept, key, keylen, a, len + keylen + OVERHEAD, expires, now, NULL))
        free(a);
}

fw_rc fw_stats_cache_answer(fw_stats_cache *c, const char *key, size_t keylen, double now,
                            double expires, fw_stats_cache_fill fill, void *arg, fw_buf *out,
                            bool *hit, fw_error *err)
{
    filling me;
    fw_cache_entry *held = NULL;
    const answer *a = NULL;
    size_t start = out->len;
    fw_rc rc;

    *hit = false;
    pthread_mutex_lock(&c->mu);
    if (!c->kept || keylen == 0) {
        c->misses++;
        pthread_mutex_unlock(&c->mu);
        return fill(arg, out, err);
    }
    for (;;) {
        if ((a = fw_cache_get(c->kept, key, keylen, now, &held)) != NULL)
            break;
        if (!busy(c, key, keylen))
            break;
        pthread_cond_wait(&c->filled, &c->mu);
    }
    if (a) {
        c->hits++;
        pthread_mutex_unlock(&c->mu);
        *hit = true;
        rc = fw_buf_add(out, a->data, a->len);
        fw_cache_release(c->kept, held);
        return rc == FW_OK ? FW_OK : fw_error_set(err, rc, "the answer does not fit");
    }
    me.key = key;
    me.keylen = keylen;
    me.next = c->busy;
    c->busy = &me;
    c->misses++;
    pthread_mutex_unlock(&c->mu);

    rc = fill(arg, out, err);
    if (rc == FW_OK && fw_buf_error(out) == FW_OK)
        keep(c, key, keylen, out, start, now, expires);

    pthread_mutex_lock(&c->mu);
    {
        filling **p = &c->busy;
        while (*p != &me)
            p = &(*p)->next;
        *p = me.next;
    }
    pthread_cond_broadcast(&c->filled);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

void fw_stats_cache_counts_of(fw_stats_cache *c, fw_stats_cache_counts *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&c->mu);
    out->hits = c->hits;
    out->misses = c->misses;
    pthread_mutex_unlock(&c->mu);
    if (c->kept)
        out->entries = fw_cache_count(c->kept, &out->bytes);
}
