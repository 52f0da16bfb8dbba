/*
** The sign-in failure table (see ratelimit.h): a linear scan over a fixed
** array, which is nothing next to the Argon2id hash every attempt costs.
*/
#include "access/ratelimit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"

#include "base/banned.h"

typedef struct entry {
    uint8_t key[16];           /* the first bytes of SHA-256(name) */
    bool used;
    int count;
    double since;              /* the first failure of the current window */
} entry;

struct fw_ratelimit {
    entry *e;
    size_t capacity;
    int max_failures;
    double window;
};

fw_ratelimit *fw_ratelimit_new(size_t capacity, int max_failures, double window_s)
{
    fw_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl || !(rl->e = calloc(capacity ? capacity : 1, sizeof *rl->e))) {
        free(rl);
        return NULL;
    }
    rl->capacity = capacity ? capacity : 1;
    rl->max_failures = max_failures;
    rl->window = window_s;
    return rl;
}

void fw_ratelimit_free(fw_ratelimit *rl)
{
    if (!rl)
        return;
    free(rl->e);
    free(rl);
}

static void key_of(const char *name, uint8_t key[16])
{
    uint8_t d[FW_SHA256_BYTES];
    fw_sha256(name, strlen(name), d);
    memcpy(key, d, 16);
}

static bool expired(const fw_ratelimit *rl, const entry *e, double now)
{
    return now - e->since > rl->window;
}

static entry *find(const fw_ratelimit *rl, const uint8_t key[16])
{
    size_t i;
    for (i = 0; i < rl->capacity; i++)
        if (rl->e[i].used && memcmp(rl->e[i].key, key, 16) == 0)
            return &rl->e[i];
    return NULL;
}

bool fw_ratelimit_allowed(const fw_ratelimit *rl, const char *name, double now)
{
    uint8_t key[16];
    const entry *e;
    key_of(name, key);
    e = find(rl, key);
    return !e || e->count < rl->max_failures || expired(rl, e, now);
}

/* The slot a new name takes: free or expired, else the oldest entry not
** locked out, else the oldest. */
static entry *victim(fw_ratelimit *rl, double now)
{
    entry *open = NULL, *oldest = NULL;
    size_t i;
    for (i = 0; i < rl->capacity; i++) {
        entry *e = &rl->e[i];
        if (!e->used || expired(rl, e, now))
            return e;
        if (e->count < rl->max_failures && (!open || e->since < open->since))
            open = e;
        if (!oldest || e->since < oldest->since)
            oldest = e;
    }
    return open ? open : oldest;
}

void fw_ratelimit_failed(fw_ratelimit *rl, const char *name, double now)
{
    uint8_t key[16];
    entry *e;
    key_of(name, key);
    e = find(rl, key);
    if (!e) {
        e = victim(rl, now);
        memcpy(e->key, key, 16);
        e->used = true;
        e->count = 0;
        e->since = now;
    } else if (expired(rl, e, now)) {
        e->count = 0;
        e->since = now;
    }
    e->count++;
}

size_t fw_ratelimit_used(const fw_ratelimit *rl)
{
    size_t i, n = 0;
    for (i = 0; i < rl->capacity; i++)
        n += rl->e[i].used;
    return n;
}
