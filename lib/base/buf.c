/*
** The bounded growable buffer (see buf.h).  Every append goes through
** grow(), which keeps the first failure in b->err.
*/
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

void fw_buf_init(fw_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->err = FW_OK;
}

void fw_buf_release(fw_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->err = FW_OK;
}

void fw_buf_reset(fw_buf *b)
{
    b->len = 0;
    b->err = FW_OK;
    if (b->data)
        b->data[0] = '\0';
}

char *fw_buf_detach(fw_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    b->err = FW_OK;
    return p;
}

/* Remember the first failure; returns it. */
static fw_rc fail(fw_buf *b, fw_rc rc)
{
    if (!b->err)
        b->err = rc;
    return b->err;
}

static fw_rc grow(fw_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (b->err)
        return b->err;
    if (extra > b->max || b->len > b->max - extra)
        return fail(b, FW_ERR_LIMIT);
    need = b->len + extra + 1;
    if (need <= b->cap)
        return FW_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    p = realloc(b->data, cap);
    if (!p)
        return fail(b, FW_ERR_NOMEM);
    b->data = p;
    b->cap = cap;
    return FW_OK;
}

fw_rc fw_buf_reserve(fw_buf *b, size_t extra)
{
    return grow(b, extra);
}

fw_rc fw_buf_add(fw_buf *b, const void *data, size_t len)
{
    fw_rc rc = grow(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return FW_OK;
}

fw_rc fw_buf_adds(fw_buf *b, const char *s)
{
    return fw_buf_add(b, s, strlen(s));
}

fw_rc fw_buf_addc(fw_buf *b, char c)
{
    /* Room for it and the NUL: the common case when serializing, a byte at a time. */
    if (b->cap - b->len >= 2 && b->len < b->max && !b->err) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return FW_OK;
    }
    return fw_buf_add(b, &c, 1);
}

fw_rc fw_buf_vprintf(fw_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    fw_rc rc;

    if (b->err)
        return b->err;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return fail(b, FW_ERR_INTERNAL);
    rc = grow(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return FW_OK;
}

fw_rc fw_buf_printf(fw_buf *b, const char *fmt, ...)
{
    va_list ap;
    fw_rc rc;
    va_start(ap, fmt);
    rc = fw_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}
