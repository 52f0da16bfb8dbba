/*
** The Merkle tree of the verifiable record log: RFC 9162 (Certificate
** Transparency 2.0) section 2.1, over SHA-256.
**
**   leaf hash     SHA-256(0x00 || leaf bytes)
**   interior node SHA-256(0x01 || left || right)
**   empty tree    SHA-256("")
**   MTH(D[n])     for n > 1: node(MTH(D[0:k]), MTH(D[k:n])), where k is the
**                 largest power of two smaller than n
**
** The 0x00 / 0x01 prefixes keep a leaf from ever being passed off as an
** interior node (second-preimage resistance), which is why callers hash
** their leaves with fw_merkle_leaf_hash and never with plain SHA-256.
**
** Everything here is pure: no I/O, no printing, no exiting, and no heap
** allocation except in fw_merkle_tree, the one structure that grows.
** Functions that work on a whole tree take the caller's array
** of leaf hashes (which the caller keeps owning) and use O(log n) stack:
** nothing recurses, and no function keeps more than 64 subtree hashes at a
** time.  A tree hash costs n - 1 node hashes; a proof costs at most that
** too, because it hashes every subtree its path does not descend into.
**
** Outputs are caller-owned buffers of 32 bytes a hash; a proof buffer must
** have room for FW_MERKLE_MAX_PROOF hashes.  Outputs may alias inputs only
** where a function says so.
*/
#ifndef FW_MERKLE_H
#define FW_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define FW_MERKLE_HASH_BYTES 32

/* The longest proof this module produces or needs room for: a tree of up to
** 2^63 leaves is at most 63 levels deep, and a consistency proof is at most
** one hash longer than the path to a leaf. */
#define FW_MERKLE_MAX_PROOF 64

/* The most subtree roots an accumulator holds: one per bit of its size. */
#define FW_MERKLE_ACC_MAX 64

/* Bytes fw_merkle_acc_save writes at most: 8 of size, 32 a subtree. */
#define FW_MERKLE_ACC_STATE_MAX (8 + FW_MERKLE_ACC_MAX * FW_MERKLE_HASH_BYTES)

typedef uint8_t fw_hash[FW_MERKLE_HASH_BYTES];

/*
** The leaf hash of len bytes at leaf (leaf may be NULL when len is 0) into
** out.  This is the value the tree and its proofs are built from.
*/
void fw_merkle_leaf_hash(const void *leaf, size_t len, uint8_t out[32]);

/*
** The interior node hash of two child hashes into out.  out may be the same
** buffer as left or right.
*/
void fw_merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]);

/*
** The tree hash MTH(D[n]) of the n leaf hashes at leaf_hashes into root;
** SHA-256("") for n == 0, when leaf_hashes may be NULL.  Linear time,
** constant space.  FW_ERR_USAGE if root is NULL or leaf_hashes is NULL
** with n > 0; otherwise FW_OK.
*/
fw_rc fw_merkle_root(const fw_hash *leaf_hashes, uint64_t n, uint8_t root[32]);

/*
** An append-only accumulator (a "compact range" from 0): the roots of the
** perfect subtrees that cover the leaves so far, largest first, one per set
** bit of the size.  That is enough to give the root at this size and to keep
** appending, in O(log n) space.  It is plain data: copy it freely, and
** persist it with fw_merkle_acc_save / fw_merkle_acc_load.  Readers may use
** the size member directly; the others are private.
*/
typedef struct fw_merkle_acc {
    uint64_t size;                        /* leaves pushed so far */
    fw_hash stack[FW_MERKLE_ACC_MAX];     /* stack[0 .. depth-1]: subtree roots */
    int depth;                            /* always popcount(size) */
} fw_merkle_acc;

/* Make acc the accumulator of the empty tree. */
void fw_merkle_acc_init(fw_merkle_acc *acc);

/*
** Append one leaf hash (from fw_merkle_leaf_hash).  Amortized one node hash,
** at most 64.  FW_ERR_LIMIT, leaving acc unchanged, if acc already holds
** 2^64 - 1 leaves; FW_OK otherwise.
*/
fw_rc fw_merkle_acc_push(fw_merkle_acc *acc, const uint8_t leaf_hash[32]);

/* The tree hash of the leaves pushed so far into root (SHA-256("") if none). */
void fw_merkle_acc_root(const fw_merkle_acc *acc, uint8_t root[32]);

/* The number of leaves pushed so far. */
static inline uint64_t fw_merkle_acc_size(const fw_merkle_acc *acc)
{
    return acc->size;
}

/*
** Serialize acc into out (room for FW_MERKLE_ACC_STATE_MAX bytes): the size
** as 8 bytes big-endian, then each subtree root, largest first.  Returns the
** number of bytes written, 8 + 32 * popcount(size).  The format is stored in
** checkpoints, so it must never change.
*/
size_t fw_merkle_acc_save(const fw_merkle_acc *acc, uint8_t *out);

/*
** Restore into acc what fw_merkle_acc_save wrote: len bytes at in.
** FW_ERR_INVALID, leaving acc unchanged, if len does not match the size in
** the first 8 bytes; FW_OK otherwise.  The hashes themselves cannot be
** checked here: compare the resulting root against a signed checkpoint.
*/
fw_rc fw_merkle_acc_load(fw_merkle_acc *acc, const uint8_t *in, size_t len);

/*
** The inclusion proof PATH(index, D[n]) of RFC 9162 2.1.3.1: the hashes of
** the sibling subtrees from the leaf up to the root, leaf end first.  Writes
** *proof_len hashes (at most FW_MERKLE_MAX_PROOF; none for n == 1) into
** proof.  FW_ERR_INVALID if index >= n; FW_ERR_USAGE for NULL pointers or
** for an n no array of hashes in memory can have; on any error *proof_len
** is 0 (when proof_len is not NULL).
*/
fw_rc fw_merkle_inclusion_proof(const fw_hash *leaf_hashes, uint64_t n, uint64_t index,
                                fw_hash *proof, size_t *proof_len);

/*
** Whether proof (proof_len hashes) shows that leaf_hash is leaf number index
** of the tree of the given size whose hash is root, by the algorithm of
** RFC 9162 2.1.3.2.  False for index >= size, for a proof of the wrong
** length, for NULL pointers (proof may be NULL only when proof_len is 0).
**
** As in the RFC, what is bound is the root: a proof can verify against a
** size whose tree has the same shape along this leaf's path.  The size that
** goes with a root comes from the signed checkpoint, not from the proof.
*/
bool fw_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[32],
                                const fw_hash *proof, size_t proof_len, const uint8_t root[32]);

/*
** The consistency proof PROOF(m, D[n]) of RFC 9162 2.1.4.1, that the tree of
** the first m leaves is a prefix of the tree of n: *proof_len hashes (at
** most FW_MERKLE_MAX_PROOF) into proof.  Empty for m == n.  FW_ERR_INVALID
** for m == 0 (the RFC defines proofs for 0 < m only; every tree extends the
** empty one, and there is nothing to prove) or m > n; FW_ERR_USAGE as for
** fw_merkle_inclusion_proof; on any error *proof_len is 0 (when proof_len
** is not NULL).
*/
fw_rc fw_merkle_consistency_proof(const fw_hash *leaf_hashes, uint64_t n, uint64_t m,
                                  fw_hash *proof, size_t *proof_len);

/*
** Whether proof shows that the tree of old_size leaves with hash old_root is
** a prefix of the tree of new_size leaves with hash new_root, by the
** algorithm of RFC 9162 2.1.4.2.  For old_size == new_size: true exactly
** when the proof is empty and the two roots are equal.  False for
** old_size == 0 or old_size > new_size (see fw_merkle_consistency_proof),
** and for NULL pointers (proof may be NULL only when proof_len is 0).
*/
bool fw_merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const uint8_t old_root[32],
                                  const uint8_t new_root[32], const fw_hash *proof,
                                  size_t proof_len);

/*
** The node hashes of a growing tree, for proofs at any size up to its own
** without rehashing the leaves: every leaf hash (level 0), and the hash of
** every complete perfect subtree of 2^l leaves for l >= FIRST_LEVEL.  The
** subtrees of levels 1 .. FIRST_LEVEL - 1 are not kept; a proof rebuilds the
** few it needs from the leaves (at most 2^FIRST_LEVEL - 1 node hashes each).
** Memory: 32 bytes a leaf, plus 32 / 2^FIRST_LEVEL x 2 = 4 for the stored
** levels: 36 bytes a leaf, and up to half as much again while the arrays
** grow.  A root or a proof costs O(log^2 n) node hashes, not O(n).
** Append only; readers may read size and level[0][i] (the leaf hashes)
** directly.  Not thread-safe: the caller locks (lib/log/log_cache.h).
*/
#define FW_MERKLE_TREE_FIRST_LEVEL 4

typedef struct fw_merkle_tree {
    uint64_t size;                            /* leaves pushed so far */
    fw_hash *level[FW_MERKLE_ACC_MAX];        /* level[0]: leaf hashes; level[l]: subtrees */
    size_t cap[FW_MERKLE_ACC_MAX];            /* allocated hashes of each level */
} fw_merkle_tree;

/* Make t the empty tree (nothing allocated). */
void fw_merkle_tree_init(fw_merkle_tree *t);

/* Free what t holds and make it the empty tree again. */
void fw_merkle_tree_release(fw_merkle_tree *t);

/* Bytes t has allocated. */
size_t fw_merkle_tree_bytes(const fw_merkle_tree *t);

/*
** Append one leaf hash (from fw_merkle_leaf_hash): amortized about one node
** hash.  FW_ERR_NOMEM or FW_ERR_LIMIT leave t unchanged; FW_OK otherwise.
*/
fw_rc fw_merkle_tree_push(fw_merkle_tree *t, const uint8_t leaf_hash[32]);

/*
** As fw_merkle_root, fw_merkle_inclusion_proof and
** fw_merkle_consistency_proof over the first n leaves of t, with the same
** results, and FW_ERR_USAGE also for n > t->size.
*/
fw_rc fw_merkle_tree_root(const fw_merkle_tree *t, uint64_t n, uint8_t root[32]);
fw_rc fw_merkle_tree_inclusion_proof(const fw_merkle_tree *t, uint64_t n, uint64_t index,
                                     fw_hash *proof, size_t *proof_len);
fw_rc fw_merkle_tree_consistency_proof(const fw_merkle_tree *t, uint64_t n, uint64_t m,
                                       fw_hash *proof, size_t *proof_len);

#endif
