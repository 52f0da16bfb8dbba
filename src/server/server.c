/*
** `forcewatch serve`: the HTTP server on libmicrohttpd (a thread pool sized
** to the cores, epoll).  This file is the plumbing: configuration, limits,
** request bodies, routing through the table in routes.c, a pool of store
** handles (SQLite connections are not shared between threads), JSON
** errors, the access log, metrics, and graceful shutdown on SIGTERM/SIGINT.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <sodium.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "base/clock.h"
#include "base/cache.h"
#include "base/config.h"
#include "base/str.h"
#include "record/canon.h"
#include "log/log_cache.h"
#include "data/stats_cache.h"
#include "record/model.h"
#include "access/ratelimit.h"
#include "access/incident_access.h"
#include "access/session.h"
#include "record/schema.h"
#include "server.h"
#include "server_int.h"
#include "webfiles.h"
#include "web/http.h"
#include "base/banned.h"

/* ---- configuration --------------------------------------------------------- */

#ifndef FW_WEB_DIR
#define FW_WEB_DIR "web/dist"
#endif

#define CFG(f) offsetof(server_config, f)
#define CFG_SIZE(f) sizeof(((server_config *)0)->f)
static const fw_config_key config_keys[] = {
    {"listen", CFG(listen), true, 0, 0, 0, "127.0.0.1:8080",
     "address and port to listen on (IPv4); port 0 picks a free one", CFG_SIZE(listen)},
    {"max_body_bytes", CFG(max_body_bytes), false, FW_MAX_DOC_BYTES, 1024, FW_MAX_DOC_BYTES,
     NULL, "largest request body accepted from a signed-in user; larger ones get 413 (at most "
     "the largest document, so a document over the limit gets 413 whichever check meets it)", 0},
    {"max_connections", CFG(max_connections), false, 512, 1, 65536, NULL,
     "most connections open at once; more are refused", 0},
    {"connection_timeout_s", CFG(connection_timeout_s), false, 30, 1, 3600, NULL,
     "seconds an idle or slow connection is kept", 0},
    {"threads", CFG(threads), false, 0, 0, 256, NULL,
     "worker threads; 0 means one per core", 0},
    {"store_pool", CFG(store_pool), false, 0, 0, 1024, NULL,
     "database handles kept open; 0 means threads + 2", 0},
    {"cache_bytes", CFG(cache_bytes), false, 64L * 1024 * 1024, 0, 64L * 1024 * 1024 * 1024, NULL,
     "memory for served incident versions (immutable, so never stale); 0 turns the cache off", 0},
    {"token_cache_seconds", CFG(token_cache_seconds), false, 5, 0, 300, NULL,
     "seconds a checked bearer token is trusted without the database: how long a token revoked "
     "by another process still works here; 0 checks every request", 0},
    {"web_dir", CFG(web_dir), true, 0, 0, 0, FW_WEB_DIR,
     "the built dashboard (`make web`) served at `/`; empty serves none", CFG_SIZE(web_dir)},
    {"log_requests_per_minute", CFG(log_requests_per_minute), false, 600, 0, 1000000, NULL,
     "requests one client address may make to the public proof and checkpoint-check routes "
     "(/api/v1/log/proof/..., POST /api/v1/log/verify) a minute; more get 429 with Retry-After; "
     "0 means no limit", 0},
    {"public_stats_k", CFG(public_stats_k), false, 5, 1, 1000, NULL,
     "public statistics suppress every count under this (docs/statistics.md)", 0},
    {"public_stats_every", CFG(public_stats_every), false, 86400, 1, 366L * 86400, NULL,
     "seconds between publications of the public statistics, on boundaries from 00:00 UTC "
     "(86400: daily, 3600: hourly); between two the public table is the one as of the last "
     "(docs/statistics.md)", 0},
    {"max_anonymous_body_bytes", CFG(max_anonymous_body_bytes), false, 16 * 1024, 1024,
     FW_MAX_DOC_BYTES, NULL,
     "largest request body accepted without valid credentials (sign-in, the public routes); "
     "refused with 413 as it arrives, before it is held", 0},
    {"max_connections_per_address", CFG(max_connections_per_address), false, 256, 1, 65536,
     NULL, "most connections one client address may hold open at once; more are refused", 0},
    {"cookie_secure", CFG(cookie_secure), false, 0, 0, 1, NULL,
     "1 marks the session cookie Secure (sent over HTTPS only): set it when the server is "
     "reached through TLS (a reverse proxy); 0 for plain HTTP on 127.0.0.1", 0},
    {"public_stats_cache_bytes", CFG(public_stats_cache_bytes), false, 16L * 1024 * 1024, 0,
     1024L * 1024 * 1024, NULL,
     "memory for public statistics answers, each counted once a period and query (fixed until "
     "the next boundary, docs/server.md); 0 counts every request", 0},
};
#define NKEYS (sizeof config_keys / sizeof config_keys[0])

void server_config_help(FILE *out)
{
    fw_buf b;
    fw_buf_init(&b, FW_BUF_UNLIMITED);
    if (fw_config_help(config_keys, NKEYS, &b) == FW_OK)
        fputs(b.data, out);
    fw_buf_release(&b);
}

static void config_problem(void *arg, const char *where, const char *msg)
{
    (void)arg;
    fprintf(stderr, "%s: %s\n", where, msg);
}

bool server_config_load(server_config *cfg, const char *file)
{
    fw_error err;
    fw_rc rc;
    fw_config_defaults(config_keys, NKEYS, cfg, sizeof *cfg);
    if (!file)
        return true;
    rc = fw_config_load_file(config_keys, NKEYS, cfg, file, config_problem, NULL, &err);
    if (rc == FW_ERR_IO)
        fprintf(stderr, "forcewatch: %s\n", err.msg);
    return rc == FW_OK;
}

/* ---- the server ------------------------------------------------------------- */

/* Client addresses tracked at once for log_requests_per_minute, and its
** window: a client over the limit is told to come back after the window. */
#define LOG_RATE_TABLE 1024
#define LOG_RATE_WINDOW 60

static const double latency_bounds[LATENCY_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                       0.025, 0.05, 0.1, 0.5, 1.0};

double server_clock(void)
{
    return fw_clock_monotonic();
}

struct fw_cache *server_incident_cache(request *r)
{
    return r->srv->incidents;
}

struct fw_log_cache *server_log_cache(request *r)
{
    return r->srv->log_tree;
}

struct fw_stats_cache *server_public_stats_cache(request *r)
{
    return r->srv->public_stats;
}

/* The client's address as text, or "" if it cannot be told. */
void server_client_address(request *r, char out[INET6_ADDRSTRLEN])
{
    memcpy(out, r->client, INET6_ADDRSTRLEN);
    out[INET6_ADDRSTRLEN - 1] = '\0';
}

bool server_log_admit(request *r)
{
    server *s = r->srv;
    char addr[INET6_ADDRSTRLEN];
    double now = fw_clock_monotonic();
    bool ok;

    if (s->cfg.log_requests_per_minute == 0)
        return true;
    server_client_address(r, addr);
    pthread_mutex_lock(&s->mu);
    ok = fw_ratelimit_allowed(s->log_clients, addr, now);
    if (ok)
        fw_ratelimit_failed(s->log_clients, addr, now); /* counts the request */
    pthread_mutex_unlock(&s->mu);
    if (!ok) {
        r->retry_after = LOG_RATE_WINDOW;
        reply_error(r, 429, "rate_limited", NULL,
                    "more than %ld requests a minute from this address to the log's proof "
                    "routes: try again later", s->cfg.log_requests_per_minute);
    }
    return ok;
}

struct fw_sessions *server_sessions(request *r)
{
    return r->srv->sessions;
}

bool server_cookie_secure(request *r)
{
    return r->srv->cfg.cookie_secure != 0;
}

const struct fw_policy_set *server_policies(request *r)
{
    return &r->srv->policies;
}

/* The clock duties are judged by: FORCEWATCH_NOW (for tests) or the real one. */
double server_now(request *r)
{
    const char *fixed = getenv("FORCEWATCH_NOW");
    fw_time t;
    (void)r;
    if (fixed && fw_time_parse(fixed, &t))
        return t.epoch;
    return fw_clock_wall();
}

fw_store *server_store_borrow(server *s)
{
    fw_store *st;
    pthread_mutex_lock(&s->mu);
    while (s->nfree == 0)
        pthread_cond_wait(&s->cv, &s->mu);
    st = s->free_stores[--s->nfree];
    pthread_mutex_unlock(&s->mu);
    return st;
}

void server_store_return(server *s, fw_store *st)
{
    pthread_mutex_lock(&s->mu);
    s->free_stores[s->nfree++] = st;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

int reply_json(request *r, int status, json_t *j)
{
    if (!j) { /* jansson refused to build it: still answer JSON */
        status = 500;
        j = json_pack("{s:s, s:s}", "error", "internal", "message", "the reply could not be built");
    }
    json_decref(r->json);
    r->json = j;
    r->status = status;
    r->content_type = "application/json";
    return status;
}

/* Messages and fields may echo the request (a path, a value, a key): bytes
** that are not UTF-8 become U+FFFD so the body is always valid JSON. */
int reply_error(request *r, int status, const char *error, const char *field, const char *fmt,
                ...)
{
    char msg[1024];
    fw_buf m, f;
    va_list ap;
    json_t *j;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fw_buf_init(&m, 4 * sizeof msg);
    fw_buf_init(&f, 4096);
    fw_utf8_repair(msg, strlen(msg), &m);
    if (field)
        fw_utf8_repair(field, strnlen(field, 1024), &f);
    j = json_pack("{s:s, s:s, s:s?}", "error", error, "message", fw_buf_str(&m), "field",
                  field ? fw_buf_str(&f) : NULL);
    fw_buf_release(&m);
    fw_buf_release(&f);
    return reply_json(r, status, j);
}

#define MAX_STREAMS 4

typedef struct stream_job {
    server *srv;
    fw_store *st;
    int fd;
    void (*fn)(void *arg, fw_store *st, int fd);
    void *arg;
    void (*free_arg)(void *arg);
} stream_job;

static void *stream_main(void *p)
{
    stream_job *j = p;
    j->fn(j->arg, j->st, j->fd);
    close(j->fd);
    fw_store_close(j->st);
    j->free_arg(j->arg);
    pthread_mutex_lock(&j->srv->mu);
    j->srv->streams--;
    pthread_cond_broadcast(&j->srv->cv);
    pthread_mutex_unlock(&j->srv->mu);
    free(j);
    return NULL;
}

bool reply_stream(request *r, int status, const char *content_type,
                  void (*fn)(void *arg, fw_store *st, int fd), void *arg,
                  void (*free_arg)(void *arg))
{
    server *s = r->srv;
    stream_job *j = calloc(1, sizeof *j);
    pthread_attr_t attr;
    pthread_t tid;
    int fds[2] = {-1, -1};
    bool ok = false;

    pthread_mutex_lock(&s->mu);
    if (j && s->streams < MAX_STREAMS) {
        s->streams++;
        ok = true;
    }
    pthread_mutex_unlock(&s->mu);
    if (!ok)
        goto fail;
    ok = false;
    j->srv = s;
    j->fn = fn;
    j->arg = arg;
    j->free_arg = free_arg;
    j->st = cli_open_store(s->args, FW_STORE_READONLY);
    if (!j->st || pipe(fds) != 0)
        goto undo;
    j->fd = fds[1];
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    ok = pthread_create(&tid, &attr, stream_main, j) == 0;
    pthread_attr_destroy(&attr);
    if (!ok)
        goto undo;
    r->stream_fd = fds[0];
    r->status = status;
    r->content_type = content_type;
    return true;
undo:
    if (fds[0] >= 0) {
        close(fds[0]);
        close(fds[1]);
    }
    fw_store_close(j->st);
    pthread_mutex_lock(&s->mu);
    s->streams--;
    pthread_mutex_unlock(&s->mu);
fail:
    free(j);
    free_arg(arg);
    return false;
}

int server_public_stats_k(request *r)
{
    return (int)r->srv->cfg.public_stats_k;
}

long server_public_stats_every(request *r)
{
    return r->srv->cfg.public_stats_every;
}

#define MAX_SESSIONS 4096

/*
** A request as libmicrohttpd carries it: made by on_uri when the request
** line arrives (with whether the raw URI held %00, which libmicrohttpd's
** decoding would hide), started by on_request's first call, freed by
** on_completed.
*/
typedef struct connection_state {
    request req;
    struct MHD_Connection *conn;
    bool nul_in_uri;
    bool started;
    bool answered;    /* refused before its body: what still arrives is dropped */
} connection_state;

/* ---- request_io over libmicrohttpd ---- */

static const char *mhd_header(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static const char *mhd_cookie(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_COOKIE_KIND, name);
}

static const char *mhd_arg(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct each_arg {
    bool (*fn)(void *fn_arg, const char *key, const char *value);
    void *fn_arg;
    bool stopped;
} each_arg;

static enum MHD_Result each_arg_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    each_arg *e = cls;
    (void)kind;
    if (e->fn(e->fn_arg, key ? key : "", value))
        return MHD_YES;
    e->stopped = true;
    return MHD_NO;
}

static bool mhd_each_arg(void *ctx, bool (*fn)(void *fn_arg, const char *key, const char *value),
                         void *fn_arg)
{
    each_arg e = {fn, fn_arg, false};
    MHD_get_connection_values(ctx, MHD_GET_ARGUMENT_KIND, each_arg_cb, &e);
    return !e.stopped;
}

typedef struct lengths {
    const char *first;
    bool differ, chunked;
} lengths;

static enum MHD_Result length_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    lengths *l = cls;
    (void)kind;
    if (key && strcasecmp(key, "Transfer-Encoding") == 0)
        l->chunked = true;
    if (!key || strcasecmp(key, "Content-Length") != 0)
        return MHD_YES;
    if (!l->first)
        l->first = value ? value : "";
    else if (strcmp(l->first, value ? value : "") != 0)
        l->differ = true;
    return MHD_YES;
}

/* Whether the request's length is ambiguous: Content-Length headers that
** disagree, or one beside Transfer-Encoding.  Which one counts is then up to
** each reader, and a proxy in front may read another request than this
** server (request smuggling). */
static bool conflicting_lengths(struct MHD_Connection *conn)
{
    lengths l = {NULL, false, false};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, length_cb, &l);
    return l.differ || (l.first && l.chunked);
}

/* One JSON line a request (lib/web/http.h). */
static void access_log(request *r, size_t bytes)
{
    /* The time text changes once a second: each thread keeps its own. */
    static _Thread_local char now[32];
    static _Thread_local time_t now_for = -1;
    time_t t = fw_clock_wall_seconds();
    fw_buf *line = &r->text; /* done with: the reply is queued (copied or owned) */
    if (t != now_for) {
        fw_time_format_utc(t, now, sizeof now);
        now_for = t;
    }
    fw_access_log_line(line, now, r->method, r->path, r->status, fw_clock_monotonic() - r->started, bytes);
    fwrite(line->data, 1, line->len, stderr);
}

static void count(server *s, request *r)
{
    double dt = fw_clock_monotonic() - r->started;
    int cls = r->status / 100;
    size_t b;
    if (cls < 0 || cls > 5)
        cls = 0;
    pthread_mutex_lock(&s->mu);
    s->requests[(size_t)(r->route + 1) * 6 + (size_t)cls]++;
    for (b = 0; b < LATENCY_BUCKETS && dt > latency_bounds[b]; b++)
        ;
    s->latency[b]++;
    s->latency_sum += dt;
    s->latency_count++;
    pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result send_reply(server *s, connection_state *cs, bool close_after)
{
    request *r = &cs->req;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char *text = NULL;
    size_t len;

    if (r->stream_fd >= 0) {
        len = 0;
        resp = MHD_create_response_from_pipe(r->stream_fd);
        if (!resp)
            close(r->stream_fd);
        r->stream_fd = -1;
    } else {
        /* The text is handed over: MHD frees it. */
        if (r->json) {
            text = json_dumps(r->json, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
            len = text ? strlen(text) : 0;
            if (!text)
                r->status = 500;
        } else {
            len = r->text.len;
            text = len ? fw_buf_detach(&r->text) : NULL;
        }
        resp = MHD_create_response_from_buffer(len, text ? text : (char *)"",
                                               text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!resp)
            free(text);
    }
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", r->cache_control ? r->cache_control : "no-store");
    MHD_add_response_header(resp, "Content-Security-Policy", WEB_CSP);
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (r->set_cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->retry_after > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%d", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", secs);
    }
    if (close_after)
        MHD_add_response_header(resp, "Connection", "close");
    ret = MHD_queue_response(cs->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    access_log(r, len);
    count(s, r);
    return ret;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    connection_state *cs = calloc(1, sizeof *cs);
    (void)cls;
    if (cs) {
        cs->conn = conn;
        cs->nul_in_uri = uri && strstr(uri, "%00") != NULL;
    }
    return cs;
}

/* The request's first call: its headers are in.  Refuse at once what must
** not be read further (400, 413), else fix the body's limit by who the
** credentials say. */
static enum MHD_Result start_request(server *s, connection_state *cs, const char *url,
                                     const char *method)
{
    static const request_io mhd_io = {NULL, mhd_header, mhd_cookie, mhd_arg, mhd_each_arg};
    request_io io = mhd_io;
    request *r = &cs->req;
    char client[INET6_ADDRSTRLEN] = "";
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(cs->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const char *length;
    size_t limit;

    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, client,
                  sizeof client);
    io.ctx = cs->conn;
    request_init(r, s, method, url, &io, client);
    cs->started = true;
    if (cs->nul_in_uri) {
        reply_error(r, 400, "invalid", "path", "the URI holds %%00 (a NUL byte)");
        goto refuse;
    }
    if (conflicting_lengths(cs->conn)) {
        reply_error(r, 400, "invalid", "Content-Length", "the body's length is ambiguous: Content-Length headers that disagree, "
                    "or one beside Transfer-Encoding");
        goto refuse;
    }
    limit = server_body_limit(r);
    r->body.max = limit;
    length = MHD_lookup_connection_value(cs->conn, MHD_HEADER_KIND, "Content-Length");
    if (length && strtoull(length, NULL, 10) > limit) {
        reply_error(r, 413, "too_large", NULL, "the request body is over the limit of %zu bytes%s",
                    limit, r->user.role == FW_ROLE_PUBLIC ? " for a request without credentials" : "");
        goto refuse;
    }
    return MHD_YES;
refuse:
    cs->answered = true;
    return send_reply(s, cs, true);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    server *s = cls;
    connection_state *cs = *con_cls;
    request *r;
    (void)version;
    (void)conn;

    if (!cs)
        return MHD_NO;
    if (!cs->started)
        return start_request(s, cs, url, method);
    r = &cs->req;
    if (*upload_data_size) {
        /* Over the limit: the rest is counted out, never held. */
        if (!cs->answered && !r->body_too_large &&
            fw_buf_add(&r->body, upload_data, *upload_data_size) != FW_OK) {
            r->body_too_large = true;
            fw_buf_release(&r->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (cs->answered)
        return MHD_YES;
    server_dispatch(s, r);
    return send_reply(s, cs, false);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    connection_state *cs = *con_cls;
    (void)cls;
    (void)conn;
    (void)toe;
    if (!cs)
        return;
    if (cs->started)
        request_release(&cs->req);
    free(cs);
    *con_cls = NULL;
}

/* Metrics in the Prometheus text format. */
void server_metrics(request *r)
{
    server *s = r->srv;
    static const char *const classes[] = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
    int64_t log_size = 0;
    fw_stats_cache_counts pc;
    fw_error err;
    size_t i, c, b;
    unsigned long cum = 0;

    r->content_type = "text/plain; version=0.0.4";
    r->status = 200;
    fw_store_log_size(r->store, &log_size, &err);
    pthread_mutex_lock(&s->mu);
    fw_buf_printf(&r->text, "# HELP forcewatch_requests_total Requests by route and status class.\n"
                            "# TYPE forcewatch_requests_total counter\n");
    for (i = 0; api_routes[i].pattern || i == 0; i++) {
        for (c = 0; c < 6; c++) {
            unsigned long n = s->requests[(i + 1) * 6 + c];
            if (n)
                fw_buf_printf(&r->text, "forcewatch_requests_total{route=\"%s %s\",status=\"%s\"} %lu\n",
                              api_routes[i].method, api_routes[i].pattern, classes[c], n);
        }
        if (!api_routes[i].pattern)
            break;
    }
    for (c = 0; c < 6; c++)
        if (s->requests[c])
            fw_buf_printf(&r->text, "forcewatch_requests_total{route=\"unmatched\",status=\"%s\"} %lu\n",
                          classes[c], s->requests[c]);
    fw_buf_printf(&r->text, "# HELP forcewatch_request_seconds Request latency.\n"
                            "# TYPE forcewatch_request_seconds histogram\n");
    for (b = 0; b < LATENCY_BUCKETS; b++) {
        cum += s->latency[b];
        fw_buf_printf(&r->text, "forcewatch_request_seconds_bucket{le=\"%g\"} %lu\n",
                      latency_bounds[b], cum);
    }
    cum += s->latency[LATENCY_BUCKETS];
    fw_buf_printf(&r->text, "forcewatch_request_seconds_bucket{le=\"+Inf\"} %lu\n"
                            "forcewatch_request_seconds_sum %g\nforcewatch_request_seconds_count %lu\n",
                  cum, s->latency_sum, s->latency_count);
    pthread_mutex_unlock(&s->mu);
    {
        struct stat stbuf;
        if (stat(s->args->db, &stbuf) == 0)
            fw_buf_printf(&r->text, "# HELP forcewatch_database_bytes Size of the database file.\n"
                                    "# TYPE forcewatch_database_bytes gauge\n"
                                    "forcewatch_database_bytes %lld\n", (long long)stbuf.st_size);
    }
    fw_buf_printf(&r->text, "# HELP forcewatch_log_leaves Leaves in the record log.\n"
                            "# TYPE forcewatch_log_leaves gauge\nforcewatch_log_leaves %lld\n",
                  (long long)log_size);
    fw_buf_printf(&r->text, "# HELP forcewatch_log_tree_bytes Memory of the log's tree kept for "
                            "proofs.\n# TYPE forcewatch_log_tree_bytes gauge\n"
                            "forcewatch_log_tree_bytes %zu\n", fw_log_cache_bytes(s->log_tree));
    fw_stats_cache_counts_of(s->public_stats, &pc);
    fw_buf_printf(&r->text, "# HELP forcewatch_public_stats_cache_hits_total Public statistics "
                            "answers served from the cache.\n# TYPE forcewatch_public_stats_cache_hits_total "
                            "counter\nforcewatch_public_stats_cache_hits_total %lu\n"
                            "# HELP forcewatch_public_stats_cache_misses_total Public statistics "
                            "answers counted.\n# TYPE forcewatch_public_stats_cache_misses_total "
                            "counter\nforcewatch_public_stats_cache_misses_total %lu\n"
                            "# HELP forcewatch_public_stats_cache_bytes Memory of the public "
                            "statistics answers kept.\n# TYPE forcewatch_public_stats_cache_bytes "
                            "gauge\nforcewatch_public_stats_cache_bytes %zu\n",
                  pc.hits, pc.misses, pc.bytes);
}

static bool parse_listen(const char *listen, struct sockaddr_in *sa)
{
    char host[128];
    const char *colon = strrchr(listen, ':');
    char *end;
    long port;
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return false;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return false;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

server *server_new(cli_args *a, const server_config *cfg, char *why, size_t why_len)
{
    server *s = calloc(1, sizeof *s);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t i, nroutes;

    why[0] = '\0';
    if (!s) {
        (void)fw_snprintf(why, why_len, "out of memory");
        return NULL;
    }
    s->args = a;
    s->cfg = *cfg;
    if (s->cfg.threads == 0)
        s->cfg.threads = ncpu > 0 ? ncpu : 1;
    if (s->cfg.store_pool == 0)
        s->cfg.store_pool = s->cfg.threads + 2;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    for (nroutes = 0; api_routes[nroutes].pattern; nroutes++)
        ;
    if (!cli_load_policies(a->policies, &s->policies))
        goto fail; /* said why */
    s->requests = calloc((nroutes + 2) * 6, sizeof *s->requests);
    s->sessions = fw_sessions_new(MAX_SESSIONS, (double)s->cfg.token_cache_seconds);
    s->incidents = fw_served_cache_new(4096, (size_t)s->cfg.cache_bytes);
    s->log_tree = fw_log_cache_new();
    s->public_stats = fw_stats_cache_new((size_t)s->cfg.public_stats_cache_bytes);
    s->log_clients = fw_ratelimit_new(LOG_RATE_TABLE, (int)s->cfg.log_requests_per_minute,
                                      LOG_RATE_WINDOW);
    s->free_stores = calloc((size_t)s->cfg.store_pool, sizeof *s->free_stores);
    if (!s->requests || !s->free_stores || !s->sessions || !s->incidents || !s->log_tree ||
        !s->public_stats || !s->log_clients || sodium_init() < 0) {
        (void)fw_snprintf(why, why_len, "out of memory");
        goto fail;
    }
    for (i = 0; i < (size_t)s->cfg.store_pool; i++) {
        fw_store *st = cli_open_store(a, 0);
        if (!st)
            goto fail; /* said why */
        s->free_stores[s->nfree++] = st;
        s->nstores++;
    }
    return s;
fail:
    server_free(s);
    return NULL;
}

void server_free(server *s)
{
    size_t i;
    if (!s)
        return;
    for (i = 0; i < s->nfree; i++)
        fw_store_close(s->free_stores[i]);
    free(s->free_stores);
    free(s->requests);
    fw_sessions_free(s->sessions);
    fw_cache_free(s->incidents);
    fw_log_cache_free(s->log_tree);
    fw_stats_cache_free(s->public_stats);
    fw_ratelimit_free(s->log_clients);
    fw_policy_set_release(&s->policies);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

int cmd_serve(cli_args *a)
{
    server *s = NULL;
    server_config cfg;
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;
    sigset_t set;
    int sig, rc = EXIT_OK;
    size_t i;
    const char *port_file = cli_value(a, "port-file");
    char why[128];
    double deadline;

    if (cli_flag(a, "routes")) {
        for (i = 0; api_routes[i].pattern; i++) {
            unsigned roles = fw_authz_roles(api_routes[i].action);
            int k;
            printf("%s %s ", api_routes[i].method, api_routes[i].pattern);
            for (k = 0; k < FW_NROLES; k++)
                if (roles & FW_ROLE_BIT(k))
                    printf("%s%s", k && (roles & (FW_ROLE_BIT(k) - 1)) ? "," : "",
                           fw_role_name((fw_role)k));
            printf("\t%s\n", api_routes[i].summary);
        }
        return EXIT_OK;
    }
    if (cli_flag(a, "config-keys")) {
        server_config_help(stdout);
        return EXIT_OK;
    }
    if (!server_config_load(&cfg, cli_value(a, "config")))
        return EXIT_USAGE;
    if (cli_value(a, "listen")) {
        fw_error err;
        if (fw_config_set(&config_keys[0], &cfg, cli_value(a, "listen"), &err) != FW_OK) {
            fprintf(stderr, "--listen: %s\n", err.msg);
            return EXIT_USAGE;
        }
    }
    if (!parse_listen(cfg.listen, &sa))
        return cli_usage_error("listen: expected IPV4:PORT, not '%s'", cfg.listen);
    s = server_new(a, &cfg, why, sizeof why);
    if (!s)
        return why[0] ? cli_fail(EXIT_RUNTIME, "%s", why) : EXIT_RUNTIME;

    /* Signals are taken by this thread alone, with sigwait below. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
        NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)s->cfg.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)s->cfg.max_connections_per_address, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)s->cfg.connection_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)16 * 1024, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        rc = cli_fail(EXIT_RUNTIME, "cannot listen on %s", s->cfg.listen);
        goto done;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "forcewatch: serving %s on http://%.*s:%u (%ld threads)\n", a->db,
            (int)(strrchr(s->cfg.listen, ':') - s->cfg.listen), s->cfg.listen,
            info ? info->port : 0, s->cfg.threads);
    if (port_file) {
        FILE *pf = fopen(port_file, "w");
        if (!pf || fprintf(pf, "%u\n", info ? info->port : 0) < 0 || fclose(pf) != 0) {
            rc = cli_fail(EXIT_RUNTIME, "cannot write %s", port_file);
            goto stop;
        }
    }
    while (sigwait(&set, &sig) != 0)
        ;
    fprintf(stderr, "forcewatch: %s: finishing requests in flight\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    /* Stop accepting, then give the connections in flight up to 10 s. */
    MHD_quiesce_daemon(s->daemon);
    deadline = fw_clock_monotonic() + 10;
    while (fw_clock_monotonic() < deadline) {
        info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!info || info->num_connections == 0)
            break;
        usleep(10000);
    }
stop:
    MHD_stop_daemon(s->daemon);
    /* Streams see their clients gone (their writes fail) and end. */
    pthread_mutex_lock(&s->mu);
    while (s->streams > 0)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    fprintf(stderr, "forcewatch: stopped; every commit was checkpointed as it happened\n");
done:
    server_free(s);
    return rc;
}
