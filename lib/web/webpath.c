/*
** Request paths to dashboard files (see webpath.h): a whitelist of bytes and
** segments checked before any file system call is made.
*/
#include "web/webpath.h"

#include <string.h>

#include "base/banned.h"

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".map", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
};

const char *web_content_type(const char *rel)
{
    const char *dot = strrchr(rel, '.');
    size_t i;
    if (!dot || strchr(dot, '/'))
        return NULL;
    for (i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

static bool allowed_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-' || c == '/';
}

bool web_path(const char *url, char *rel, size_t n)
{
    const char *p, *seg;
    size_t len;

    if (!url || url[0] != '/' || n < 12)
        return false;
    len = strlen(url + 1);
    if (len > n - 11)
        return false;
    for (p = url + 1; *p; p++)
        if (!allowed_byte(*p))
            return false;
    /* Every segment but a trailing empty one is non-empty and not hidden. */
    for (seg = url + 1; *seg; seg = p + (*p == '/')) {
        p = seg + strcspn(seg, "/");
        if (p == seg || seg[0] == '.')
            return false;
        if (!*p)
            break;
    }
    memcpy(rel, url + 1, len + 1);
    if (len == 0 || rel[len - 1] == '/')
        memcpy(rel + len, "index.html", sizeof "index.html");
    return web_content_type(rel) != NULL;
}

bool web_immutable(const char *rel)
{
    const char *base = strrchr(rel, '/'), *dash, *dot;
    size_t i;
    base = base ? base + 1 : rel;
    dash = strrchr(base, '-');
    dot = strrchr(base, '.');
    if (!dash || !dot || dot < dash || dot - dash - 1 < 8)
        return false;
    for (i = 1; dash + i < dot; i++)
        if (!((dash[i] >= 'A' && dash[i] <= 'Z') || (dash[i] >= '0' && dash[i] <= '9')))
            return false;
    return true;
}
