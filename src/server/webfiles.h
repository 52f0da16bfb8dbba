/*
** Serving the dashboard's built files from the configured web_dir: the
** path is checked by web_path (lib/web/webpath.h) before any file system call,
** the file is opened without following a symbolic link at any step, must be a regular
** file under the size bound, and is answered whole with its type and
** caching.  Every response carries WEB_CSP.
*/
#ifndef FW_WEBFILES_H
#define FW_WEBFILES_H

#include <stdbool.h>

#include "server.h"
#include "web/webpath.h"

/* Largest file served; the bundle is far smaller. */
#define WEB_MAX_FILE (8 * 1024 * 1024)

/* The policy of every response: scripts, styles, images and requests from
** this server only; no framing, no plugins, no inline code. */
#define WEB_CSP                                                                               \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "               \
    "frame-ancestors 'none'"

/*
** Answer r with the file for its path under dir: 200 with its bytes, its
** type and caching (immutable for content-hashed names, else revalidated).
** Returns false, leaving r unanswered, when no such file may be served
** (the caller answers 404).
*/
bool web_serve(request *r, const char *dir);

#endif
