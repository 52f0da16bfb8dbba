/*
** The public statistics' answers kept in memory, one per publication and
** query (docs/server.md, "Caches and what they can make stale").  Between
** two boundaries of the schedule (stats_run.h) the public table of a query
** is fixed, so the server counts it once a period instead of once a request:
** an anonymous request would otherwise cost a live count plus the period's
** writes.  The answers live in a bounded cache (base/cache.h) keyed by the
** publication (as_of), k and the query's dimensions; they expire at the next
** boundary, and one counted in the first FW_STATS_CACHE_SETTLE seconds of a
** period expires at the end of those seconds, so that a write stamped before
** the boundary but committed just after it is counted by the answer kept for
** the rest of the period.  Identical requests that miss together count once:
** the first counts, the others wait for its answer.  Thread-safe.
*/
#ifndef FW_STATS_CACHE_H
#define FW_STATS_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "data/stats.h"
#include "data/stats_run.h"

/* Seconds after a boundary during which an answer is kept only until their
** end (the longest a write transaction is expected to take). */
#define FW_STATS_CACHE_SETTLE 60

/* The longest key fw_stats_cache_key writes, with its NUL. */
#define FW_STATS_CACHE_KEY_MAX 160

typedef struct fw_stats_cache fw_stats_cache;

/* A cache of answers whose sizes add up to at most max_bytes (0 keeps
** none: every request counts, each by itself).  NULL when out of memory. */
fw_stats_cache *fw_stats_cache_new(size_t max_bytes);
/* Frees the cache; no call may be running on it. */
void fw_stats_cache_free(fw_stats_cache *c);

/* The key of the public table of q (its dimensions in order) with k, as of
** when, into key (FW_STATS_CACHE_KEY_MAX bytes): its length, or 0 if q is
** not one the cache keeps (a filtered query, which the public table refuses). */
size_t fw_stats_cache_key(const fw_stats_query *q, int k, const fw_stats_asof *when,
                          char key[FW_STATS_CACHE_KEY_MAX]);

/* Until when an answer of when counted at now is kept (a time as now, epoch
** seconds): when->next, or as_of + FW_STATS_CACHE_SETTLE if now is before
** that (and it comes before next). */
double fw_stats_cache_expires(const fw_stats_asof *when, double now);

/* Writes one answer into body (FW_OK), or fails with a message in err and
** whatever it needs in arg; nothing is kept then. */
typedef fw_rc (*fw_stats_cache_fill)(void *arg, fw_buf *body, fw_error *err);

/*
** The answer under key (keylen bytes, fw_stats_cache_key) appended to out:
** the kept one (*hit true), else the one fill(arg) writes into out (*hit
** false), kept until expires if it fits; now is the clock of expires.  A
** call with the key of a fill still running waits for it and then takes its
** answer; if that fill failed, one of the waiters fills in turn.  A key of
** length 0 is never kept: fill runs.  The result is fill's, or FW_OK on a
** hit; out's own error (its limit) is the caller's to check.
*/
fw_rc fw_stats_cache_answer(fw_stats_cache *c, const char *key, size_t keylen, double now,
                            double expires, fw_stats_cache_fill fill, void *arg, fw_buf *out,
                            bool *hit, fw_error *err);

/* What the cache did, for metrics and tests: answers given from it (hits,
** waiters included), answers filled (misses), and the answers kept and
** their summed size now. */
typedef struct fw_stats_cache_counts {
    unsigned long hits, misses;
    size_t entries, bytes;
} fw_stats_cache_counts;
void fw_stats_cache_counts_of(fw_stats_cache *c, fw_stats_cache_counts *out);

#endif
