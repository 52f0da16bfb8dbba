/*
** Fuzz target for the export's parser and writers: any input is refused or
** accepted as a stamp line, never crashes, and an accepted stamp written
** back parses to the same stamp; an input that is a valid incident renders
** in every format, and every CSV table it renders reads back with the CSV
** reader as rows of exactly the header's width.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv.h"
#include "data/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct widths {
    size_t header, rows, bad;
} widths;

static int count(void *arg, const fw_csv_row *row)
{
    widths *w = arg;
    if (row->error)
        w->bad++;
    else if (!w->header)
        w->header = row->nfields;
    else if (row->nfields != w->header)
        w->bad++;
    w->rows++;
    return 0;
}

static void check_table(const fw_export_layout *l, size_t t, const fw_export_record *r)
{
    fw_buf out;
    widths w = {0, 0, 0};
    const char *p;
    fw_csv *csv;

    fw_buf_init(&out, 1 << 26);
    if (fw_export_table_begin(l, t, &out) != FW_OK || fw_export_table_row(l, t, r, &out) != FW_OK)
        abort();
    p = fw_buf_str(&out);
    if (fw_export_ntables(l) > 1)
        p = strchr(p, '\n') + 1;   /* the "# table" line */
    csv = fw_csv_new(1 << 26, 100000, count, &w);
    if (!csv || fw_csv_feed(csv, p, strlen(p)) != FW_OK || fw_csv_finish(csv) != FW_OK ||
        w.bad || w.rows < 1)
        abort();
    fw_csv_free(csv);
    fw_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_export_stamp *st = malloc(sizeof *st), *back = malloc(sizeof *back);
    fw_export_layout *l;
    fw_export_record r;
    fw_buf out;
    fw_error err;
    fw_doc *doc = NULL;
    fw_diag diag;
    int f;
    size_t t;

    if (!st || !back)
        abort();
    if (fw_export_stamp_parse((const char *)data, size, st, &err) == FW_OK) {
        fw_buf_init(&out, 1 << 20);
        if (fw_export_stamp_write(st, &out) != FW_OK ||
            fw_export_stamp_parse(out.data, out.len, back, &err) != FW_OK ||
            back->size != st->size || memcmp(back->root, st->root, 32) ||
            back->note_len != st->note_len || memcmp(back->note, st->note, st->note_len) ||
            back->format != st->format || strcmp(back->agency, st->agency))
            abort();
        fw_buf_release(&out);
    }
    fw_diag_init(&diag, 1);
    if (fw_doc_parse((const char *)data, size, NULL, &doc, &diag) == FW_OK &&
        doc->type == FW_RECORD_INCIDENT) {
        fw_buf_init(&out, 1 << 26);
        fw_doc_canonical(doc, &out);
        r.id = doc->id;
        r.doc = doc;
        r.body = out.data;
        r.body_len = out.len;
        r.version = 1;
        r.log_seq = 0;
        r.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
        for (f = 0; f < 3; f++) {
            if (fw_export_layout_new((fw_export_format)f, f == 1, &l) != FW_OK)
                abort();
            for (t = 0; t < fw_export_ntables(l); t++) {
                if (f == FW_EXPORT_JSON) {
                    fw_buf line;
                    fw_buf_init(&line, 1 << 26);
                    if (fw_export_table_row(l, t, &r, &line) != FW_OK)
                        abort();
                    fw_buf_release(&line);
                } else {
                    check_table(l, t, &r);
                }
            }
            fw_export_layout_free(l);
        }
        fw_buf_release(&out);
    }
    fw_doc_free(doc);
    fw_diag_release(&diag);
    free(st);
    free(back);
    return 0;
}
