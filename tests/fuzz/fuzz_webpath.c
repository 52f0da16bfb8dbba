/*
** Fuzz target for the dashboard's path mapping: whatever the path, a
** mapping that is accepted stays inside the web directory (no segment
** starting with '.', no empty segment, only whitelisted bytes) and names a
** type that is served.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/webpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char url[600], rel[256];
    const char *seg, *p;
    if (size >= sizeof url)
        return 0;
    memcpy(url, data, size);
    url[size] = '\0';
    if (!web_path(url, rel, sizeof rel))
        return 0;
    if (!web_content_type(rel) || rel[0] == '/' || strstr(rel, "//") || strlen(rel) >= sizeof rel)
        abort();
    for (seg = rel; *seg; seg = *p ? p + 1 : p) {
        p = seg + strcspn(seg, "/");
        if (p == seg || *seg == '.')
            abort();
    }
    for (p = rel; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/", *p))
            abort();
    return 0;
}
