/*
** Dates and times as the incident format writes them (a subset of ISO 8601 /
** RFC 3339): "YYYY-MM-DD", or "YYYY-MM-DDThh:mm[:ss[.fff]]" with an optional
** "Z" or "+hh:mm" / "-hh:mm".  Pure: no clock, no time zone database.
*/
#ifndef FW_TIMEUTIL_H
#define FW_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct fw_time {
    double epoch;       /* seconds since 1970-01-01T00:00:00Z (local time if no offset) */
    int offset_min;     /* UTC offset in minutes, when has_offset */
    bool has_time;      /* false for a bare date */
    bool has_offset;    /* false for a bare date or a time without a zone */
} fw_time;

/* Parse s into t; returns false if s is not a valid date or time. */
bool fw_time_parse(const char *s, fw_time *t);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t fw_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Write now (UTC) as "YYYY-MM-DDThh:mm:ssZ" into out (at least 21 bytes). */
void fw_time_format_utc(time_t now, char *out, size_t outlen);

#endif
