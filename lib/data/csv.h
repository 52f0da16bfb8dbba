/*
** A streaming CSV reader (RFC 4180): quoted fields, doubled quotes,
** newlines inside quotes, CRLF or LF line ends, a UTF-8 byte-order mark,
** invalid UTF-8 reported.  Fed in chunks of any size; memory is bounded by
** the row limit, whatever the file's size.  Pure: no I/O.
**
** A bad row is reported with its line number and the reader goes on with
** the next one, so an importer can reject rows one by one.
*/
#ifndef FW_CSV_H
#define FW_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

typedef struct fw_csv fw_csv;

typedef struct fw_csv_row {
    size_t line;              /* line the row starts on, from 1 */
    size_t nfields;
    const char *const *fields; /* NUL-terminated; valid during the callback */
    const size_t *lens;
    const char *error;        /* non-NULL: the row is bad, and this says why */
} fw_csv_row;

/* Return non-zero to stop reading (fw_csv_feed then returns FW_ERR_USAGE). */
typedef int (*fw_csv_cb)(void *arg, const fw_csv_row *row);

/* A reader with limits on a row's bytes and fields (0: 1 MiB, 1024). */
fw_csv *fw_csv_new(size_t max_row_bytes, size_t max_fields, fw_csv_cb cb, void *arg);
void fw_csv_free(fw_csv *p);

/* Give the next len bytes; rows are delivered to the callback as they end. */
fw_rc fw_csv_feed(fw_csv *p, const char *data, size_t len);
/* The input ended: deliver the last row (even without a final newline). */
fw_rc fw_csv_finish(fw_csv *p);

/* Append len bytes of s to out as one CSV field: as it is, or quoted (quotes
** doubled) when it holds a comma, a quote or a line break. */
fw_rc fw_csv_write_field(const char *s, size_t len, fw_buf *out);

#endif
