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

typedef struct request {
    server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    const char *params[MAX_PARAMS];   /* {name} parts of the route, in order */
    fw_buf body;
    bool body_too_large;
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

/* GET /metrics. */
void server_metrics(request *r);

#endif
