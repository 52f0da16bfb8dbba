/*
** Verification of an export against today's log (see export.h,
** fw_export_verify, and docs/export.md).  The export is read twice: once
** for its stamp and the id, version, sha256 and log seq of every record row
** (kept, about 160 bytes a row), then again comparing every byte after the
** stamp with what those logged versions render to in the stamp's layout.
** Between the two, the stamp's checkpoint is proven a prefix of today's
** signed tree; during the second, each row's leaf is checked in that tree
** and the row checked to be one the stamp's export would have held.
*/
#include "data/export.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "log/merkle.h"
#include "log/verify.h"
#include "base/array.h"

#include "base/banned.h"

#define MAX_RECORD_BYTES (16u << 20)

/* Records of an export, split at line ends (outside quotes, for CSV). */
typedef struct splitter {
    const fw_export_input *in;
    bool csv;
    char chunk[65536];
    size_t pos, len;
    bool eof;
    int64_t line;            /* line the last record started on */
    int64_t next_line;
} splitter;

static void split_init(splitter *sp, const fw_export_input *in, bool csv)
{
    memset(sp, 0, sizeof *sp);
    sp->in = in;
    sp->csv = csv;
    sp->next_line = 1;
}

static bool fill(splitter *sp)
{
    if (sp->pos < sp->len)
        return true;
    if (sp->eof)
        return false;
    sp->len = sp->in->read(sp->in->arg, sp->chunk, sizeof sp->chunk);
    sp->pos = 0;
    if (sp->len == 0)
        sp->eof = true;
    return sp->len > 0;
}

/* The next record with its line end into rec; 0 at the end, 1 for a record,
** -1 for one over the limit. */
static int split_next(splitter *sp, fw_buf *rec)
{
    bool quoted = false;
    fw_buf_reset(rec);
    sp->line = sp->next_line;
    while (fill(sp)) {
        char c = sp->chunk[sp->pos++];
        if (fw_buf_addc(rec, c) != FW_OK)
            return -1;
        if (c == '"' && sp->csv)
            quoted = !quoted;
        if (c == '\n') {
            sp->next_line++;
            if (!quoted)
                return 1;
        }
    }
    return rec->len ? 1 : 0;
}

/* Exactly n bytes into out (fewer at the end of the input). */
static size_t split_take(splitter *sp, size_t n, fw_buf *out)
{
    size_t got = 0, k;
    fw_buf_reset(out);
    while (got < n && fill(sp)) {
        k = sp->len - sp->pos < n - got ? sp->len - sp->pos : n - got;
        if (fw_buf_add(out, sp->chunk + sp->pos, k) != FW_OK)
            break;
        sp->pos += k;
        got += k;
    }
    return got;
}

typedef struct entry {
    char id[65], sha256[65];
    int64_t version, log_seq, line;
} entry;

typedef struct vstate {
    fw_export_check *c;
    entry *e;
    size_t n, cap;
    bool ended;
    int64_t end_count;
} vstate;

static fw_rc bad(fw_export_check *c, const char *id, int64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static fw_rc bad(fw_export_check *c, const char *id, int64_t line, const char *fmt, ...)
{
    va_list ap;
    if (c->problem[0])
        return FW_ERR_INVALID;
    snprintf(c->bad_id, sizeof c->bad_id, "%s", id ? id : "");
    c->bad_line = line;
    va_start(ap, fmt);
    vsnprintf(c->problem, sizeof c->problem, fmt, ap);
    va_end(ap);
    return FW_ERR_INVALID;
}

static bool parse_i64(const char *s, size_t len, int64_t *out)
{
    size_t i;
    int64_t v = 0;
    if (len == 0 || len > 18)
        return false;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool hex64(const char *s, size_t len)
{
    size_t i;
    if (len != 64)
        return false;
    for (i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static fw_rc add_entry(vstate *v, const char *id, size_t idlen, int64_t version, int64_t seq,
                       const char *sha, size_t shalen, int64_t line)
{
    entry *e;
    char name[65];
    if (idlen == 0 || idlen > 64 || memchr(id, '\0', idlen))
        return bad(v->c, NULL, line, "line %lld: a record row without a valid id",
                   (long long)line);
    memcpy(name, id, idlen);
    name[idlen] = '\0';
    if (!hex64(sha, shalen))
        return bad(v->c, name, line, "%s (line %lld): a record row without a valid sha256", name,
                   (long long)line);
    if (FW_ALLOC_GROW(v->e, v->n + 1, v->cap) != FW_OK)
        return FW_ERR_NOMEM;
    e = &v->e[v->n++];
    memcpy(e->id, id, idlen);
    e->id[idlen] = '\0';
    memcpy(e->sha256, sha, 64);
    e->sha256[64] = '\0';
    e->version = version;
    e->log_seq = seq;
    e->line = line;
    return FW_OK;
}

/* A CSV record row's leading id,version,sha256,log_seq (never quoted). */
static fw_rc csv_entry(vstate *v, const char *rec, size_t len, int64_t line)
{
    const char *f[4], *p = rec, *end = rec + len;
    size_t fl[4], i;
    int64_t version, seq;
    for (i = 0; i < 4; i++) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        if (!comma)
            return bad(v->c, NULL, line, "line %lld: a record row with fewer than 4 columns",
                       (long long)line);
        f[i] = p;
        fl[i] = (size_t)(comma - p);
        p = comma + 1;
    }
    if (!parse_i64(f[1], fl[1], &version) || !parse_i64(f[3], fl[3], &seq) || version < 1) {
        char name[65];
        snprintf(name, sizeof name, "%.*s", (int)(fl[0] < 64 ? fl[0] : 64), f[0]);
        return bad(v->c, name, line, "%s (line %lld): a record row without a valid version and "
                                     "log_seq", name, (long long)line);
    }
    return add_entry(v, f[0], fl[0], version, seq, f[2], fl[2], line);
}

static fw_rc json_entry(vstate *v, const char *rec, size_t len, int64_t line)
{
    json_t *j = json_loadb(rec, len, JSON_REJECT_DUPLICATES, NULL), *end;
    const json_t *id, *ver, *seq, *sha;
    fw_rc rc;
    if (!json_is_object(j)) {
        json_decref(j);
        return bad(v->c, NULL, line, "line %lld: not a JSON object", (long long)line);
    }
    end = json_object_get(j, "forcewatch_export_end");
    if (end) {
        const json_t *n = json_object_get(end, "incidents");
        v->ended = true;
        v->end_count = json_is_integer(n) ? json_integer_value(n) : -1;
        json_decref(j);
        return FW_OK;
    }
    id = json_object_get(j, "id");
    ver = json_object_get(j, "version");
    seq = json_object_get(j, "log_seq");
    sha = json_object_get(j, "sha256");
    if (!json_is_string(id) || !json_is_integer(ver) || json_integer_value(ver) < 1 ||
        !json_is_integer(seq) || json_integer_value(seq) < 0 || !json_is_string(sha) ||
        !json_object_get(j, "incident"))
        rc = bad(v->c, NULL, line, "line %lld: a record line without id, version, log_seq, "
                                   "sha256 and incident", (long long)line);
    else
        rc = add_entry(v, json_string_value(id), json_string_length(id), json_integer_value(ver),
                       json_integer_value(seq), json_string_value(sha), json_string_length(sha),
                       line);
    json_decref(j);
    return rc;
}

/* Pass 1: the stamp and every record row's id, version, sha256, log_seq. */
static fw_rc read_entries(const fw_export_input *in, vstate *v, size_t *stamp_len, fw_error *err)
{
    splitter *sp = malloc(sizeof *sp);
    fw_buf rec;
    fw_error perr;
    int got, tableno = -1;
    bool header = false;
    fw_rc rc = FW_OK;

    if (!sp)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    fw_buf_init(&rec, MAX_RECORD_BYTES);
    split_init(sp, in, false);
    got = split_next(sp, &rec);
    if (got <= 0 || fw_export_stamp_parse(rec.data, rec.len, &v->c->stamp, &perr) != FW_OK) {
        rc = bad(v->c, NULL, 1, "line 1: %s", got <= 0 ? "no stamp: the file is empty"
                                                         : perr.msg);
        goto done;
    }
    *stamp_len = rec.len;
    sp->csv = v->c->stamp.format != FW_EXPORT_JSON;
    if (v->c->stamp.format == FW_EXPORT_CSV) {
        tableno = 0;
        header = true;
    }
    while (!rc && (got = split_next(sp, &rec)) > 0) {
        const char *r = rec.data;
        size_t len = rec.len;
        while (len && (r[len - 1] == '\n' || r[len - 1] == '\r'))
            len--;
        if (v->ended) {
            rc = bad(v->c, NULL, sp->line, "line %lld: bytes after the end line",
                     (long long)sp->line);
            break;
        }
        if (v->c->stamp.format == FW_EXPORT_JSON) {
            rc = json_entry(v, r, len, sp->line);
            continue;
        }
        if (len >= 6 && memcmp(r, "# end ", 6) == 0) {
            int64_t n;
            const char *sp2 = memchr(r + 6, ' ', len - 6);
            v->ended = true;
            v->end_count = sp2 && parse_i64(r + 6, (size_t)(sp2 - r - 6), &n) ? n : -1;
            continue;
        }
        if (len >= 8 && memcmp(r, "# table ", 8) == 0) {
            tableno++;
            header = true;
            continue;
        }
        if (header) {
            header = false;
            continue;
        }
        if (tableno == 0)
            rc = csv_entry(v, r, len, sp->line);
    }
    if (!rc && got < 0)
        rc = bad(v->c, NULL, sp->next_line, "line %lld: a record longer than %u bytes",
                 (long long)sp->next_line, MAX_RECORD_BYTES);
    if (!rc && !v->ended)
        rc = bad(v->c, NULL, -1, "the export has no end line: it was cut short");
    if (!rc && v->end_count != (int64_t)v->n)
        rc = bad(v->c, NULL, -1, "the end line says %lld incidents but the export holds %zu",
                 (long long)v->end_count, v->n);
    if (rc == FW_ERR_NOMEM)
        fw_error_set(err, rc, "out of memory");
done:
    fw_buf_release(&rec);
    free(sp);
    return rc;
}

/* The leaf at e->log_seq names this version, and hashes to the tree's leaf. */
static fw_rc check_leaf(fw_store *s, const entry *e, const fw_hash *hashes, fw_export_check *c,
                        fw_buf *leaf, fw_error *err)
{
    uint8_t h[32];
    json_t *j;
    bool ok;
    fw_buf_reset(leaf);
    if (fw_store_log_leaf(s, e->log_seq, leaf, err) != FW_OK)
        return bad(c, e->id, e->line, "%s (line %lld): no log leaf %lld", e->id,
                   (long long)e->line, (long long)e->log_seq);
    fw_merkle_leaf_hash(leaf->data, leaf->len, h);
    if (memcmp(h, hashes[e->log_seq], 32) != 0)
        return bad(c, e->id, e->line, "%s (line %lld): log leaf %lld changed", e->id,
                   (long long)e->line, (long long)e->log_seq);
    j = json_loadb(leaf->data, leaf->len, 0, NULL);
    ok = j && strcmp(json_string_value(json_object_get(j, "record_type")) ?
                     json_string_value(json_object_get(j, "record_type")) : "", "incident") == 0 &&
         strcmp(json_string_value(json_object_get(j, "record_id")) ?
                json_string_value(json_object_get(j, "record_id")) : "", e->id) == 0 &&
         json_integer_value(json_object_get(j, "version")) == e->version &&
         strcmp(json_string_value(json_object_get(j, "sha256")) ?
                json_string_value(json_object_get(j, "sha256")) : "", e->sha256) == 0;
    json_decref(j);
    if (!ok)
        return bad(c, e->id, e->line, "%s (line %lld): log leaf %lld is not incident %s "
                                      "version %lld with sha256 %.12s...", e->id,
                   (long long)e->line, (long long)e->log_seq, e->id, (long long)e->version,
                   e->sha256);
    return FW_OK;
}

static int latest_at(void *arg, const fw_record_meta *m)
{
    int64_t *want = arg;   /* [0] the stamp's size in, [1] the latest version below it out */
    if (m->log_seq < want[0] && m->version > want[1])
        want[1] = m->version;
    return 0;
}

/*
** The row is one the stamp's export would have held: the incident's latest
** version at the stamp's size, matching the stamp's filter as the store's
** list does, after the previous row in the list's order (occurred_at, id).
*/
static fw_rc check_selection(fw_store *s, fw_export_check *c, const entry *e, const char *body,
                             size_t len, char *prev, size_t prevn)
{
    const fw_export_stamp *st = &c->stamp;
    int64_t want[2] = {(int64_t)st->size, 0};
    fw_diag diag;
    fw_doc *doc = NULL;
    const char *why = NULL;
    char key[200];
    size_t a, k;
    fw_rc rc = FW_OK;

    if (fw_store_history(s, FW_RECORD_INCIDENT, e->id, latest_at, want, NULL) != FW_OK ||
        want[1] != e->version)
        return bad(c, e->id, e->line, "%s (line %lld): version %lld was not its latest at the "
                                      "stamp's tree size (version %lld was)", e->id,
                   (long long)e->line, (long long)e->version, (long long)want[1]);
    fw_diag_init(&diag, 1);
    if (fw_doc_parse(body, len, NULL, &doc, &diag) != FW_OK) {
        why = "its stored version no longer validates";
    } else if (*st->agency && strcmp(doc->agency, st->agency) != 0) {
        why = "it is another agency's, outside the stamp's filter";
    } else if (*st->since && strncmp(doc->occurred_at, st->since, 10) < 0) {
        why = "it occurred before the stamp's filter's since";
    } else if (*st->until && strncmp(doc->occurred_at, st->until, 10) > 0) {
        why = "it occurred after the stamp's filter's until";
    } else if (*st->encounter && (!doc->encounter || strcmp(doc->encounter, st->encounter))) {
        why = "its encounter is outside the stamp's filter";
    } else if (!st->withdrawn && json_is_true(json_object_get(doc->root, "withdrawn"))) {
        why = "it is withdrawn, and the stamp's filter leaves withdrawn incidents out";
    } else if (*st->force_kind) {
        bool found = false;
        for (a = 0; a < doc->naccounts && !found; a++)
            for (k = 0; k < doc->accounts[a].nevents && !found; k++) {
                const fw_event *ev = &doc->accounts[a].events[k];
                const char *kind = json_string_value(json_object_get(ev->obj, "kind"));
                found = ev->type && strcmp(ev->type_name, "force") == 0 && kind &&
                        strcmp(kind, st->force_kind) == 0;
            }
        if (!found)
            why = "no account has the stamp's filter's force kind";
    }
    if (!why) {
        /* occurred_at, then a NUL, then the id: compared as the list orders rows. */
        size_t ol = strlen(doc->occurred_at), il = strlen(e->id);
        if (ol + il + 2 > sizeof key) {
            why = "its occurrence time is too long";
        } else {
            memcpy(key, doc->occurred_at, ol + 1);
            memcpy(key + ol + 1, e->id, il + 1);
            if (*prev || prev[1]) {
                size_t pl = strlen(prev);
                int cmp = strcmp(key, prev);
                if (cmp == 0)
                    cmp = strcmp(key + ol + 1, prev + pl + 1);
                if (cmp <= 0)
                    why = "it is out of the list's order (occurred_at, id), or repeated";
            }
            if (!why)
                memcpy(prev, key, ol + il + 2 <= prevn ? ol + il + 2 : 0);
        }
    }
    if (why)
        rc = bad(c, e->id, e->line, "%s (line %lld): %s", e->id, (long long)e->line, why);
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return rc;
}

/* Pass 2: every byte after the stamp against what the versions render to. */
static fw_rc compare_all(fw_store *s, const fw_export_input *in, vstate *v, size_t stamp_len,
                         const fw_hash *hashes, fw_error *err)
{
    fw_export_check *c = v->c;
    fw_export_layout *l = NULL;
    splitter *sp = malloc(sizeof *sp);
    fw_buf want, got, body, leaf;
    fw_record_info info;
    fw_error rerr;
    char prev[200] = "";
    size_t t, i;
    fw_rc rc;

    fw_buf_init(&want, FW_BUF_UNLIMITED);
    fw_buf_init(&got, FW_BUF_UNLIMITED);
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_buf_init(&leaf, 1 << 20);
    if (!sp || (rc = fw_export_layout_new(c->stamp.format, c->stamp.deidentified, &l)) != FW_OK) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!in->rewind(in->arg)) {
        rc = fw_error_set(err, FW_ERR_IO, "cannot read the export again");
        goto done;
    }
    split_init(sp, in, false);
    split_take(sp, stamp_len, &got);
    for (t = 0; t < fw_export_ntables(l); t++) {
        fw_buf_reset(&want);
        if ((rc = fw_export_table_begin(l, t, &want)) != FW_OK)
            goto done;
        if (split_take(sp, want.len, &got) != want.len ||
            memcmp(fw_buf_str(&got), fw_buf_str(&want), want.len) != 0) {
            rc = bad(c, NULL, -1, "the header of table %s was changed", fw_export_table_name(l, t));
            goto done;
        }
        for (i = 0; i < v->n; i++) {
            const entry *e = &v->e[i];
            if (t == 0) {
                if ((uint64_t)e->log_seq >= c->stamp.size) {
                    rc = bad(c, e->id, e->line, "%s (line %lld): log seq %lld is not in the "
                                                "stamp's tree of size %llu", e->id,
                             (long long)e->line, (long long)e->log_seq,
                             (unsigned long long)c->stamp.size);
                    goto done;
                }
                if ((rc = check_leaf(s, e, hashes, c, &leaf, err)) != FW_OK)
                    goto done;
            }
            fw_buf_reset(&want);
            rc = fw_export_render_version(s, l, t, e->id, e->version, &body, &want, &info, &rerr);
            if (rc == FW_ERR_NOTFOUND) {
                rc = bad(c, e->id, e->line, "%s (line %lld): no stored version %lld", e->id,
                         (long long)e->line, (long long)e->version);
                goto done;
            }
            if (rc) {
                if (err)
                    *err = rerr;
                goto done;
            }
            if (t == 0 &&
                (rc = check_selection(s, c, e, body.data, body.len, prev, sizeof prev)) != FW_OK)
                goto done;
            if (t == 0 && (strcmp(info.sha256, e->sha256) != 0 ||
                           info.log_seq != e->log_seq)) {
                rc = bad(c, e->id, e->line, "%s (line %lld): version %lld is stored with another "
                                            "sha256 or log seq", e->id, (long long)e->line,
                         (long long)e->version);
                goto done;
            }
            {
                uint8_t d[32];
                char hex[65];
                fw_sha256(body.data, body.len, d);
                fw_hex(d, 32, hex);
                if (strcmp(hex, e->sha256) != 0) {
                    rc = bad(c, e->id, e->line, "%s (line %lld): the stored bytes of version "
                                                "%lld no longer hash to its sha256", e->id,
                             (long long)e->line, (long long)e->version);
                    goto done;
                }
            }
            if (split_take(sp, want.len, &got) != want.len ||
                memcmp(fw_buf_str(&got), fw_buf_str(&want), want.len) != 0) {
                if (t == 0)
                    rc = bad(c, e->id, e->line, "%s (line %lld): the exported row differs from "
                                                "version %lld as logged", e->id,
                             (long long)e->line, (long long)e->version);
                else
                    rc = bad(c, e->id, -1, "%s: its %s rows differ from version %lld as logged",
                             e->id, fw_export_table_name(l, t), (long long)e->version);
                goto done;
            }
            if (t == 0)
                c->incidents++;
        }
    }
    fw_buf_reset(&want);
    if ((rc = fw_export_end(l, (int64_t)v->n, &want)) != FW_OK)
        goto done;
    if (split_take(sp, want.len, &got) != want.len ||
        memcmp(fw_buf_str(&got), fw_buf_str(&want), want.len) != 0 ||
        split_take(sp, 1, &got) != 0)
        rc = bad(c, NULL, -1, "the export has rows or bytes the log does not account for");
done:
    fw_export_layout_free(l);
    free(sp);
    fw_buf_release(&want);
    fw_buf_release(&got);
    fw_buf_release(&body);
    fw_buf_release(&leaf);
    return rc;
}

fw_rc fw_export_stamp_check(const fw_export_stamp *st, fw_error *err)
{
    const char *blank = strstr(st->note, "\n\n");
    char origin[FW_NOTE_NAME_MAX];
    uint64_t size;
    uint8_t root[32];

    if (!blank || fw_checkpoint_parse(st->note, (size_t)(blank - st->note) + 1, origin, &size,
                                      root, NULL) != FW_OK)
        return fw_error_set(err, FW_ERR_INVALID, "the stamp's checkpoint is not a checkpoint note");
    if (size != st->size || memcmp(root, st->root, 32) != 0)
        return fw_error_set(err, FW_ERR_INVALID, "the stamp's size or root is not its checkpoint's");
    return FW_OK;
}

fw_rc fw_export_verify(fw_store *s, const fw_note_verifier *ver, const fw_export_input *in,
                       fw_export_check *c, fw_error *err)
{
    vstate v;
    fw_hash *hashes = NULL;
    uint64_t n = 0;
    size_t stamp_len = 0;
    fw_checkpoint_check cc;
    fw_error cerr;
    fw_rc rc;
    bool reading = false;

    memset(c, 0, sizeof *c);
    c->bad_line = -1;
    memset(&v, 0, sizeof v);
    v.c = c;
    if ((rc = read_entries(in, &v, &stamp_len, err)) != FW_OK)
        goto done;
    /* The stamp's size and root are the signed checkpoint's, not a claim beside it. */
    if (fw_export_stamp_check(&c->stamp, &cerr) != FW_OK) {
        rc = bad(c, NULL, 1, "line 1: %s", cerr.msg);
        goto done;
    }
    if ((rc = fw_store_begin_read(s, err)) != FW_OK)
        goto done;
    reading = true;
    if ((rc = fw_log_hashes(s, &hashes, &n, err)) != FW_OK)
        goto done;
    rc = fw_verify_checkpoint_in(s, ver, c->stamp.note, c->stamp.note_len, hashes, n, &cc,
                                 &cerr);
    if (rc == FW_ERR_INVALID) {
        rc = bad(c, NULL, 1, "line 1: %s", cerr.msg);
        goto done;
    }
    if (rc) {
        if (err)
            *err = cerr;
        goto done;
    }
    c->current_size = cc.current_size;
    if (!cc.consistent) {
        rc = bad(c, NULL, 1, "line 1: the stamp's checkpoint: %s", cc.reason);
        goto done;
    }
    rc = compare_all(s, in, &v, stamp_len, hashes, err);
done:
    if (reading)
        fw_store_end_read(s);
    free(hashes);
    free(v.e);
    if (rc == FW_ERR_INVALID && c->problem[0])
        fw_error_set(err, rc, "%s", c->problem);
    return rc;
}
