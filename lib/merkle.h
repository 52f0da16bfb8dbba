/*
** The RFC 9162 Merkle tree over SHA-256 (section 2.1): leaf hash
** SHA-256(0x00 || leaf), interior node SHA-256(0x01 || left || right), the
** empty tree hashing to SHA-256(""); inclusion and consistency proofs and
** their verification, following the RFC's algorithms.  Pure: no I/O.
**
** Proof generators read the caller's array of leaf hashes; nothing here
** allocates more than O(log n) or recurses deeper than O(log n).
*/
#ifndef FW_MERKLE_H
#define FW_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define FW_MERKLE_MAX_PROOF 64

typedef uint8_t fw_hash[32];

void fw_merkle_leaf_hash(const void *leaf, size_t len, uint8_t out[32]);
void fw_merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]);

/* The tree hash MTH(D[n]) of n leaf hashes. */
fw_rc fw_merkle_root(const fw_hash *leaf_hashes, uint64_t n, uint8_t root[32]);

/*
** An append-only accumulator: the roots of the perfect subtrees covering
** the leaves so far (at most one per bit of the size), enough to give the
** root at this size and to keep appending.  Plain data: it may be saved
** and restored with fw_merkle_acc_save / _load.
*/
typedef struct fw_merkle_acc {
    uint64_t size;
    fw_hash stack[64];    /* stack[i]: root of the i-th subtree, largest first */
    int depth;
} fw_merkle_acc;

void fw_merkle_acc_init(fw_merkle_acc *acc);
void fw_merkle_acc_push(fw_merkle_acc *acc, const uint8_t leaf_hash[32]);
void fw_merkle_acc_root(const fw_merkle_acc *acc, uint8_t root[32]);
static inline uint64_t fw_merkle_acc_size(const fw_merkle_acc *acc) { return acc->size; }
/* 8 bytes of size then 32 bytes a subtree: at most 8 + 64 * 32 bytes into out. */
size_t fw_merkle_acc_save(const fw_merkle_acc *acc, uint8_t *out);
fw_rc fw_merkle_acc_load(fw_merkle_acc *acc, const uint8_t *in, size_t len);

/* PATH(index, D[n]) into proof (FW_MERKLE_MAX_PROOF hashes room). */
fw_rc fw_merkle_inclusion_proof(const fw_hash *leaf_hashes, uint64_t n, uint64_t index,
                                fw_hash *proof, size_t *proof_len);
bool fw_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[32],
                                const fw_hash *proof, size_t proof_len, const uint8_t root[32]);

/* PROOF(m, D[n]) for 0 < m <= n. */
fw_rc fw_merkle_consistency_proof(const fw_hash *leaf_hashes, uint64_t n, uint64_t m,
                                  fw_hash *proof, size_t *proof_len);
bool fw_merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const uint8_t old_root[32],
                                  const uint8_t new_root[32], const fw_hash *proof,
                                  size_t proof_len);

#endif
