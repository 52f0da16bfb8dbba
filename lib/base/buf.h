/*
** A growable byte buffer with a hard size limit, for building output and
** holding untrusted input (curl's dynbuf).  The contents are always
** NUL-terminated so they can be used as a C string.
**
** The error is sticky (as curl's dynbuf): once an append fails (over the
** limit, out of memory), the buffer remembers the result, every later
** append is a no-op that returns it, and fw_buf_error tells.  So a run of
** appends may ignore their results if the caller checks fw_buf_error once
** before using the contents; on an error the contents are whatever fitted
** before it.  fw_buf_reset and fw_buf_release clear the error.
**
** Ownership: the buffer owns its memory; fw_buf_release frees it and leaves
** the buffer empty and reusable; fw_buf_detach hands the memory to the caller.
*/
#ifndef FW_BUF_H
#define FW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/error.h"

typedef struct fw_buf {
    char *data;     /* NUL-terminated; NULL until the first append */
    size_t len;     /* bytes used, not counting the NUL */
    size_t cap;     /* bytes allocated */
    size_t max;     /* the most len may reach; FW_ERR_LIMIT past it */
    fw_rc err;      /* FW_OK, or the first failed append's result (sticky) */
} fw_buf;

#define FW_BUF_UNLIMITED ((size_t)-1 / 2)

void fw_buf_init(fw_buf *b, size_t max);
void fw_buf_release(fw_buf *b);
/* Empty the buffer (and clear its error) but keep its memory for reuse. */
void fw_buf_reset(fw_buf *b);
/* The contents, now the caller's to free (never NULL but when out of memory);
** the buffer is left empty without error.  Check fw_buf_error first. */
char *fw_buf_detach(fw_buf *b);

/* FW_OK, or the result of the first append that failed since the buffer
** was initialized, reset or released. */
static inline fw_rc fw_buf_error(const fw_buf *b)
{
    return b->err;
}

/* Make room for extra more bytes at once (one allocation for a known size).
** Each append below returns FW_OK, FW_ERR_LIMIT (past max), FW_ERR_NOMEM or
** the buffer's earlier error, and leaves a failure sticky (see above). */
fw_rc fw_buf_reserve(fw_buf *b, size_t extra);
fw_rc fw_buf_add(fw_buf *b, const void *data, size_t len);
fw_rc fw_buf_adds(fw_buf *b, const char *s);
fw_rc fw_buf_addc(fw_buf *b, char c);
fw_rc fw_buf_printf(fw_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
fw_rc fw_buf_vprintf(fw_buf *b, const char *fmt, va_list ap);

/* The contents, or "" for a buffer never written to. */
static inline const char *fw_buf_str(const fw_buf *b)
{
    return b->data ? b->data : "";
}

#endif
