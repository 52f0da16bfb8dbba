/*
** `forcewatch import PROFILE FILE [--agencies FILE]`: a public dataset read
** through an import profile (docs/import.md) into incidents, and the agencies
** file it joins into agency records, all in one transaction.  The CSV is
** read on the main thread; rows are mapped, validated and prepared on worker
** threads (pipeline.h) and stored in file order.  Rows that cannot be
** imported are reported by line and skipped; a record already stored becomes
** a new version only if it changed; incidents with the profile's id prefix
** that the file no longer lists are marked withdrawn (kept, never deleted).
** A dry run does all of it and rolls back, so its counts are exact.
*/
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "data/import.h"
#include "data/pipeline.h"

#ifndef FW_PROFILE_DIR
#define FW_PROFILE_DIR "profiles"
#endif

#define MAX_FIELDS 1024
/* The page cache an import keeps: half the default, so that a million-row import (whose
** id set alone takes about 30 MB) stays under 100 MB; measured to cost no CPU time. */
#define IMPORT_CACHE_KIB 32768

/* Item kinds in a pipeline batch (its `full` value). */
enum { ITEM_ROW, ITEM_BAD_ROW };

/* ---- the ids a file has given, to refuse a second row with the same id --- */

typedef struct id_slot {
    uint32_t off;   /* into names, plus 1; 0 = empty */
    uint32_t line;
} id_slot;

typedef struct id_set {
    fw_buf names;   /* NUL-terminated ids */
    id_slot *slots;
    size_t cap, n;
} id_set;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static id_slot *id_find(const id_set *set, const char *id)
{
    size_t i;
    if (!set->cap)
        return NULL;
    for (i = fnv1a(id) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        id_slot *s = &set->slots[i];
        if (!s->off || strcmp(set->names.data + s->off - 1, id) == 0)
            return s;
    }
}

/* Add id, seen on line; false if memory ran out.  *first is the line it was first seen
** on, or 0 if it is new. */
static bool id_add(id_set *set, const char *id, size_t line, size_t *first)
{
    id_slot *slot;
    size_t off = set->names.len;
    *first = 0;
    if ((set->n + 1) * 2 > set->cap) {
        size_t i, cap = set->cap ? set->cap * 2 : 4096;
        id_slot *old = set->slots, *grown = calloc(cap, sizeof *grown);
        size_t oldcap = set->cap;
        if (!grown)
            return false;
        set->slots = grown;
        set->cap = cap;
        for (i = 0; i < oldcap; i++)
            if (old[i].off)
                *id_find(set, set->names.data + old[i].off - 1) = old[i];
        free(old);
    }
    slot = id_find(set, id);
    if (slot->off) {
        *first = slot->line;
        return true;
    }
    if (off + strlen(id) + 1 >= UINT32_MAX || fw_buf_add(&set->names, id, strlen(id) + 1))
        return false;
    slot->off = (uint32_t)off + 1;
    slot->line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    set->n++;
    return true;
}

static void id_set_release(id_set *set)
{
    fw_buf_release(&set->names);
    free(set->slots);
}

/* ---- one import --------------------------------------------------------- */

typedef struct part_counts {
    size_t rows, withdrawn, rejected;
    size_t unlisted;            /* rejected rows whose id is unknown */
    fw_put_tally tally;
} part_counts;

typedef struct import_job {
    cli_args *a;
    fw_profile *prof;
    fw_store *s;
    FILE *rejects;
    bool progress, header_done;
    fw_profile_part part;       /* the file being read */
    const char *file;
    part_counts counts[2];
    id_set seen[2];
    fw_pipeline *pipe;
    fw_buf item;                /* one row, encoded for the fw_pipeline */
    double started, last_progress;
    long long size, read;       /* the file's bytes (-1: unknown) and those read so far */
    int rc;
} import_job;

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void reject(import_job *j, size_t line, const char *why)
{
    const char *where = j->part == FW_PROFILE_AGENCIES ? j->file : NULL;
    j->counts[j->part].rejected++;
    if (j->rejects)
        fprintf(j->rejects, "%s%s%zu\t%s\n", where ? where : "", where ? ":" : "", line, why);
    else
        fprintf(stderr, "%s%s:%zu: rejected: %s\n", j->progress ? "\r\033[K" : "", j->file, line,
                why);
}

/* "FILE: 120000 rows, 41000 rows/s, 37%, 0:05 left" on a terminal, a few times a second. */
static void show_progress(import_job *j, bool last)
{
    double t = now_s(), rate, elapsed;
    size_t rows = j->counts[j->part].rows;
    if (!j->progress || (!last && t - j->last_progress < 0.25))
        return;
    j->last_progress = t;
    elapsed = t - j->started > 1e-6 ? t - j->started : 1e-6;
    rate = rows / elapsed;
    fprintf(stderr, "\r\033[K%s: %zu rows, %.0f rows/s", j->file, rows, rate);
    if (j->size > 0 && j->read > 0 && !last) {
        double left = elapsed * (double)(j->size - j->read) / (double)j->read;
        fprintf(stderr, ", %.0f%%, %d:%02d left", 100.0 * (double)j->read / (double)j->size,
                (int)(left / 60), (int)left % 60);
    }
    if (last)
        fputc('\n', stderr);
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
    import_job *j = ctx;
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
        if (fw_profile_map(j->prof, j->part, &row, &doc, why, sizeof why) != FW_OK) {
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

/* ---- on the main thread, in file order: store, refuse duplicates, report */

/* A rejected row is still listed by its file: its incident is not to be withdrawn.
** Without an id (a row the CSV reader refused) the file's list is not known. */
static void still_listed(import_job *j, fw_pipe_batch *b, size_t i)
{
    const char *fields[MAX_FIELDS];
    size_t lens[MAX_FIELDS], first;
    fw_csv_row row;
    char id[256];

    if (b->full[i] != ITEM_BAD_ROW) {
        decode_row(b->text.data + b->off[i], b->lineno[i], fields, lens, &row);
        if (fw_profile_row_id(j->prof, j->part, &row, id, sizeof id)) {
            if (!id_add(&j->seen[j->part], id, b->lineno[i], &first))
                j->rc = cli_fail(EXIT_RUNTIME, "out of memory");
            return;
        }
    }
    j->counts[j->part].unlisted++;
}

static void consume(void *ctx, fw_pipe_batch *b)
{
    import_job *j = ctx;
    part_counts *c = &j->counts[j->part];
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
            reject(j, b->lineno[i], tab + 1);
            msg = end + 1;
            still_listed(j, b, i);
            continue;
        }
        if (j->rc)
            continue;
        if (!id_add(&j->seen[j->part], b->prep[i].id, b->lineno[i], &first)) {
            j->rc = cli_fail(EXIT_RUNTIME, "out of memory");
        } else if (first) {
            snprintf(why, sizeof why, "duplicate id %.64s (also on line %zu)", b->prep[i].id, first);
            reject(j, b->lineno[i], why);
        } else if (fw_store_put_prepared(j->s, &b->prep[i], j->a->actor, &res, &err) != FW_OK) {
            j->rc = cli_fail(EXIT_RUNTIME, "%s:%zu: %s", j->file, b->lineno[i], err.msg);
        } else {
            fw_put_tally_add(&c->tally, &res);
        }
    }
    show_progress(j, false);
}

/* The CSV reader's callback: the header binds the profile; each data row goes to the
** pipeline, encoded as its field count, the fields' lengths, then the fields. */
static int on_row(void *arg, const fw_csv_row *row)
{
    import_job *j = arg;
    char why[256];
    uint32_t nf = (uint32_t)row->nfields;
    size_t k;
    fw_rc rc;

    if (!j->header_done) {
        j->header_done = true;
        if (row->error || fw_profile_bind(j->prof, j->part, row, why, sizeof why) != FW_OK) {
            j->rc = cli_fail(EXIT_INVALID, "%s:%zu: header: %s", j->file, row->line,
                             row->error ? row->error : why);
            return 1;
        }
        return 0;
    }
    j->counts[j->part].rows++;
    if (row->error) {
        rc = fw_pipeline_add(j->pipe, row->error, strlen(row->error), ITEM_BAD_ROW, row->line);
    } else {
        fw_buf_reset(&j->item);
        rc = fw_buf_add(&j->item, &nf, sizeof nf);
        for (k = 0; !rc && k < row->nfields; k++) {
            uint32_t len = (uint32_t)row->lens[k];
            rc = fw_buf_add(&j->item, &len, sizeof len);
        }
        for (k = 0; !rc && k < row->nfields; k++)
            rc = fw_buf_add(&j->item, row->fields[k], row->lens[k] + 1);
        if (!rc)
            rc = fw_pipeline_add(j->pipe, j->item.data, j->item.len, ITEM_ROW, row->line);
    }
    if (rc && !j->rc)
        j->rc = cli_fail(EXIT_RUNTIME, "out of memory");
    return j->rc ? 1 : 0;
}

/* Read one file of the profile through the pipeline. */
static void read_part(import_job *j, fw_profile_part part, const char *path)
{
    static char chunk[1 << 16];
    fw_csv *csv = NULL;
    fw_error err;
    struct stat st;
    FILE *in;
    size_t n;

    j->part = part;
    j->file = path;
    j->header_done = false;
    in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in) {
        j->rc = cli_fail(EXIT_RUNTIME, "cannot open %s: %s", path, strerror(errno));
        return;
    }
    j->size = fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    j->read = 0;
    j->pipe = fw_pipeline_start(work, j, consume, j, &err);
    if (!j->pipe) {
        j->rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    csv = fw_csv_new(0, MAX_FIELDS, on_row, j);
    if (!csv) {
        j->rc = cli_fail(EXIT_RUNTIME, "out of memory");
        goto done;
    }
    j->started = j->last_progress = now_s();
    while (!j->rc && (n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        j->read += (long long)n;
        fw_csv_feed(csv, chunk, n);
    }
    if (!j->rc && ferror(in))
        j->rc = cli_fail(EXIT_RUNTIME, "%s: read error", path);
    if (!j->rc)
        fw_csv_finish(csv);
    if (!j->rc && !j->header_done)
        j->rc = cli_fail(EXIT_INVALID, "%s: empty file (no header)", path);
done:
    fw_pipeline_stop(j->pipe);
    j->pipe = NULL;
    if (j->counts[part].rows >= 1000)
        show_progress(j, true);
    fw_csv_free(csv);
    if (in != stdin)
        fclose(in);
}

/* ---- hashed ids --------------------------------------------------------- */

/* The database's key for hashed ids (made, once, by the first import that needs it,
** inside the import's transaction) given to the profile. */
static int give_id_key(import_job *j)
{
    uint8_t key[FW_PROFILE_ID_KEY_BYTES];
    char hex[2 * FW_PROFILE_ID_KEY_BYTES + 1];
    fw_buf stored;
    fw_error err;
    size_t n = 0;
    fw_rc rc;
    int out = 0;

    if (sodium_init() < 0)
        return cli_fail(EXIT_RUNTIME, "cannot start libsodium");
    fw_buf_init(&stored, 256);
    rc = fw_store_setting(j->s, "import_id_key", &stored, &err);
    if (rc == FW_ERR_NOTFOUND) {
        randombytes_buf(key, sizeof key);
        fw_hex(key, sizeof key, hex);
        rc = fw_store_setting_put(j->s, "import_id_key", hex, &err);
    } else if (rc == FW_OK &&
               (sodium_hex2bin(key, sizeof key, fw_buf_str(&stored), stored.len, NULL, &n, NULL) ||
                n != sizeof key)) {
        rc = fw_error_set(&err, FW_ERR_STORE, "the database's import_id_key is malformed");
    }
    if (rc)
        out = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    else
        fw_profile_set_id_key(j->prof, key);
    sodium_memzero(key, sizeof key);
    fw_buf_release(&stored);
    return out;
}

/* ---- withdrawals -------------------------------------------------------- */

typedef struct withdraw_walk {
    import_job *j;
    char **ids;
    size_t n, cap;
    bool nomem;
} withdraw_walk;

static int gather(void *arg, const char *id)
{
    withdraw_walk *w = arg;
    id_slot *seen = id_find(&w->j->seen[FW_PROFILE_INCIDENTS], id);
    if (seen && seen->off)
        return 0;
    if (w->n == w->cap) {
        char **g = realloc(w->ids, (w->cap = w->cap ? w->cap * 2 : 64) * sizeof *g);
        if (!g)
            return w->nomem = true;
        w->ids = g;
    }
    if (!(w->ids[w->n] = strdup(id)))
        return w->nomem = true;
    w->n++;
    return 0;
}

/* A new version, marked withdrawn, of every incident the file no longer lists. */
static void withdraw_missing(import_job *j)
{
    withdraw_walk w = {j, NULL, 0, 0, false};
    const char *prefix = fw_profile_id_prefix(j->prof);
    fw_error err;
    fw_buf body;
    size_t i;

    if (!*prefix)
        return;
    if (j->counts[FW_PROFILE_INCIDENTS].unlisted) {
        fprintf(stderr, "forcewatch: %s: nothing withdrawn: %zu rejected rows have no id, so "
                "which incidents the file still lists is not known\n", j->file,
                j->counts[FW_PROFILE_INCIDENTS].unlisted);
        return;
    }
    if (fw_store_ids_with_prefix(j->s, prefix, gather, &w, &err) != FW_OK && !w.nomem)
        j->rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    if (w.nomem)
        j->rc = cli_fail(EXIT_RUNTIME, "out of memory");
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    for (i = 0; i < w.n; i++) {
        json_t *root;
        fw_doc *d = NULL;
        fw_diag diag;
        fw_put_result res;
        fw_buf_reset(&body);
        fw_diag_init(&diag, 1);
        if (!j->rc && fw_store_get(j->s, FW_RECORD_INCIDENT, w.ids[i], 0, &body, NULL, &err) == FW_OK &&
            (root = json_loadb(body.data, body.len, 0, NULL)) != NULL) {
            json_object_set_new(root, "withdrawn", json_true());
            if (fw_doc_from_json(root, NULL, &d, &diag) == FW_OK) {
                if (fw_store_put(j->s, d, j->a->actor, &res, &err) == FW_OK)
                    j->counts[FW_PROFILE_INCIDENTS].withdrawn++;
                else
                    j->rc = cli_fail(EXIT_RUNTIME, "%s: %s", w.ids[i], err.msg);
            }
            fw_doc_free(d);
            json_decref(root);
        }
        fw_diag_release(&diag);
        free(w.ids[i]);
    }
    free(w.ids);
    fw_buf_release(&body);
}

/* ---- the command ------------------------------------------------------ */

static void summarize(const import_job *j, fw_profile_part part, const char *file, bool dry_run)
{
    const part_counts *c = &j->counts[part];
    if (part == FW_PROFILE_AGENCIES)
        printf("%s: %zu rows (%s agencies): %zu inserted, %zu updated, %zu unchanged, %zu "
               "rejected%s\n",
               file, c->rows, fw_profile_name(j->prof), c->tally.created, c->tally.updated,
               c->tally.unchanged, c->rejected, dry_run ? " (dry run: nothing stored)" : "");
    else
        printf("%s: %zu rows (%s): %zu inserted, %zu updated, %zu unchanged, %zu withdrawn, "
               "%zu rejected%s\n",
               file, c->rows, fw_profile_name(j->prof), c->tally.created, c->tally.updated,
               c->tally.unchanged, c->withdrawn, c->rejected,
               dry_run ? " (dry run: nothing stored)" : "");
}

int cmd_import(cli_args *a)
{
    import_job j;
    fw_buf text;
    fw_diag diag;
    fw_error err;
    char path[4096];
    const char *pname = a->pos[0], *rej = cli_value(a, "rejects"),
               *agencies = cli_value(a, "agencies");
    bool dry_run = cli_flag(a, "dry-run");
    size_t i;

    memset(&j, 0, sizeof j);
    j.a = a;
    j.progress = isatty(2);
    fw_buf_init(&j.item, FW_BUF_UNLIMITED);
    for (i = 0; i < 2; i++)
        fw_buf_init(&j.seen[i].names, FW_BUF_UNLIMITED);
    if (strchr(pname, '/') || strstr(pname, ".profile"))
        snprintf(path, sizeof path, "%s", pname);
    else
        snprintf(path, sizeof path, "%s/%s.profile",
                 access("profiles", F_OK) == 0 ? "profiles" : FW_PROFILE_DIR, pname);
    fw_buf_init(&text, 1 << 20);
    fw_diag_init(&diag, 50);
    if (!cli_read_file(path, &text)) {
        j.rc = EXIT_USAGE;
        goto done;
    }
    if (fw_profile_parse(path, fw_buf_str(&text), text.len, &j.prof, &diag) != FW_OK) {
        for (i = 0; i < diag.n; i++)
            fprintf(stderr, "%s\n", diag.msgs[i]);
        j.rc = EXIT_INVALID;
        goto done;
    }
    if (agencies && !fw_profile_joins_agencies(j.prof)) {
        j.rc = cli_usage_error("--agencies: profile %s has no 'join agencies' section",
                               fw_profile_name(j.prof));
        goto done;
    }
    if (agencies && strcmp(agencies, "-") == 0 && strcmp(a->pos[1], "-") == 0) {
        j.rc = cli_usage_error("only one of FILE and --agencies can be standard input");
        goto done;
    }
    if (rej && !(j.rejects = fopen(rej, "w"))) {
        j.rc = cli_fail(EXIT_RUNTIME, "cannot write %s: %s", rej, strerror(errno));
        goto done;
    }
    /* A dry run writes too, inside a transaction it rolls back: its counts are exact. */
    j.s = cli_open_store_cache(a, 0, IMPORT_CACHE_KIB);
    if (!j.s) {
        j.rc = EXIT_RUNTIME;
        goto done;
    }
    if (fw_store_begin(j.s, &err) != FW_OK) {
        j.rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    if (fw_profile_hashes_ids(j.prof))
        j.rc = give_id_key(&j);
    if (agencies && !j.rc)
        read_part(&j, FW_PROFILE_AGENCIES, agencies);
    if (!j.rc)
        read_part(&j, FW_PROFILE_INCIDENTS, a->pos[1]);
    /* A file with a header and no rows would withdraw every incident of the profile:
    ** almost always a truncated download or the wrong file, so it needs saying so. */
    if (!j.rc && j.counts[FW_PROFILE_INCIDENTS].rows == 0 && !cli_flag(a, "allow-empty"))
        j.rc = cli_fail(EXIT_INVALID, "%s: no rows after the header: nothing imported, nothing "
                        "withdrawn (--allow-empty withdraws every %s incident)", a->pos[1],
                        fw_profile_name(j.prof));
    if (!j.rc)
        withdraw_missing(&j);
    if (j.rc || dry_run) {
        fw_store_rollback(j.s);
    } else if (fw_store_commit(j.s, &err) != FW_OK) {
        j.rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    if (!j.rc) {
        if (agencies)
            summarize(&j, FW_PROFILE_AGENCIES, agencies, dry_run);
        summarize(&j, FW_PROFILE_INCIDENTS, a->pos[1], dry_run);
    }
done:
    if (j.rejects)
        fclose(j.rejects);
    fw_store_close(j.s);
    fw_profile_free(j.prof);
    for (i = 0; i < 2; i++)
        id_set_release(&j.seen[i]);
    fw_buf_release(&j.item);
    fw_buf_release(&text);
    fw_diag_release(&diag);
    return j.rc;
}
