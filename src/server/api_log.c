/*
** API handlers for the record log: the latest signed checkpoint, inclusion
** and consistency proofs, and checking a saved checkpoint or an export's
** stamp against today's log.
*/
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "api_int.h"
#include "data/export.h"
#include "log/log_cache.h"
#include "log/merkle.h"
#include "log/verify.h"
#include "base/banned.h"

void api_checkpoint(request *r)
{
    fw_store *st = r->store;
    int64_t size;
    fw_error err;
    if (fw_store_checkpoint(st, &size, &r->text, &err) != FW_OK) {
        reply_error(r, 404, "not_found", NULL, "the log has no checkpoint yet");
    } else {
        r->status = 200;
        r->content_type = "text/plain; charset=utf-8";
    }
}

static json_t *b64(const uint8_t h[32])
{
    char s[64];
    sodium_bin2base64(s, sizeof s, h, 32, sodium_base64_VARIANT_ORIGINAL);
    return json_string(s);
}

/*
** Proofs come from the server's cached tree (lib/log/log_cache.h), never for a
** size beyond the latest signed checkpoint: that is the default size, and
** a larger one is not found.
*/
static void proof(request *r, bool inclusion)
{
    fw_log_cache *cache = server_log_cache(r);
    const fw_merkle_tree *t = NULL;
    fw_store *st;
    fw_hash path[FW_MERKLE_MAX_PROOF];
    uint64_t ck = 0, a = 0, b = 0;
    size_t len, i;
    uint8_t r1[32], r2[32];
    bool reading = false;
    fw_error err;
    fw_rc rc;
    json_t *arr;

    if (!server_log_admit(r))
        return;
    if (inclusion ? !u64_arg(r, "seq", &a, true) : !u64_arg(r, "old", &a, true))
        return;
    st = r->store;
    if ((rc = fw_store_begin_read(st, &err)) == FW_OK) {
        reading = true;
        rc = fw_log_cache_acquire(cache, st, &t, &ck, &err);
    }
    if (rc == FW_ERR_NOTFOUND) {
        reply_error(r, 404, "not_found", NULL, "the log has no signed checkpoint yet");
        goto done;
    }
    if (rc) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto done;
    }
    b = ck;
    if (inclusion) {
        if (!u64_arg(r, "size", &b, false))
            goto done;
        if (b > ck || a >= b) {
            reply_error(r, 404, "not_found", "seq",
                        "no leaf %llu in a signed tree of size %llu (the latest is %llu)",
                        (unsigned long long)a, (unsigned long long)b, (unsigned long long)ck);
            goto done;
        }
        fw_merkle_tree_inclusion_proof(t, b, a, path, &len);
        fw_merkle_tree_root(t, b, r1);
        arr = json_array();
        for (i = 0; i < len; i++)
            json_array_append_new(arr, b64(path[i]));
        reply_json(r, 200, json_pack("{s:I, s:I, s:o, s:o, s:o}", "leaf_index", (json_int_t)a,
                                     "tree_size", (json_int_t)b, "leaf_hash", b64(t->level[0][a]),
                                     "root_hash", b64(r1), "proof", arr));
    } else {
        if (!u64_arg(r, "new", &b, false))
            goto done;
        if (a == 0 || a > b || b > ck) {
            reply_error(r, 400, "invalid", "old", "need 0 < old <= new <= %llu (the latest "
                        "signed checkpoint)", (unsigned long long)ck);
            goto done;
        }
        fw_merkle_tree_consistency_proof(t, b, a, path, &len);
        fw_merkle_tree_root(t, a, r1);
        fw_merkle_tree_root(t, b, r2);
        arr = json_array();
        for (i = 0; i < len; i++)
            json_array_append_new(arr, b64(path[i]));
        reply_json(r, 200, json_pack("{s:I, s:I, s:o, s:o, s:o}", "old_size", (json_int_t)a,
                                     "new_size", (json_int_t)b, "old_root", b64(r1), "new_root",
                                     b64(r2), "proof", arr));
    }
done:
    if (t)
        fw_log_cache_release(cache);
    if (reading)
        fw_store_end_read(st);
}

void api_inclusion_proof(request *r)
{
    proof(r, true);
}

void api_consistency_proof(request *r)
{
    proof(r, false);
}

#define MAX_CHECKPOINT_BODY 16384

/* Whether a saved checkpoint (or an export's stamp) is a prefix of today's log. */
void api_verify_log(request *r)
{
    fw_export_stamp *stamp = NULL;
    fw_checkpoint_check cc;
    const char *note = r->body.data;
    size_t len = r->body.len;
    fw_store *st;
    bool log_fault = false;
    fw_error err;
    fw_rc rc;

    if (!server_log_admit(r))
        return;
    if (len == 0) {
        reply_error(r, 400, "invalid", "body", "expected a signed checkpoint note or an export's "
                                               "stamp as the body");
        return;
    }
    if (len > MAX_CHECKPOINT_BODY) {
        reply_error(r, 413, "too_large", "body", "a checkpoint or stamp is at most %d bytes",
                    MAX_CHECKPOINT_BODY);
        return;
    }
    if (fw_utf8_check(note, len) < len) {
        reply_error(r, 400, "invalid", "body", "invalid UTF-8");
        return;
    }
    if (note[0] == '{' || (len > 2 && note[0] == '#' && note[1] == ' ')) {
        stamp = fw_arena_alloc(&r->arena, sizeof *stamp);   /* freed with the request */
        if (!stamp) {
            reply_error(r, 503, "busy", NULL, "out of memory");
            return;
        }
        if (fw_export_stamp_parse(note, len, stamp, &err) != FW_OK) {
            reply_error(r, 400, "invalid", "body", "%s", err.msg);
            return;
        }
        note = stamp->note;
        len = stamp->note_len;
    }
    st = r->store;
    if ((rc = fw_store_begin_read(st, &err)) == FW_OK) {
        const fw_merkle_tree *t;
        uint64_t ck;
        rc = fw_log_cache_acquire(server_log_cache(r), st, &t, &ck, &err);
        if (rc == FW_OK) {
            rc = fw_verify_checkpoint_tree(st, NULL, note, len, t, &cc, &err);
            fw_log_cache_release(server_log_cache(r));
        } else if (rc != FW_ERR_NOTFOUND) {
            log_fault = true;
        } else {
            /* No checkpoint today: fw_verify_checkpoint_tree says so, needing no tree. */
            fw_merkle_tree empty;
            fw_merkle_tree_init(&empty);
            rc = fw_verify_checkpoint_tree(st, NULL, note, len, &empty, &cc, &err);
        }
        fw_store_end_read(st);
    }
    if (log_fault) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else if (rc == FW_ERR_INVALID) {
        reply_error(r, 400, "invalid", "body", "%s", err.msg);
    } else if (rc) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else {
        if (stamp && cc.consistent && fw_export_stamp_check(stamp, NULL) != FW_OK) {
            char b64root[64];
            sodium_bin2base64(b64root, sizeof b64root, stamp->root, 32,
                              sodium_base64_VARIANT_ORIGINAL);
            cc.consistent = false;
            snprintf(cc.reason, sizeof cc.reason,
                     "the stamp's size or root (%s) is not its signed checkpoint's", b64root);
        }
        reply_json(r, 200, json_pack("{s:b, s:I, s:I, s:s}", "consistent", cc.consistent, "size",
                                     (json_int_t)cc.size, "current_size",
                                     (json_int_t)cc.current_size, "reason", cc.reason));
    }
}
