/*
** The HTTP server's rules that are not plumbing, pure so they are
** unit-tested: matching a request path against a route pattern with
** {name} parts, and the access log's line, one JSON object a request.
*/
#ifndef FW_HTTP_H
#define FW_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/*
** Whether path matches pattern ("/api/v1/incidents/{id}/versions"): each
** {name} part matches one non-empty path segment, copied NUL-terminated
** into storage (storage_len bytes) and pointed at by params[0..], at most
** max_params of them.  False when it does not match or does not fit.
*/
bool fw_route_match(const char *pattern, const char *path, const char **params,
                    size_t max_params, char *storage, size_t storage_len);

/*
** Whether a path parameter (as decoded from the URL) may reach a handler:
** valid UTF-8 with no control characters, since ids travel into JSON
** replies, log leaves and SQL text.  False, with a reason in why (why_len
** bytes), when it may not.
*/
bool fw_route_param_ok(const char *param, char *why, size_t why_len);

/*
** The access log's line for a request into line (replacing what it held):
** {"time":TIME,"method":...,"path":...,"status":N,"ms":N.NN,"bytes":N}
** and a newline.  time is the UTC time text; method and path are client
** bytes, repaired to UTF-8 and escaped, so every line parses.
*/
fw_rc fw_access_log_line(fw_buf *line, const char *time, const char *method, const char *path,
                         int status, double seconds, size_t bytes);

#endif
