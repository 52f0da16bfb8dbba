/*
** Verification of the record log (see verify.h).  Two streaming passes in
** sequence order: the records, from which each leaf is rebuilt and hashed;
** then the stored leaves, hashed into the tree and compared one by one, the
** tree's root and state compared with every stored checkpoint as it reaches
** that checkpoint's size.  The first sequence number where they differ is
** what is reported, with why: a changed record, a changed leaf, a missing
** record or leaf, a reordered log, a checkpoint that is not the log's.  If
** the log holds, the derived tables are checked in the same read snapshot.
** Memory is 33 bytes a leaf and 72 a checkpoint (and the derived tables').
*/
#include "log/verify.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "store/verify_derived.h"

#include "base/banned.h"

typedef struct expected {
    uint8_t leaf_hash[32];     /* of the leaf rebuilt from the record */
    uint8_t state;             /* 0 no record, 1 record, 2 record whose bytes changed */
} expected;

/* A stored checkpoint whose signature verified: the root and tree state it must match. */
typedef struct stored_ck {
    int64_t size;
    uint8_t root[32];
    uint8_t state[32];         /* SHA-256 of the tree state saved with it */
} stored_ck;

typedef struct vstate {
    fw_verify_result *r;
    expected *exp;
    int64_t n;                 /* log size as reported by the store */
    fw_buf leaf;
    int64_t next_seq;
    fw_merkle_acc acc;
    int64_t want_a, want_b;    /* sizes whose roots we need */
    uint8_t root_a[32], root_b[32];
    bool have_a, have_b;
    int64_t extra_seq;         /* a record whose log_seq is beyond the log, or -1 */
    const fw_note_verifier *ver;
    stored_ck *cks;            /* every stored checkpoint that verified, by size */
    size_t ncks, ck_cap, ck_next;
    fw_derived *derived;       /* rebuilding the derived tables from the same record scan */
    fw_rc rc;
} vstate;

static void problem(vstate *v, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(vstate *v, int64_t seq, const char *fmt, ...)
{
    va_list ap;
    if (v->r->problem[0] && v->r->bad_seq >= 0 && (seq < 0 || seq >= v->r->bad_seq))
        return; /* keep the first */
    v->r->bad_seq = seq;
    va_start(ap, fmt);
    vsnprintf(v->r->problem, sizeof v->r->problem, fmt, ap);
    va_end(ap);
}

static int on_record(void *arg, const fw_record_row *row)
{
    vstate *v = arg;
    uint8_t digest[32];
    char hex[65];

    v->r->records++;
    v->r->bytes += row->body_len;
    if (v->derived && fw_derived_record(v->derived, row) != FW_OK) {
        v->rc = FW_ERR_NOMEM;
        return 1;
    }
    if (row->log_seq < 0 || row->log_seq >= v->n) {
        if (v->extra_seq < 0)
            v->extra_seq = row->log_seq;
        return 0;
    }
    fw_sha256(row->body, row->body_len, digest);
    fw_hex(digest, 32, hex);
    fw_buf_reset(&v->leaf);
    /* The leaf is rebuilt from the bytes' own hash, so a changed record
    ** cannot hide behind a changed sha256 column. */
    if (fw_log_leaf(row->log_seq, row->created_at, row->actor, row->type, row->id, row->version,
                    hex, &v->leaf)) {
        v->rc = FW_ERR_NOMEM;
        return 1;
    }
    if (v->exp[row->log_seq].state != 0) {
        /* The schema forbids this; only a database edited behind our back
        ** has it, and one of the two would otherwise hide behind the other. */
        problem(v, row->log_seq, "seq %lld: two stored records claim this log leaf (%s %s version %lld is one)",
                (long long)row->log_seq, row->type, row->id, (long long)row->version);
        return 0;
    }
    fw_merkle_leaf_hash(v->leaf.data, v->leaf.len, v->exp[row->log_seq].leaf_hash);
    v->exp[row->log_seq].state = strcmp(hex, row->sha256) == 0 ? 1 : 2;
    return 0;
}

static void describe_leaf(const void *leaf, size_t len, char *out, size_t n, json_int_t *seq)
{
    json_t *j = json_loadb(leaf, len, 0, NULL);
    *seq = -1;
    if (!j) {
        snprintf(out, n, "an unreadable leaf");
        return;
    }
    snprintf(out, n, "%s %s version %lld",
             json_string_value(json_object_get(j, "record_type")) ? json_string_value(json_object_get(j, "record_type")) : "?",
             json_string_value(json_object_get(j, "record_id")) ? json_string_value(json_object_get(j, "record_id")) : "?",
             (long long)json_integer_value(json_object_get(j, "version")));
    if (json_is_integer(json_object_get(j, "seq")))
        *seq = json_integer_value(json_object_get(j, "seq"));
    json_decref(j);
}

static void note_root(vstate *v)
{
    if ((int64_t)v->acc.size == v->want_a) {
        fw_merkle_acc_root(&v->acc, v->root_a);
        v->have_a = true;
    }
    if ((int64_t)v->acc.size == v->want_b) {
        fw_merkle_acc_root(&v->acc, v->root_b);
        v->have_b = true;
    }
}

/* Every stored checkpoint of the tree's current size: its root and saved state. */
static void check_stored(vstate *v)
{
    uint8_t root[32], state[FW_MERKLE_ACC_STATE_MAX], root_state[32];
    size_t len;
    while (v->ck_next < v->ncks && v->cks[v->ck_next].size <= (int64_t)v->acc.size) {
        stored_ck *c = &v->cks[v->ck_next++];
        if (c->size != (int64_t)v->acc.size)
            continue;
        fw_merkle_acc_root(&v->acc, root);
        len = fw_merkle_acc_save(&v->acc, state);
        fw_sha256(state, len, root_state);
        if (memcmp(root, c->root, 32) != 0)
            problem(v, -1, "the log's tree at size %lld does not match its signed checkpoint "
                           "(the log was rewritten)", (long long)c->size);
        else if (memcmp(root_state, c->state, 32) != 0)
            problem(v, -1, "the tree state stored with the checkpoint of size %lld is not the "
                           "log's (the next write would sign a wrong tree)", (long long)c->size);
    }
}

/* Only the first problem of a checkpoint's signature: the latest's, if any, is said first. */
static void ck_problem(vstate *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ck_problem(vstate *v, const char *fmt, ...)
{
    va_list ap;
    if (v->r->problem[0])
        return;
    v->r->bad_seq = -1;
    va_start(ap, fmt);
    vsnprintf(v->r->problem, sizeof v->r->problem, fmt, ap);
    va_end(ap);
}

static fw_rc open_checkpoint(const char *note, size_t len, const fw_note_verifier *ver,
                             uint64_t *size, uint8_t root[32], fw_error *err);

static int on_checkpoint(void *arg, const fw_checkpoint_row *row)
{
    vstate *v = arg;
    stored_ck *c;
    uint64_t size;
    fw_error cerr;

    if (v->ncks == v->ck_cap) {
        stored_ck *more = realloc(v->cks, (v->ck_cap ? v->ck_cap * 2 : 64) * sizeof *more);
        if (!more) {
            v->rc = FW_ERR_NOMEM;
            return 1;
        }
        v->cks = more;
        v->ck_cap = v->ck_cap ? v->ck_cap * 2 : 64;
    }
    c = &v->cks[v->ncks];
    if (open_checkpoint(row->note, row->note_len, v->ver, &size, c->root, &cerr) != FW_OK) {
        ck_problem(v, "the checkpoint of size %lld does not verify: %s", (long long)row->size,
                   cerr.msg);
        return 0;
    }
    if ((int64_t)size != row->size) {
        ck_problem(v, "the checkpoint stored as size %lld signs tree size %llu",
                   (long long)row->size, (unsigned long long)size);
        return 0;
    }
    c->size = row->size;
    fw_sha256(row->state, row->state_len, c->state);
    v->ncks++;
    v->r->checkpoints++;
    return 0;
}

static bool same_verifier(const fw_note_verifier *a, const fw_note_verifier *b)
{
    return strcmp(a->name, b->name) == 0 && a->id == b->id && memcmp(a->pk, b->pk, 32) == 0;
}

static int on_leaf(void *arg, int64_t seq, const void *leaf, size_t len)
{
    vstate *v = arg;
    uint8_t h[32];
    char what[256];
    json_int_t says;

    v->r->leaves++;
    v->r->bytes += len;
    if (seq != v->next_seq) {
        problem(v, v->next_seq, "seq %lld is missing from the log (a leaf was deleted)",
                (long long)v->next_seq);
        return 1;
    }
    v->next_seq++;
    fw_merkle_leaf_hash(leaf, len, h);
    fw_merkle_acc_push(&v->acc, h);
    note_root(v);
    check_stored(v);
    if (v->r->bad_seq >= 0 && v->r->bad_seq < seq)
        return 0; /* already failed earlier: keep building the tree only */
    if (seq >= v->n)
        return 0;
    if (memcmp(h, v->exp[seq].leaf_hash, 32) == 0 && v->exp[seq].state == 1)
        return 0;
    describe_leaf(leaf, len, what, sizeof what, &says);
    if (says >= 0 && says != seq)
        problem(v, seq, "seq %lld: the leaf here says it is seq %lld (the log was reordered)",
                (long long)seq, (long long)says);
    else if (v->exp[seq].state == 0)
        problem(v, seq, "seq %lld: no stored record for the leaf's %s (a record was deleted)",
                (long long)seq, what);
    else if (v->exp[seq].state == 2)
        problem(v, seq, "seq %lld: %s was changed: its bytes no longer hash to its recorded sha256",
                (long long)seq, what);
    else
        problem(v, seq, "seq %lld: the log leaf (%s) does not match the stored record: "
                        "the record or the leaf was changed", (long long)seq, what);
    return 0;
}

static fw_rc open_checkpoint(const char *note, size_t len, const fw_note_verifier *ver,
                             uint64_t *size, uint8_t root[32], fw_error *err)
{
    fw_buf text;
    char origin[FW_NOTE_NAME_MAX];
    fw_rc rc;
    fw_buf_init(&text, 1 << 20);
    rc = fw_note_open(note, len, ver, &text, err);
    if (!rc)
        rc = fw_checkpoint_parse(text.data, text.len, origin, size, root, err);
    fw_buf_release(&text);
    return rc;
}

fw_rc fw_verify(fw_store *s, const fw_note_verifier *ver, const char *old_note, size_t old_len,
                fw_verify_result *r, fw_error *err)
{
    vstate v;
    fw_note_verifier own;
    fw_buf note, vkey;
    uint8_t ck_root[32], old_root[32];
    uint64_t ck_size = 0, old_size = 0;
    int64_t stored_ck_size = 0;
    fw_derived_check dc;
    bool stored_key_differs = false;
    fw_error cerr;
    fw_rc rc;

    memset(r, 0, sizeof *r);
    r->bad_seq = r->checkpoint_size = r->old_size = -1;
    memset(&v, 0, sizeof v);
    v.r = r;
    v.extra_seq = -1;
    v.want_a = v.want_b = -1;
    fw_buf_init(&v.leaf, 1 << 20);
    fw_buf_init(&note, 1 << 20);
    fw_buf_init(&vkey, 4096);
    fw_merkle_acc_init(&v.acc);

    if (!ver) {
        if ((rc = fw_store_setting(s, "verifier_key", &vkey, err)) != FW_OK) {
            if (rc == FW_ERR_NOTFOUND)
                rc = fw_error_set(err, FW_ERR_NOTFOUND,
                                  "the store has no verifier key: give one with --key");
            goto done;
        }
        if ((rc = fw_note_verifier_parse(fw_buf_str(&vkey), &own, err)) != FW_OK)
            goto done;
        ver = &own;
    } else if (fw_store_setting(s, "verifier_key", &vkey, NULL) == FW_OK &&
               (fw_note_verifier_parse(fw_buf_str(&vkey), &own, &cerr) != FW_OK ||
                !same_verifier(&own, ver))) {
        stored_key_differs = true;
    }
    v.ver = ver;
    if ((rc = fw_store_begin_read(s, err)) != FW_OK)
        goto done;
    rc = fw_store_log_size(s, &v.n, err);
    if (!rc) {
        v.exp = calloc((size_t)(v.n ? v.n : 1), sizeof *v.exp);
        if (!v.exp)
            rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory for %lld leaves", (long long)v.n);
    }
    /* The checkpoints first, to know which tree sizes to keep roots of. */
    if (!rc) {
        fw_rc crc = fw_store_checkpoint(s, &stored_ck_size, &note, &cerr);
        if (crc == FW_OK) {
            if (open_checkpoint(note.data, note.len, ver, &ck_size, ck_root, &cerr) != FW_OK)
                problem(&v, -1, "the latest checkpoint does not verify: %s", cerr.msg);
            else
                v.want_a = (int64_t)ck_size;
        } else if (crc != FW_ERR_NOTFOUND) {
            rc = crc;
            *err = cerr;
        } else if (v.n > 0) {
            problem(&v, -1, "the log has %lld leaves but no checkpoint", (long long)v.n);
        }
    }
    if (!rc && old_note) {
        if (open_checkpoint(old_note, old_len, ver, &old_size, old_root, &cerr) != FW_OK)
            problem(&v, -1, "the older checkpoint does not verify: %s", cerr.msg);
        else
            v.want_b = (int64_t)old_size;
    }
    /* Then every stored checkpoint, compared as the tree reaches its size. */
    if (!rc)
        rc = fw_store_checkpoint_scan(s, on_checkpoint, &v, err);
    if (!rc)
        rc = fw_derived_new(v.n, &dc, &v.derived, err);
    note_root(&v); /* size 0 */
    if (!rc)
        rc = fw_store_record_scan(s, on_record, &v, err);
    if (!rc && v.rc)
        rc = fw_error_set(err, v.rc, "out of memory");
    if (!rc)
        rc = fw_store_log_scan(s, 0, on_leaf, &v, err);
    /* The derived tables, once the records they derive from are known to be the log's. */
    if (!rc && !r->problem[0] && v.next_seq == v.n && v.extra_seq < 0) {
        rc = fw_derived_finish(v.derived, s, err);
        r->derived_rows = dc.rows;
        if (!rc && dc.problem[0]) {
            problem(&v, dc.bad_seq, "%s", dc.problem);
            snprintf(r->table, sizeof r->table, "%s", dc.table);
        }
    }
    fw_store_end_read(s);
    if (rc)
        goto done;
    if (v.ck_next < v.ncks && !r->problem[0])
        problem(&v, (int64_t)v.acc.size, "the checkpoint of size %lld is larger than the log "
                                         "(%llu leaves: leaves were deleted)",
                (long long)v.cks[v.ck_next].size, (unsigned long long)v.acc.size);
    if (stored_key_differs && !r->problem[0])
        problem(&v, -1, "the verifier key stored in the database (%s) is not the one trusted "
                        "(%s): the database's key was replaced", fw_buf_str(&vkey), ver->name);
    if (v.next_seq < v.n && !r->problem[0])
        problem(&v, v.next_seq, "seq %lld is missing from the log (a leaf was deleted)",
                (long long)v.next_seq);
    if (v.extra_seq >= 0)
        problem(&v, v.extra_seq, "seq %lld: a stored record has no log leaf", (long long)v.extra_seq);
    fw_merkle_acc_root(&v.acc, r->root);
    if (v.want_a >= 0) {
        r->checkpoint_size = v.want_a;
        if (!v.have_a)
            problem(&v, (int64_t)v.acc.size,
                    "the log has %llu leaves, fewer than its checkpoint's %lld (leaves were deleted)",
                    (unsigned long long)v.acc.size, (long long)v.want_a);
        else if (memcmp(v.root_a, ck_root, 32) != 0)
            problem(&v, -1, "the log's tree at size %lld does not match the signed checkpoint "
                            "(the log was rewritten)", (long long)v.want_a);
        else if ((uint64_t)v.want_a < v.acc.size)
            /* Every commit signs the whole log: unsigned leaves mean a
            ** checkpoint was removed or an old one put back. */
            problem(&v, v.want_a, "seq %lld: the latest checkpoint (size %lld) is stale: "
                                  "leaves from here on are not covered by any signed checkpoint",
                    (long long)v.want_a, (long long)v.want_a);
    }
    if (v.want_b >= 0) {
        if (!v.have_b)
            problem(&v, -1, "the older checkpoint (size %lld) is larger than the log (%llu)",
                    (long long)v.want_b, (unsigned long long)v.acc.size);
        else if (memcmp(v.root_b, old_root, 32) != 0)
            problem(&v, -1, "the log is not an extension of the older checkpoint of size %lld: "
                            "history was rewritten", (long long)v.want_b);
        else
            r->old_size = v.want_b;
    }
    rc = r->problem[0] ? FW_ERR_INVALID : FW_OK;
    if (rc)
        fw_error_set(err, rc, "%s", r->problem);
done:
    free(v.exp);
    free(v.cks);
    fw_derived_free(v.derived);
    fw_buf_release(&v.leaf);
    fw_buf_release(&note);
    fw_buf_release(&vkey);
    return rc;
}

typedef struct hash_collect {
    fw_hash *h;
    uint64_t n, cap;
} hash_collect;

static int collect(void *arg, int64_t seq, const void *leaf, size_t len)
{
    hash_collect *c = arg;
    if ((uint64_t)seq != c->n || c->n >= c->cap)
        return 1;
    fw_merkle_leaf_hash(leaf, len, c->h[c->n++]);
    return 0;
}

fw_rc fw_log_hashes(fw_store *s, fw_hash **hashes, uint64_t *n, fw_error *err)
{
    hash_collect c;
    int64_t size;
    fw_rc rc;

    *hashes = NULL;
    *n = 0;
    if ((rc = fw_store_log_size(s, &size, err)) != FW_OK)
        return rc;
    c.h = malloc((size_t)(size ? size : 1) * sizeof *c.h);
    c.n = 0;
    c.cap = (uint64_t)size;
    if (!c.h)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    rc = fw_store_log_scan(s, 0, collect, &c, err);
    if (!rc && c.n != (uint64_t)size)
        rc = fw_error_set(err, FW_ERR_INVALID, "the log has a gap at %llu: run 'forcewatch verify'",
                          (unsigned long long)c.n);
    if (rc) {
        free(c.h);
        return rc;
    }
    *hashes = c.h;
    *n = c.n;
    return FW_OK;
}

typedef struct tree_extend {
    fw_merkle_tree *t;
    fw_rc rc;
} tree_extend;

static int push_leaf(void *arg, int64_t seq, const void *leaf, size_t len)
{
    tree_extend *x = arg;
    uint8_t h[32];
    if ((uint64_t)seq != x->t->size) {
        x->rc = FW_ERR_INVALID;
        return 1;
    }
    fw_merkle_leaf_hash(leaf, len, h);
    if ((x->rc = fw_merkle_tree_push(x->t, h)) != FW_OK)
        return 1;
    return 0;
}

fw_rc fw_log_tree_extend(fw_store *s, fw_merkle_tree *t, fw_error *err)
{
    tree_extend x = {t, FW_OK};
    fw_rc rc = fw_store_log_scan(s, (int64_t)t->size, push_leaf, &x, err);
    if (rc)
        return rc;
    if (x.rc == FW_ERR_INVALID)
        return fw_error_set(err, FW_ERR_INVALID,
                            "the log has a gap at %llu: run 'forcewatch verify'",
                            (unsigned long long)t->size);
    if (x.rc)
        return fw_error_set(err, x.rc, "out of memory for the log's tree at %llu leaves",
                            (unsigned long long)t->size);
    return FW_OK;
}

/* The verifier key the store was initialized with. */
static fw_rc store_verifier(fw_store *s, fw_note_verifier *v, fw_error *err)
{
    fw_buf vkey;
    fw_rc rc;
    fw_buf_init(&vkey, 4096);
    rc = fw_store_setting(s, "verifier_key", &vkey, err);
    if (rc == FW_ERR_NOTFOUND)
        rc = fw_error_set(err, FW_ERR_NOTFOUND, "the store has no verifier key");
    if (!rc)
        rc = fw_note_verifier_parse(fw_buf_str(&vkey), v, err);
    fw_buf_release(&vkey);
    return rc;
}

static fw_rc not_consistent(fw_checkpoint_check *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static fw_rc not_consistent(fw_checkpoint_check *r, const char *fmt, ...)
{
    va_list ap;
    r->consistent = false;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    return FW_OK;
}

/* The log's tree, as a list of leaf hashes or as a fw_merkle_tree (one is NULL). */
typedef struct log_tree {
    const fw_hash *hashes;
    const fw_merkle_tree *tree;
} log_tree;

static void tree_root(log_tree lt, uint64_t n, uint8_t root[32])
{
    if (lt.tree)
        fw_merkle_tree_root(lt.tree, n, root);
    else
        fw_merkle_root(lt.hashes, n, root);
}

static fw_rc tree_consistency(log_tree lt, uint64_t n, uint64_t m, fw_hash *proof, size_t *len)
{
    return lt.tree ? fw_merkle_tree_consistency_proof(lt.tree, n, m, proof, len)
                   : fw_merkle_consistency_proof(lt.hashes, n, m, proof, len);
}

static fw_rc check_against(fw_store *s, const fw_note_verifier *ver, const char *note,
                           size_t len, log_tree lt, uint64_t n, fw_checkpoint_check *r,
                           fw_error *err)
{
    const char *blank = NULL;
    char origin[FW_NOTE_NAME_MAX];
    uint8_t root[32], at_old[32], cur_root[32], at_cur[32];
    uint64_t cur_size;
    fw_hash proof[FW_MERKLE_MAX_PROOF];
    size_t plen = 0, i;
    fw_note_verifier own;
    fw_buf cur, text;
    fw_error cerr;
    int64_t ck_size;
    fw_rc rc;

    memset(r, 0, sizeof *r);
    r->current_size = (int64_t)n;
    for (i = 0; i + 1 < len; i++)
        if (note[i] == '\n' && note[i + 1] == '\n') {
            blank = note + i;
            break;
        }
    if (!blank)
        return fw_error_set(err, FW_ERR_INVALID,
                            "not a signed checkpoint: no blank line before the signatures");
    if ((rc = fw_checkpoint_parse(note, (size_t)(blank - note) + 1, origin, &r->size, root,
                                  err)) != FW_OK)
        return rc;
    if (!ver) {
        if ((rc = store_verifier(s, &own, err)) != FW_OK)
            return rc;
        ver = &own;
    }
    fw_buf_init(&text, 1 << 16);
    rc = fw_note_open(note, len, ver, &text, &cerr);
    fw_buf_release(&text);
    if (rc)
        return not_consistent(r, "the checkpoint is not signed by this log's key (%s): %s",
                              ver->name, cerr.msg);
    fw_buf_init(&cur, 1 << 16);
    fw_buf_init(&text, 1 << 16);
    rc = fw_store_checkpoint(s, &ck_size, &cur, err);
    if (rc == FW_ERR_NOTFOUND) {
        rc = not_consistent(r, "today's log has no checkpoint");
        goto done;
    }
    if (rc)
        goto done;
    if (fw_note_open(cur.data, cur.len, ver, &text, &cerr) != FW_OK ||
        fw_checkpoint_parse(text.data, text.len, origin, &cur_size, cur_root, &cerr) != FW_OK) {
        rc = not_consistent(r, "today's latest checkpoint does not verify: %s", cerr.msg);
        goto done;
    }
    r->current_size = (int64_t)cur_size;
    if (cur_size > n) {
        rc = not_consistent(r, "today's log has %llu leaves, fewer than its checkpoint's %llu",
                            (unsigned long long)n, (unsigned long long)cur_size);
        goto done;
    }
    tree_root(lt, cur_size, at_cur);
    if (memcmp(at_cur, cur_root, 32) != 0) {
        rc = not_consistent(r, "today's log does not match its latest signed checkpoint");
        goto done;
    }
    if (r->size > cur_size) {
        rc = not_consistent(r, "the checkpoint (size %llu) is larger than today's log (%llu): "
                               "it is not from this log", (unsigned long long)r->size,
                            (unsigned long long)cur_size);
        goto done;
    }
    tree_root(lt, r->size, at_old);
    if (memcmp(at_old, root, 32) != 0) {
        rc = not_consistent(r, "today's log at size %llu has a different root: history was "
                               "rewritten", (unsigned long long)r->size);
        goto done;
    }
    if (r->size > 0 &&
        (tree_consistency(lt, cur_size, r->size, proof, &plen) != FW_OK ||
         !fw_merkle_verify_consistency(r->size, cur_size, root, cur_root, proof, plen))) {
        rc = not_consistent(r, "no consistency proof from size %llu to %llu verifies",
                            (unsigned long long)r->size, (unsigned long long)cur_size);
        goto done;
    }
    r->consistent = true;
    snprintf(r->reason, sizeof r->reason,
             "the checkpoint of size %llu is a prefix of today's log of size %llu "
             "(consistency proof of %zu hashes verified)", (unsigned long long)r->size,
             (unsigned long long)cur_size, plen);
    rc = FW_OK;
done:
    fw_buf_release(&cur);
    fw_buf_release(&text);
    return rc;
}

fw_rc fw_verify_checkpoint_in(fw_store *s, const fw_note_verifier *ver, const char *note,
                              size_t len, const fw_hash *hashes, uint64_t n,
                              fw_checkpoint_check *r, fw_error *err)
{
    log_tree lt = {hashes, NULL};
    return check_against(s, ver, note, len, lt, n, r, err);
}

fw_rc fw_verify_checkpoint_tree(fw_store *s, const fw_note_verifier *ver, const char *note,
                                size_t len, const fw_merkle_tree *t, fw_checkpoint_check *r,
                                fw_error *err)
{
    log_tree lt = {NULL, t};
    return check_against(s, ver, note, len, lt, t->size, r, err);
}

fw_rc fw_verify_checkpoint(fw_store *s, const fw_note_verifier *v, const char *note, size_t len,
                           fw_checkpoint_check *r, fw_error *err)
{
    fw_hash *hashes = NULL;
    uint64_t n = 0;
    fw_rc rc;

    memset(r, 0, sizeof *r);
    if ((rc = fw_store_begin_read(s, err)) != FW_OK)
        return rc;
    rc = fw_log_hashes(s, &hashes, &n, err);
    if (!rc)
        rc = fw_verify_checkpoint_in(s, v, note, len, hashes, n, r, err);
    fw_store_end_read(s);
    free(hashes);
    return rc;
}
