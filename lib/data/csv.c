/*
** The CSV reader (see csv.h): a byte-at-a-time state machine over a row
** buffer, so chunk boundaries can fall anywhere, inside quotes or between a
** CR and its LF.  A bad row keeps going through the same states with its
** bytes discarded, so it ends exactly where a good row would: at the first
** line end outside a quoted field.  After a stray quote the rest of the
** field is read as plain text.
*/
#include "data/csv.h"

#include <stdlib.h>
#include <string.h>

#include "record/model.h"

#include "base/banned.h"

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED, AFTER_CR };

struct fw_csv {
    fw_csv_cb cb;
    void *arg;
    size_t max_row, max_fields;
    char *buf;                 /* the row's fields, each NUL-terminated */
    size_t used;
    size_t data_bytes;         /* the row's bytes, separators not counted */
    size_t *starts, *lens;
    const char **fields;
    size_t nfields;
    enum state st;
    size_t line, row_line;
    bool at_start, bom_checked, stopped;
    const char *error;         /* non-NULL: the row is bad; its bytes are discarded */
    char bom[3];
    size_t nbom;
};

fw_csv *fw_csv_new(size_t max_row_bytes, size_t max_fields, fw_csv_cb cb, void *arg)
{
    fw_csv *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->max_row = max_row_bytes ? max_row_bytes : 1 << 20;
    p->max_fields = max_fields ? max_fields : 1024;
    p->buf = malloc(p->max_row + p->max_fields + 1);
    p->starts = calloc(p->max_fields + 1, sizeof *p->starts);
    p->lens = calloc(p->max_fields + 1, sizeof *p->lens);
    p->fields = calloc(p->max_fields + 1, sizeof *p->fields);
    if (!p->buf || !p->starts || !p->lens || !p->fields) {
        fw_csv_free(p);
        return NULL;
    }
    p->cb = cb;
    p->arg = arg;
    p->line = p->row_line = 1;
    p->at_start = true;
    return p;
}

void fw_csv_free(fw_csv *p)
{
    if (!p)
        return;
    free(p->buf);
    free(p->starts);
    free(p->lens);
    free(p->fields);
    free(p);
}

static void reset_row(fw_csv *p)
{
    p->used = 0;
    p->data_bytes = 0;
    p->nfields = 0;
    p->error = NULL;
    p->at_start = true;
    p->row_line = p->line;
    p->st = FIELD_START;
}

/* The row is bad: keep its first reason, discard the rest of its bytes,
** and report it once it ends. */
static void fail_row(fw_csv *p, const char *why)
{
    if (!p->error)
        p->error = why;
}

static void put(fw_csv *p, char c)
{
    if (p->error)
        return;
    if (p->data_bytes >= p->max_row) {
        fail_row(p, "row longer than the limit");
        return;
    }
    p->buf[p->used++] = c;
    p->data_bytes++;
    p->lens[p->nfields]++;
}

static void open_field(fw_csv *p)
{
    if (p->at_start)
        p->row_line = p->line;
    p->at_start = false;
    if (p->error)
        return;
    if (p->nfields >= p->max_fields) {
        fail_row(p, "more fields than the limit");
        return;
    }
    p->starts[p->nfields] = p->used;
    p->lens[p->nfields] = 0;
}

static void close_field(fw_csv *p)
{
    if (p->error)
        return;
    p->buf[p->used++] = '\0';
    p->nfields++;
}

static void emit(fw_csv *p)
{
    fw_csv_row row;
    size_t i;

    if (p->at_start && !p->error) {
        reset_row(p); /* an empty line is no row */
        return;
    }
    memset(&row, 0, sizeof row);
    row.line = p->row_line;
    row.error = p->error;
    if (!row.error) {
        for (i = 0; i < p->nfields; i++) {
            p->fields[i] = p->buf + p->starts[i];
            if (fw_utf8_check(p->fields[i], p->lens[i]) < p->lens[i]) {
                row.error = "invalid UTF-8";
                break;
            }
        }
    }
    if (!row.error) {
        row.nfields = p->nfields;
        row.fields = p->fields;
        row.lens = p->lens;
    }
    if (p->cb(p->arg, &row))
        p->stopped = true;
    reset_row(p);
}

/* A line end outside quotes: the row is complete. */
static void end_row(fw_csv *p, char c)
{
    if (!p->at_start)
        close_field(p);
    emit(p);
    if (c == '\r')
        p->st = AFTER_CR;
}

static void step(fw_csv *p, char c)
{
    switch (p->st) {
    case AFTER_CR:
        p->st = FIELD_START;
        if (c == '\n')
            return; /* the LF of a CRLF; a lone CR ended the row, c begins the next */
        __attribute__((fallthrough));
    case FIELD_START:
        if (c == '\n' || c == '\r') {
            if (!p->at_start)
                open_field(p); /* an empty last field after a comma */
            end_row(p, c);
            return;
        }
        open_field(p);
        if (c == '"')
            p->st = QUOTED;
        else if (c == ',')
            close_field(p);
        else {
            p->st = UNQUOTED;
            put(p, c);
        }
        return;
    case UNQUOTED:
        if (c == ',') {
            close_field(p);
            p->st = FIELD_START;
        } else if (c == '\n' || c == '\r') {
            end_row(p, c);
        } else if (c == '"') {
            fail_row(p, "a quote inside an unquoted field"); /* and the field goes on as text */
        } else {
            put(p, c);
        }
        return;
    case QUOTED:
        if (c == '"')
            p->st = QUOTE_IN_QUOTED;
        else
            put(p, c);
        return;
    case QUOTE_IN_QUOTED:
        if (c == '"') {
            p->st = QUOTED;
            put(p, '"');
        } else if (c == ',') {
            close_field(p);
            p->st = FIELD_START;
        } else if (c == '\n' || c == '\r') {
            end_row(p, c);
        } else {
            fail_row(p, "text after a closing quote");
            p->st = UNQUOTED; /* the rest of the field is text */
        }
        return;
    }
}

fw_rc fw_csv_feed(fw_csv *p, const char *data, size_t len)
{
    size_t i = 0;
    /* A UTF-8 byte-order mark at the very start is not data. */
    while (!p->bom_checked && i < len) {
        p->bom[p->nbom++] = data[i++];
        if (memcmp(p->bom, "\xef\xbb\xbf", p->nbom) != 0) {
            size_t k, n = p->nbom;
            p->bom_checked = true;
            for (k = 0; k < n && !p->stopped; k++) {
                if (p->bom[k] == '\n')
                    p->line++;
                step(p, p->bom[k]);
            }
        } else if (p->nbom == 3) {
            p->bom_checked = true;
        }
    }
    for (; i < len && !p->stopped; i++) {
        step(p, data[i]);
        if (data[i] == '\n')
            p->line++;
    }
    return p->stopped ? FW_ERR_USAGE : FW_OK;
}

fw_rc fw_csv_finish(fw_csv *p)
{
    if (!p->bom_checked && p->nbom) {
        size_t k;
        p->bom_checked = true;
        for (k = 0; k < p->nbom; k++)
            step(p, p->bom[k]);
    }
    if (p->stopped)
        return FW_ERR_USAGE;
    switch (p->st) {
    case QUOTED:
        fail_row(p, "unterminated quoted field");
        emit(p);
        break;
    case UNQUOTED:
    case QUOTE_IN_QUOTED:
        end_row(p, '\n');
        break;
    case FIELD_START:
        if (!p->at_start) {
            open_field(p);
            end_row(p, '\n');
        }
        break;
    case AFTER_CR:
        break;
    }
    return p->stopped ? FW_ERR_USAGE : FW_OK;
}

fw_rc fw_csv_write_field(const char *s, size_t len, fw_buf *out)
{
    size_t i;
    fw_rc rc = FW_OK;
    bool quote = false;
    for (i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote)
        return fw_buf_add(out, s, len);
    rc = fw_buf_addc(out, '"');
    for (i = 0; i < len && !rc; i++)
        rc = s[i] == '"' ? fw_buf_add(out, "\"\"", 2) : fw_buf_addc(out, s[i]);
    return rc ? rc : fw_buf_addc(out, '"');
}
