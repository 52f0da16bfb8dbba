/*
** Unit tests of the RFC 9162 Merkle tree: the published reference tree of
** RFC 6962's test data (roots of 1 to 8 leaves, a known inclusion proof), and
** properties over random trees: every inclusion proof verifies and every
** altered one fails; consistency between every pair of sizes up to 64.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "forcewatch.h"
#include "merkle.h"

static const struct { const char *bytes; size_t len; } ref_leaves[8] = {
    {"", 0},
    {"\x00", 1},
    {"\x10", 1},
    {"\x20\x21", 2},
    {"\x30\x31", 2},
    {"\x40\x41\x42\x43", 4},
    {"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
    {"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
};

static const char *const ref_roots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void hex_of(const uint8_t h[32], char out[65])
{
    fw_hex(h, 32, out);
}

static void ref_hashes(fw_hash *out)
{
    int i;
    for (i = 0; i < 8; i++)
        fw_merkle_leaf_hash(ref_leaves[i].bytes, ref_leaves[i].len, out[i]);
}

static void test_empty_tree(void **state)
{
    uint8_t root[32];
    char hex[65];
    fw_merkle_acc acc;
    (void)state;
    fw_merkle_root(NULL, 0, root);
    hex_of(root, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    fw_merkle_acc_init(&acc);
    fw_merkle_acc_root(&acc, root);
    hex_of(root, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_reference_roots(void **state)
{
    fw_hash leaves[8];
    uint8_t root[32];
    char hex[65];
    int n;
    (void)state;
    ref_hashes(leaves);
    for (n = 1; n <= 8; n++) {
        fw_merkle_root(leaves, (uint64_t)n, root);
        hex_of(root, hex);
        assert_string_equal(hex, ref_roots[n - 1]);
    }
}

static void test_reference_inclusion(void **state)
{
    static const char *const want[3] = {
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    };
    fw_hash leaves[8], proof[FW_MERKLE_MAX_PROOF];
    uint8_t root[32];
    size_t len, i;
    char hex[65];
    (void)state;
    ref_hashes(leaves);
    fw_merkle_root(leaves, 8, root);
    assert_int_equal(fw_merkle_inclusion_proof(leaves, 8, 0, proof, &len), FW_OK);
    assert_int_equal(len, 3);
    for (i = 0; i < 3; i++) {
        hex_of(proof[i], hex);
        assert_string_equal(hex, want[i]);
    }
    assert_true(fw_merkle_verify_inclusion(0, 8, leaves[0], proof, len, root));
    assert_int_equal(fw_merkle_inclusion_proof(leaves, 1, 0, proof, &len), FW_OK);
    assert_int_equal(len, 0);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_inclusion_properties(void **state)
{
    fw_hash leaves[64], proof[FW_MERKLE_MAX_PROOF], bad[FW_MERKLE_MAX_PROOF];
    uint8_t root[32];
    size_t len;
    uint64_t n, i;
    (void)state;
    for (i = 0; i < 64; i++) {
        uint64_t r = next_rand();
        fw_merkle_leaf_hash(&r, sizeof r, leaves[i]);
    }
    for (n = 1; n <= 64; n++) {
        fw_merkle_root(leaves, n, root);
        for (i = 0; i < n; i++) {
            assert_int_equal(fw_merkle_inclusion_proof(leaves, n, i, proof, &len), FW_OK);
            assert_true(fw_merkle_verify_inclusion(i, n, leaves[i], proof, len, root));
            assert_false(fw_merkle_verify_inclusion(i, n, leaves[(i + 1) % 64], proof, len, root));
            if (n > 1)
                assert_false(fw_merkle_verify_inclusion((i + 1) % n, n, leaves[i], proof, len, root));
            if (n < 64) { /* the proof does not hold against the next tree's root */
                uint8_t next_root[32];
                fw_merkle_root(leaves, n + 1, next_root);
                assert_false(fw_merkle_verify_inclusion(i, n + 1, leaves[i], proof, len, next_root));
            }
            if (len) {
                memcpy(bad, proof, len * 32);
                bad[next_rand() % len][next_rand() % 32] ^= 1;
                assert_false(fw_merkle_verify_inclusion(i, n, leaves[i], bad, len, root));
                assert_false(fw_merkle_verify_inclusion(i, n, leaves[i], proof, len - 1, root));
            }
        }
        assert_int_equal(fw_merkle_inclusion_proof(leaves, n, n, proof, &len), FW_ERR_INVALID);
    }
}

static void test_consistency_properties(void **state)
{
    fw_hash leaves[64], proof[FW_MERKLE_MAX_PROOF];
    uint8_t r1[32], r2[32];
    size_t len;
    uint64_t m, n, i;
    (void)state;
    for (i = 0; i < 64; i++) {
        uint64_t r = next_rand();
        fw_merkle_leaf_hash(&r, sizeof r, leaves[i]);
    }
    for (n = 1; n <= 64; n++) {
        fw_merkle_root(leaves, n, r2);
        for (m = 1; m <= n; m++) {
            fw_merkle_root(leaves, m, r1);
            assert_int_equal(fw_merkle_consistency_proof(leaves, n, m, proof, &len), FW_OK);
            assert_true(fw_merkle_verify_consistency(m, n, r1, r2, proof, len));
            if (m < n) {
                uint8_t wrong[32];
                memcpy(wrong, r1, 32);
                wrong[0] ^= 1;
                assert_false(fw_merkle_verify_consistency(m, n, wrong, r2, proof, len));
                assert_false(fw_merkle_verify_consistency(m, n, r1, wrong, proof, len));
                proof[next_rand() % len][next_rand() % 32] ^= 0x80;
                assert_false(fw_merkle_verify_consistency(m, n, r1, r2, proof, len));
            }
        }
    }
    assert_int_equal(fw_merkle_consistency_proof(leaves, 4, 5, proof, &len), FW_ERR_INVALID);
    assert_false(fw_merkle_verify_consistency(0, 4, r1, r2, proof, 0));
}

static void test_accumulator(void **state)
{
    static fw_hash leaves[1000];
    fw_merkle_acc acc, copy;
    uint8_t a[32], b[32], saved[8 + 64 * 32];
    size_t len;
    uint64_t i;
    (void)state;
    fw_merkle_acc_init(&acc);
    for (i = 0; i < 1000; i++) {
        fw_merkle_leaf_hash(&i, sizeof i, leaves[i]);
        fw_merkle_acc_push(&acc, leaves[i]);
        fw_merkle_acc_root(&acc, a);
        fw_merkle_root(leaves, i + 1, b);
        assert_memory_equal(a, b, 32);
        len = fw_merkle_acc_save(&acc, saved);
        assert_int_equal(fw_merkle_acc_load(&copy, saved, len), FW_OK);
        fw_merkle_acc_root(&copy, b);
        assert_memory_equal(a, b, 32);
    }
    assert_int_equal(fw_merkle_acc_size(&acc), 1000);
    assert_int_equal(fw_merkle_acc_load(&copy, saved, len - 1), FW_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_tree),
        cmocka_unit_test(test_reference_roots),
        cmocka_unit_test(test_reference_inclusion),
        cmocka_unit_test(test_inclusion_properties),
        cmocka_unit_test(test_consistency_properties),
        cmocka_unit_test(test_accumulator),
    };
    return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
