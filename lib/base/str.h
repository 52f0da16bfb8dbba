/*
** Bounded string formatting that reports truncation, to replace bare
** snprintf and the banned strcpy/strncpy (see banned.h).  The output is
** always NUL-terminated (when n > 0), truncated if it did not fit.  And the
** one reader of decimal numbers given as text (options, settings).
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

/* Read s, all of it, as a decimal number the way JSON writes one: an optional '-',
** digits (leading zeros allowed), an optional fraction and exponent ("60", "-1.5",
** "2e3").  No hexadecimal, infinity or NaN (which strtod takes), no sign '+', no
** spaces; a finite result.  false (and *out untouched) otherwise. */
bool fw_parse_decimal(const char *s, double *out);

#endif
