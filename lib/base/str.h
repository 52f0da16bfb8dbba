/*
** Bounded string formatting that reports truncation, to replace bare
** snprintf and the banned strcpy/strncpy (see banned.h).  The output is
** always NUL-terminated (when n > 0), truncated if it did not fit.
*/
#ifndef FW_STR_H
#define FW_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* snprintf into out (n bytes): FW_OK if all of it fitted, FW_ERR_LIMIT if
** it was truncated, FW_ERR_INTERNAL on an encoding error (out is then ""). */
fw_rc fw_snprintf(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
fw_rc fw_vsnprintf(char *out, size_t n, const char *fmt, va_list ap);

/* Copy src into out (n bytes) as strlcpy: FW_OK, or FW_ERR_LIMIT if it was
** truncated. */
fw_rc fw_strlcpy(char *out, const char *src, size_t n);

#endif
