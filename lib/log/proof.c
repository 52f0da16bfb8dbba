/*
** Inclusion and consistency proofs over the whole log of a store, the
** range rules that decide whether a proof exists, and their text form
** (base64 hashes, as RFC 9162 tools print them).
*/
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "log/proof.h"
#include "log/verify.h"

#include "base/banned.h"

fw_rc fw_log_prove_inclusion(fw_store *s, uint64_t seq, const uint64_t *size, fw_log_proof *p,
                             fw_error *err)
{
    fw_hash *hashes = NULL;
    uint64_t n = 0, y;
    int64_t cksize;
    fw_rc rc;

    memset(p, 0, sizeof *p);
    p->inclusion = true;
    if ((rc = fw_log_hashes(s, &hashes, &n, err)) != FW_OK)
        goto done;
    if (size)
        y = *size;
    else if (fw_store_checkpoint(s, &cksize, NULL, NULL) == FW_OK)
        y = (uint64_t)cksize;
    else
        y = n;
    if (y > n || seq >= y) {
        rc = fw_error_set(err, FW_ERR_NOTFOUND, "no leaf %llu in a tree of size %llu (the log "
                          "has %llu)", (unsigned long long)seq, (unsigned long long)y,
                          (unsigned long long)n);
        goto done;
    }
    p->first = seq;
    p->second = y;
    if ((rc = fw_merkle_inclusion_proof(hashes, y, seq, p->path, &p->len)) != FW_OK ||
        (rc = fw_merkle_root(hashes, y, p->root1)) != FW_OK) {
        fw_error_set(err, rc, "cannot compute the proof: %s", fw_strerror(rc));
        goto done;
    }
    memcpy(p->leaf, hashes[seq], 32);
done:
    free(hashes);
    return rc;
}

fw_rc fw_log_prove_consistency(fw_store *s, uint64_t old, uint64_t new_size, fw_log_proof *p,
                               fw_error *err)
{
    fw_hash *hashes = NULL;
    uint64_t n = 0;
    fw_rc rc;

    memset(p, 0, sizeof *p);
    if ((rc = fw_log_hashes(s, &hashes, &n, err)) != FW_OK)
        goto done;
    if (old == 0 || old > new_size || new_size > n) {
        rc = fw_error_set(err, FW_ERR_INVALID, "need 0 < OLD <= NEW <= %llu",
                          (unsigned long long)n);
        goto done;
    }
    p->first = old;
    p->second = new_size;
    if ((rc = fw_merkle_consistency_proof(hashes, new_size, old, p->path, &p->len)) != FW_OK ||
        (rc = fw_merkle_root(hashes, old, p->root1)) != FW_OK ||
        (rc = fw_merkle_root(hashes, new_size, p->root2)) != FW_OK)
        fw_error_set(err, rc, "cannot compute the proof: %s", fw_strerror(rc));
done:
    free(hashes);
    return rc;
}

static const char *b64(const uint8_t h[32], char out[64])
{
    sodium_bin2base64(out, 64, h, 32, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

fw_rc fw_log_proof_text(const fw_log_proof *p, fw_buf *out)
{
    char e1[64], e2[64];
    size_t i;

    if (p->inclusion)
        fw_buf_printf(out, "leaf_index %llu\ntree_size %llu\nleaf_hash %s\nroot_hash %s\n",
                      (unsigned long long)p->first, (unsigned long long)p->second,
                      b64(p->leaf, e1), b64(p->root1, e2));
    else
        fw_buf_printf(out, "old_size %llu\nnew_size %llu\nold_root %s\nnew_root %s\n",
                      (unsigned long long)p->first, (unsigned long long)p->second,
                      b64(p->root1, e1), b64(p->root2, e2));
    for (i = 0; i < p->len; i++)
        fw_buf_printf(out, "proof %s\n", b64(p->path[i], e1));
    return fw_buf_error(out);
}
