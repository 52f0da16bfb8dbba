/*
** `forcewatch import PROFILE FILE`: a public dataset read through an import
** profile (docs/import.md) into incidents, in one transaction.  Rows that
** cannot be imported are reported by line and skipped; a record already
** stored becomes a new version only if it changed; records with the
** profile's id prefix that the file no longer lists are marked withdrawn
** (kept, never deleted).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "import.h"

#ifndef FW_IMPORT_DIR
#define FW_IMPORT_DIR "import"
#endif

typedef struct import_job {
    cli_args *a;
    fw_profile *prof;
    fw_store *s;
    FILE *rejects;
    bool dry_run, header_done, progress;
    size_t rows, created, updated, unchanged, withdrawn, rejected;
    char **seen;               /* ids in this file, sorted at the end */
    size_t nseen, capseen;
    double started, last;
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
    j->rejected++;
    if (j->rejects)
        fprintf(j->rejects, "%zu\t%s\n", line, why);
    else if (j->rejected <= 20)
        fprintf(stderr, "%s:%zu: rejected: %s\n", j->a->pos[1], line, why);
}

static int on_row(void *arg, const fw_csv_row *row)
{
    import_job *j = arg;
    char why[256];
    json_t *doc = NULL;
    fw_doc *d = NULL;
    fw_diag diag;
    fw_put_result res;
    fw_error err;

    if (!j->header_done) {
        j->header_done = true;
        if (row->error || fw_profile_bind(j->prof, row, why, sizeof why) != FW_OK) {
            j->rc = cli_fail(EXIT_INVALID, "%s:%zu: header: %s", j->a->pos[1], row->line,
                             row->error ? row->error : why);
            return 1;
        }
        return 0;
    }
    j->rows++;
    if (row->error) {
        reject(j, row->line, row->error);
        return 0;
    }
    if (fw_profile_map(j->prof, row, &doc, why, sizeof why) != FW_OK) {
        reject(j, row->line, why);
        return 0;
    }
    fw_diag_init(&diag, 1);
    if (fw_doc_from_json(doc, NULL, &d, &diag) != FW_OK) {
        reject(j, row->line, diag.n ? diag.msgs[0] : "invalid");
    } else {
        if (j->nseen == j->capseen) {
            char **g = realloc(j->seen, (j->capseen = j->capseen ? j->capseen * 2 : 1024) * sizeof *g);
            if (!g) {
                j->rc = cli_fail(EXIT_RUNTIME, "out of memory");
                fw_doc_free(d);
                json_decref(doc);
                fw_diag_release(&diag);
                return 1;
            }
            j->seen = g;
        }
        j->seen[j->nseen++] = strdup(d->id);
        if (j->dry_run) {
            j->created++;
        } else if (fw_store_put(j->s, d, j->a->actor, &res, &err) != FW_OK) {
            j->rc = cli_fail(EXIT_RUNTIME, "%s:%zu: %s", j->a->pos[1], row->line, err.msg);
        } else if (res.action == FW_PUT_CREATED) {
            j->created++;
        } else if (res.action == FW_PUT_UPDATED) {
            j->updated++;
        } else {
            j->unchanged++;
        }
    }
    fw_doc_free(d);
    json_decref(doc);
    fw_diag_release(&diag);
    if (j->progress && (j->rows & 255) == 0 && now_s() - j->last > 0.5) {
        j->last = now_s();
        fprintf(stderr, "\r%s: %zu rows, %.0f rows/s", j->a->pos[1], j->rows,
                j->rows / (j->last - j->started));
    }
    return j->rc ? 1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct withdraw_walk {
    import_job *j;
    char **ids;
    size_t n, cap;
} withdraw_walk;

static int gather(void *arg, const fw_incident_row *row)
{
    withdraw_walk *w = arg;
    const char *prefix = fw_profile_id_prefix(w->j->prof);
    char *key = (char *)row->id;
    if (!*prefix || strncmp(row->id, prefix, strlen(prefix)) != 0)
        return 0;
    if (bsearch(&key, w->j->seen, w->j->nseen, sizeof *w->j->seen, cmp_str))
        return 0;
    if (w->n == w->cap) {
        char **g = realloc(w->ids, (w->cap = w->cap ? w->cap * 2 : 64) * sizeof *g);
        if (!g)
            return 1;
        w->ids = g;
    }
    w->ids[w->n++] = strdup(row->id);
    return 0;
}

/* A new version, marked withdrawn, of every record the file no longer lists. */
static void withdraw_missing(import_job *j)
{
    withdraw_walk w = {j, NULL, 0, 0};
    fw_error err;
    fw_buf body;
    size_t i;

    qsort(j->seen, j->nseen, sizeof *j->seen, cmp_str);
    fw_store_list(j->s, NULL, gather, &w, &err);
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    for (i = 0; i < w.n; i++) {
        json_t *root;
        fw_doc *d = NULL;
        fw_diag diag;
        fw_put_result res;
        fw_buf_reset(&body);
        fw_diag_init(&diag, 1);
        if (fw_store_get(j->s, FW_RECORD_INCIDENT, w.ids[i], 0, &body, NULL, &err) == FW_OK &&
            (root = json_loadb(body.data, body.len, 0, NULL)) != NULL) {
            json_object_set_new(root, "withdrawn", json_true());
            if (fw_doc_from_json(root, NULL, &d, &diag) == FW_OK &&
                fw_store_put(j->s, d, j->a->actor, &res, &err) == FW_OK)
                j->withdrawn++;
            fw_doc_free(d);
            json_decref(root);
        }
        fw_diag_release(&diag);
        free(w.ids[i]);
    }
    free(w.ids);
    fw_buf_release(&body);
}

int cmd_import(cli_args *a)
{
    import_job j;
    fw_buf text;
    fw_diag diag;
    fw_error err;
    fw_csv *csv = NULL;
    FILE *in = NULL;
    char path[4096], chunk[65536];
    const char *pname = a->pos[0], *rej = cli_value(a, "rejects");
    size_t n, i;

    memset(&j, 0, sizeof j);
    j.a = a;
    j.dry_run = cli_flag(a, "dry-run");
    j.progress = isatty(2);
    if (strchr(pname, '/') || strstr(pname, ".profile"))
        snprintf(path, sizeof path, "%s", pname);
    else
        snprintf(path, sizeof path, "%s/%s.profile",
                 access("import", F_OK) == 0 ? "import" : FW_IMPORT_DIR, pname);
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
    in = strcmp(a->pos[1], "-") ? fopen(a->pos[1], "rb") : stdin;
    if (!in) {
        j.rc = cli_fail(EXIT_RUNTIME, "cannot open %s: %s", a->pos[1], strerror(errno));
        goto done;
    }
    if (rej && !(j.rejects = fopen(rej, "w"))) {
        j.rc = cli_fail(EXIT_RUNTIME, "cannot write %s: %s", rej, strerror(errno));
        goto done;
    }
    j.s = cli_open_store(a, j.dry_run ? FW_STORE_READONLY : 0);
    if (!j.s) {
        j.rc = EXIT_RUNTIME;
        goto done;
    }
    if (!j.dry_run && fw_store_begin(j.s, &err) != FW_OK) {
        j.rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    csv = fw_csv_new(0, 0, on_row, &j);
    j.started = j.last = now_s();
    while (!j.rc && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        fw_csv_feed(csv, chunk, n);
    if (!j.rc)
        fw_csv_finish(csv);
    if (!j.rc && !j.dry_run)
        withdraw_missing(&j);
    if (j.rc || j.dry_run) {
        fw_store_rollback(j.s);
    } else if (fw_store_commit(j.s, &err) != FW_OK) {
        j.rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    if (j.progress && j.rows > 255)
        fputc('\n', stderr);
    if (!j.rc)
        printf("%s: %zu rows (%s): %zu inserted, %zu updated, %zu unchanged, %zu withdrawn, "
               "%zu rejected%s\n",
               a->pos[1], j.rows, fw_profile_name(j.prof), j.created, j.updated, j.unchanged,
               j.withdrawn, j.rejected, j.dry_run ? " (dry run: nothing stored)" : "");
    if (j.rejected > 20 && !j.rejects)
        fprintf(stderr, "... %zu rejected rows in all (--rejects FILE lists them)\n", j.rejected);
done:
    fw_csv_free(csv);
    if (in && in != stdin)
        fclose(in);
    if (j.rejects)
        fclose(j.rejects);
    fw_store_close(j.s);
    fw_profile_free(j.prof);
    for (i = 0; i < j.nseen; i++)
        free(j.seen[i]);
    free(j.seen);
    fw_buf_release(&text);
    fw_diag_release(&diag);
    return j.rc;
}
