/*
** Fuzz target for the CSV reader: any input is read without crashing, and
** reading it in two chunks split anywhere gives exactly the rows reading it
** whole does (chunk boundaries must never matter).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int render(void *arg, const fw_csv_row *row)
{
    fw_buf *b = arg;
    size_t i;
    fw_buf_printf(b, "%zu:%s:", row->line, row->error ? row->error : "");
    for (i = 0; i < row->nfields; i++) {
        fw_buf_add(b, row->fields[i], row->lens[i]);
        fw_buf_addc(b, '\x1f');
    }
    fw_buf_addc(b, '\x1e');
    return 0;
}

static void read_all(const uint8_t *data, size_t size, size_t split, fw_buf *out)
{
    fw_csv *p = fw_csv_new(256, 16, render, out);
    if (!p)
        abort();
    fw_csv_feed(p, (const char *)data, split);
    fw_csv_feed(p, (const char *)data + split, size - split);
    fw_csv_finish(p);
    fw_csv_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_buf whole, parts;
    size_t split = size ? data[0] % (size + 1) : 0;

    fw_buf_init(&whole, 1 << 26);
    fw_buf_init(&parts, 1 << 26);
    read_all(data, size, size, &whole);
    read_all(data, size, split, &parts);
    if (whole.len != parts.len || (whole.len && memcmp(whole.data, parts.data, whole.len)))
        abort(); /* the rows depend on where the input was split */
    fw_buf_release(&whole);
    fw_buf_release(&parts);
    return 0;
}
