/*
** Mapping a request path to a file of the dashboard (web_dir) without ever
** leaving that directory, and the Content-Type and caching of each kind of
** file.  Pure, so it is unit-tested and fuzzed; src/server/webfiles.c serves.
*/
#ifndef FW_WEBPATH_H
#define FW_WEBPATH_H

#include <stdbool.h>
#include <stddef.h>

/*
** Map a decoded request path ("/", "/app-3F2A6B7C.js") to a path relative to
** the web directory ("index.html", "app-3F2A6B7C.js") in rel (n bytes, at
** least 12).  Refuses (false) anything that could leave the directory or
** name a hidden file: a segment starting with '.' (so "." and ".."), an
** empty segment ("//"), a byte outside [A-Za-z0-9._/-] (so '\\', '%' and
** NUL never reach the file system), a path longer than n - 11 bytes, or no
** file type served.  A path ending in '/' names its index.html.
*/
bool web_path(const char *url, char *rel, size_t n);

/* The Content-Type of a file by its extension, or NULL for a kind not served. */
const char *web_content_type(const char *rel);

/* Whether a file's name carries its content hash (NAME-HASH.EXT, HASH at
** least 8 of [A-Z0-9], as the build names bundles): such a file never
** changes, so it may be cached for good. */
bool web_immutable(const char *rel);

#endif
