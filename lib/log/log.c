/*
** The record log's writer (see log.h): leaves, the accumulator kept over a
** write session, and the signed checkpoint stored at its end.  Everything
** it reads or writes goes through the fw_log_io it was given.
*/
#include "log/log.h"

#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "record/canon.h"
#include "base/banned.h"

void fw_log_init(fw_log *log, const fw_log_io *io, const fw_note_signer *signer)
{
    memset(log, 0, sizeof *log);
    log->io = *io;
    log->signer = signer;
}

static int push_leaf(void *arg, int64_t seq, const void *leaf, size_t len)
{
    fw_log *log = arg;
    uint8_t h[32];
    if ((uint64_t)seq != log->acc.size)
        return 1; /* a gap: verify will say where */
    fw_merkle_leaf_hash(leaf, len, h);
    fw_merkle_acc_push(&log->acc, h);
    return 0;
}

/* The tree as of the latest checkpoint, brought up to the log's size. */
static fw_rc load_tree(fw_log *log, fw_error *err)
{
    fw_buf state;
    fw_rc rc;

    fw_buf_init(&state, 1 << 16);
    fw_merkle_acc_init(&log->acc);
    log->checkpointed = 0;
    rc = log->io.checkpoint_latest(log->io.arg, &log->checkpointed, NULL, &state, err);
    if (rc == FW_ERR_NOTFOUND) {
        log->checkpointed = 0;
        rc = FW_OK;
    } else if (!rc && fw_merkle_acc_load(&log->acc, (const uint8_t *)state.data, state.len)) {
        rc = fw_error_set(err, FW_ERR_STORE, "the latest checkpoint's tree state is corrupt");
    }
    fw_buf_release(&state);
    if (!rc && (int64_t)log->acc.size < log->next_seq)
        rc = log->io.scan(log->io.arg, (int64_t)log->acc.size, push_leaf, log, err);
    if (!rc && (int64_t)log->acc.size != log->next_seq)
        rc = fw_error_set(err, FW_ERR_STORE,
                          "the record log has a gap at %llu: run 'forcewatch verify'",
                          (unsigned long long)log->acc.size);
    log->tree = rc == FW_OK;
    return rc;
}

fw_rc fw_log_begin(fw_log *log, fw_error *err)
{
    fw_rc rc;

    log->open = false;
    log->tree = false;
    rc = log->io.size(log->io.arg, &log->next_seq, err);
    if (!rc && log->signer)
        rc = load_tree(log, err);
    if (!rc)
        log->open = true;
    return rc;
}

int64_t fw_log_next_seq(const fw_log *log)
{
    return log->next_seq;
}

fw_rc fw_log_append(fw_log *log, const char *time, const char *actor, const char *type,
                    const char *id, int64_t version, const char *sha256, int64_t *seq,
                    fw_error *err)
{
    double t0 = fw_clock_monotonic();
    fw_buf leaf;
    fw_rc rc;

    if (!log->open)
        return fw_error_set(err, FW_ERR_USAGE, "the record log is not open for writing");
    fw_buf_init(&leaf, FW_BUF_UNLIMITED);
    if (fw_log_leaf(log->next_seq, time, actor, type, id, version, sha256, &leaf)) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "cannot build the log leaf");
        goto done;
    }
    rc = log->io.append(log->io.arg, log->next_seq, leaf.data, leaf.len, err);
    if (rc)
        goto done;
    if (log->tree) {
        uint8_t h[32];
        fw_merkle_leaf_hash(leaf.data, leaf.len, h);
        fw_merkle_acc_push(&log->acc, h);
    }
    *seq = log->next_seq++;
done:
    fw_buf_release(&leaf);
    log->seconds += fw_clock_monotonic() - t0;
    return rc;
}

/* Sign and store a checkpoint of the tree as it now is. */
static fw_rc write_checkpoint(fw_log *log, const char *created_at, fw_error *err)
{
    fw_buf text, note;
    uint8_t root[32], state[FW_MERKLE_ACC_STATE_MAX];
    size_t state_len;
    fw_rc rc;

    fw_buf_init(&text, 4096);
    fw_buf_init(&note, 4096);
    fw_merkle_acc_root(&log->acc, root);
    rc = fw_checkpoint_text(log->signer->name, log->acc.size, root, &text);
    if (!rc)
        rc = fw_note_sign(log->signer, text.data, text.len, &note, err);
    if (!rc) {
        state_len = fw_merkle_acc_save(&log->acc, state);
        rc = log->io.checkpoint_append(log->io.arg, (int64_t)log->acc.size, fw_buf_str(&note),
                                       state, state_len, created_at, err);
    }
    fw_buf_release(&text);
    fw_buf_release(&note);
    return rc;
}

fw_rc fw_log_commit(fw_log *log, const char *created_at, fw_error *err)
{
    fw_rc rc = FW_OK;

    if (!log->open)
        return fw_error_set(err, FW_ERR_USAGE, "the record log is not open for writing");
    if (log->tree && (int64_t)log->acc.size > log->checkpointed) {
        double t0 = fw_clock_monotonic();
        rc = write_checkpoint(log, created_at, err);
        if (!rc)
            log->checkpointed = (int64_t)log->acc.size;
        log->seconds += fw_clock_monotonic() - t0;
    }
    log->open = false;
    log->tree = false;
    return rc;
}

void fw_log_abort(fw_log *log)
{
    log->open = false;
    log->tree = false;
}

double fw_log_seconds(const fw_log *log)
{
    return log->seconds;
}

fw_rc fw_log_leaf(int64_t seq, const char *time, const char *actor, const char *type,
                  const char *id, int64_t version, const char *sha256, fw_buf *out)
{
    /* Written directly in canonical form (keys in byte order), as fw_canon_write would
    ** write the object: this runs once for every record stored. */
    fw_rc rc = fw_buf_adds(out, version == 1 ? "{\"action\":\"create\",\"actor\":"
                                             : "{\"action\":\"update\",\"actor\":");
    if (!rc)
        rc = fw_canon_string(actor, strlen(actor), out);
    if (!rc)
        rc = fw_buf_add(out, ",\"record_id\":", 13);
    if (!rc)
        rc = fw_canon_string(id, strlen(id), out);
    if (!rc)
        rc = fw_buf_add(out, ",\"record_type\":", 15);
    if (!rc)
        rc = fw_canon_string(type, strlen(type), out);
    if (!rc)
        rc = fw_buf_adds(out, ",\"seq\":");
    if (!rc)
        rc = fw_canon_int((long long)seq, out);
    if (!rc)
        rc = fw_buf_adds(out, ",\"sha256\":");
    if (!rc)
        rc = fw_canon_string(sha256, strlen(sha256), out);
    if (!rc)
        rc = fw_buf_add(out, ",\"time\":", 8);
    if (!rc)
        rc = fw_canon_string(time, strlen(time), out);
    if (!rc)
        rc = fw_buf_adds(out, ",\"version\":");
    if (!rc)
        rc = fw_canon_int((long long)version, out);
    if (!rc)
        rc = fw_buf_addc(out, '}');
    return rc;
}
