/*
** RFC 9162 proofs over a store's whole log, for readers who check them with
** any implementation: an inclusion proof of one leaf in a tree size (by
** default the latest signed checkpoint's, else the log's), and a consistency
** proof between two sizes up to the log's.  The text form is the command
** line's `forcewatch log proof`: "name value" lines with base64 hashes.
** Reads the store; never prints.
*/
#ifndef FW_PROOF_H
#define FW_PROOF_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "log/merkle.h"
#include "store/store.h"

typedef struct fw_log_proof {
    bool inclusion;            /* inclusion, else consistency */
    uint64_t first, second;    /* inclusion: leaf index, tree size; consistency: old, new */
    uint8_t leaf[32];          /* inclusion: the leaf's hash */
    uint8_t root1[32];         /* inclusion: the tree's root; consistency: the old root */
    uint8_t root2[32];         /* consistency: the new root */
    fw_hash path[FW_MERKLE_MAX_PROOF];
    size_t len;
} fw_log_proof;

/*
** The inclusion proof of leaf seq in the tree of size *size (NULL: the latest signed
** checkpoint's size, or the log's if it has none).  FW_ERR_NOTFOUND if there is no such leaf
** in that tree or the size is beyond the log (err: "no leaf SEQ in a tree of size SIZE (the
** log has N)"); another code if the log cannot be read.
*/
fw_rc fw_log_prove_inclusion(fw_store *s, uint64_t seq, const uint64_t *size, fw_log_proof *p,
                             fw_error *err);

/* The consistency proof from size old to size new.  FW_ERR_INVALID unless
** 0 < old <= new <= the log's size (err: "need 0 < OLD <= NEW <= N"). */
fw_rc fw_log_prove_consistency(fw_store *s, uint64_t old, uint64_t new_size, fw_log_proof *p,
                               fw_error *err);

/* p as text: "leaf_index, tree_size, leaf_hash, root_hash" (inclusion) or "old_size,
** new_size, old_root, new_root" (consistency), then one "proof HASH" line per hash. */
fw_rc fw_log_proof_text(const fw_log_proof *p, fw_buf *out);

#endif
