/*
** Running an import (import_run.h): the CSV read on the caller's thread,
** rows mapped, validated and prepared on the pipeline's workers, then, in
** file order, duplicates refused, records stored, and at the end the
** incidents the file no longer lists withdrawn.
*/
#include "data/import_run.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/array.h"
#include "base/hash.h"
#include "data/csv.h"
#include "data/pipeline.h"
#include "record/canon.h"
#include "base/banned.h"

#define MAX_FIELDS 1024

/* Item kinds in a pipeline batch (its `full` value). */
enum { ITEM_ROW, ITEM_BAD_ROW };

/* ---- the ids a file has given, to refuse a second row with the same id --- */

typedef struct id_set {
    fw_hset ids;
    uint32_t *line;     /* the line each id was first seen on, by its index */
    size_t line_alloc;
} id_set;

/* Add id, seen on line; false if memory ran out.  *first is the line it was first seen
** on, or 0 if it is new. */
static bool id_add(id_set *set, const char *id, size_t line, size_t *first)
{
    size_t index;
    bool added;
    *first = 0;
    if (FW_ALLOC_GROW(set->line, fw_hset_count(&set->ids) + 1, set->line_alloc) != FW_OK ||
        fw_hset_adds(&set->ids, id, &index, &added) != FW_OK)
        return false;
    if (!added)
        *first = set->line[index];
    else
        set->line[index] = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    return true;
}

static void id_set_release(id_set *set)
{
    fw_hset_release(&set->ids);
    free(set->line);
}

/* ---- one import --------------------------------------------------------- */

struct fw_import {
    fw_store *s;
    fw_profile *prof;
    const char *actor;
    fw_import_hooks hooks;
    bool header_done;
    fw_profile_part part;       /* the file being read */
    const char *file;
    fw_import_counts counts[2];
    id_set seen[2];
    fw_pipeline *pipe;
    fw_buf item;                /* one row, encoded for the pipeline */
    long long size, read;       /* the file's bytes (-1: unknown) and those read so far */
    fw_rc rc;                   /* the first failure, with its message in err */
    fw_error err;
};

static void fail(fw_import *im, fw_rc rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(fw_import *im, fw_rc rc, const char *fmt, ...)
{
    va_list ap;
    if (im->rc)
        return;
    im->rc = rc;
    im->err.rc = rc;
    va_start(ap, fmt);
    vsnprintf(im->err.msg, sizeof im->err.msg, fmt, ap);
    va_end(ap);
}

fw_import *fw_import_new(fw_store *s, fw_profile *prof, const char *actor,
                         const fw_import_hooks *hooks)
{
    fw_import *im = calloc(1, sizeof *im);
    size_t i;
    if (!im)
        return NULL;
    im->s = s;
    im->prof = prof;
    im->actor = actor;
    if (hooks)
        im->hooks = *hooks;
    fw_buf_init(&im->item, FW_BUF_UNLIMITED);
    for (i = 0; i < 2; i++)
        fw_hset_init(&im->seen[i].ids);
    return im;
}

void fw_import_free(fw_import *im)
{
    size_t i;
    if (!im)
        return;
    for (i = 0; i < 2; i++)
        id_set_release(&im->seen[i]);
    fw_buf_release(&im->item);
    free(im);
}

const fw_import_counts *fw_import_counts_of(const fw_import *im, fw_profile_part part)
{
    return &im->counts[part];
}

static void reject(fw_import *im, size_t line, const char *why)
{
    im->counts[im->part].rejected++;
    if (im->hooks.reject)
        im->hooks.reject(im->hooks.arg, im->part, im->file, line, why);
}

static void progress(fw_import *im, bool last)
{
    if (im->hooks.progress)
        im->hooks.progress(im->hooks.arg, im->file, im->counts[im->part].rows, im->read,
                           im->size, last);
}

/* ---- on the workers: map, validate and prepare each row ---------------- */

/* A row as on_row encoded it (the field count, each length, then the fields) into row,
** whose fields and lens point into data. */
static void decode_row(const char *data, size_t lineno, const char **fields, size_t *lens,
                       fw_csv_row *row)
{
    const char *p;
    uint32_t nf, k;
    memcpy(&nf, data, sizeof nf);
    p = data + sizeof nf + nf * sizeof(uint32_t);
    for (k = 0; k < nf; k++) {
        uint32_t len;
        memcpy(&len, data + sizeof nf + k * sizeof len, sizeof len);
        fields[k] = p;
        lens[k] = len;
        p += len + 1;
    }
    memset(row, 0, sizeof *row);
    row->line = lineno;
    row->nfields = nf;
    row->fields = fields;
    row->lens = lens;
}

static void work(void *ctx, fw_pipe_batch *b, fw_diag *diag)
{
    fw_import *im = ctx;
    const char *fields[MAX_FIELDS];
    size_t lens[MAX_FIELDS];
    size_t i;

    for (i = 0; i < b->n; i++) {
        const char *data = b->text.data + b->off[i];
        fw_csv_row row;
        json_t *doc = NULL;
        fw_doc *d = NULL;
        char why[256];

        b->ok[i] = false;
        b->bad++;
        if (b->full[i] == ITEM_BAD_ROW) {
            fw_buf_printf(&b->msgs, "%zu\t%s\x1e", b->lineno[i], data);
            continue;
        }
        decode_row(data, b->lineno[i], fields, lens, &row);
        if (fw_profile_map(im->prof, im->part, &row, &doc, why, sizeof why) != FW_OK) {
            fw_buf_printf(&b->msgs, "%zu\t%s\x1e", b->lineno[i], why);
            continue;
        }
        fw_diag_reset(diag);
        if (fw_doc_from_json(doc, NULL, &d, diag) != FW_OK) {
            fw_buf_printf(&b->msgs, "%zu\t%s\x1e", b->lineno[i], diag->n ? diag->msgs[0] : "invalid");
        } else if (fw_prepare(d, &b->prep[i]) != FW_OK) {
            fw_prepared_release(&b->prep[i]);
            fw_buf_printf(&b->msgs, "%zu\tout of memory\x1e", b->lineno[i]);
        } else {
            b->ok[i] = true;
            b->bad--;
        }
        fw_doc_free(d);
        json_decref(doc);
    }
}

/* ---- on the caller's thread, in file order: store, refuse duplicates ---- */

/* A rejected row is still listed by its file: its incident is not to be withdrawn.
** Without an id (a row the CSV reader refused) the file's list is not known. */
static void still_listed(fw_import *im, fw_pipe_batch *b, size_t i)
{
    const char *fields[MAX_FIELDS];
    size_t lens[MAX_FIELDS], first;
    fw_csv_row row;
    char id[256];

    if (b->full[i] != ITEM_BAD_ROW) {
        decode_row(b->text.data + b->off[i], b->lineno[i], fields, lens, &row);
        if (fw_profile_row_id(im->prof, im->part, &row, id, sizeof id)) {
            if (!id_add(&im->seen[im->part], id, b->lineno[i], &first))
                fail(im, FW_ERR_NOMEM, "out of memory");
            return;
        }
    }
    im->counts[im->part].unlisted++;
}

/* A re-imported agency keeps what the dataset does not carry: the hierarchy
** (parent_id), adoptions (adopts) and the withdrawn mark of its latest stored
** version, so a re-import does not erase them.  *p is replaced when a field is
** kept; nothing else changes. */
static fw_rc keep_agency_fields(fw_import *im, fw_prepared *p, fw_error *err)
{
    static const char *const kept[] = {"parent_id", "adopts", "withdrawn"};
    json_t *stored = NULL, *next = NULL;
    fw_prepared np;
    fw_doc *d = NULL;
    fw_diag diag;
    fw_buf body;
    bool changed = false;
    size_t k;
    fw_rc rc;

    if (p->type != FW_RECORD_AGENCY)
        return FW_OK;
    memset(&np, 0, sizeof np);
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_diag_init(&diag, 1);
    rc = fw_store_get(im->s, FW_RECORD_AGENCY, p->id, 0, &body, NULL, err);
    if (rc == FW_ERR_NOTFOUND) {
        fw_error_clear(err);
        rc = FW_OK;
        goto done;
    }
    if (rc != FW_OK)
        goto done;
    if (!(stored = json_loadb(body.data, body.len, 0, NULL))) {
        rc = fw_error_set(err, FW_ERR_STORE, "stored agency %s is not JSON", p->id);
        goto done;
    }
    if (!(next = json_loadb(p->body, p->body_len, 0, NULL))) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (k = 0; k < sizeof kept / sizeof kept[0]; k++) {
        json_t *v = json_object_get(stored, kept[k]);
        if (!v || json_object_get(next, kept[k]))
            continue;
        if (json_object_set(next, kept[k], v)) {
            rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
            goto done;
        }
        changed = true;
    }
    if (!changed)
        goto done;
    if (fw_doc_from_json(next, NULL, &d, &diag) != FW_OK) {
        rc = fw_error_set(err, FW_ERR_INVALID, "agency %s: %s", p->id,
                          diag.n ? diag.msgs[0] : "invalid");
        goto done;
    }
    if (fw_prepare(d, &np) != FW_OK) {
        fw_prepared_release(&np);
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    fw_prepared_release(p);
    *p = np;
done:
    fw_doc_free(d);
    json_decref(next);
    json_decref(stored);
    fw_diag_release(&diag);
    fw_buf_release(&body);
    return rc;
}

static void consume(void *ctx, fw_pipe_batch *b)
{
    fw_import *im = ctx;
    fw_import_counts *c = &im->counts[im->part];
    char *msg = b->msgs.len ? b->msgs.data : NULL;
    size_t i;

    for (i = 0; i < b->n; i++) {
        fw_put_result res;
        fw_error err;
        size_t first;
        char why[160];

        if (!b->ok[i]) {
            /* Its message is the next in msgs: "LINE\tREASON\x1e". */
            char *tab = msg ? strchr(msg, '\t') : NULL, *end = tab ? strchr(tab, '\x1e') : NULL;
            if (!end)
                continue;
            *end = '\0';
            reject(im, b->lineno[i], tab + 1);
            msg = end + 1;
            still_listed(im, b, i);
            continue;
        }
        if (im->rc)
            continue;
        if (!id_add(&im->seen[im->part], b->prep[i].id, b->lineno[i], &first)) {
            fail(im, FW_ERR_NOMEM, "out of memory");
        } else if (first) {
            snprintf(why, sizeof why, "duplicate id %.64s (also on line %zu)", b->prep[i].id, first);
            reject(im, b->lineno[i], why);
        } else if (keep_agency_fields(im, &b->prep[i], &err) != FW_OK) {
            fail(im, err.rc, "%s:%zu: %s", im->file, b->lineno[i], err.msg);
        } else if (fw_store_put_prepared(im->s, &b->prep[i], im->actor, &res, &err) != FW_OK) {
            fail(im, FW_ERR_STORE, "%s:%zu: %s", im->file, b->lineno[i], err.msg);
        } else {
            fw_put_tally_add(&c->tally, &res);
        }
    }
    progress(im, false);
}

/* The CSV reader's callback: the header binds the profile; each data row goes to the
** pipeline, encoded as its field count, the fields' lengths, then the fields. */
static int on_row(void *arg, const fw_csv_row *row)
{
    fw_import *im = arg;
    char why[256];
    uint32_t nf = (uint32_t)row->nfields;
    size_t k;
    fw_rc rc;

    if (!im->header_done) {
        im->header_done = true;
        if (row->error || fw_profile_bind(im->prof, im->part, row, why, sizeof why) != FW_OK) {
            fail(im, FW_ERR_INVALID, "%s:%zu: header: %s", im->file, row->line,
                 row->error ? row->error : why);
            return 1;
        }
        return 0;
    }
    im->counts[im->part].rows++;
    if (row->error) {
        rc = fw_pipeline_add(im->pipe, row->error, strlen(row->error), ITEM_BAD_ROW, row->line);
    } else {
        fw_buf_reset(&im->item);
        rc = fw_buf_add(&im->item, &nf, sizeof nf);
        for (k = 0; !rc && k < row->nfields; k++) {
            uint32_t len = (uint32_t)row->lens[k];
            rc = fw_buf_add(&im->item, &len, sizeof len);
        }
        for (k = 0; !rc && k < row->nfields; k++)
            rc = fw_buf_add(&im->item, row->fields[k], row->lens[k] + 1);
        if (!rc)
            rc = fw_pipeline_add(im->pipe, im->item.data, im->item.len, ITEM_ROW, row->line);
    }
    if (rc)
        fail(im, FW_ERR_NOMEM, "out of memory");
    return im->rc ? 1 : 0;
}

fw_rc fw_import_read(fw_import *im, fw_profile_part part, FILE *in, const char *name,
                     long long size, fw_error *err)
{
    static char chunk[1 << 16];
    fw_csv *csv = NULL;
    fw_error perr;
    size_t n;

    im->part = part;
    im->file = name;
    im->header_done = false;
    im->size = size;
    im->read = 0;
    im->pipe = fw_pipeline_start(work, im, consume, im, &perr);
    if (!im->pipe) {
        fail(im, FW_ERR_NOMEM, "%s", perr.msg);
        goto done;
    }
    csv = fw_csv_new(0, MAX_FIELDS, on_row, im);
    if (!csv) {
        fail(im, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    while (!im->rc && (n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        im->read += (long long)n;
        fw_csv_feed(csv, chunk, n);
    }
    if (!im->rc && ferror(in))
        fail(im, FW_ERR_IO, "%s: read error", name);
    if (!im->rc)
        fw_csv_finish(csv);
    if (!im->rc && !im->header_done)
        fail(im, FW_ERR_INVALID, "%s: empty file (no header)", name);
done:
    fw_pipeline_stop(im->pipe);
    im->pipe = NULL;
    if (im->counts[part].rows >= 1000)
        progress(im, true);
    fw_csv_free(csv);
    if (im->rc && err)
        *err = im->err;
    return im->rc;
}

/* ---- hashed ids --------------------------------------------------------- */

fw_rc fw_import_id_key(fw_import *im, fw_error *err)
{
    uint8_t key[FW_PROFILE_ID_KEY_BYTES];
    char hex[2 * FW_PROFILE_ID_KEY_BYTES + 1];
    fw_buf stored;
    fw_error serr;
    size_t n = 0;
    fw_rc rc;

    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "cannot start libsodium");
    fw_buf_init(&stored, 256);
    rc = fw_store_setting(im->s, "import_id_key", &stored, &serr);
    if (rc == FW_ERR_NOTFOUND) {
        randombytes_buf(key, sizeof key);
        fw_hex(key, sizeof key, hex);
        rc = fw_store_setting_put(im->s, "import_id_key", hex, &serr);
    } else if (rc == FW_OK &&
               (sodium_hex2bin(key, sizeof key, fw_buf_str(&stored), stored.len, NULL, &n, NULL) ||
                n != sizeof key)) {
        rc = fw_error_set(&serr, FW_ERR_STORE, "the database's import_id_key is malformed");
    }
    if (rc)
        rc = fw_error_set(err, FW_ERR_STORE, "%s", serr.msg);
    else
        fw_profile_set_id_key(im->prof, key);
    sodium_memzero(key, sizeof key);
    fw_buf_release(&stored);
    return rc;
}

/* ---- withdrawals -------------------------------------------------------- */

typedef struct withdraw_walk {
    fw_import *im;
    char **ids;
    size_t n, cap;
    bool nomem;
} withdraw_walk;

static int gather(void *arg, const char *id)
{
    withdraw_walk *w = arg;
    if (fw_hset_finds(&w->im->seen[FW_PROFILE_INCIDENTS].ids, id, NULL))
        return 0;
    if (FW_ALLOC_GROW(w->ids, w->n + 1, w->cap) != FW_OK)
        return w->nomem = true;
    if (!(w->ids[w->n] = strdup(id)))
        return w->nomem = true;
    w->n++;
    return 0;
}

fw_rc fw_import_withdraw_missing(fw_import *im, bool allow_empty, fw_error *err)
{
    withdraw_walk w = {im, NULL, 0, 0, false};
    fw_import_counts *c = &im->counts[FW_PROFILE_INCIDENTS];
    const char *prefix = fw_profile_id_prefix(im->prof);
    fw_error serr;
    fw_buf body;
    size_t i;

    /* A file with a header and no rows would withdraw every incident of the profile:
    ** almost always a truncated download or the wrong file, so it needs allowing. */
    if (c->rows == 0 && !allow_empty)
        return fw_error_set(err, FW_ERR_INVALID, "%s: no rows after the header: nothing "
                            "imported, nothing withdrawn", im->file ? im->file : "-");
    if (!*prefix)
        return FW_OK;
    if (c->unlisted) {
        c->withdraw_skipped = true;
        return FW_OK;
    }
    if (fw_store_ids_with_prefix(im->s, prefix, gather, &w, &serr) != FW_OK && !w.nomem)
        fail(im, FW_ERR_STORE, "%s", serr.msg);
    if (w.nomem)
        fail(im, FW_ERR_NOMEM, "out of memory");
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    for (i = 0; i < w.n; i++) {
        json_t *root;
        fw_doc *d = NULL;
        fw_diag diag;
        fw_put_result res;
        fw_buf_reset(&body);
        fw_diag_init(&diag, 1);
        if (!im->rc &&
            fw_store_get(im->s, FW_RECORD_INCIDENT, w.ids[i], 0, &body, NULL, &serr) == FW_OK &&
            (root = json_loadb(body.data, body.len, 0, NULL)) != NULL) {
            json_object_set_new(root, "withdrawn", json_true());
            if (fw_doc_from_json(root, NULL, &d, &diag) == FW_OK) {
                if (fw_store_put(im->s, d, im->actor, &res, &serr) == FW_OK)
                    c->withdrawn++;
                else
                    fail(im, FW_ERR_STORE, "%s: %s", w.ids[i], serr.msg);
            }
            fw_doc_free(d);
            json_decref(root);
        }
        fw_diag_release(&diag);
        free(w.ids[i]);
    }
    free(w.ids);
    fw_buf_release(&body);
    if (im->rc && err)
        *err = im->err;
    return im->rc;
}
