/*
** A growable byte buffer with a hard size limit, for building output and
** holding untrusted input (curl's dynbuf).  The contents are always
** NUL-terminated so they can be used as a C string.
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
} fw_buf;

#define FW_BUF_UNLIMITED ((size_t)-1 / 2)

void fw_buf_init(fw_buf *b, size_t max);
void fw_buf_release(fw_buf *b);
/* Empty the buffer but keep its memory for reuse. */
void fw_buf_reset(fw_buf *b);
char *fw_buf_detach(fw_buf *b);

/* Make room for extra more bytes at once (one allocation for a known size). */
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
