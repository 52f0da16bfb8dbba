/*
** The cache (see cache.h): an array of sets of four slots, one mutex, and
** entries that carry their own reference count (the table holds one).
*/
#include "base/cache.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"

#include "base/banned.h"

#define WAYS 4

struct fw_cache_entry {
    uint64_t hash;
    unsigned char *key;
    size_t keylen;
    void *value;
    size_t cost;
    double expires;
    uint64_t used;             /* tick of the last hit, for LRU within a set */
    int refs;                  /* the table's one, plus one per reader */
};

struct fw_cache {
    pthread_mutex_t mu;
    fw_cache_entry **slot;
    size_t nsets, count, cost, max_cost, hand;
    uint64_t tick;
    void (*free_value)(void *value);
};

fw_cache *fw_cache_new(size_t slots, size_t max_cost, void (*free_value)(void *value))
{
    fw_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->nsets = slots / WAYS + (slots % WAYS != 0);
    if (c->nsets == 0)
        c->nsets = 1;
    c->slot = calloc(c->nsets * WAYS, sizeof *c->slot);
    if (!c->slot) {
        free(c);
        return NULL;
    }
    c->max_cost = max_cost;
    c->free_value = free_value;
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

static void unref(fw_cache *c, fw_cache_entry *e)
{
    assert(e->refs > 0);
    if (--e->refs > 0)
        return;
    c->free_value(e->value);
    free(e->key);
    free(e);
}

/* Take the entry in slot i out of the table (under mu). */
static void drop(fw_cache *c, size_t i)
{
    fw_cache_entry *e = c->slot[i];
    if (!e)
        return;
    c->slot[i] = NULL;
    c->count--;
    c->cost -= e->cost;
    unref(c, e);
}

void fw_cache_free(fw_cache *c)
{
    size_t i;
    if (!c)
        return;
    for (i = 0; i < c->nsets * WAYS; i++)
        drop(c, i);
    free(c->slot);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static bool matches(const fw_cache_entry *e, uint64_t h, const void *key, size_t keylen)
{
    return e && e->hash == h && e->keylen == keylen && memcmp(e->key, key, keylen) == 0;
}

void *fw_cache_get(fw_cache *c, const void *key, size_t keylen, double now,
                   fw_cache_entry **held)
{
    uint64_t h = fw_hash_fnv1a(key, keylen);
    size_t set = (size_t)(h % c->nsets) * WAYS, w;
    void *v = NULL;
    *held = NULL;
    pthread_mutex_lock(&c->mu);
    for (w = 0; w < WAYS; w++) {
        fw_cache_entry *e = c->slot[set + w];
        if (!matches(e, h, key, keylen))
            continue;
        if (e->expires < now) {
            drop(c, set + w);
            break;
        }
        e->refs++;
        e->used = ++c->tick;
        *held = e;
        v = e->value;
        break;
    }
    pthread_mutex_unlock(&c->mu);
    return v;
}

void fw_cache_release(fw_cache *c, fw_cache_entry *held)
{
    if (!held)
        return;
    pthread_mutex_lock(&c->mu);
    unref(c, held);
    pthread_mutex_unlock(&c->mu);
}

bool fw_cache_put(fw_cache *c, const void *key, size_t keylen, void *value, size_t cost,
                  double expires, double now, fw_cache_entry **held)
{
    uint64_t h = fw_hash_fnv1a(key, keylen);
    size_t set = (size_t)(h % c->nsets) * WAYS, w, victim = set;
    fw_cache_entry *e = NULL;

    if (held)
        *held = NULL;
    if (cost > c->max_cost || !(e = calloc(1, sizeof *e)) || !(e->key = malloc(keylen ? keylen : 1))) {
        free(e);
        return false;
    }
    memcpy(e->key, key, keylen);
    e->hash = h;
    e->keylen = keylen;
    e->value = value;
    e->cost = cost;
    e->expires = expires;
    e->refs = held ? 2 : 1;
    if (held)
        *held = e;
    pthread_mutex_lock(&c->mu);
    for (w = 0; w < WAYS; w++) {
        fw_cache_entry *o = c->slot[set + w];
        if (!o || matches(o, h, key, keylen) || o->expires < now) {
            victim = set + w;
            break;
        }
        if (o->used < c->slot[victim]->used)
            victim = set + w;
    }
    drop(c, victim);
    e->used = ++c->tick;
    c->slot[victim] = e;
    c->count++;
    c->cost += cost;
    /* Over the budget: drop other values, sweeping round the table. */
    while (c->cost > c->max_cost) {
        c->hand = (c->hand + 1) % (c->nsets * WAYS);
        if (c->hand != victim)
            drop(c, c->hand);
    }
    pthread_mutex_unlock(&c->mu);
    return true;
}

void fw_cache_clear(fw_cache *c)
{
    size_t i;
    pthread_mutex_lock(&c->mu);
    for (i = 0; i < c->nsets * WAYS; i++)
        drop(c, i);
    pthread_mutex_unlock(&c->mu);
}

size_t fw_cache_count(fw_cache *c, size_t *cost)
{
    size_t n;
    pthread_mutex_lock(&c->mu);
    n = c->count;
    if (cost)
        *cost = c->cost;
    pthread_mutex_unlock(&c->mu);
    return n;
}
