/*
** Fuzz target for the Merkle tree (lib/log/merkle.c).  The input is read as
**
**   byte  0        t: the tree built in part 2 has 1 + t % 64 leaves
**   bytes 1..8     old size, big-endian (missing bytes read as 0)
**   bytes 9..16    new size
**   bytes 17..24   leaf index
**   bytes 25..56   hash A: a leaf hash, or an old root
**   bytes 57..88   hash B: a root, or a new root
**   bytes 89..     proof hashes, 32 bytes each, at most 70
**
** Part 1 hands those values, as they are and cut down to small sizes, to
** both verifiers, which must return without crashing whatever they get.
** Part 2 cuts the whole input into the leaves of a small tree and checks
** that generated proofs verify, that changed ones do not, that the
** accumulator agrees with the tree hash, and that the input's own proof
** bytes verify for a claim only if they are exactly the genuine proof
** (anything else would be a SHA-256 collision, or a verifier bug).
**
** Built with libFuzzer by `make fuzz`, and with replay.c for `make test`.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log/merkle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LEAVES 64
#define MAX_INPUT_PROOF 70
#define PROOF_AT 89

/* 8 bytes big-endian at off, zeros past the end of the input. */
static uint64_t read_u64(const uint8_t *data, size_t size, size_t off)
{
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < 8; i++)
        v = v << 8 | (off + i < size ? data[off + i] : 0);
    return v;
}

/* 32 bytes at off, zero-filled past the end of the input. */
static void read_hash(const uint8_t *data, size_t size, size_t off, uint8_t out[32])
{
    size_t i;
    for (i = 0; i < 32; i++)
        out[i] = off + i < size ? data[off + i] : 0;
}

static void check_verifiers_survive(uint64_t old_size, uint64_t new_size, uint64_t index,
                                    const uint8_t a[32], const uint8_t b[32],
                                    const fw_hash *proof, size_t len)
{
    /* Results are unchecked: any answer is fine, a crash is not. */
    (void)fw_merkle_verify_inclusion(index, new_size, a, proof, len, b);
    (void)fw_merkle_verify_inclusion(index, old_size, a, proof, len, b);
    (void)fw_merkle_verify_consistency(old_size, new_size, a, b, proof, len);
    (void)fw_merkle_verify_consistency(new_size, old_size, a, b, proof, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_hash leaves[MAX_LEAVES], input_proof[MAX_INPUT_PROOF];
    fw_hash proof[FW_MERKLE_MAX_PROOF], bad[FW_MERKLE_MAX_PROOF];
    uint8_t a[32], b[32], root[32], old_root[32], r[32];
    uint64_t old_size, new_size, index, n, m, i;
    size_t input_len = 0, len;
    fw_merkle_acc acc;

    old_size = read_u64(data, size, 1);
    new_size = read_u64(data, size, 9);
    index = read_u64(data, size, 17);
    read_hash(data, size, 25, a);
    read_hash(data, size, 57, b);
    if (size > PROOF_AT) {
        input_len = (size - PROOF_AT) / 32;
        if (input_len > MAX_INPUT_PROOF)
            input_len = MAX_INPUT_PROOF;
        memcpy(input_proof, data + PROOF_AT, input_len * 32);
    }

    /* Part 1: the verifiers on raw values, and on sizes that could be real. */
    check_verifiers_survive(old_size, new_size, index, a, b, input_proof, input_len);
    check_verifiers_survive(old_size % 1024, new_size % 1024, index % 1024, a, b, input_proof,
                            input_len);
    check_verifiers_survive(old_size, new_size, index, a, b, NULL, 0);

    /* Part 2: a tree of n leaves cut from the input (some may be empty). */
    n = 1 + (size > 0 ? data[0] : 0) % MAX_LEAVES;
    fw_merkle_acc_init(&acc);
    for (i = 0; i < n; i++) {
        size_t from = (size_t)(i * size / n), to = (size_t)((i + 1) * size / n);
        fw_merkle_leaf_hash(data + from, to - from, leaves[i]);
        if (fw_merkle_acc_push(&acc, leaves[i]) != FW_OK)
            abort();
    }
    if (fw_merkle_root(leaves, n, root) != FW_OK)
        abort();
    fw_merkle_acc_root(&acc, r);
    if (memcmp(r, root, 32) != 0)
        abort(); /* the accumulator and the tree hash disagree */

    /* Inclusion of one leaf. */
    index %= n;
    if (fw_merkle_inclusion_proof(leaves, n, index, proof, &len) != FW_OK || len > 6)
        abort();
    if (!fw_merkle_verify_inclusion(index, n, leaves[index], proof, len, root))
        abort(); /* a genuine proof failed */
    if (len > 0) {
        if (fw_merkle_verify_inclusion(index, n, leaves[index], proof, len - 1, root))
            abort(); /* a truncated proof passed */
        memcpy(bad, proof, len * 32);
        bad[a[0] % len][a[1] % 32] ^= (uint8_t)(1u << (a[2] % 8));
        if (fw_merkle_verify_inclusion(index, n, leaves[index], bad, len, root))
            abort(); /* a changed proof passed */
    }
    if (fw_merkle_verify_inclusion(index, n, leaves[index], input_proof, input_len, root) &&
        (input_len != len || memcmp(input_proof, proof, len * 32) != 0))
        abort(); /* a forged proof passed */

    /* Consistency of a prefix. */
    m = 1 + old_size % n;
    fw_merkle_root(leaves, m, old_root);
    if (fw_merkle_consistency_proof(leaves, n, m, proof, &len) != FW_OK || len > 7)
        abort();
    if (!fw_merkle_verify_consistency(m, n, old_root, root, proof, len))
        abort(); /* a genuine proof failed */
    memcpy(r, old_root, 32);
    r[b[0] % 32] ^= (uint8_t)(1u << (b[1] % 8));
    if (fw_merkle_verify_consistency(m, n, r, root, proof, len))
        abort(); /* a changed old root passed */
    if (len > 0) {
        memcpy(bad, proof, len * 32);
        bad[b[2] % len][b[3] % 32] ^= (uint8_t)(1u << (b[4] % 8));
        if (fw_merkle_verify_consistency(m, n, old_root, root, bad, len))
            abort(); /* a changed proof passed */
    }
    if (fw_merkle_verify_consistency(m, n, old_root, root, input_proof, input_len) &&
        (input_len != len || memcmp(input_proof, proof, len * 32) != 0))
        abort(); /* a forged proof passed */
    return 0;
}
