/*
** Unit tests of the RFC 9162 Merkle tree (lib/log/merkle.c).
**
** Known answers come from the public reference tree of Certificate
** Transparency's test data: the eight leaves "", 00, 10, 2021, 3031,
** 40414243, 5051525354555657, 606162636465666768696a6b6c6d6e6f, used by
** Google's certificate-transparency and transparency-dev/merkle test suites
** (proof/verify_test.go: roots, inclusion and consistency proofs;
** testonly/constants.go: every node hash and the compact range of every
** size).  The hex values are written here as facts; the code is ours.
**
** Properties are checked over random trees against a second implementation
** in this file: a direct, recursive transliteration of the RFC's MTH, PATH
** and SUBPROOF definitions, which shares no code with the library.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "log/merkle.h"

#define EMPTY_ROOT "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* ---- helpers ----------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    fail_msg("bad hex digit in test data: %c", c);
    return 0;
}

/* 64 hex digits into 32 bytes. */
static void unhex(const char *hex, uint8_t out[32])
{
    size_t i;
    assert_int_equal(strlen(hex), 64);
    for (i = 0; i < 32; i++)
        out[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
}

static void assert_hash_hex(const uint8_t h[32], const char *want)
{
    char hex[65];
    fw_hex(h, 32, hex);
    assert_string_equal(hex, want);
}

/* xorshift64: a fixed-seed generator, so every run tests the same trees. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* n leaf hashes of random leaves of random lengths (0 to 40 bytes). */
static void random_leaves(fw_hash *out, size_t n, uint64_t seed)
{
    uint8_t data[40];
    size_t i, j, len;
    rng_state = seed;
    for (i = 0; i < n; i++) {
        len = (size_t)(rnd() % sizeof data);
        for (j = 0; j < len; j++)
            data[j] = (uint8_t)rnd();
        fw_merkle_leaf_hash(data, len, out[i]);
    }
}

/* ---- the oracle: RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 as written --------- */

static uint64_t ref_k(uint64_t n)
{
    uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

static void ref_mth(const fw_hash *d, uint64_t n, uint8_t out[32])
{
    uint8_t l[32], r[32];
    uint64_t k;
    if (n == 0) {
        fw_sha256("", 0, out);
        return;
    }
    if (n == 1) {
        memcpy(out, d[0], 32);
        return;
    }
    k = ref_k(n);
    ref_mth(d, k, l);
    ref_mth(d + k, n - k, r);
    fw_merkle_node_hash(l, r, out);
}

static void ref_path(uint64_t m, const fw_hash *d, uint64_t n, fw_hash *out, size_t *len)
{
    uint64_t k;
    if (n == 1)
        return;
    k = ref_k(n);
    if (m < k) {
        ref_path(m, d, k, out, len);
        ref_mth(d + k, n - k, out[(*len)++]);
    } else {
        ref_path(m - k, d + k, n - k, out, len);
        ref_mth(d, k, out[(*len)++]);
    }
}

/* Left (1) or right (0) for each proof hash of PATH(m, D[n]): the shape the
** verifier walks, which depends on m and n only. */
static void ref_shape(uint64_t m, uint64_t n, char *out, size_t *len)
{
    uint64_t k;
    if (n == 1)
        return;
    k = ref_k(n);
    if (m < k) {
        ref_shape(m, k, out, len);
        out[(*len)++] = 'R';
    } else {
        ref_shape(m - k, n - k, out, len);
        out[(*len)++] = 'L';
    }
}

static void ref_subproof(uint64_t m, const fw_hash *d, uint64_t n, bool b, fw_hash *out,
                         size_t *len)
{
    uint64_t k;
    if (m == n) {
        if (!b)
            ref_mth(d, n, out[(*len)++]);
        return;
    }
    k = ref_k(n);
    if (m <= k) {
        ref_subproof(m, d, k, b, out, len);
        ref_mth(d + k, n - k, out[(*len)++]);
    } else {
        ref_subproof(m - k, d + k, n - k, false, out, len);
        ref_mth(d, k, out[(*len)++]);
    }
}

/* ---- the public reference tree ----------------------------------------- */

static const struct {
    const char *bytes;
    size_t len;
} ref_leaves[8] = {
    {"", 0},
    {"\x00", 1},
    {"\x10", 1},
    {"\x20\x21", 2},
    {"\x30\x31", 2},
    {"\x40\x41\x42\x43", 4},
    {"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
    {"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
};

/* Roots of the first n leaves, n = 0 .. 8. */
static const char *const ref_roots[9] = {
    EMPTY_ROOT,
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* Every perfect subtree of the 8-leaf tree: ref_nodes[level][i] covers leaves
** [i * 2^level, (i + 1) * 2^level). */
static const char *const ref_nodes[4][8] = {
    {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
    {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
    {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
    {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
};

/* The compact range (accumulator stack) of each size 1 .. 8, as node
** positions {level, index} into ref_nodes, largest subtree first. */
static const struct {
    int count;
    int node[3][2];
} ref_compact[9] = {
    {0, {{0, 0}}},
    {1, {{0, 0}}},
    {1, {{1, 0}}},
    {2, {{1, 0}, {0, 2}}},
    {1, {{2, 0}}},
    {2, {{2, 0}, {0, 4}}},
    {2, {{2, 0}, {1, 2}}},
    {3, {{2, 0}, {1, 2}, {0, 6}}},
    {1, {{3, 0}}},
};

typedef struct proof_vector {
    uint64_t a, b; /* (index, size) or (old size, new size) */
    size_t len;
    const char *hash[3];
} proof_vector;

/* Published inclusion proofs (the suites number leaves from 1: these are
** their {1,8}, {6,8}, {3,3}, {2,5} and {1,1}). */
static const proof_vector ref_inclusion[] = {
    {0, 1, 0, {NULL}},
    {0, 8, 3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5, 8, 3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1, 5, 3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

/* Published consistency proofs. */
static const proof_vector ref_consistency[] = {
    {1, 1, 0, {NULL}},
    {1, 8, 3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8, 3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 5, 2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6, 7, 3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

static void ref_leaf_hashes(fw_hash out[8])
{
    int i;
    for (i = 0; i < 8; i++)
        fw_merkle_leaf_hash(ref_leaves[i].bytes, ref_leaves[i].len, out[i]);
}

static void ref_root(uint64_t n, uint8_t out[32])
{
    unhex(ref_roots[n], out);
}

/* ---- tests of the reference tree --------------------------------------- */

static void test_empty_tree(void **state)
{
    uint8_t root[32];
    fw_merkle_acc acc;
    fw_hash one;
    (void)state;
    assert_int_equal(fw_merkle_root(NULL, 0, root), FW_OK);
    assert_hash_hex(root, EMPTY_ROOT);
    fw_merkle_acc_init(&acc);
    assert_int_equal(fw_merkle_acc_size(&acc), 0);
    fw_merkle_acc_root(&acc, root);
    assert_hash_hex(root, EMPTY_ROOT);
    /* Misuse is reported, not crashed on. */
    memset(one, 0, sizeof one);
    assert_int_equal(fw_merkle_root(NULL, 1, root), FW_ERR_USAGE);
    assert_int_equal(fw_merkle_root(&one, 1, NULL), FW_ERR_USAGE);
}

static void test_reference_node_hashes(void **state)
{
    fw_hash leaves[8];
    uint8_t h[32], l[32], r[32];
    int level, i;
    (void)state;
    ref_leaf_hashes(leaves);
    for (i = 0; i < 8; i++)
        assert_hash_hex(leaves[i], ref_nodes[0][i]);
    for (level = 1; level < 4; level++) {
        for (i = 0; i < 8 >> level; i++) {
            unhex(ref_nodes[level - 1][2 * i], l);
            unhex(ref_nodes[level - 1][2 * i + 1], r);
            fw_merkle_node_hash(l, r, h);
            assert_hash_hex(h, ref_nodes[level][i]);
            /* The output may overwrite either input. */
            fw_merkle_node_hash(l, r, l);
            assert_hash_hex(l, ref_nodes[level][i]);
            unhex(ref_nodes[level - 1][2 * i], l);
            fw_merkle_node_hash(l, r, r);
            assert_hash_hex(r, ref_nodes[level][i]);
        }
    }
}

static void test_reference_roots(void **state)
{
    fw_hash leaves[8];
    fw_merkle_acc acc;
    uint8_t root[32];
    uint64_t n;
    (void)state;
    ref_leaf_hashes(leaves);
    fw_merkle_acc_init(&acc);
    for (n = 0; n <= 8; n++) {
        assert_int_equal(fw_merkle_root(leaves, n, root), FW_OK);
        assert_hash_hex(root, ref_roots[n]);
        fw_merkle_acc_root(&acc, root);
        assert_hash_hex(root, ref_roots[n]);
        if (n < 8)
            assert_int_equal(fw_merkle_acc_push(&acc, leaves[n]), FW_OK);
    }
}

/* The accumulator's saved state is the published compact range. */
static void test_reference_compact_ranges(void **state)
{
    fw_hash leaves[8];
    fw_merkle_acc acc;
    uint8_t saved[FW_MERKLE_ACC_STATE_MAX];
    size_t len;
    int n, j;
    (void)state;
    ref_leaf_hashes(leaves);
    fw_merkle_acc_init(&acc);
    for (n = 1; n <= 8; n++) {
        fw_merkle_acc_push(&acc, leaves[n - 1]);
        len = fw_merkle_acc_save(&acc, saved);
        assert_int_equal(len, 8 + 32 * ref_compact[n].count);
        for (j = 0; j < 7; j++)
            assert_int_equal(saved[j], 0);
        assert_int_equal(saved[7], n);
        for (j = 0; j < ref_compact[n].count; j++)
            assert_hash_hex(saved + 8 + 32 * j,
                            ref_nodes[ref_compact[n].node[j][0]][ref_compact[n].node[j][1]]);
    }
}

/* The probes of the public suites for a good inclusion proof: each must fail. */
static void inclusion_probes(uint64_t index, uint64_t size, const uint8_t leaf[32],
                             const fw_hash *proof, size_t len, const uint8_t root[32])
{
    fw_hash bad[FW_MERKLE_MAX_PROOF + 1];
    uint8_t empty[32], other[32];
    size_t i;

    fw_sha256("", 0, empty);
    memset(other, 0xab, sizeof other);
    if (index > 0)
        assert_false(fw_merkle_verify_inclusion(index - 1, size, leaf, proof, len, root));
    assert_false(fw_merkle_verify_inclusion(index + 1, size, leaf, proof, len, root));
    assert_false(fw_merkle_verify_inclusion(index ^ 2, size, leaf, proof, len, root));
    assert_false(fw_merkle_verify_inclusion(index, size * 2, leaf, proof, len, root));
    assert_false(fw_merkle_verify_inclusion(index, size / 2, leaf, proof, len, root));
    assert_false(fw_merkle_verify_inclusion(index, size, other, proof, len, root));
    assert_false(fw_merkle_verify_inclusion(index, size, leaf, proof, len, empty));
    assert_false(fw_merkle_verify_inclusion(index, size, leaf, proof, len, other));
    /* A hash too many at the end, and at the front. */
    memcpy(bad, proof, len * 32);
    memcpy(bad[len], root, 32);
    assert_false(fw_merkle_verify_inclusion(index, size, leaf, bad, len + 1, root));
    memcpy(bad[0], root, 32);
    memcpy(bad + 1, proof, len * 32);
    assert_false(fw_merkle_verify_inclusion(index, size, leaf, bad, len + 1, root));
    /* One bit changed in each hash; one hash dropped. */
    for (i = 0; i < len; i++) {
        memcpy(bad, proof, len * 32);
        bad[i][0] ^= 8;
        assert_false(fw_merkle_verify_inclusion(index, size, leaf, bad, len, root));
    }
    if (len > 0)
        assert_false(fw_merkle_verify_inclusion(index, size, leaf, proof, len - 1, root));
}

static void test_reference_inclusion(void **state)
{
    fw_hash leaves[8], want[FW_MERKLE_MAX_PROOF], got[FW_MERKLE_MAX_PROOF];
    uint8_t root[32];
    size_t v, i, len;
    uint64_t idx;
    (void)state;
    ref_leaf_hashes(leaves);
    for (v = 0; v < sizeof ref_inclusion / sizeof ref_inclusion[0]; v++) {
        const proof_vector *t = &ref_inclusion[v];
        for (i = 0; i < t->len; i++)
            unhex(t->hash[i], want[i]);
        assert_int_equal(fw_merkle_inclusion_proof(leaves, t->b, t->a, got, &len), FW_OK);
        assert_int_equal(len, t->len);
        if (len)
            assert_memory_equal(got, want, len * 32);
        ref_root(t->b, root);
        assert_true(fw_merkle_verify_inclusion(t->a, t->b, leaves[t->a], want, t->len, root));
        inclusion_probes(t->a, t->b, leaves[t->a], want, t->len, root);
    }
    /* Every leaf of the 8-leaf tree: its path is the sibling at each level of
    ** the published node table. */
    ref_root(8, root);
    for (idx = 0; idx < 8; idx++) {
        for (i = 0; i < 3; i++)
            unhex(ref_nodes[i][(idx >> i) ^ 1], want[i]);
        assert_int_equal(fw_merkle_inclusion_proof(leaves, 8, idx, got, &len), FW_OK);
        assert_int_equal(len, 3);
        assert_memory_equal(got, want, 3 * 32);
        assert_true(fw_merkle_verify_inclusion(idx, 8, leaves[idx], got, len, root));
        inclusion_probes(idx, 8, leaves[idx], got, len, root);
    }
}

/* The probes of the public suites for a good consistency proof. */
static void consistency_probes(uint64_t m, uint64_t n, const uint8_t r1[32], const uint8_t r2[32],
                               const fw_hash *proof, size_t len)
{
    fw_hash bad[FW_MERKLE_MAX_PROOF + 1];
    uint8_t other[32];
    size_t i;

    memset(other, 0xab, sizeof other);
    assert_false(fw_merkle_verify_consistency(m - 1, n, r1, r2, proof, len));
    assert_false(fw_merkle_verify_consistency(m + 1, n, r1, r2, proof, len));
    assert_false(fw_merkle_verify_consistency(m ^ 2, n, r1, r2, proof, len));
    assert_false(fw_merkle_verify_consistency(m, n * 2, r1, r2, proof, len));
    assert_false(fw_merkle_verify_consistency(m, n / 2, r1, r2, proof, len));
    assert_false(fw_merkle_verify_consistency(m, n, other, r2, proof, len));
    assert_false(fw_merkle_verify_consistency(m, n, r1, other, proof, len));
    assert_false(fw_merkle_verify_consistency(m, n, r2, r1, proof, len));
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, proof, 0));
    /* A hash too many at the end (three kinds) and at the front (four). */
    memcpy(bad, proof, len * 32);
    memset(bad[len], 0, 32);
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, bad, len + 1));
    memcpy(bad[len], r1, 32);
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, bad, len + 1));
    memcpy(bad[len], r2, 32);
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, bad, len + 1));
    memcpy(bad + 1, proof, len * 32);
    memset(bad[0], 0, 32);
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, bad, len + 1));
    memcpy(bad[0], r1, 32);
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, bad, len + 1));
    memcpy(bad[0], r2, 32);
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, bad, len + 1));
    memcpy(bad[0], proof[0], 32);
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, bad, len + 1));
    /* One hash dropped; one bit changed in each hash. */
    assert_false(fw_merkle_verify_consistency(m, n, r1, r2, proof, len - 1));
    for (i = 0; i < len; i++) {
        memcpy(bad, proof, len * 32);
        bad[i][0] ^= 16;
        assert_false(fw_merkle_verify_consistency(m, n, r1, r2, bad, len));
    }
}

static void test_reference_consistency(void **state)
{
    fw_hash leaves[8], want[FW_MERKLE_MAX_PROOF], got[FW_MERKLE_MAX_PROOF];
    uint8_t r1[32], r2[32];
    size_t v, i, len;
    (void)state;
    ref_leaf_hashes(leaves);
    for (v = 0; v < sizeof ref_consistency / sizeof ref_consistency[0]; v++) {
        const proof_vector *t = &ref_consistency[v];
        for (i = 0; i < t->len; i++)
            unhex(t->hash[i], want[i]);
        assert_int_equal(fw_merkle_consistency_proof(leaves, t->b, t->a, got, &len), FW_OK);
        assert_int_equal(len, t->len);
        if (len)
            assert_memory_equal(got, want, len * 32);
        ref_root(t->a, r1);
        ref_root(t->b, r2);
        assert_true(fw_merkle_verify_consistency(t->a, t->b, r1, r2, want, t->len));
        if (t->len)
            consistency_probes(t->a, t->b, r1, r2, want, t->len);
    }
}

/* The edge cases the public suites probe, with this module's answers. */
static void test_verifier_edges(void **state)
{
    uint8_t h[32], empty[32], some[32], r1[32], r2[32];
    fw_hash one[1];
    (void)state;
    fw_merkle_leaf_hash("data", 4, h);
    fw_sha256("", 0, empty);
    memset(some, 0x5a, sizeof some);
    /* A one-leaf tree: the root is the leaf hash and the proof is empty. */
    assert_true(fw_merkle_verify_inclusion(0, 1, h, NULL, 0, h));
    assert_false(fw_merkle_verify_inclusion(0, 1, h, NULL, 0, empty));
    assert_false(fw_merkle_verify_inclusion(0, 1, empty, NULL, 0, h));
    /* Index out of range, or the empty tree. */
    assert_false(fw_merkle_verify_inclusion(0, 0, some, NULL, 0, empty));
    assert_false(fw_merkle_verify_inclusion(1, 0, some, NULL, 0, empty));
    assert_false(fw_merkle_verify_inclusion(1, 1, h, NULL, 0, h));
    assert_false(fw_merkle_verify_inclusion(2, 1, h, NULL, 0, h));
    assert_false(fw_merkle_verify_inclusion(UINT64_MAX, UINT64_MAX, h, NULL, 0, h));
    /* NULL pointers are a "no", not a crash. */
    assert_false(fw_merkle_verify_inclusion(0, 1, NULL, NULL, 0, h));
    assert_false(fw_merkle_verify_inclusion(0, 1, h, NULL, 0, NULL));
    assert_false(fw_merkle_verify_inclusion(0, 2, h, NULL, 1, h));

    memset(r1, 1, sizeof r1);
    memset(r2, 2, sizeof r2);
    memcpy(one[0], empty, 32);
    /* Same size: consistent exactly when the roots agree and the proof is empty. */
    assert_true(fw_merkle_verify_consistency(1, 1, r2, r2, NULL, 0));
    assert_false(fw_merkle_verify_consistency(1, 1, r1, r2, NULL, 0));
    assert_false(fw_merkle_verify_consistency(1, 1, empty, r2, NULL, 0));
    assert_false(fw_merkle_verify_consistency(1, 1, empty, empty, one, 1));
    /* Going back in time; a growing tree with no proof. */
    assert_false(fw_merkle_verify_consistency(1, 0, r1, r2, NULL, 0));
    assert_false(fw_merkle_verify_consistency(2, 1, r1, r2, NULL, 0));
    assert_false(fw_merkle_verify_consistency(1, 2, r1, r2, NULL, 0));
    /* An old size that is not a power of two needs its proof's first hash:
    ** with none there, nothing may be read. */
    assert_false(fw_merkle_verify_consistency(3, 4, r1, r2, NULL, 0));
    assert_false(fw_merkle_verify_consistency(5, 9, r1, r2, NULL, 0));
    /* Size 0 is outside the RFC's proofs and is refused whatever the proof. */
    assert_false(fw_merkle_verify_consistency(0, 0, empty, empty, NULL, 0));
    assert_false(fw_merkle_verify_consistency(0, 1, empty, r2, NULL, 0));
    assert_false(fw_merkle_verify_consistency(0, 1, empty, empty, one, 1));
    /* NULL pointers. */
    assert_false(fw_merkle_verify_consistency(1, 1, NULL, r1, NULL, 0));
    assert_false(fw_merkle_verify_consistency(1, 1, r1, NULL, NULL, 0));
    assert_false(fw_merkle_verify_consistency(1, 2, r1, r2, NULL, 1));
    /* Absurd sizes run out of proof, never out of bounds. */
    assert_false(fw_merkle_verify_consistency(3, UINT64_MAX, r1, r2, one, 1));
    assert_false(fw_merkle_verify_consistency(UINT64_MAX - 1, UINT64_MAX, r1, r2, one, 1));
}

static void test_generator_errors(void **state)
{
    fw_hash leaves[4], proof[FW_MERKLE_MAX_PROOF];
    size_t len;
    (void)state;
    random_leaves(leaves, 4, 7);
    len = 99;
    assert_int_equal(fw_merkle_inclusion_proof(leaves, 4, 4, proof, &len), FW_ERR_INVALID);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(fw_merkle_inclusion_proof(leaves, 0, 0, proof, &len), FW_ERR_INVALID);
    assert_int_equal(len, 0);
    assert_int_equal(fw_merkle_inclusion_proof(NULL, 4, 0, proof, &len), FW_ERR_USAGE);
    assert_int_equal(fw_merkle_inclusion_proof(leaves, 4, 0, NULL, &len), FW_ERR_USAGE);
    assert_int_equal(fw_merkle_inclusion_proof(leaves, 4, 0, proof, NULL), FW_ERR_USAGE);
    assert_int_equal(fw_merkle_inclusion_proof(leaves, UINT64_MAX, 0, proof, &len), FW_ERR_USAGE);
    len = 99;
    assert_int_equal(fw_merkle_consistency_proof(leaves, 4, 0, proof, &len), FW_ERR_INVALID);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(fw_merkle_consistency_proof(leaves, 4, 5, proof, &len), FW_ERR_INVALID);
    assert_int_equal(len, 0);
    assert_int_equal(fw_merkle_consistency_proof(leaves, 0, 0, proof, &len), FW_ERR_INVALID);
    assert_int_equal(fw_merkle_consistency_proof(NULL, 4, 2, proof, &len), FW_ERR_USAGE);
    assert_int_equal(fw_merkle_consistency_proof(leaves, 4, 2, NULL, &len), FW_ERR_USAGE);
    assert_int_equal(fw_merkle_consistency_proof(leaves, 4, 2, proof, NULL), FW_ERR_USAGE);
    len = 99;
    assert_int_equal(fw_merkle_consistency_proof(leaves, 4, 4, proof, &len), FW_OK);
    assert_int_equal(len, 0);
}

/* ---- properties over random trees -------------------------------------- */

#define PROP_MAX 64

/* Every leaf of every tree of 1 to 64 leaves: the proof is the oracle's,
** it verifies, and every change to it or to its claim makes it fail. */
static void test_inclusion_properties(void **state)
{
    fw_hash leaves[2 * PROP_MAX], proof[FW_MERKLE_MAX_PROOF], want[FW_MERKLE_MAX_PROOF],
        bad[FW_MERKLE_MAX_PROOF];
    uint8_t root[32], leaf[32], r[32];
    char shape[FW_MERKLE_MAX_PROOF], wshape[FW_MERKLE_MAX_PROOF];
    size_t len, wlen, slen, wslen, i, b;
    uint64_t n, idx, j, w;
    (void)state;
    random_leaves(leaves, 2 * PROP_MAX, 0x9E3779B97F4A7C15ull);
    for (n = 1; n <= PROP_MAX; n++) {
        ref_mth(leaves, n, root);
        for (idx = 0; idx < n; idx++) {
            assert_int_equal(fw_merkle_inclusion_proof(leaves, n, idx, proof, &len), FW_OK);
            wlen = 0;
            ref_path(idx, leaves, n, want, &wlen);
            assert_int_equal(len, wlen);
            if (len)
                assert_memory_equal(proof, want, len * 32);
            assert_true(fw_merkle_verify_inclusion(idx, n, leaves[idx], proof, len, root));

            /* Any single byte changed: in the proof, the leaf, the root. */
            for (i = 0; i < len; i++) {
                for (b = 0; b < 32; b++) {
                    memcpy(bad, proof, len * 32);
                    bad[i][b] ^= (uint8_t)(1u << (b % 8));
                    assert_false(fw_merkle_verify_inclusion(idx, n, leaves[idx], bad, len, root));
                }
            }
            for (b = 0; b < 32; b++) {
                memcpy(leaf, leaves[idx], 32);
                leaf[b] ^= 0x80;
                assert_false(fw_merkle_verify_inclusion(idx, n, leaf, proof, len, root));
                memcpy(r, root, 32);
                r[b] ^= 0x01;
                assert_false(fw_merkle_verify_inclusion(idx, n, leaves[idx], proof, len, r));
            }
            /* Another leaf's hash, or this leaf at any other index. */
            assert_false(fw_merkle_verify_inclusion(idx, n, leaves[idx + 1], proof, len, root));
            for (j = 0; j < n + 2; j++)
                if (j != idx)
                    assert_false(fw_merkle_verify_inclusion(j, n, leaves[idx], proof, len, root));
            /* Every truncation, and one hash too many. */
            for (i = 0; i < len; i++)
                assert_false(fw_merkle_verify_inclusion(idx, n, leaves[idx], proof, i, root));
            memcpy(bad, proof, len * 32);
            memcpy(bad[len], leaves[idx], 32);
            assert_false(fw_merkle_verify_inclusion(idx, n, leaves[idx], bad, len + 1, root));
            /* Another size, claimed with this root: the RFC's verifier binds
            ** the root and the path's shape, so it passes exactly when the
            ** other size's path to this index has the same shape (then the
            ** checkpoint's signed size is what tells the two apart).  Twice
            ** and half the size never do, as the public suites check.  (Every
            ** other claim: test_proofs_prove_only_their_claim.) */
            slen = 0;
            ref_shape(idx, n, shape, &slen);
            for (i = 0; i < 4; i++) {
                const uint64_t sizes[4] = {n - 1, n + 1, 2 * n, n / 2};
                bool same;
                w = sizes[i];
                if (w <= idx)
                    continue;
                wslen = 0;
                ref_shape(idx, w, wshape, &wslen);
                same = wslen == slen && memcmp(shape, wshape, slen) == 0;
                assert_int_equal(fw_merkle_verify_inclusion(idx, w, leaves[idx], proof, len, root),
                                 same);
                if (w == 2 * n || w == n / 2)
                    assert_false(same);
            }
            /* And against the true root of the next size up it fails. */
            ref_mth(leaves, n + 1, r);
            assert_false(fw_merkle_verify_inclusion(idx, n + 1, leaves[idx], proof, len, r));
        }
    }
}

/* Every pair of sizes 1 <= m <= n <= 64. */
static void test_consistency_properties(void **state)
{
    fw_hash leaves[PROP_MAX], proof[FW_MERKLE_MAX_PROOF], want[FW_MERKLE_MAX_PROOF],
        bad[FW_MERKLE_MAX_PROOF];
    uint8_t roots[PROP_MAX + 1][32], r[32];
    size_t len, wlen, i, b;
    uint64_t m, n, other;
    (void)state;
    random_leaves(leaves, PROP_MAX, 0xC0FFEE1234567ull);
    for (n = 0; n <= PROP_MAX; n++)
        ref_mth(leaves, n, roots[n]);
    for (n = 1; n <= PROP_MAX; n++) {
        for (m = 1; m <= n; m++) {
            assert_int_equal(fw_merkle_consistency_proof(leaves, n, m, proof, &len), FW_OK);
            wlen = 0;
            if (m < n)
                ref_subproof(m, leaves, n, true, want, &wlen);
            assert_int_equal(len, wlen);
            if (len)
                assert_memory_equal(proof, want, len * 32);
            assert_true(fw_merkle_verify_consistency(m, n, roots[m], roots[n], proof, len));
            if (m == n) {
                assert_int_equal(len, 0);
                memcpy(r, roots[n], 32);
                r[0] ^= 1;
                assert_false(fw_merkle_verify_consistency(m, n, r, roots[n], proof, 0));
                continue;
            }
            consistency_probes(m, n, roots[m], roots[n], proof, len);
            /* A byte changed in any hash of the proof (the first, the last
            ** and a random one; test_inclusion_properties tries them all),
            ** or in either root. */
            for (i = 0; i < len; i++) {
                const size_t at[3] = {0, 31, (size_t)(rnd() % 32)};
                for (b = 0; b < 3; b++) {
                    memcpy(bad, proof, len * 32);
                    bad[i][at[b]] ^= (uint8_t)(0x80u >> (at[b] % 8));
                    assert_false(
                        fw_merkle_verify_consistency(m, n, roots[m], roots[n], bad, len));
                }
            }
            for (b = 0; b < 32; b += 5) {
                memcpy(r, roots[m], 32);
                r[b] ^= 0x04;
                assert_false(fw_merkle_verify_consistency(m, n, r, roots[n], proof, len));
                memcpy(r, roots[n], 32);
                r[b] ^= 0x04;
                assert_false(fw_merkle_verify_consistency(m, n, roots[m], r, proof, len));
            }
            /* Any other tree's root as the old one. */
            for (other = 0; other <= PROP_MAX; other++)
                if (other != m)
                    assert_false(
                        fw_merkle_verify_consistency(m, n, roots[other], roots[n], proof, len));
            /* Every truncation. */
            for (i = 0; i < len; i++)
                assert_false(fw_merkle_verify_consistency(m, n, roots[m], roots[n], proof, i));
        }
    }
}

/*
** Which claims a proof supports.  An inclusion proof for (index, n) must
** verify, against that root, for exactly the (j, w) whose path has the same
** shape (where the verifier computes the same hashes); a consistency proof
** for (m, n) must verify against the true roots of (m2, n2) exactly when it
** is, hash for hash, the proof of (m2, n2).  This catches a verifier that
** lets a proof run past the top of the claimed tree.
*/
static void test_proofs_prove_only_their_claim(void **state)
{
    enum { N = 24, W = 32, P = 8 };
    static fw_hash other[W + 1][W + 1][P]; /* other[w][j]: PROOF(j, D[w]) */
    static size_t olen[W + 1][W + 1];
    fw_hash leaves[W], proof[FW_MERKLE_MAX_PROOF];
    uint8_t roots[W + 1][32];
    char shape[FW_MERKLE_MAX_PROOF], wshape[FW_MERKLE_MAX_PROOF];
    size_t len, slen, wslen;
    uint64_t n, idx, m, j, w;
    (void)state;
    random_leaves(leaves, W, 0xFEEDFACEull);
    for (n = 0; n <= W; n++)
        ref_mth(leaves, n, roots[n]);
    for (w = 1; w <= W; w++) {
        for (j = 1; j <= w; j++) {
            olen[w][j] = 0;
            ref_subproof(j, leaves, w, true, other[w][j], &olen[w][j]);
            assert_true(olen[w][j] <= P);
        }
    }
    for (n = 1; n <= N; n++) {
        for (idx = 0; idx < n; idx++) {
            fw_merkle_inclusion_proof(leaves, n, idx, proof, &len);
            slen = 0;
            ref_shape(idx, n, shape, &slen);
            for (w = 1; w <= W; w++) {
                for (j = 0; j < w; j++) {
                    bool same;
                    wslen = 0;
                    ref_shape(j, w, wshape, &wslen);
                    same = wslen == slen && memcmp(shape, wshape, slen) == 0;
                    assert_int_equal(
                        fw_merkle_verify_inclusion(j, w, leaves[idx], proof, len, roots[n]), same);
                }
            }
        }
        for (m = 1; m <= n; m++) {
            fw_merkle_consistency_proof(leaves, n, m, proof, &len);
            for (w = 1; w <= W; w++) {
                for (j = 1; j <= w; j++) {
                    bool same = olen[w][j] == len && memcmp(proof, other[w][j], len * 32) == 0;
                    assert_int_equal(
                        fw_merkle_verify_consistency(j, w, roots[j], roots[w], proof, len), same);
                }
            }
        }
    }
}

/* A forked log: the same old tree, a new tree whose old part was rewritten. */
static void test_consistency_detects_rewrite(void **state)
{
    fw_hash leaves[24], forked[24], proof[FW_MERKLE_MAX_PROOF];
    uint8_t r1[32], r2[32], f2[32];
    size_t len;
    uint64_t m, n, at;
    (void)state;
    random_leaves(leaves, 24, 99);
    for (n = 2; n <= 24; n++) {
        ref_mth(leaves, n, r2);
        for (m = 1; m < n; m++) {
            ref_mth(leaves, m, r1);
            for (at = 0; at < m; at++) {
                memcpy(forked, leaves, sizeof forked);
                forked[at][at % 32] ^= 0x10;
                ref_mth(forked, n, f2);
                /* The honest proof does not join the old root to the forked one,
                ** nor does a proof made from the forked log itself. */
                assert_int_equal(fw_merkle_consistency_proof(leaves, n, m, proof, &len), FW_OK);
                assert_true(fw_merkle_verify_consistency(m, n, r1, r2, proof, len));
                assert_false(fw_merkle_verify_consistency(m, n, r1, f2, proof, len));
                assert_int_equal(fw_merkle_consistency_proof(forked, n, m, proof, &len), FW_OK);
                assert_false(fw_merkle_verify_consistency(m, n, r1, f2, proof, len));
            }
        }
    }
}

static void test_accumulator(void **state)
{
    static fw_hash leaves[1000];
    fw_merkle_acc acc, copy;
    uint8_t a[32], b[32], saved[FW_MERKLE_ACC_STATE_MAX];
    size_t len = 0;
    uint64_t i;
    (void)state;
    random_leaves(leaves, 1000, 12345);
    fw_merkle_acc_init(&acc);
    for (i = 0; i < 1000; i++) {
        assert_int_equal(fw_merkle_acc_push(&acc, leaves[i]), FW_OK);
        assert_int_equal(fw_merkle_acc_size(&acc), i + 1);
        fw_merkle_acc_root(&acc, a);
        assert_int_equal(fw_merkle_root(leaves, i + 1, b), FW_OK);
        assert_memory_equal(a, b, 32);
        if (i < 100 || i % 37 == 0) { /* and the oracle agrees */
            ref_mth(leaves, i + 1, b);
            assert_memory_equal(a, b, 32);
        }
        /* Saved and restored, it gives the same root and keeps going. */
        len = fw_merkle_acc_save(&acc, saved);
        assert_int_equal(fw_merkle_acc_load(&copy, saved, len), FW_OK);
        assert_int_equal(fw_merkle_acc_size(&copy), i + 1);
        fw_merkle_acc_root(&copy, b);
        assert_memory_equal(a, b, 32);
        if (i + 1 < 1000) {
            fw_merkle_acc_push(&copy, leaves[i + 1]);
            fw_merkle_root(leaves, i + 2, a);
            fw_merkle_acc_root(&copy, b);
            assert_memory_equal(a, b, 32);
        }
    }
    /* Bad states are refused and leave the accumulator alone. */
    copy = acc;
    assert_int_equal(fw_merkle_acc_load(&copy, saved, len - 1), FW_ERR_INVALID);
    assert_int_equal(fw_merkle_acc_load(&copy, saved, len + 32), FW_ERR_INVALID);
    assert_int_equal(fw_merkle_acc_load(&copy, saved, 7), FW_ERR_INVALID);
    assert_int_equal(fw_merkle_acc_load(&copy, NULL, 0), FW_ERR_INVALID);
    assert_memory_equal(&copy, &acc, sizeof acc);
}

/* A full accumulator (2^64 - 1 leaves, 64 subtrees) refuses another leaf. */
static void test_accumulator_full(void **state)
{
    static uint8_t saved[FW_MERKLE_ACC_STATE_MAX];
    fw_merkle_acc acc, before;
    uint8_t h[32];
    (void)state;
    memset(saved, 0xff, 8);
    memset(saved + 8, 0x33, 64 * 32);
    assert_int_equal(fw_merkle_acc_load(&acc, saved, sizeof saved), FW_OK);
    assert_int_equal(fw_merkle_acc_size(&acc), UINT64_MAX);
    assert_int_equal(fw_merkle_acc_save(&acc, saved), sizeof saved);
    before = acc;
    memset(h, 0x44, sizeof h);
    assert_int_equal(fw_merkle_acc_push(&acc, h), FW_ERR_LIMIT);
    assert_memory_equal(&acc, &before, sizeof acc);
    /* One short of full still takes one more. */
    saved[7] = 0xfe;
    assert_int_equal(fw_merkle_acc_load(&acc, saved, 8 + 63 * 32), FW_OK);
    assert_int_equal(fw_merkle_acc_push(&acc, h), FW_OK);
    assert_int_equal(fw_merkle_acc_size(&acc), UINT64_MAX);
}

/* A tree big enough that a recursive or quadratic implementation would show:
** the root, proofs at the edges and in the middle, and consistency proofs. */
static void test_large_tree(void **state)
{
    const uint64_t n = 100003; /* not a power of two, 17 levels */
    const uint64_t idx[] = {0, 1, 65535, 65536, 99999, 100002};
    const uint64_t old[] = {1, 2, 32768, 65536, 65537, 100002};
    fw_hash *leaves = malloc(n * sizeof(fw_hash));
    fw_hash proof[FW_MERKLE_MAX_PROOF], want[FW_MERKLE_MAX_PROOF];
    fw_merkle_acc acc;
    uint8_t root[32], r[32], oldroot[32];
    size_t len, wlen, i;
    uint64_t j;
    (void)state;
    assert_non_null(leaves);
    rng_state = 42;
    fw_merkle_acc_init(&acc);
    for (j = 0; j < n; j++) {
        uint64_t v = rnd();
        fw_merkle_leaf_hash(&v, sizeof v, leaves[j]);
        fw_merkle_acc_push(&acc, leaves[j]);
    }
    assert_int_equal(fw_merkle_root(leaves, n, root), FW_OK);
    ref_mth(leaves, n, r);
    assert_memory_equal(root, r, 32);
    fw_merkle_acc_root(&acc, r);
    assert_memory_equal(root, r, 32);
    for (i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        assert_int_equal(fw_merkle_inclusion_proof(leaves, n, idx[i], proof, &len), FW_OK);
        wlen = 0;
        ref_path(idx[i], leaves, n, want, &wlen);
        assert_int_equal(len, wlen);
        assert_memory_equal(proof, want, len * 32);
        assert_true(fw_merkle_verify_inclusion(idx[i], n, leaves[idx[i]], proof, len, root));
    }
    for (i = 0; i < sizeof old / sizeof old[0]; i++) {
        assert_int_equal(fw_merkle_consistency_proof(leaves, n, old[i], proof, &len), FW_OK);
        assert_true(len <= FW_MERKLE_MAX_PROOF);
        fw_merkle_root(leaves, old[i], oldroot);
        assert_true(fw_merkle_verify_consistency(old[i], n, oldroot, root, proof, len));
        proof[len / 2][3] ^= 0x20;
        assert_false(fw_merkle_verify_consistency(old[i], n, oldroot, root, proof, len));
    }
    free(leaves);
}

/* A leaf hash is SHA-256(0x00 || leaf) on either side of the one-call fast path. */
static void test_leaf_hash_any_length(void **state)
{
    static uint8_t leaf[3000];
    static const uint8_t zero = 0x00;
    crypto_hash_sha256_state st;
    uint8_t got[32], want[32];
    size_t len;
    (void)state;
    for (len = 0; len < sizeof leaf; len++)
        leaf[len] = (uint8_t)(len * 29 + 3);
    for (len = 0; len <= sizeof leaf; len += len < 1000 || len > 1100 ? 37 : 1) {
        fw_merkle_leaf_hash(leaf, len, got);
        crypto_hash_sha256_init(&st);
        crypto_hash_sha256_update(&st, &zero, 1);
        crypto_hash_sha256_update(&st, leaf, len);
        crypto_hash_sha256_final(&st, want);
        assert_memory_equal(got, want, 32);
    }
}

/* Whether the tree's root and proofs at size n equal those from the leaf list. */
static void tree_matches_list(const fw_merkle_tree *t, const fw_hash *leaves, uint64_t n,
                              uint64_t index, uint64_t old)
{
    fw_hash got[FW_MERKLE_MAX_PROOF], want[FW_MERKLE_MAX_PROOF];
    uint8_t r1[32], r2[32];
    size_t glen, wlen;

    assert_int_equal(fw_merkle_tree_root(t, n, r1), FW_OK);
    assert_int_equal(fw_merkle_root(leaves, n, r2), FW_OK);
    assert_memory_equal(r1, r2, 32);
    if (index < n) {
        assert_int_equal(fw_merkle_tree_inclusion_proof(t, n, index, got, &glen), FW_OK);
        assert_int_equal(fw_merkle_inclusion_proof(leaves, n, index, want, &wlen), FW_OK);
        assert_int_equal(glen, wlen);
        assert_memory_equal(got, want, glen * 32);
    }
    if (old >= 1 && old <= n) {
        assert_int_equal(fw_merkle_tree_consistency_proof(t, n, old, got, &glen), FW_OK);
        assert_int_equal(fw_merkle_consistency_proof(leaves, n, old, want, &wlen), FW_OK);
        assert_int_equal(glen, wlen);
        assert_memory_equal(got, want, glen * 32);
    }
}

/* Every size up to 64 (four stored levels and the levels below them), every
** leaf and every older size, at every size the tree has grown to. */
static void test_tree_small(void **state)
{
    fw_hash leaves[64];
    fw_merkle_tree t;
    uint64_t size, n, i;
    (void)state;
    random_leaves(leaves, 64, 7);
    fw_merkle_tree_init(&t);
    for (size = 1; size <= 64; size++) {
        assert_int_equal(fw_merkle_tree_push(&t, leaves[size - 1]), FW_OK);
        assert_int_equal(t.size, size);
        for (n = 1; n <= size; n++)
            for (i = 0; i < n; i++)
                tree_matches_list(&t, leaves, n, i, i + 1);
    }
    fw_merkle_tree_release(&t);
    assert_int_equal(t.size, 0);
}

/* Random sizes, leaves and older sizes up to a few thousand leaves. */
static void test_tree_random(void **state)
{
    const uint64_t max = 5000;
    fw_hash *leaves = malloc(max * sizeof(fw_hash));
    fw_merkle_tree t;
    uint8_t r[32];
    uint64_t j;
    int trial;
    (void)state;
    assert_non_null(leaves);
    random_leaves(leaves, max, 99);
    fw_merkle_tree_init(&t);
    for (j = 0; j < max; j++)
        assert_int_equal(fw_merkle_tree_push(&t, leaves[j]), FW_OK);
    /* 36 bytes a leaf, and at most half as much again of slack. */
    assert_true(fw_merkle_tree_bytes(&t) >= max * 36);
    assert_true(fw_merkle_tree_bytes(&t) <= max * 36 * 3 / 2 + 64 * 32 * FW_MERKLE_ACC_MAX);
    rng_state = 12345;
    for (trial = 0; trial < 3000; trial++) {
        uint64_t n = 1 + rnd() % max;
        tree_matches_list(&t, leaves, n, rnd() % n, 1 + rnd() % n);
    }
    tree_matches_list(&t, leaves, max, max - 1, max);
    tree_matches_list(&t, leaves, 4096, 4095, 2048);
    /* Sizes beyond the tree are refused, not read past its end. */
    assert_int_equal(fw_merkle_tree_root(&t, max + 1, r), FW_ERR_USAGE);
    {
        fw_hash p[FW_MERKLE_MAX_PROOF];
        size_t len = 7;
        assert_int_equal(fw_merkle_tree_inclusion_proof(&t, max + 1, 0, p, &len), FW_ERR_USAGE);
        assert_int_equal(len, 0);
        assert_int_equal(fw_merkle_tree_inclusion_proof(&t, 10, 10, p, &len), FW_ERR_INVALID);
        assert_int_equal(fw_merkle_tree_consistency_proof(&t, 10, 0, p, &len), FW_ERR_INVALID);
        assert_int_equal(fw_merkle_tree_consistency_proof(&t, 10, 11, p, &len), FW_ERR_INVALID);
    }
    fw_merkle_tree_release(&t);
    free(leaves);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaf_hash_any_length),
        cmocka_unit_test(test_empty_tree),
        cmocka_unit_test(test_reference_node_hashes),
        cmocka_unit_test(test_reference_roots),
        cmocka_unit_test(test_reference_compact_ranges),
        cmocka_unit_test(test_reference_inclusion),
        cmocka_unit_test(test_reference_consistency),
        cmocka_unit_test(test_verifier_edges),
        cmocka_unit_test(test_generator_errors),
        cmocka_unit_test(test_inclusion_properties),
        cmocka_unit_test(test_consistency_properties),
        cmocka_unit_test(test_proofs_prove_only_their_claim),
        cmocka_unit_test(test_consistency_detects_rewrite),
        cmocka_unit_test(test_accumulator),
        cmocka_unit_test(test_accumulator_full),
        cmocka_unit_test(test_large_tree),
        cmocka_unit_test(test_tree_small),
        cmocka_unit_test(test_tree_random),
    };
    return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
