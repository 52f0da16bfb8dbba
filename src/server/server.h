/*
** The HTTP server's private interface: the configuration table, the
** per-request context handed to route handlers, and the handlers themselves.
** The route table in server.c is the single source of truth for what is
** served (and docs/openapi.yaml is checked against it).
*/
#ifndef FW_SERVER_H
#define FW_SERVER_H

#include <arpa/inet.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "access/auth.h"
#include "base/arena.h"
#include "cli/cli.h"

/* ---- configuration: one table of keys, defaults, limits and help ---- */

typedef struct server_config {
    char listen[128];
    long max_body_bytes;
    long max_connections;
    long connection_timeout_s;
    long threads;
    long store_pool;
    long cache_bytes;
    long token_cache_seconds;
    char web_dir[512];
    long log_requests_per_minute;
    long public_stats_k;
    long public_stats_every;
    long max_anonymous_body_bytes;
    long max_connections_per_address;
    long cookie_secure;
    long public_stats_cache_bytes;
} server_config;

/* Fill cfg with the defaults, then apply FILE (may be NULL); prints errors
** as FILE:LINE: message.  Returns false on any error. */
bool server_config_load(server_config *cfg, const char *file);
/* The configuration keys as documentation (docs/server.md is made from it). */
void server_config_help(FILE *out);

/* ---- requests ---- */

typedef struct server server;

#define MAX_PARAMS 4

/*
** What a request reads from its transport, so the dispatcher
** (dispatch.c) knows no HTTP library: a header's, a cookie's or a query
** argument's value by name (NULL when absent), and each query argument in
** turn (fn returns false to stop; each_arg then returns false too).  The
** strings belong to the transport and live as long as the request.
*/
typedef struct request_io {
    void *ctx;
    const char *(*header)(void *ctx, const char *name);
    const char *(*cookie)(void *ctx, const char *name);
    const char *(*arg)(void *ctx, const char *name);
    bool (*each_arg)(void *ctx, bool (*fn)(void *fn_arg, const char *key, const char *value),
                     void *fn_arg);
} request_io;

typedef struct request {
    server *srv;
    request_io io;
    char client[INET6_ADDRSTRLEN];    /* the client's address as text, or "" */
    const char *method;
    const char *path;
    const char *params[MAX_PARAMS];   /* {name} parts of the route, in order */
    fw_buf body;                      /* its limit: the caller's (server_body_limit) */
    bool body_too_large;
    /* Who the credentials say (server_authenticate), before routing: the
    ** user is in user; a refusal (401, 403) waits in auth_status and
    ** auth_msg until a route is matched, so an unknown path is still 404. */
    bool auth_done;
    int auth_status;
    const char *auth_field;
    char auth_msg[256];
    double started;
    /* What the handler answers. */
    int status;
    json_t *json;                     /* owned; NULL for text */
    fw_buf text;
    const char *content_type;
    const char *cache_control;        /* NULL: no-store */
    int route;                        /* index into the route table, or -1 */
    /* Who is asking: FW_ROLE_PUBLIC unless a token or a session says. */
    fw_user user;
    bool via_cookie;
    char session[65];
    char csrf[65];                    /* the session's CSRF token, when via_cookie */
    /* Extra response headers (Set-Cookie). */
    char set_cookie[256];
    int retry_after;                  /* seconds, for a Retry-After header; 0: none */
    /* A streamed answer (reply_stream): the read end of its pipe, or -1. */
    int stream_fd;
    /* Owned by the dispatcher for the handler's run: a store handle borrowed
    ** from the pool when the route needs one (else NULL), and an arena for
    ** the request's allocations, released in one call after the answer. */
    fw_store *store;
    fw_arena arena;
} request;

/* Answer with a JSON error {error, message, field}; returns status. */
int reply_error(request *r, int status, const char *error, const char *field,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Answer with JSON (takes the reference). */
int reply_json(request *r, int status, json_t *j);
/*
** Answer with what fn writes to fd, for answers too large to hold (an
** export): fn runs on a thread of its own with a read-only store handle of
** its own, while the client reads; the client going away makes fn's writes
** fail.  free_arg(arg) runs after fn, or at once if the stream cannot
** start.  False (nothing answered) if too many streams are running.
*/
bool reply_stream(request *r, int status, const char *content_type,
                  void (*fn)(void *arg, fw_store *st, int fd), void *arg,
                  void (*free_arg)(void *arg));
/* A query-string argument, or NULL. */
const char *query_arg(request *r, const char *name);
/* The first query-string argument not in allowed (NULL-terminated), or NULL. */
const char *query_other_arg(request *r, const char *const *allowed);
/* The public statistics' suppression threshold (configuration key public_stats_k). */
int server_public_stats_k(request *r);
/* Seconds between publications of the public statistics (public_stats_every). */
long server_public_stats_every(request *r);
/* The public statistics answers of the period (lib/data/stats_cache.h). */
struct fw_stats_cache;
struct fw_stats_cache *server_public_stats_cache(request *r);


/* The policies loaded at start (for duties). */
struct fw_policy_set;
const struct fw_policy_set *server_policies(request *r);
double server_now(request *r);

/* The cache of served incident versions (lib/access/incident_access.h). */
struct fw_cache;
struct fw_cache *server_incident_cache(request *r);
/* The monotonic clock caches are timed by, in seconds. */
double server_clock(void);
/* The client's address as text ("unknown" when it cannot be told). */
void server_client_address(request *r, char out[INET6_ADDRSTRLEN]);
/* The record log's tree kept for proofs (lib/log/log_cache.h). */
struct fw_log_cache;
struct fw_log_cache *server_log_cache(request *r);
/* Whether this client may make another request to the log's public proof
** routes now (configuration key log_requests_per_minute); if not, the
** answer is set (429 with Retry-After) and false is returned. */
bool server_log_admit(request *r);

/* Sessions, sign-in and the token cache (lib/access/session.h). */
struct fw_sessions;
struct fw_sessions *server_sessions(request *r);
/* Whether session cookies are marked Secure (configuration key cookie_secure). */
bool server_cookie_secure(request *r);

/* GET /metrics. */
void server_metrics(request *r);

/* ---- the transport-free side (dispatch.c, server.c) ---- */

/*
** A server over the database a names with configuration cfg (copied):
** policies, the store pool, sessions and caches, no listening socket.
** NULL, with the reason in why (why_len bytes), when it cannot start.
** Free with server_free.
*/
server *server_new(cli_args *a, const server_config *cfg, char *why, size_t why_len);
void server_free(server *s);

/* Start r for method and path (both kept, not copied) with io, from the
** client address client (may be ""); release with request_release. */
void request_init(request *r, server *s, const char *method, const char *path,
                  const request_io *io, const char *client);
void request_release(request *r);

/* Decide who r's credentials say (once; later calls do nothing). */
void server_authenticate(request *r);
/* The largest body r may send: max_body_bytes once signed in, else
** max_anonymous_body_bytes (authenticates r first). */
size_t server_body_limit(request *r);

/*
** Answer r (its body complete in r->body): route, check the path and query
** parameters, authenticate, authorize, run the handler with a store handle
** when the route needs one, or serve a dashboard file; always leaves an
** answer in r (status, json or text, or a stream).
*/
void server_dispatch(server *s, request *r);

/* The pool of store handles (server.c): borrow blocks until one is free. */
fw_store *server_store_borrow(server *s);
void server_store_return(server *s, fw_store *st);

#endif
