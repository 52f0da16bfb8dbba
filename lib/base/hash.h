/*
** Hashing and the one hash set of the library.  fw_hash_fnv1a is the FNV-1a
** 64-bit hash of a byte string (fast, not keyed: for tables, never for
** anything an attacker could profit from colliding).  fw_hset is a set of
** byte-string keys by open addressing with linear probing: each key gets a
** dense index in insertion order (0, 1, 2, ...), so a caller keeps what the
** key maps to in its own array indexed the same way, and the set is a map.
**
** Ownership: the set copies every key and owns the copies; fw_hset_release
** frees them.  A key's bytes are always followed by a NUL, so string keys
** can be read back as C strings.  Pointers returned by fw_hset_key stay
** valid until the next fw_hset_add or fw_hset_release.
*/
#ifndef FW_HASH_H
#define FW_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"

#define FW_FNV1A_OFFSET 14695981039346656037ull
#define FW_FNV1A_PRIME  1099511628211ull

/* FNV-1a of len bytes at data. */
uint64_t fw_hash_fnv1a(const void *data, size_t len);
/* FNV-1a of a NUL-terminated string (the NUL not included). */
uint64_t fw_hash_fnv1a_str(const char *s);

typedef struct fw_hset_item {
    size_t off;       /* of the key's bytes in keys */
    size_t len;
    uint64_t hash;
} fw_hset_item;

typedef struct fw_hset {
    size_t *slot;        /* cap slots: 1 + the index of a key, 0 when empty */
    size_t cap;          /* a power of two, or 0 before the first add */
    size_t n;            /* keys held */
    fw_hset_item *item;  /* n items in insertion order */
    size_t item_alloc;
    fw_buf keys;         /* the keys' bytes, each followed by a NUL */
} fw_hset;

/* An empty set (no allocation until the first add). */
void fw_hset_init(fw_hset *s);
/* Free the keys and tables; the set is empty and reusable afterwards. */
void fw_hset_release(fw_hset *s);

/* Add key (len bytes) unless present.  *index (if not NULL) is its index;
** *added (if not NULL) tells whether it was new.  FW_ERR_NOMEM when memory
** ran out: the set is unchanged. */
fw_rc fw_hset_add(fw_hset *s, const void *key, size_t len, size_t *index, bool *added);
static inline fw_rc fw_hset_adds(fw_hset *s, const char *key, size_t *index, bool *added)
{
    return fw_hset_add(s, key, strlen(key), index, added);
}

/* True if key is in the set, with its index in *index (if not NULL). */
bool fw_hset_find(const fw_hset *s, const void *key, size_t len, size_t *index);
static inline bool fw_hset_finds(const fw_hset *s, const char *key, size_t *index)
{
    return fw_hset_find(s, key, strlen(key), index);
}

/* The key with index i (i < s->n), NUL-terminated; its length in *len if
** len is not NULL. */
const char *fw_hset_key(const fw_hset *s, size_t i, size_t *len);

static inline size_t fw_hset_count(const fw_hset *s)
{
    return s->n;
}

#endif
