/*
** Loading document files (load.h): a bounded line reader, JSON Lines parsed
** and prepared on the pipeline's workers and stored in input order, or one
** whole-file document.
*/
#include "data/load.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "data/pipeline.h"
#include "record/model.h"
#include "record/schema.h"
#include "base/banned.h"

/* ---- a bounded reader of lines ---------------------------------------- */

typedef struct line_reader {
    FILE *f;
    char *buf;
    size_t cap, start, end;
    size_t max;            /* longest line kept; longer ones come back truncated */
    bool eof, error;
} line_reader;

static bool reader_init(line_reader *r, FILE *f, size_t max)
{
    memset(r, 0, sizeof r[0]);
    r->f = f;
    r->max = max;
    r->cap = max + 2 > 1 << 16 ? max + 2 : 1 << 16;
    r->buf = malloc(r->cap);
    return r->buf != NULL;
}

static void reader_release(line_reader *r)
{
    free(r->buf);
}

static bool reader_fill(line_reader *r)
{
    size_t n;
    if (r->eof)
        return false;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    n = fread(r->buf + r->end, 1, r->cap - r->end, r->f);
    r->end += n;
    if (n == 0) {
        r->eof = true;
        r->error = ferror(r->f) != 0;
    }
    return n > 0;
}

/*
** Next line without its newline (and CR).  Returns false at end of input.
** A line longer than max is skipped to its end; *full_len says how long it
** was, so the caller can report it.
*/
static bool reader_line(line_reader *r, const char **line, size_t *len, size_t *full_len)
{
    size_t skipped = 0;
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        size_t avail = r->end - r->start;
        if (nl || (r->eof && avail)) {
            size_t n = nl ? (size_t)(nl - (r->buf + r->start)) : avail;
            *line = r->buf + r->start;
            *len = n;
            r->start += n + (nl ? 1 : 0);
            if (n && (*line)[n - 1] == '\r')
                (*len)--;
            *full_len = skipped + *len;
            if (skipped)
                *len = 0;
            return true;
        }
        if (r->eof)
            return false;
        if (avail > r->max) {
            skipped += avail;
            r->start = r->end;
        }
        reader_fill(r);
    }
}

/* ---- processing one file ---------------------------------------------- */

typedef struct file_job {
    const char *name;
    fw_store *store;       /* NULL for check */
    const char *actor;
    fw_load_hooks hooks;
    fw_load_result *res;
    bool runtime_error;    /* the first, with its message in err */
    fw_error *err;
} file_job;

static void runtime_error(file_job *j, fw_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void runtime_error(file_job *j, fw_rc rc, const char *fmt, ...)
{
    va_list ap;
    if (j->runtime_error)
        return;
    j->runtime_error = true;
    if (!j->err)
        return;
    j->err->rc = rc;
    va_start(ap, fmt);
    vsnprintf(j->err->msg, sizeof j->err->msg, fmt, ap);
    va_end(ap);
}

static void report(file_job *j, size_t line, const char *msg)
{
    j->res->problems++;
    if (j->hooks.problem)
        j->hooks.problem(j->hooks.arg, line, msg);
}

static void show_progress(file_job *j, bool last)
{
    if (j->hooks.progress)
        j->hooks.progress(j->hooks.arg, j->res->docs, last);
}

/* Store one prepared document, counting what happened to it. */
static void store_one(file_job *j, const fw_prepared *prep, size_t line)
{
    fw_put_result res;
    fw_error err;
    char msg[256];

    if (j->hooks.only && prep->type != *j->hooks.only) {
        j->res->bad_docs++;
        (void)fw_snprintf(msg, sizeof msg, "record: %s %s: only %s records are taken here",
                          fw_record_type_name(prep->type), prep->id,
                          fw_record_type_name(*j->hooks.only)); /* cut if too long: a message */
        report(j, line, msg);
        return;
    }
    if (!j->store || j->res->bad_docs || j->runtime_error)
        return; /* checking only, or the file is already rejected */
    if (fw_store_put_prepared(j->store, prep, j->actor, &res, &err) != FW_OK) {
        if (err.rc == FW_ERR_INVALID) { /* a rule over stored records: a registry link */
            j->res->bad_docs++;
            report(j, line, err.msg);
            return;
        }
        runtime_error(j, FW_ERR_STORE, "%s%s%.0zu: %s", j->name, line ? ":" : "", line, err.msg);
    } else {
        fw_put_tally_add(&j->res->tally, &res);
    }
}

/* A whole-file document: validate, then store. */
static void handle_doc(file_job *j, const char *data, size_t len, fw_diag *diag)
{
    fw_doc *doc = NULL;
    fw_prepared prep;
    size_t i;

    j->res->docs++;
    if (fw_doc_parse(data, len, NULL, &doc, diag) != FW_OK) {
        j->res->bad_docs++;
        for (i = 0; i < diag->n; i++)
            report(j, 0, diag->msgs[i]);
        j->res->problems += diag->dropped;
        if (diag->n == 0 && !diag->dropped)
            report(j, 0, "out of memory");
        return;
    }
    if (fw_prepare(doc, &prep) != FW_OK) {
        j->res->bad_docs++;
        report(j, 0, "out of memory");
    } else {
        store_one(j, &prep, 0);
    }
    fw_prepared_release(&prep);
    fw_doc_free(doc);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_blank(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Whether a line is a whole JSON document by itself (JSON Lines). */
static bool line_is_document(const char *line, size_t len)
{
    json_t *j = json_loadb(line, len, 0, NULL);
    bool ok = j != NULL;
    json_decref(j);
    return ok;
}

/* ---- JSON Lines: parse and prepare in parallel, store in order -------- */

/* On a worker: parse, validate and (when storing) prepare each line of a batch. */
static void batch_work(void *ctx, fw_pipe_batch *b, fw_diag *diag)
{
    bool prepare = *(const bool *)ctx;
    size_t i, k;
    fw_doc *doc;

    for (i = 0; i < b->n; i++) {
        b->ok[i] = false;
        if (b->full[i] > b->len[i]) {
            fw_buf_printf(&b->msgs, "%zu\tdocument is %zu bytes, over the limit of %d\x1e",
                          b->lineno[i], b->full[i], FW_MAX_DOC_BYTES);
            b->problems++;
            b->bad++;
            continue;
        }
        fw_diag_reset(diag);
        if (fw_doc_parse(b->text.data + b->off[i], b->len[i], NULL, &doc, diag) != FW_OK) {
            for (k = 0; k < diag->n; k++)
                fw_buf_printf(&b->msgs, "%zu\t%s\x1e", b->lineno[i], diag->msgs[k]);
            b->problems += fw_diag_count(diag) ? fw_diag_count(diag) : 1;
            b->bad++;
            continue;
        }
        if (prepare && fw_prepare(doc, &b->prep[i]) != FW_OK) {
            fw_prepared_release(&b->prep[i]);
            fw_buf_printf(&b->msgs, "%zu\tout of memory\x1e", b->lineno[i]);
            b->problems++;
            b->bad++;
        } else {
            b->ok[i] = prepare;
        }
        fw_doc_free(doc);
    }
}

/* On the main thread, in input order: report a batch's problems and store its documents. */
static void batch_consume(void *ctx, fw_pipe_batch *b)
{
    file_job *j = ctx;
    char *line, *save = NULL;
    size_t i, printed = 0;

    for (line = b->msgs.len ? strtok_r(b->msgs.data, "\x1e", &save) : NULL; line;
         line = strtok_r(NULL, "\x1e", &save)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        report(j, (size_t)strtoull(line, NULL, 10), tab + 1);
        printed++;
    }
    /* report() counted the printed ones; the batch counted those too many
    ** to keep as well. */
    j->res->problems += b->problems - printed;
    j->res->bad_docs += b->bad;
    j->res->docs += b->n;
    for (i = 0; i < b->n; i++)
        if (b->ok[i])
            store_one(j, &b->prep[i], b->lineno[i]);
    show_progress(j, false);
}

/* Process JSON Lines from r; first (if non-NULL) is line 1, already read. */
static void process_lines(file_job *j, line_reader *r, const char *first, size_t first_len,
                          size_t *lineno)
{
    bool prepare = j->store != NULL;
    const char *line;
    size_t len, full;
    fw_error err;
    fw_pipeline *p = fw_pipeline_start(batch_work, &prepare, batch_consume, j, &err);

    if (!p) {
        runtime_error(j, FW_ERR_NOMEM, "%s", err.msg);
        return;
    }
    line = first;
    len = first_len;
    full = first_len;
    while (!j->runtime_error && (line || reader_line(r, &line, &len, &full))) {
        if (!first)
            (*lineno)++;
        first = NULL;
        if (is_blank(line, len) && full == len) {
            line = NULL;
            continue;
        }
        if (fw_pipeline_add(p, line, len, full, *lineno) != FW_OK) {
            runtime_error(j, FW_ERR_NOMEM, "out of memory");
            break;
        }
        line = NULL;
    }
    fw_pipeline_stop(p);
}

static void process_stream(file_job *j, FILE *f)
{
    line_reader r;
    fw_diag diag;
    fw_buf whole;
    const char *line;
    size_t len, full, lineno = 0;
    int mode; /* 0 undecided, 1 JSON Lines, 2 one document */
    const size_t max = FW_MAX_DOC_BYTES;
    bool too_big = false;

    mode = ends_with(j->name, ".jsonl") || ends_with(j->name, ".ndjson") ? 1
           : ends_with(j->name, ".json")                                 ? 2
                                                                         : 0;
    fw_diag_init(&diag, 50);
    fw_buf_init(&whole, max + 1);
    if (!reader_init(&r, f, max)) {
        runtime_error(j, FW_ERR_NOMEM, "out of memory");
        fw_buf_release(&whole);
        return;
    }
    if (mode == 1) {
        process_lines(j, &r, NULL, 0, &lineno);
        goto done;
    }
    while (reader_line(&r, &line, &len, &full)) {
        lineno++;
        if (mode == 0 && is_blank(line, len) && full == len)
            continue;
        if (mode == 0) {
            mode = full == len && line_is_document(line, len) ? 1 : 2;
            if (mode == 1) {
                process_lines(j, &r, line, len, &lineno);
                goto done;
            }
        }
        if (!too_big && (full > len || fw_buf_add(&whole, line, len) || fw_buf_addc(&whole, '\n')))
            too_big = true;
    }
    if (mode == 2 && too_big) {
        char msg[96];
        snprintf(msg, sizeof msg, "document: over the limit of %zu bytes", max);
        report(j, 0, msg);
        j->res->bad_docs++;
        j->res->docs++;
    } else if (mode == 2 && !r.error) {
        handle_doc(j, whole.data, whole.len, &diag);
    } else if (mode == 0 && !r.error) {
        report(j, 0, "no documents");
        j->res->bad_docs++;
    }
done:
    if (r.error)
        runtime_error(j, FW_ERR_IO, "%s: read error", j->name);
    if (j->res->docs > 1000)
        show_progress(j, true);
    reader_release(&r);
    fw_buf_release(&whole);
    fw_diag_release(&diag);
}

fw_rc fw_load_stream(FILE *in, const char *name, fw_store *s, const char *actor,
                     const fw_load_hooks *hooks, fw_load_result *res, fw_error *err)
{
    file_job j;

    memset(&j, 0, sizeof j);
    memset(res, 0, sizeof *res);
    j.name = name;
    j.store = s;
    j.actor = actor;
    if (hooks)
        j.hooks = *hooks;
    j.res = res;
    j.err = err;
    process_stream(&j, in);
    return j.runtime_error ? (err ? err->rc : FW_ERR_IO) : FW_OK;
}
