/*
** RFC 9162 Merkle trees (see merkle.h).  The tree hash is computed with a
** stack of perfect-subtree roots, as the accumulator does, so it needs no
** recursion; proofs recurse on the RFC's definitions, at most 64 deep.
*/
#include "merkle.h"

#include <sodium.h>
#include <string.h>

void fw_merkle_leaf_hash(const void *leaf, size_t len, uint8_t out[32])
{
    crypto_hash_sha256_state st;
    uint8_t prefix = 0x00;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    crypto_hash_sha256_update(&st, leaf, len);
    crypto_hash_sha256_final(&st, out);
}

void fw_merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32])
{
    uint8_t buf[65];
    buf[0] = 0x01;
    memcpy(buf + 1, left, 32);
    memcpy(buf + 33, right, 32);
    crypto_hash_sha256(out, buf, sizeof buf);
}

void fw_merkle_acc_init(fw_merkle_acc *acc)
{
    memset(acc, 0, sizeof *acc);
}

void fw_merkle_acc_push(fw_merkle_acc *acc, const uint8_t leaf_hash[32])
{
    uint64_t size = acc->size;
    memcpy(acc->stack[acc->depth++], leaf_hash, 32);
    /* Each trailing 1 bit of the old size is a subtree of equal height to merge. */
    while (size & 1) {
        fw_merkle_node_hash(acc->stack[acc->depth - 2], acc->stack[acc->depth - 1],
                            acc->stack[acc->depth - 2]);
        acc->depth--;
        size >>= 1;
    }
    acc->size++;
}

void fw_merkle_acc_root(const fw_merkle_acc *acc, uint8_t root[32])
{
    uint8_t h[32];
    int i;
    if (acc->depth == 0) {
        crypto_hash_sha256(root, (const uint8_t *)"", 0);
        return;
    }
    /* Fold the subtrees right to left: the smaller ones hang off the right. */
    memcpy(h, acc->stack[acc->depth - 1], 32);
    for (i = acc->depth - 2; i >= 0; i--)
        fw_merkle_node_hash(acc->stack[i], h, h);
    memcpy(root, h, 32);
}

size_t fw_merkle_acc_save(const fw_merkle_acc *acc, uint8_t *out)
{
    int i;
    for (i = 0; i < 8; i++)
        out[i] = (uint8_t)(acc->size >> (56 - 8 * i));
    memcpy(out + 8, acc->stack, (size_t)acc->depth * 32);
    return 8 + (size_t)acc->depth * 32;
}

static int popcount64(uint64_t v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

fw_rc fw_merkle_acc_load(fw_merkle_acc *acc, const uint8_t *in, size_t len)
{
    uint64_t size = 0;
    int i;
    if (len < 8)
        return FW_ERR_INVALID;
    for (i = 0; i < 8; i++)
        size = size << 8 | in[i];
    if (len != 8 + (size_t)popcount64(size) * 32)
        return FW_ERR_INVALID;
    fw_merkle_acc_init(acc);
    acc->size = size;
    acc->depth = popcount64(size);
    memcpy(acc->stack, in + 8, len - 8);
    return FW_OK;
}

fw_rc fw_merkle_root(const fw_hash *leaf_hashes, uint64_t n, uint8_t root[32])
{
    fw_merkle_acc acc;
    uint64_t i;
    fw_merkle_acc_init(&acc);
    for (i = 0; i < n; i++)
        fw_merkle_acc_push(&acc, leaf_hashes[i]);
    fw_merkle_acc_root(&acc, root);
    return FW_OK;
}

/* The largest power of two smaller than n (n > 1). */
static uint64_t split(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

static void subtree_root(const fw_hash *leaves, uint64_t n, uint8_t out[32])
{
    fw_merkle_root(leaves, n, out);
}

/* PATH(m, D[n]), RFC 9162 2.1.3.1, appended to proof. */
static void path(const fw_hash *d, uint64_t n, uint64_t m, fw_hash *proof, size_t *len)
{
    uint64_t k;
    if (n <= 1)
        return;
    k = split(n);
    if (m < k) {
        path(d, k, m, proof, len);
        subtree_root(d + k, n - k, proof[(*len)++]);
    } else {
        path(d + k, n - k, m - k, proof, len);
        subtree_root(d, k, proof[(*len)++]);
    }
}

fw_rc fw_merkle_inclusion_proof(const fw_hash *leaf_hashes, uint64_t n, uint64_t index,
                                fw_hash *proof, size_t *proof_len)
{
    *proof_len = 0;
    if (index >= n)
        return FW_ERR_INVALID;
    path(leaf_hashes, n, index, proof, proof_len);
    return FW_OK;
}

bool fw_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[32],
                                const fw_hash *proof, size_t proof_len, const uint8_t root[32])
{
    uint64_t fn = index, sn = size - 1;
    uint8_t r[32];
    size_t i;

    if (index >= size)
        return false;
    memcpy(r, leaf_hash, 32);
    for (i = 0; i < proof_len; i++) {
        if (sn == 0)
            return false;
        if ((fn & 1) || fn == sn) {
            fw_merkle_node_hash(proof[i], r, r);
            if (!(fn & 1))
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            fw_merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(r, root, 32) == 0;
}

/* SUBPROOF(m, D[n], b), RFC 9162 2.1.4.1. */
static void subproof(const fw_hash *d, uint64_t n, uint64_t m, bool b, fw_hash *proof,
                     size_t *len)
{
    uint64_t k;
    if (m == n) {
        if (!b)
            subtree_root(d, n, proof[(*len)++]);
        return;
    }
    k = split(n);
    if (m <= k) {
        subproof(d, k, m, b, proof, len);
        subtree_root(d + k, n - k, proof[(*len)++]);
    } else {
        subproof(d + k, n - k, m - k, false, proof, len);
        subtree_root(d, k, proof[(*len)++]);
    }
}

fw_rc fw_merkle_consistency_proof(const fw_hash *leaf_hashes, uint64_t n, uint64_t m,
                                  fw_hash *proof, size_t *proof_len)
{
    *proof_len = 0;
    if (m == 0 || m > n)
        return FW_ERR_INVALID;
    if (m < n)
        subproof(leaf_hashes, n, m, true, proof, proof_len);
    return FW_OK;
}

bool fw_merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const uint8_t old_root[32],
                                  const uint8_t new_root[32], const fw_hash *proof,
                                  size_t proof_len)
{
    uint64_t fn, sn;
    uint8_t fr[32], sr[32];
    size_t i = 0;

    if (old_size == 0 || old_size > new_size)
        return false;
    if (old_size == new_size)
        return proof_len == 0 && memcmp(old_root, new_root, 32) == 0;
    if (proof_len == 0)
        return false;
    /* If old_size is a power of two, the old root is the first node. */
    fn = old_size - 1;
    sn = new_size - 1;
    if ((old_size & (old_size - 1)) == 0) {
        memcpy(fr, old_root, 32);
        memcpy(sr, old_root, 32);
    } else {
        memcpy(fr, proof[0], 32);
        memcpy(sr, proof[0], 32);
        i = 1;
    }
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < proof_len; i++) {
        if (sn == 0)
            return false;
        if ((fn & 1) || fn == sn) {
            fw_merkle_node_hash(proof[i], fr, fr);
            fw_merkle_node_hash(proof[i], sr, sr);
            if (!(fn & 1))
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            fw_merkle_node_hash(sr, proof[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(fr, old_root, 32) == 0 && memcmp(sr, new_root, 32) == 0;
}
