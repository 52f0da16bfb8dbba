/*
** Bounded formatting that reports truncation (see str.h).
*/
#include "base/str.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

fw_rc fw_vsnprintf(char *out, size_t n, const char *fmt, va_list ap)
{
    int w = vsnprintf(out, n, fmt, ap);
    if (w < 0) {
        if (n)
            out[0] = '\0';
        return FW_ERR_INTERNAL;
    }
    return (size_t)w < n ? FW_OK : FW_ERR_LIMIT;
}

fw_rc fw_snprintf(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    fw_rc rc;
    va_start(ap, fmt);
    rc = fw_vsnprintf(out, n, fmt, ap);
    va_end(ap);
    return rc;
}

fw_rc fw_strlcpy(char *out, const char *src, size_t n)
{
    size_t len = strlen(src);
    if (!n)
        return len ? FW_ERR_LIMIT : FW_OK;
    if (len < n) {
        memcpy(out, src, len + 1);
        return FW_OK;
    }
    memcpy(out, src, n - 1);
    out[n - 1] = '\0';
    return FW_ERR_LIMIT;
}
