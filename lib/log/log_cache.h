/*
** The record log's tree kept in memory by a long-running process (the
** server), so that proofs and checkpoint checks cost O(log^2 n) node hashes
** instead of reading and hashing every leaf.  The log is append-only: the
** cache reads from the store only the leaves after the last one it holds,
** when the latest signed checkpoint is beyond it, under a write lock;
** requests share it under a read lock.  Leaves appended by another process
** are picked up the same way, when its checkpoint shows up.  Before the tree
** is handed out its root at the checkpoint's size is compared with the
** checkpoint's root; a mismatch (the database was replaced) rebuilds it from
** the store.  Memory: that of a fw_merkle_tree, about 36 bytes a leaf.
*/
#ifndef FW_LOG_CACHE_H
#define FW_LOG_CACHE_H

#include <stdint.h>

#include "log/merkle.h"
#include "store/store.h"

typedef struct fw_log_cache fw_log_cache;

/* An empty cache; NULL when out of memory.  Free with fw_log_cache_free. */
fw_log_cache *fw_log_cache_new(void);
/* Frees c (NULL is fine); nobody may hold it. */
void fw_log_cache_free(fw_log_cache *c);

/*
** Within the caller's read snapshot of s (fw_store_begin_read): the latest
** signed checkpoint's size into *checkpoint_size, and c's tree, holding at
** least that many leaves and matching the checkpoint, into *tree, held
** under a read lock until fw_log_cache_release(c).  Serve nothing beyond
** *checkpoint_size: leaves after it are not yet signed.  On error nothing
** is held: FW_ERR_NOTFOUND if the log has no checkpoint yet,
** FW_ERR_INVALID if the log does not match its checkpoint, or the store's
** error.
*/
fw_rc fw_log_cache_acquire(fw_log_cache *c, fw_store *s, const fw_merkle_tree **tree,
                           uint64_t *checkpoint_size, fw_error *err);
void fw_log_cache_release(fw_log_cache *c);

/* Bytes the cached tree has allocated. */
size_t fw_log_cache_bytes(fw_log_cache *c);

#endif
