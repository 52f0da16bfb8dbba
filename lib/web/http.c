/*
** Route patterns and the access log's line (see http.h).
*/
#include "web/http.h"

#include <string.h>

#include "base/str.h"
#include "record/canon.h"
#include "record/model.h"
#include "base/banned.h"

bool fw_route_param_ok(const char *param, char *why, size_t why_len)
{
    size_t len = strlen(param), i;
    if (fw_utf8_check(param, len) < len) {
        (void)fw_snprintf(why, why_len, "is not valid UTF-8");
        return false;
    }
    for (i = 0; i < len; i++)
        if ((unsigned char)param[i] < 0x20 || param[i] == 0x7f) {
            (void)fw_snprintf(why, why_len, "holds a control character at byte %zu", i + 1);
            return false;
        }
    return true;
}

bool fw_route_match(const char *pattern, const char *path, const char **params,
                    size_t max_params, char *storage, size_t storage_len)
{
    size_t np = 0, used = 0;
    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *end = strchr(pattern, '}');
            size_t n = strcspn(path, "/");
            if (!end || n == 0 || np == max_params || used + n + 1 > storage_len)
                return false;
            memcpy(storage + used, path, n);
            storage[used + n] = '\0';
            params[np++] = storage + used;
            used += n + 1;
            pattern = end + 1;
            path += n;
            continue;
        }
        if (*pattern != *path)
            return false;
        pattern++;
        path++;
    }
    return *pattern == '\0' && *path == '\0';
}

/* s as a JSON string on line: client bytes, so repaired to UTF-8 first if need be. */
static void log_string(fw_buf *line, const char *s, size_t n)
{
    fw_buf fixed;
    if (fw_utf8_check(s, n) == n) {
        fw_canon_string(s, n, line);
        return;
    }
    fw_buf_init(&fixed, 3 * n + 1);
    fw_utf8_repair(s, n, &fixed);
    fw_canon_string(fw_buf_str(&fixed), fixed.len, line);
    fw_buf_release(&fixed);
}

fw_rc fw_access_log_line(fw_buf *line, const char *time, const char *method, const char *path,
                         int status, double seconds, size_t bytes)
{
    long hundredths = (long)(seconds * 100000 + 0.5);
    fw_buf_reset(line);
    fw_buf_reserve(line, 256);
    fw_buf_adds(line, "{\"time\":\"");
    fw_buf_adds(line, time);
    fw_buf_adds(line, "\",\"method\":");
    log_string(line, method, strlen(method));
    fw_buf_adds(line, ",\"path\":");
    log_string(line, path, strlen(path));
    return fw_buf_printf(line, ",\"status\":%d,\"ms\":%ld.%02ld,\"bytes\":%zu}\n", status,
                         hundredths / 100, hundredths % 100, bytes);
}
