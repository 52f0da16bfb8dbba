/*
** Bounded formatting that reports truncation (see str.h).
*/
#include "base/str.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Skip the digits at *p; how many there were. */
static size_t digits(const char **p)
{
    size_t n = 0;
    while (isdigit((unsigned char)**p)) {
        (*p)++;
        n++;
    }
    return n;
}

bool fw_parse_decimal(const char *s, double *out)
{
    const char *p = s;
    char *end;
    double v;

    if (!s)
        return false;
    /* The grammar first: strtod alone would take "0x1p3", "inf", " 5" and "+5". */
    if (*p == '-')
        p++;
    if (!digits(&p))
        return false;
    if (*p == '.') {
        p++;
        if (!digits(&p))
            return false;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!digits(&p))
            return false;
    }
    if (*p)
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (end != p || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}
