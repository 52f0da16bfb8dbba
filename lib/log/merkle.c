/*
** RFC 9162 Merkle trees (see merkle.h).
**
** The RFC defines MTH, PATH and SUBPROOF recursively.  Here the tree hash is
** computed with the accumulator's stack of perfect-subtree roots, and the
** proof generators walk the RFC's recursion top-down in a loop, noting the
** sibling subtree at each level, then emit the siblings' hashes bottom-up:
** the RFC's recursions put the inner (deeper) part of the proof first, so
** the order is the reverse of the descent.  That keeps the stack at
** O(log n) and the work at O(n) hashes per call.
*/
#include "log/merkle.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "base/array.h"

#include "base/banned.h"

/* A run of leaves [start, start + count), the subject of a subtree hash. */
typedef struct span {
    uint64_t start, count;
} span;

/* The hash of the empty tree, SHA-256 of zero bytes. */
static void empty_root(uint8_t out[32])
{
    crypto_hash_sha256(out, (const unsigned char *)"", 0);
}

void fw_merkle_leaf_hash(const void *leaf, size_t len, uint8_t out[32])
{
    crypto_hash_sha256_state st;
    static const uint8_t prefix = 0x00;
    uint8_t buf[1024];

    /* A log leaf (a few hundred bytes) is hashed in one call, the fast path. */
    if (len < sizeof buf) {
        buf[0] = prefix;
        if (len > 0)
            memcpy(buf + 1, leaf, len);
        fw_sha256(buf, len + 1, out);
        return;
    }
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    if (len > 0)
        crypto_hash_sha256_update(&st, leaf, len);
    crypto_hash_sha256_final(&st, out);
}

void fw_merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32])
{
    uint8_t buf[1 + 2 * 32];

    /* Both children are copied before out is written, so out may alias them. */
    buf[0] = 0x01;
    memcpy(buf + 1, left, 32);
    memcpy(buf + 33, right, 32);
    fw_sha256(buf, sizeof buf, out);
}

void fw_merkle_acc_init(fw_merkle_acc *acc)
{
    memset(acc, 0, sizeof *acc);
}

fw_rc fw_merkle_acc_push(fw_merkle_acc *acc, const uint8_t leaf_hash[32])
{
    uint8_t h[32];
    uint64_t size = acc->size;

    if (size == UINT64_MAX)
        return FW_ERR_LIMIT;
    /*
    ** Each trailing 1 bit of the old size is a perfect subtree as tall as
    ** the one being carried up: merge them, like binary addition.  Merging
    ** before storing keeps the stack within popcount(size + 1) <= 64.
    */
    memcpy(h, leaf_hash, 32);
    while (size & 1) {
        fw_merkle_node_hash(acc->stack[--acc->depth], h, h);
        size >>= 1;
    }
    memcpy(acc->stack[acc->depth++], h, 32);
    acc->size++;
    return FW_OK;
}

void fw_merkle_acc_root(const fw_merkle_acc *acc, uint8_t root[32])
{
    uint8_t h[32];
    int i;

    if (acc->depth == 0) {
        empty_root(root);
        return;
    }
    /*
    ** MTH splits at the largest power of two, so the largest subtree is the
    ** left child of the root and the smaller ones hang off to the right:
    ** fold from the smallest (rightmost) up.
    */
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
    int i, depth;

    if (!in || len < 8)
        return FW_ERR_INVALID;
    for (i = 0; i < 8; i++)
        size = size << 8 | in[i];
    depth = popcount64(size);
    if (len != 8 + (size_t)depth * 32)
        return FW_ERR_INVALID;
    fw_merkle_acc_init(acc);
    acc->size = size;
    acc->depth = depth;
    memcpy(acc->stack, in + 8, len - 8);
    return FW_OK;
}

/* MTH of count leaf hashes at d, which the caller has checked exist. */
static void tree_hash(const fw_hash *d, uint64_t count, uint8_t out[32])
{
    fw_merkle_acc acc;
    uint64_t i;

    fw_merkle_acc_init(&acc);
    for (i = 0; i < count; i++)
        (void)fw_merkle_acc_push(&acc, d[i]); /* count < 2^64 - 1: cannot fail */
    fw_merkle_acc_root(&acc, out);
}

fw_rc fw_merkle_root(const fw_hash *leaf_hashes, uint64_t n, uint8_t root[32])
{
    if (!root || (n > 0 && !leaf_hashes))
        return FW_ERR_USAGE;
    tree_hash(leaf_hashes, n, root);
    return FW_OK;
}

/* The largest power of two smaller than n, for n > 1 (RFC 9162's k). */
static uint64_t split_point(uint64_t n)
{
    uint64_t v = n - 1, k = 1;

    /* The highest set bit of n - 1; written so nothing can overflow. */
    while (v >>= 1)
        k <<= 1;
    return k;
}

/*
** The generators' arguments: the leaves must fit in memory, which bounds n
** far below 2^63 and so every proof to FW_MERKLE_MAX_PROOF hashes.
*/
static bool generator_args_ok(const fw_hash *leaf_hashes, uint64_t n, const fw_hash *proof,
                              const size_t *proof_len)
{
    return leaf_hashes && proof && proof_len && n <= (uint64_t)(SIZE_MAX / sizeof(fw_hash));
}

/* Write the hashes of the n siblings, last noted first, after proof[*len]. */
static void emit_siblings(const fw_hash *d, const span *sib, size_t n, fw_hash *proof,
                          size_t *len)
{
    while (n-- > 0)
        tree_hash(d + sib[n].start, sib[n].count, proof[(*len)++]);
}

/*
** PATH(index, D[n]) for n > 1, with k the split point:
**   m < k:  PATH(m, D[0:k]) : MTH(D[k:n])
**   m >= k: PATH(m - k, D[k:n]) : MTH(D[0:k])
** and PATH(0, {d(0)}) = {}.  Descend to the leaf noting each sibling into
** sib; returns how many.
*/
static size_t inclusion_path(uint64_t n, uint64_t index, span *sib)
{
    size_t nsib = 0;
    uint64_t start = 0, count = n, m = index;

    while (count > 1) {
        uint64_t k = split_point(count);
        if (m < k) {
            sib[nsib].start = start + k;
            sib[nsib].count = count - k;
            count = k;
        } else {
            sib[nsib].start = start;
            sib[nsib].count = k;
            start += k;
            m -= k;
            count -= k;
        }
        nsib++;
    }
    return nsib;
}

/*
** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), and for m < n, k the split:
**   m <= k: SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
**   m > k:  SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
** ending at SUBPROOF(m, D[m], b) = {} if b, else {MTH(D[m])}: the old
** tree's root is known to the verifier only while it is a whole subtree
** of the new tree that begins at leaf 0.  Notes the siblings into sib and
** returns how many; *first is the subtree the proof starts with, or a span
** of count 0 when there is none.
*/
static size_t consistency_path(uint64_t n, uint64_t m, span *sib, span *first)
{
    size_t nsib = 0;
    uint64_t start = 0, count = n, old = m;
    bool whole = true; /* the RFC's b: old is still the whole left edge */

    while (old != count) {
        uint64_t k = split_point(count);
        if (old <= k) {
            sib[nsib].start = start + k;
            sib[nsib].count = count - k;
            count = k;
        } else {
            sib[nsib].start = start;
            sib[nsib].count = k;
            start += k;
            old -= k;
            count -= k;
            whole = false;
        }
        nsib++;
    }
    first->start = start;
    first->count = whole ? 0 : count;
    return nsib;
}

fw_rc fw_merkle_inclusion_proof(const fw_hash *leaf_hashes, uint64_t n, uint64_t index,
                                fw_hash *proof, size_t *proof_len)
{
    span sib[FW_MERKLE_MAX_PROOF];
    size_t nsib;

    if (proof_len)
        *proof_len = 0;
    if (!generator_args_ok(leaf_hashes, n, proof, proof_len))
        return FW_ERR_USAGE;
    if (index >= n)
        return FW_ERR_INVALID;
    nsib = inclusion_path(n, index, sib);
    emit_siblings(leaf_hashes, sib, nsib, proof, proof_len);
    return FW_OK;
}

fw_rc fw_merkle_consistency_proof(const fw_hash *leaf_hashes, uint64_t n, uint64_t m,
                                  fw_hash *proof, size_t *proof_len)
{
    span sib[FW_MERKLE_MAX_PROOF], first;
    size_t nsib;

    if (proof_len)
        *proof_len = 0;
    if (!generator_args_ok(leaf_hashes, n, proof, proof_len))
        return FW_ERR_USAGE;
    if (m == 0 || m > n)
        return FW_ERR_INVALID;
    nsib = consistency_path(n, m, sib, &first);
    if (first.count)
        tree_hash(leaf_hashes + first.start, first.count, proof[(*proof_len)++]);
    emit_siblings(leaf_hashes, sib, nsib, proof, proof_len);
    return FW_OK;
}

/*
** Step 4 of both RFC 9162 verification loops, for a proof hash that is a
** left sibling (LSB(fn) set, or fn == sn): when fn was even, the right
** edge of the tree skipped levels that have no right sibling, so shift
** fn and sn until fn is odd again or 0.  The caller then shifts once more.
*/
static void skip_right_edge(uint64_t *fn, uint64_t *sn)
{
    if (*fn & 1)
        return;
    while (*fn != 0 && !(*fn & 1)) {
        *fn >>= 1;
        *sn >>= 1;
    }
}

bool fw_merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[32],
                                const fw_hash *proof, size_t proof_len, const uint8_t root[32])
{
    uint64_t fn, sn;
    uint8_t r[32];
    size_t i;

    if (!leaf_hash || !root || (proof_len > 0 && !proof))
        return false;
    if (index >= size)
        return false;
    fn = index;
    sn = size - 1;
    memcpy(r, leaf_hash, 32);
    for (i = 0; i < proof_len; i++) {
        if (sn == 0)
            return false; /* more hashes than levels: not a proof for this size */
        if ((fn & 1) || fn == sn) {
            fw_merkle_node_hash(proof[i], r, r);
            skip_right_edge(&fn, &sn);
        } else {
            fw_merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    /* sn == 0: the path reached the root, not a subtree short of it. */
    return sn == 0 && sodium_memcmp(r, root, 32) == 0;
}

bool fw_merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const uint8_t old_root[32],
                                  const uint8_t new_root[32], const fw_hash *proof,
                                  size_t proof_len)
{
    uint64_t fn, sn;
    uint8_t fr[32], sr[32];
    size_t i;

    if (!old_root || !new_root || (proof_len > 0 && !proof))
        return false;
    if (old_size == 0 || old_size > new_size)
        return false;
    if (old_size == new_size)
        return proof_len == 0 && sodium_memcmp(old_root, new_root, 32) == 0;
    if (proof_len == 0)
        return false;
    /*
    ** When old_size is a power of two the old tree is a whole subtree of the
    ** new one, its hash is old_root itself, and the proof leaves it out:
    ** the RFC prepends old_root to the path.  Do the same by starting from
    ** old_root and reading the proof from its first hash instead.
    */
    if ((old_size & (old_size - 1)) == 0) {
        memcpy(fr, old_root, 32);
        i = 0;
    } else {
        memcpy(fr, proof[0], 32);
        i = 1;
    }
    memcpy(sr, fr, 32);
    fn = old_size - 1;
    sn = new_size - 1;
    /* Levels where the old tree's last node is a right child are inside the
    ** first proof node already. */
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
            skip_right_edge(&fn, &sn);
        } else {
            fw_merkle_node_hash(sr, proof[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && sodium_memcmp(fr, old_root, 32) == 0 &&
           sodium_memcmp(sr, new_root, 32) == 0;
}

/* ---- the tree of node hashes (fw_merkle_tree) ---- */

void fw_merkle_tree_init(fw_merkle_tree *t)
{
    memset(t, 0, sizeof *t);
}

void fw_merkle_tree_release(fw_merkle_tree *t)
{
    int l;

    for (l = 0; l < FW_MERKLE_ACC_MAX; l++)
        free(t->level[l]);
    fw_merkle_tree_init(t);
}

size_t fw_merkle_tree_bytes(const fw_merkle_tree *t)
{
    size_t bytes = 0;
    int l;

    for (l = 0; l < FW_MERKLE_ACC_MAX; l++)
        bytes += (size_t)t->cap[l] * sizeof(fw_hash);
    return bytes;
}

/* The hash of the perfect subtree of 2^level leaves from leaf index << level,
** which the caller has checked is complete: stored, or made from the leaves
** below FW_MERKLE_TREE_FIRST_LEVEL (at most 2^FIRST_LEVEL - 1 node hashes). */
static void perfect_hash(const fw_merkle_tree *t, int level, uint64_t index, uint8_t out[32])
{
    uint8_t left[32], right[32];

    assert(((index + 1) << level) <= t->size);
    if (level == 0 || level >= FW_MERKLE_TREE_FIRST_LEVEL) {
        memcpy(out, t->level[level][index], 32);
        return;
    }
    perfect_hash(t, level - 1, 2 * index, left);
    perfect_hash(t, level - 1, 2 * index + 1, right);
    fw_merkle_node_hash(left, right, out);
}

/* Room for index in level l of t; false (t unchanged) when out of memory. */
static bool tree_reserve(fw_merkle_tree *t, int l, uint64_t index)
{
    /* Grown by half: at most a third of the memory is slack. */
    if (index >= SIZE_MAX)
        return false;
    return FW_ALLOC_GROW(t->level[l], (size_t)index + 1, t->cap[l]) == FW_OK;
}

fw_rc fw_merkle_tree_push(fw_merkle_tree *t, const uint8_t leaf_hash[32])
{
    uint64_t size = t->size + 1;
    int l;

    if (t->size >= (UINT64_MAX >> 1))
        return FW_ERR_LIMIT;
    /* Reserve every level this leaf completes first, so a failure changes nothing. */
    if (!tree_reserve(t, 0, t->size))
        return FW_ERR_NOMEM;
    for (l = FW_MERKLE_TREE_FIRST_LEVEL; l < FW_MERKLE_ACC_MAX && size % ((uint64_t)1 << l) == 0;
         l++)
        if (!tree_reserve(t, l, (size >> l) - 1))
            return FW_ERR_NOMEM;
    memcpy(t->level[0][t->size], leaf_hash, 32);
    t->size = size;
    /* Children complete before their parents: each level reads the one below. */
    for (l = FW_MERKLE_TREE_FIRST_LEVEL; l < FW_MERKLE_ACC_MAX && size % ((uint64_t)1 << l) == 0;
         l++) {
        uint64_t i = (size >> l) - 1;
        uint8_t left[32], right[32];
        perfect_hash(t, l - 1, 2 * i, left);
        perfect_hash(t, l - 1, 2 * i + 1, right);
        fw_merkle_node_hash(left, right, t->level[l][i]);
    }
    return FW_OK;
}

/*
** MTH(D[start:start+count]) from t.  The spans the proofs ask for begin at a
** multiple of every power of two up to their count (the RFC splits at powers
** of two), so the span is the perfect subtrees of count's set bits, largest
** first, folded like an accumulator: O(log n) node hashes.
*/
static void tree_span_hash(const fw_merkle_tree *t, uint64_t start, uint64_t count,
                           uint8_t out[32])
{
    fw_hash part[FW_MERKLE_ACC_MAX];
    int nparts = 0, l;

    if (count == 0) {
        empty_root(out);
        return;
    }
    for (l = FW_MERKLE_ACC_MAX - 1; l >= 0; l--) {
        uint64_t w = (uint64_t)1 << l;
        if (!(count & w))
            continue;
        assert(start % w == 0);
        perfect_hash(t, l, start >> l, part[nparts++]);
        start += w;
    }
    for (l = nparts - 2; l >= 0; l--)
        fw_merkle_node_hash(part[l], part[l + 1], part[l]);
    memcpy(out, part[0], 32);
}

fw_rc fw_merkle_tree_root(const fw_merkle_tree *t, uint64_t n, uint8_t root[32])
{
    if (!t || !root || n > t->size)
        return FW_ERR_USAGE;
    tree_span_hash(t, 0, n, root);
    return FW_OK;
}

static void tree_emit(const fw_merkle_tree *t, const span *sib, size_t n, fw_hash *proof,
                      size_t *len)
{
    while (n-- > 0)
        tree_span_hash(t, sib[n].start, sib[n].count, proof[(*len)++]);
}

fw_rc fw_merkle_tree_inclusion_proof(const fw_merkle_tree *t, uint64_t n, uint64_t index,
                                     fw_hash *proof, size_t *proof_len)
{
    span sib[FW_MERKLE_MAX_PROOF];

    if (proof_len)
        *proof_len = 0;
    if (!t || !proof || !proof_len || n > t->size)
        return FW_ERR_USAGE;
    if (index >= n)
        return FW_ERR_INVALID;
    tree_emit(t, sib, inclusion_path(n, index, sib), proof, proof_len);
    return FW_OK;
}

fw_rc fw_merkle_tree_consistency_proof(const fw_merkle_tree *t, uint64_t n, uint64_t m,
                                       fw_hash *proof, size_t *proof_len)
{
    span sib[FW_MERKLE_MAX_PROOF], first;
    size_t nsib;

    if (proof_len)
        *proof_len = 0;
    if (!t || !proof || !proof_len || n > t->size)
        return FW_ERR_USAGE;
    if (m == 0 || m > n)
        return FW_ERR_INVALID;
    nsib = consistency_path(n, m, sib, &first);
    if (first.count)
        tree_span_hash(t, first.start, first.count, proof[(*proof_len)++]);
    tree_emit(t, sib, nsib, proof, proof_len);
    return FW_OK;
}
