/*
** The in-memory tree of the record log (see log_cache.h): a fw_merkle_tree
** behind a read-write lock.
*/
/* For glibc's writer-preferring read-write locks. */
#define _GNU_SOURCE

#include "log/log_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log/note.h"
#include "log/verify.h"

#include "base/banned.h"

struct fw_log_cache {
    pthread_rwlock_t lock;
    fw_merkle_tree tree; /* under lock */
};

fw_log_cache *fw_log_cache_new(void)
{
    fw_log_cache *c = calloc(1, sizeof *c);
    pthread_rwlockattr_t attr;

    if (!c)
        return NULL;
    pthread_rwlockattr_init(&attr);
#ifdef __GLIBC__
    /* glibc prefers readers by default: under a steady stream of proof
    ** requests a new checkpoint's leaves would never get the write lock. */
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    if (pthread_rwlock_init(&c->lock, &attr) != 0) {
        pthread_rwlockattr_destroy(&attr);
        free(c);
        return NULL;
    }
    pthread_rwlockattr_destroy(&attr);
    fw_merkle_tree_init(&c->tree);
    return c;
}

void fw_log_cache_free(fw_log_cache *c)
{
    if (!c)
        return;
    fw_merkle_tree_release(&c->tree);
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

/* The latest checkpoint's size and root, from the caller's snapshot. */
static fw_rc signed_head(fw_store *s, uint64_t *size, uint8_t root[32], fw_error *err)
{
    char origin[FW_NOTE_NAME_MAX];
    const char *blank;
    int64_t ck;
    fw_buf note;
    fw_rc rc;

    fw_buf_init(&note, 4096);
    rc = fw_store_checkpoint(s, &ck, &note, err);
    if (rc == FW_OK) {
        blank = strstr(fw_buf_str(&note), "\n\n");
        if (!blank)
            rc = fw_error_set(err, FW_ERR_INVALID, "the latest checkpoint is not a signed note");
        else
            rc = fw_checkpoint_parse(note.data, (size_t)(blank - note.data) + 1, origin, size,
                                     root, err);
        if (rc == FW_OK && *size != (uint64_t)ck)
            rc = fw_error_set(err, FW_ERR_INVALID, "the latest checkpoint's size is not %lld",
                              (long long)ck);
    }
    fw_buf_release(&note);
    return rc;
}

/* Whether the tree covers size leaves and has the signed root there. */
static bool matches(const fw_merkle_tree *t, uint64_t size, const uint8_t root[32])
{
    uint8_t r[32];
    return t->size >= size && fw_merkle_tree_root(t, size, r) == FW_OK &&
           memcmp(r, root, 32) == 0;
}

fw_rc fw_log_cache_acquire(fw_log_cache *c, fw_store *s, const fw_merkle_tree **tree,
                           uint64_t *checkpoint_size, fw_error *err)
{
    uint8_t root[32];
    uint64_t size;
    fw_rc rc;
    int tries;

    *tree = NULL;
    if ((rc = signed_head(s, &size, root, err)) != FW_OK)
        return rc;
    /*
    ** Another thread may extend the tree (never past what it too must keep)
    ** between the write and the read lock, or rebuild it if the database
    ** was replaced: look again, a few times.
    */
    for (tries = 0; tries < 3; tries++) {
        pthread_rwlock_rdlock(&c->lock);
        if (matches(&c->tree, size, root)) {
            *tree = &c->tree;
            *checkpoint_size = size;
            return FW_OK;
        }
        pthread_rwlock_unlock(&c->lock);
        pthread_rwlock_wrlock(&c->lock);
        if (c->tree.size >= size && !matches(&c->tree, size, root))
            fw_merkle_tree_release(&c->tree); /* not this log's history: start again */
        rc = c->tree.size < size ? fw_log_tree_extend(s, &c->tree, err) : FW_OK;
        pthread_rwlock_unlock(&c->lock);
        if (rc)
            return rc;
    }
    return fw_error_set(err, FW_ERR_INVALID,
                        "the log does not match its latest signed checkpoint (size %llu): run "
                        "'forcewatch verify'", (unsigned long long)size);
}

void fw_log_cache_release(fw_log_cache *c)
{
    pthread_rwlock_unlock(&c->lock);
}

size_t fw_log_cache_bytes(fw_log_cache *c)
{
    size_t bytes;
    pthread_rwlock_rdlock(&c->lock);
    bytes = fw_merkle_tree_bytes(&c->tree);
    pthread_rwlock_unlock(&c->lock);
    return bytes;
}
