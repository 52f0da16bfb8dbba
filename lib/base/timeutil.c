/*
** Parsing of the incident format's dates and times (see timeutil.h).
*/
#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

int64_t fw_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's days_from_civil. */
    int64_t era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0, i;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

bool fw_time_parse(const char *s, fw_time *t)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, oh, om;
    double frac = 0;
    const char *p;

    memset(t, 0, sizeof *t);
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return false;
    p = s + 10;
    if (*p == 'T') {
        if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
            return false;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &sec))
                return false;
            p += 3;
            if (*p == '.') {
                double scale = 0.1;
                p++;
                if (*p < '0' || *p > '9')
                    return false;
                while (*p >= '0' && *p <= '9' && scale > 1e-10) {
                    frac += (*p++ - '0') * scale;
                    scale /= 10;
                }
                if (*p >= '0' && *p <= '9')
                    return false;
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return false;
        t->has_time = true;
        if (*p == 'Z') {
            t->has_offset = true;
            p++;
        } else if (*p == '+' || *p == '-') {
            if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 ||
                om > 59)
                return false;
            t->offset_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
            t->has_offset = true;
            p += 6;
        }
    }
    if (*p)
        return false;
    t->epoch = (double)fw_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 +
               h * 3600 + mi * 60 + sec + frac - t->offset_min * 60.0;
    return true;
}

void fw_time_format_utc(time_t now, char *out, size_t outlen)
{
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
