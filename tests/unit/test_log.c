/*
** Unit tests of the record log's writer (lib/log/log.c) over an in-memory
** fw_log_io: leaves and their seqs, the accumulator carried across sessions
** through a checkpoint's saved state, the signed checkpoint at commit
** (checked against a root recomputed from the leaves with fw_merkle_root),
** and the errors: a gap, a corrupt state, a failing append, misuse.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/log.h"
#include "log/merkle.h"
#include "log/note.h"

#define MAXLEAVES 64
#define MAXCKPTS 16

typedef struct mem_log {
    fw_buf leaves[MAXLEAVES];
    int64_t n;
    struct {
        int64_t size;
        char *note;
        uint8_t state[FW_MERKLE_ACC_STATE_MAX];
        size_t state_len;
        char created_at[32];
    } ckpt[MAXCKPTS];
    int nckpt;
    int64_t extra_size;   /* added to the size reported: a leaf the scan misses */
    bool fail_append;
} mem_log;

static fw_rc mem_size(void *arg, int64_t *size, fw_error *err)
{
    mem_log *m = arg;
    (void)err;
    *size = m->n + m->extra_size;
    return FW_OK;
}

static fw_rc mem_append(void *arg, int64_t seq, const void *leaf, size_t len, fw_error *err)
{
    mem_log *m = arg;
    if (m->fail_append || seq != m->n || m->n == MAXLEAVES)
        return fw_error_set(err, FW_ERR_STORE, "cannot append leaf %lld", (long long)seq);
    fw_buf_init(&m->leaves[m->n], FW_BUF_UNLIMITED);
    assert_int_equal(fw_buf_add(&m->leaves[m->n], leaf, len), FW_OK);
    m->n++;
    return FW_OK;
}

static fw_rc mem_scan(void *arg, int64_t from, fw_log_leaf_cb cb, void *cbarg, fw_error *err)
{
    mem_log *m = arg;
    int64_t i;
    (void)err;
    for (i = from; i < m->n; i++)
        if (cb(cbarg, i, m->leaves[i].data, m->leaves[i].len))
            break;
    return FW_OK;
}

static fw_rc mem_ckpt_latest(void *arg, int64_t *size, fw_buf *note, fw_buf *state,
                             fw_error *err)
{
    mem_log *m = arg;
    (void)err;
    if (!m->nckpt)
        return FW_ERR_NOTFOUND;
    *size = m->ckpt[m->nckpt - 1].size;
    if (note)
        assert_int_equal(fw_buf_adds(note, m->ckpt[m->nckpt - 1].note), FW_OK);
    if (state)
        assert_int_equal(fw_buf_add(state, m->ckpt[m->nckpt - 1].state,
                                    m->ckpt[m->nckpt - 1].state_len),
                         FW_OK);
    return FW_OK;
}

static fw_rc mem_ckpt_append(void *arg, int64_t size, const char *note, const void *state,
                             size_t state_len, const char *created_at, fw_error *err)
{
    mem_log *m = arg;
    (void)err;
    assert_true(m->nckpt < MAXCKPTS);
    assert_true(state_len <= FW_MERKLE_ACC_STATE_MAX);
    m->ckpt[m->nckpt].size = size;
    m->ckpt[m->nckpt].note = strdup(note);
    memcpy(m->ckpt[m->nckpt].state, state, state_len);
    m->ckpt[m->nckpt].state_len = state_len;
    snprintf(m->ckpt[m->nckpt].created_at, 32, "%s", created_at);
    m->nckpt++;
    return FW_OK;
}

static void mem_init(mem_log *m, fw_log *log, const fw_note_signer *signer)
{
    fw_log_io io = {m, mem_size, mem_append, mem_scan, mem_ckpt_latest, mem_ckpt_append};
    memset(m, 0, sizeof *m);
    fw_log_init(log, &io, signer);
}

static void mem_release(mem_log *m)
{
    int64_t i;
    for (i = 0; i < m->n; i++)
        fw_buf_release(&m->leaves[i]);
    for (i = 0; i < m->nckpt; i++)
        free(m->ckpt[i].note);
}

/* Append record "r<i>" version 1 as the next leaf; its seq. */
static int64_t append(fw_log *log, int i)
{
    char id[16], sha[65];
    int64_t seq = -1;
    fw_error err;
    snprintf(id, sizeof id, "r%d", i);
    memset(sha, 'a' + i % 6, 64);
    sha[64] = '\0';
    assert_int_equal(fw_log_append(log, "2026-01-07T09:37:00Z", "tester", "incident", id, 1, sha,
                                   &seq, &err),
                     FW_OK);
    return seq;
}

/* The root over the first n stored leaves, computed from scratch. */
static void root_of(const mem_log *m, int64_t n, uint8_t root[32])
{
    fw_hash *h = calloc((size_t)(n ? n : 1), sizeof *h);
    int64_t i;
    assert_non_null(h);
    for (i = 0; i < n; i++)
        fw_merkle_leaf_hash(m->leaves[i].data, m->leaves[i].len, h[i]);
    assert_int_equal(fw_merkle_root(h, (uint64_t)n, root), FW_OK);
    free(h);
}

/* The checkpoint's note opens with the signer's verifier and covers the first size leaves. */
static void check_checkpoint(const mem_log *m, int which, const fw_note_signer *signer)
{
    fw_note_verifier v;
    fw_buf text;
    fw_error err;
    char origin[FW_NOTE_NAME_MAX];
    uint64_t size;
    uint8_t root[32], want[32];

    fw_note_verifier_of(signer, &v);
    fw_buf_init(&text, 4096);
    assert_int_equal(fw_note_open(m->ckpt[which].note, strlen(m->ckpt[which].note), &v, &text,
                                  &err),
                     FW_OK);
    assert_int_equal(fw_checkpoint_parse(text.data, text.len, origin, &size, root, &err), FW_OK);
    assert_string_equal(origin, signer->name);
    assert_int_equal(size, m->ckpt[which].size);
    root_of(m, (int64_t)size, want);
    assert_memory_equal(root, want, 32);
    fw_buf_release(&text);
}

static void test_leaves_unsigned(void **state)
{
    mem_log m;
    fw_log log;
    fw_buf want;
    fw_error err;
    int i;
    (void)state;

    mem_init(&m, &log, NULL);
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    assert_int_equal(fw_log_next_seq(&log), 0);
    for (i = 0; i < 3; i++)
        assert_int_equal(append(&log, i), i);
    assert_int_equal(fw_log_next_seq(&log), 3);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:38:00Z", &err), FW_OK);
    /* No signer: no checkpoint. */
    assert_int_equal(m.nckpt, 0);
    assert_int_equal(m.n, 3);
    /* Each stored leaf is fw_log_leaf's text for its seq. */
    fw_buf_init(&want, 4096);
    assert_int_equal(fw_log_leaf(1, "2026-01-07T09:37:00Z", "tester", "incident", "r1", 1,
                                 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                                 &want),
                     FW_OK);
    assert_int_equal(m.leaves[1].len, want.len);
    assert_memory_equal(m.leaves[1].data, want.data, want.len);
    fw_buf_release(&want);
    /* A second session continues the numbering. */
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    assert_int_equal(append(&log, 3), 3);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:39:00Z", &err), FW_OK);
    assert_true(fw_log_seconds(&log) >= 0);
    mem_release(&m);
}

static void test_leaf_text(void **state)
{
    fw_buf b;
    (void)state;
    fw_buf_init(&b, 4096);
    assert_int_equal(fw_log_leaf(7, "2026-01-07T09:37:00Z", "a\"b", "incident", "x-1", 2, "00",
                                 &b),
                     FW_OK);
    assert_string_equal(fw_buf_str(&b),
                        "{\"action\":\"update\",\"actor\":\"a\\\"b\",\"record_id\":\"x-1\","
                        "\"record_type\":\"incident\",\"seq\":7,\"sha256\":\"00\","
                        "\"time\":\"2026-01-07T09:37:00Z\",\"version\":2}");
    fw_buf_reset(&b);
    assert_int_equal(fw_log_leaf(0, "t", "u", "case", "c", 1, "ff", &b), FW_OK);
    assert_non_null(strstr(fw_buf_str(&b), "\"action\":\"create\""));
    fw_buf_release(&b);
}

static void test_checkpoints_signed(void **state)
{
    fw_note_signer signer;
    mem_log m;
    fw_log log;
    fw_error err;
    int i;
    (void)state;

    assert_int_equal(fw_note_generate("test.example/log", &signer, &err), FW_OK);
    mem_init(&m, &log, &signer);

    /* Five leaves, one checkpoint of them. */
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    for (i = 0; i < 5; i++)
        assert_int_equal(append(&log, i), i);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:38:00Z", &err), FW_OK);
    assert_int_equal(m.nckpt, 1);
    assert_int_equal(m.ckpt[0].size, 5);
    assert_string_equal(m.ckpt[0].created_at, "2026-01-07T09:38:00Z");
    check_checkpoint(&m, 0, &signer);

    /* A session that adds nothing stores no checkpoint. */
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:39:00Z", &err), FW_OK);
    assert_int_equal(m.nckpt, 1);

    /* The next session starts from the saved state, not from the leaves: its
    ** checkpoint still covers every leaf. */
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    for (i = 5; i < 12; i++)
        assert_int_equal(append(&log, i), i);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:40:00Z", &err), FW_OK);
    assert_int_equal(m.nckpt, 2);
    assert_int_equal(m.ckpt[1].size, 12);
    check_checkpoint(&m, 1, &signer);
    mem_release(&m);
}

/* Leaves appended without a signer after the latest checkpoint are read
** back into the tree when a signer writes next. */
static void test_catch_up(void **state)
{
    fw_note_signer signer;
    mem_log m;
    fw_log log;
    fw_error err;
    fw_log_io io;
    int i;
    (void)state;

    assert_int_equal(fw_note_generate("test.example/log", &signer, &err), FW_OK);
    mem_init(&m, &log, &signer);
    io = log.io;
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    for (i = 0; i < 3; i++)
        append(&log, i);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:38:00Z", &err), FW_OK);

    fw_log_init(&log, &io, NULL);
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    for (i = 3; i < 6; i++)
        append(&log, i);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:39:00Z", &err), FW_OK);
    assert_int_equal(m.nckpt, 1);

    fw_log_init(&log, &io, &signer);
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    append(&log, 6);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:40:00Z", &err), FW_OK);
    assert_int_equal(m.nckpt, 2);
    assert_int_equal(m.ckpt[1].size, 7);
    check_checkpoint(&m, 1, &signer);
    mem_release(&m);
}

static void test_errors(void **state)
{
    fw_note_signer signer;
    mem_log m;
    fw_log log;
    fw_error err;
    fw_log_io io;
    int64_t seq = -1;
    (void)state;

    assert_int_equal(fw_note_generate("test.example/log", &signer, &err), FW_OK);
    mem_init(&m, &log, &signer);

    /* Not open. */
    assert_int_equal(fw_log_append(&log, "t", "a", "incident", "x", 1, "00", &seq, &err),
                     FW_ERR_USAGE);
    assert_int_equal(fw_log_commit(&log, "t", &err), FW_ERR_USAGE);

    /* A failing append counts nothing. */
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    append(&log, 0);
    m.fail_append = true;
    assert_int_equal(fw_log_append(&log, "t", "a", "incident", "x", 1, "00", &seq, &err),
                     FW_ERR_STORE);
    assert_int_equal(fw_log_next_seq(&log), 1);
    m.fail_append = false;
    assert_int_equal(append(&log, 1), 1);
    assert_int_equal(fw_log_commit(&log, "2026-01-07T09:38:00Z", &err), FW_OK);
    check_checkpoint(&m, 0, &signer);

    /* Aborted: nothing checkpointed, and the session is closed. */
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    append(&log, 2);
    fw_log_abort(&log);
    assert_int_equal(m.nckpt, 1);
    assert_int_equal(fw_log_commit(&log, "t", &err), FW_ERR_USAGE);

    /* A leaf the scan does not return: a gap. */
    m.extra_size = 1;
    assert_int_equal(fw_log_begin(&log, &err), FW_ERR_STORE);
    assert_non_null(strstr(err.msg, "gap"));
    m.extra_size = 0;

    /* A corrupt saved state. */
    m.ckpt[0].state_len = 3;
    assert_int_equal(fw_log_begin(&log, &err), FW_ERR_STORE);
    assert_non_null(strstr(err.msg, "corrupt"));

    /* Without a signer the state is never read. */
    io = log.io;
    fw_log_init(&log, &io, NULL);
    assert_int_equal(fw_log_begin(&log, &err), FW_OK);
    fw_log_abort(&log);
    mem_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaves_unsigned),
        cmocka_unit_test(test_leaf_text),
        cmocka_unit_test(test_checkpoints_signed),
        cmocka_unit_test(test_catch_up),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
