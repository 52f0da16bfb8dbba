/*
** Fuzz target for the HTTP server's dispatcher (src/server/dispatch.c), in
** process and without a socket: each input is one request against a
** temporary database holding the examples (examples/), answered by the
** same routing, parameter checks, authentication, authorization and
** handlers as the real server.  Every answer must be a status from 100 to
** 599 whose JSON body serializes, and never 500.
**
** An input is: a byte choosing who asks (nobody, each role, agency-scoped
** users, a session without its CSRF token, a bearer token, a bad one), a
** byte choosing the method, then text: the request target (path and query,
** percent-encoded as on the wire), header lines "Name: value", an empty
** line, and the body.  Streamed answers (the export) are read to their end.
*/
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/session.h"
#include "base/clock.h"
#include "server/server.h"
#include "server/server_int.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int forcewatch_main(int argc, char **argv); /* src/cli/forcewatch.c's main, renamed */

#ifndef FW_POLICY_DIR
#define FW_POLICY_DIR "policies"
#endif

#define MAX_FIELDS 32
#define PASSWORD "fuzz-Password-7c1d9e2a4b"

/* Who asks: a user signed in by a session cookie (with the CSRF token
** unless no_csrf), a bearer token, a bad header, or nobody. */
typedef struct context {
    const char *name;     /* user name; NULL for nobody */
    fw_role role;
    const char *agency;
    const char *officer;
    bool no_csrf, bearer, bad_bearer;
    fw_session session;
} context;

static context contexts[] = {
    {.name = NULL, .role = FW_ROLE_PUBLIC},
    {.name = "f-admin", .role = FW_ROLE_ADMIN},
    {.name = "f-super", .role = FW_ROLE_SUPERVISOR},
    {.name = "f-inv", .role = FW_ROLE_INVESTIGATOR},
    {.name = "f-board", .role = FW_ROLE_BOARD},
    {.name = "f-audit", .role = FW_ROLE_AUDITOR},
    {.name = "f-officer", .role = FW_ROLE_OFFICER, .agency = "metro-pd", .officer = "metro-pd:o-601"},
    {.name = "f-analyst", .role = FW_ROLE_ANALYST},
    {.name = "f-super-metro", .role = FW_ROLE_SUPERVISOR, .agency = "metro-pd"},
    {.name = "f-inv-cbp", .role = FW_ROLE_INVESTIGATOR, .agency = "cbp-sd"},
    {.name = "f-analyst-county", .role = FW_ROLE_ANALYST, .agency = "county-so"},
    {.name = "f-admin-ice", .role = FW_ROLE_ADMIN, .agency = "ice-ero-stp"},
    {.name = "f-super", .role = FW_ROLE_SUPERVISOR, .no_csrf = true},
    {.name = "f-admin", .role = FW_ROLE_ADMIN, .bearer = true},
    {.name = NULL, .role = FW_ROLE_PUBLIC, .bad_bearer = true},
};
#define NCONTEXTS (sizeof contexts / sizeof contexts[0])

static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"};
#define NMETHODS (sizeof methods / sizeof methods[0])

static server *srv;
static cli_args args;
static char dir[256], db[300], web[300];
static char bearer[128];

/* ---- one request's fields, as the transport would give them ---- */

typedef struct fuzz_req {
    const char *hname[MAX_FIELDS], *hval[MAX_FIELDS];
    int nh;
    const char *cname[MAX_FIELDS], *cval[MAX_FIELDS];
    int nc;
    const char *aname[MAX_FIELDS], *aval[MAX_FIELDS];
    int na;
} fuzz_req;

static const char *io_header(void *ctx, const char *name)
{
    fuzz_req *q = ctx;
    int i;
    for (i = 0; i < q->nh; i++)
        if (strcasecmp(q->hname[i], name) == 0)
            return q->hval[i];
    return NULL;
}

static const char *io_cookie(void *ctx, const char *name)
{
    fuzz_req *q = ctx;
    int i;
    for (i = 0; i < q->nc; i++)
        if (strcmp(q->cname[i], name) == 0)
            return q->cval[i];
    return NULL;
}

static const char *io_arg(void *ctx, const char *name)
{
    fuzz_req *q = ctx;
    int i;
    for (i = 0; i < q->na; i++)
        if (strcmp(q->aname[i], name) == 0)
            return q->aval[i];
    return NULL;
}

static bool io_each_arg(void *ctx, bool (*fn)(void *fn_arg, const char *key, const char *value),
                        void *fn_arg)
{
    fuzz_req *q = ctx;
    int i;
    for (i = 0; i < q->na; i++)
        if (!fn(fn_arg, q->aname[i], q->aval[i]))
            return false;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s in place as libmicrohttpd does ('+' too in arguments);
** false if it decodes to a NUL (the transport answers that 400 itself). */
static bool unescape(char *s, bool plus)
{
    char *w = s;
    for (; *s; s++) {
        if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            *w = (char)(hexval(s[1]) * 16 + hexval(s[2]));
            if (!*w)
                return false;
            w++;
            s += 2;
        } else {
            *w++ = plus && *s == '+' ? ' ' : *s;
        }
    }
    *w = '\0';
    return true;
}

/* ---- setup, once ---- */

static int run_cli(int n, char **argv)
{
    return forcewatch_main(n, argv);
}

static int json_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

static void cleanup(void)
{
    char path[400];
    static const char *const files[] = {"fuzz.db", "fuzz.db-wal", "fuzz.db-shm", "fuzz.db.key",
                                        "web/index.html", "web/pipe.js", "web/app.js"};
    size_t i;
    server_free(srv);
    srv = NULL;
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(web);
    rmdir(dir);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

static bool ensure_session(context *c)
{
    fw_session found;
    fw_error err;
    fw_user u;
    fw_store *st;
    if (!c->name || c->bearer)
        return true;
    if (c->session.id[0] && fw_session_find(srv->sessions, c->session.id, "GET", NULL,
                                            fw_clock_monotonic(), &found, &err) == FW_OK)
        return true;
    st = server_store_borrow(srv);
    if (fw_user_get(st, c->name, &u, &err) != FW_OK) {
        server_store_return(srv, st);
        return false;
    }
    server_store_return(srv, st);
    return fw_session_create(srv->sessions, &u, fw_clock_monotonic(), &c->session, &err) == FW_OK;
}

static void setup(void)
{
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    char *init[] = {"forcewatch", "--db", db, "init", NULL};
    char *add[40] = {"forcewatch", "--db", db, "add", "examples/agencies.jsonl",
                     "examples/officers.jsonl"};
    char paths[32][300], id[32], generated[40];
    struct dirent **list = NULL;
    int n, i, nadd = 6;
    server_config cfg;
    char why[128];
    fw_store *st;
    fw_error err;
    size_t k;

    snprintf(dir, sizeof dir, "%s/fw-fuzz-http-XXXXXX", tmp);
    if (!mkdtemp(dir))
        abort();
    snprintf(db, sizeof db, "%s/fuzz.db", dir);
    snprintf(web, sizeof web, "%s/web", dir);
    atexit(cleanup);
    setenv("FORCEWATCH_NOW", "2026-06-01T12:00:00Z", 1);
    setenv("FORCEWATCH_ACTOR", "fuzz", 1);
    unsetenv("FORCEWATCH_SIGNING_KEY");
    if (run_cli(4, init) != 0)
        abort();
    n = scandir("examples", &list, json_name, alphasort);
    for (i = 0; i < n; i++) {
        if (nadd < 36) {
            snprintf(paths[nadd - 5], sizeof paths[0], "examples/%s", list[i]->d_name);
            add[nadd] = paths[nadd - 5];
            nadd++;
        }
        free(list[i]);
    }
    free(list);
    if (n <= 0 || run_cli(nadd, add) != 0)
        abort();
    /* A dashboard with a named pipe in it, which is never served. */
    if (mkdir(web, 0700) != 0 || mkfifo(strcat(strcpy(paths[31], web), "/pipe.js"), 0600) != 0)
        abort();
    write_file(strcat(strcpy(paths[31], web), "/index.html"), "<!doctype html><p>fuzz</p>\n");
    write_file(strcat(strcpy(paths[31], web), "/app.js"), "console.log(1);\n");

    memset(&args, 0, sizeof args);
    args.db = db;
    args.actor = "fuzz";
    args.policies = access("policies", F_OK) == 0 ? "policies" : FW_POLICY_DIR;
    server_config_load(&cfg, NULL);
    cfg.threads = 1;
    cfg.store_pool = 2;
    cfg.log_requests_per_minute = 0;
    snprintf(cfg.web_dir, sizeof cfg.web_dir, "%s", web);
    srv = server_new(&args, &cfg, why, sizeof why);
    if (!srv) {
        fprintf(stderr, "fuzz_http: %s\n", why);
        abort();
    }
    st = server_store_borrow(srv);
    for (k = 0; k < NCONTEXTS; k++) {
        fw_user u;
        context *c = &contexts[k];
        if (!c->name || fw_user_get(st, c->name, &u, &err) == FW_OK)
            continue;
        memset(&u, 0, sizeof u);
        snprintf(u.name, sizeof u.name, "%s", c->name);
        u.role = c->role;
        snprintf(u.agency, sizeof u.agency, "%s", c->agency ? c->agency : "");
        snprintf(u.officer, sizeof u.officer, "%s", c->officer ? c->officer : "");
        u.active = true;
        if (fw_user_create(st, &u, PASSWORD, generated, "fuzz", &err) != FW_OK) {
            fprintf(stderr, "fuzz_http: user %s: %s\n", c->name, err.msg);
            abort();
        }
    }
    if (fw_token_create(st, "f-admin", "fuzz", bearer, id, &err) != FW_OK)
        abort();
    server_store_return(srv, st);
}

/* ---- one input ---- */

static void finish_stream(request *r)
{
    char buf[65536];
    while (read(r->stream_fd, buf, sizeof buf) > 0)
        ;
    close(r->stream_fd);
    r->stream_fd = -1;
    pthread_mutex_lock(&srv->mu);
    while (srv->streams > 0)
        pthread_cond_wait(&srv->cv, &srv->mu);
    pthread_mutex_unlock(&srv->mu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const request_io io0 = {NULL, io_header, io_cookie, io_arg, io_each_arg};
    request_io io = io0;
    context *c;
    fuzz_req q;
    request r;
    char *text, *line, *next, *query, *body, *target, *p;
    char authz[160];
    size_t body_len;

    if (!srv)
        setup();
    if (size < 3 || size > 65536)
        return 0;
    c = &contexts[data[0] % NCONTEXTS];
    if (!ensure_session(c))
        abort();
    text = malloc(size - 2 + 1);
    if (!text)
        return 0;
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';
    memset(&q, 0, sizeof q);
    body = NULL;
    body_len = 0;

    /* The target, then headers up to an empty line, then the body. */
    target = text;
    next = memchr(text, '\n', size - 2);
    if (next) {
        *next++ = '\0';
        for (line = next; line && *line;) {
            char *end = strchr(line, '\n');
            if (end)
                *end = '\0';
            if (line[0] == '\0' || (line[0] == '\r' && !line[1])) {
                line = end ? end + 1 : NULL;
                break;
            }
            if ((p = strchr(line, ':')) != NULL && q.nh < MAX_FIELDS - 2) {
                *p++ = '\0';
                while (*p == ' ')
                    p++;
                if (strcasecmp(line, "Cookie") == 0) {
                    char *save = NULL, *kv;
                    for (kv = strtok_r(p, ";", &save); kv && q.nc < MAX_FIELDS - 1;
                         kv = strtok_r(NULL, ";", &save)) {
                        char *eq = strchr(kv, '=');
                        while (*kv == ' ')
                            kv++;
                        if (!eq)
                            continue;
                        *eq = '\0';
                        q.cname[q.nc] = kv;
                        q.cval[q.nc++] = eq + 1;
                    }
                } else {
                    q.hname[q.nh] = line;
                    q.hval[q.nh++] = p;
                }
            }
            line = end ? end + 1 : NULL;
            if (line && line == text + (size - 2))
                line = NULL;
        }
        if (line) {
            body = line;
            body_len = (size_t)(text + (size - 2) - line);
        }
    }
    /* Bytes after a NUL in the text: the body keeps them, the rest ends. */
    if ((query = strchr(target, '?')) != NULL) {
        char *save = NULL, *kv;
        *query++ = '\0';
        for (kv = strtok_r(query, "&", &save); kv && q.na < MAX_FIELDS;
             kv = strtok_r(NULL, "&", &save)) {
            char *eq = strchr(kv, '=');
            if (eq)
                *eq++ = '\0';
            if (!unescape(kv, true) || (eq && !unescape(eq, true)))
                goto out;
            q.aname[q.na] = kv;
            q.aval[q.na++] = eq;
        }
    }
    if (!unescape(target, false) || target[0] != '/')
        goto out;

    /* Who asks goes first: the transport's lookups find it before the input's. */
    if (c->bearer || c->bad_bearer) {
        snprintf(authz, sizeof authz, "Bearer %s", c->bearer ? bearer : "fwt_nosuch_token");
        memmove(q.hname + 1, q.hname, sizeof q.hname[0] * (size_t)q.nh);
        memmove(q.hval + 1, q.hval, sizeof q.hval[0] * (size_t)q.nh);
        q.hname[0] = "Authorization";
        q.hval[0] = authz;
        q.nh++;
    } else if (c->name) {
        memmove(q.cname + 1, q.cname, sizeof q.cname[0] * (size_t)q.nc);
        memmove(q.cval + 1, q.cval, sizeof q.cval[0] * (size_t)q.nc);
        q.cname[0] = "fw_session";
        q.cval[0] = c->session.id;
        q.nc++;
        if (!c->no_csrf) {
            memmove(q.hname + 1, q.hname, sizeof q.hname[0] * (size_t)q.nh);
            memmove(q.hval + 1, q.hval, sizeof q.hval[0] * (size_t)q.nh);
            q.hname[0] = "X-CSRF-Token";
            q.hval[0] = c->session.csrf;
            q.nh++;
        }
    }

    io.ctx = &q;
    request_init(&r, srv, methods[data[1] % NMETHODS], target, &io, "127.0.0.1");
    r.body.max = server_body_limit(&r);
    if (body_len && fw_buf_add(&r.body, body, body_len) != FW_OK) {
        r.body_too_large = true;
        fw_buf_release(&r.body);
    }
    server_dispatch(srv, &r);
    if (r.stream_fd >= 0)
        finish_stream(&r);
    if (getenv("FW_FUZZ_TRACE"))
        fprintf(stderr, "fuzz_http: %s %s -> %d\n", r.method, r.path, r.status);
    if (r.status < 100 || r.status > 599 || r.status == 500)
        abort();
    if (r.json) {
        char *dumped = json_dumps(r.json, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        if (!dumped)
            abort();
        free(dumped);
    }
    request_release(&r);
out:
    free(text);
    return 0;
}
