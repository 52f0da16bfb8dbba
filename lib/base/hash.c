/*
** FNV-1a and the open-addressing hash set (see hash.h).  The table holds
** indexes into an array of items in insertion order; it is kept at most
** half full and doubled when a key would pass that.
*/
#include "base/hash.h"

#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/banned.h"

uint64_t fw_hash_fnv1a(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = FW_FNV1A_OFFSET;
    while (len--)
        h = (h ^ *p++) * FW_FNV1A_PRIME;
    return h;
}

uint64_t fw_hash_fnv1a_str(const char *s)
{
    uint64_t h = FW_FNV1A_OFFSET;
    while (*s)
        h = (h ^ (unsigned char)*s++) * FW_FNV1A_PRIME;
    return h;
}

void fw_hset_init(fw_hset *s)
{
    memset(s, 0, sizeof *s);
    fw_buf_init(&s->keys, FW_BUF_UNLIMITED);
}

void fw_hset_release(fw_hset *s)
{
    free(s->slot);
    free(s->item);
    fw_buf_release(&s->keys);
    fw_hset_init(s);
}

/* The slot holding key, or the empty slot where it would go (cap > 0). */
static size_t probe(const fw_hset *s, const void *key, size_t len, uint64_t h)
{
    size_t mask = s->cap - 1, i = (size_t)h & mask;
    for (;; i = (i + 1) & mask) {
        const fw_hset_item *it;
        if (!s->slot[i])
            return i;
        it = &s->item[s->slot[i] - 1];
        if (it->hash == h && it->len == len && memcmp(s->keys.data + it->off, key, len) == 0)
            return i;
    }
}

bool fw_hset_find(const fw_hset *s, const void *key, size_t len, size_t *index)
{
    size_t i;
    if (!s->cap)
        return false;
    i = probe(s, key, len, fw_hash_fnv1a(key, len));
    if (!s->slot[i])
        return false;
    if (index)
        *index = s->slot[i] - 1;
    return true;
}

/* Double the table (or make the first one) and put every key back. */
static fw_rc rehash(fw_hset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64, k;
    size_t *slot;
    if (cap < s->cap || cap > SIZE_MAX / sizeof *slot)
        return FW_ERR_NOMEM;
    if (!(slot = calloc(cap, sizeof *slot)))
        return FW_ERR_NOMEM;
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
    for (k = 0; k < s->n; k++) {
        size_t i = (size_t)s->item[k].hash & (cap - 1);
        while (s->slot[i])
            i = (i + 1) & (cap - 1);
        s->slot[i] = k + 1;
    }
    return FW_OK;
}

fw_rc fw_hset_add(fw_hset *s, const void *key, size_t len, size_t *index, bool *added)
{
    uint64_t h = fw_hash_fnv1a(key, len);
    size_t i, off;
    fw_rc rc;

    if (added)
        *added = false;
    if (s->cap) {
        i = probe(s, key, len, h);
        if (s->slot[i]) {
            if (index)
                *index = s->slot[i] - 1;
            return FW_OK;
        }
    }
    if ((s->n + 1) * 2 > s->cap && (rc = rehash(s)) != FW_OK)
        return rc;
    if ((rc = FW_ALLOC_GROW(s->item, s->n + 1, s->item_alloc)) != FW_OK)
        return rc;
    off = s->keys.len;
    if ((rc = fw_buf_add(&s->keys, key, len)) != FW_OK || (rc = fw_buf_addc(&s->keys, '\0')) != FW_OK) {
        s->keys.len = off;   /* the set is unchanged */
        if (s->keys.data)
            s->keys.data[off] = '\0';
        s->keys.err = FW_OK;
        return rc;
    }
    i = probe(s, key, len, h);
    s->item[s->n].off = off;
    s->item[s->n].len = len;
    s->item[s->n].hash = h;
    s->slot[i] = ++s->n;
    if (index)
        *index = s->n - 1;
    if (added)
        *added = true;
    return FW_OK;
}

const char *fw_hset_key(const fw_hset *s, size_t i, size_t *len)
{
    if (len)
        *len = s->item[i].len;
    return s->keys.data + s->item[i].off;
}
