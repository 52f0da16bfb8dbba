/*
** A bounded, thread-safe cache from byte-string keys to values the caller
** builds, for the server's hot reads (who a token belongs to; an immutable
** stored incident version, parsed and serialized).  Four-way set
** associative: a key lives in one set of four slots, and a new key takes
** the set's free, expired or least recently used slot; on top of that the
** summed cost of the values is held under a byte budget.  Values are
** reference counted, so a reader keeps using one while another thread
** replaces or drops it.  The caller gives the clock (monotonic seconds).
*/
#ifndef FW_CACHE_H
#define FW_CACHE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct fw_cache fw_cache;
typedef struct fw_cache_entry fw_cache_entry;

/* A cache of at most slots values (rounded up to a multiple of four) whose
** costs add up to at most max_cost; free_value releases a value once it is
** dropped and no reader holds it.  NULL when out of memory. */
fw_cache *fw_cache_new(size_t slots, size_t max_cost, void (*free_value)(void *value));
/* Drops every value; none may still be held. */
void fw_cache_free(fw_cache *c);

/* The value stored under key and not expired at now, held until
** fw_cache_release(c, *held); NULL (and *held NULL) if there is none. */
void *fw_cache_get(fw_cache *c, const void *key, size_t keylen, double now,
                   fw_cache_entry **held);
void fw_cache_release(fw_cache *c, fw_cache_entry *held);

/* Store value under key until expires (a time as now; INFINITY for
** never), replacing any value the key had.  True: the cache owns value, and
** if held is not NULL the caller holds it too (fw_cache_release).  False
** (a cost over the whole budget, or out of memory): nothing changed and the
** caller still owns value. */
bool fw_cache_put(fw_cache *c, const void *key, size_t keylen, void *value, size_t cost,
                  double expires, double now, fw_cache_entry **held);

/* Drop every value (held ones are freed when released). */
void fw_cache_clear(fw_cache *c);

/* Values stored and their summed cost, for tests and metrics. */
size_t fw_cache_count(fw_cache *c, size_t *cost);

#endif
