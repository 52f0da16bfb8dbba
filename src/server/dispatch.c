/*
** The dispatcher, free of any HTTP library: a request whose body has
** arrived is routed through the table in routes.c, its path and query
** parameters checked, its credentials read (through the request's
** request_io, which the transport fills), its role authorized for the
** route's action, and the handler run with a store handle from the pool.
** What is not an API route may be a dashboard file (webfiles.c).  The
** libmicrohttpd adapter (server.c) and the HTTP fuzz target
** (tests/fuzz/fuzz_http.c) both call server_dispatch.
*/
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "server_int.h"
#include "access/session.h"
#include "base/clock.h"
#include "base/str.h"
#include "webfiles.h"
#include "web/http.h"
#include "base/banned.h"

/* Longest query argument value (and name) a handler may see. */
#define MAX_QUERY_VALUE 4096

void request_init(request *r, server *s, const char *method, const char *path,
                  const request_io *io, const char *client)
{
    memset(r, 0, sizeof *r);
    r->srv = s;
    r->io = *io;
    (void)fw_snprintf(r->client, sizeof r->client, "%s", client ? client : "");
    r->method = method;
    r->path = path;
    r->started = fw_clock_monotonic();
    r->route = -1;
    r->stream_fd = -1;
    r->user.role = FW_ROLE_PUBLIC;
    fw_buf_init(&r->body, (size_t)s->cfg.max_anonymous_body_bytes);
    fw_buf_init(&r->text, 64 * 1024 * 1024);
    fw_arena_init(&r->arena, 0, 0);
}

void request_release(request *r)
{
    json_decref(r->json);
    r->json = NULL;
    if (r->stream_fd >= 0)
        close(r->stream_fd);
    r->stream_fd = -1;
    fw_buf_release(&r->body);
    fw_buf_release(&r->text);
    fw_arena_release(&r->arena);
}

const char *query_arg(request *r, const char *name)
{
    return r->io.arg ? r->io.arg(r->io.ctx, name) : NULL;
}

typedef struct other_arg {
    const char *const *allowed;
    const char *found;
} other_arg;

static bool find_other(void *arg, const char *key, const char *value)
{
    other_arg *o = arg;
    size_t i;
    (void)value;
    for (i = 0; o->allowed[i]; i++)
        if (strcmp(o->allowed[i], key) == 0)
            return true;
    o->found = key;
    return false;
}

const char *query_other_arg(request *r, const char *const *allowed)
{
    other_arg o = {allowed, NULL};
    if (r->io.each_arg)
        r->io.each_arg(r->io.ctx, find_other, &o);
    return o.found;
}

static const char *header(request *r, const char *name)
{
    return r->io.header ? r->io.header(r->io.ctx, name) : NULL;
}

static fw_store *borrow_cb(void *arg)
{
    return server_store_borrow(arg);
}

static void give_back_cb(void *arg, fw_store *st)
{
    server_store_return(arg, st);
}

static void auth_refuse(request *r, int status, const char *field, const char *msg)
{
    r->auth_status = status;
    r->auth_field = field;
    (void)fw_snprintf(r->auth_msg, sizeof r->auth_msg, "%s", msg);
}

/* Who is asking: a bearer token, a session cookie, or nobody (public).
** Bad credentials are remembered (auth_status), not answered yet. */
void server_authenticate(request *r)
{
    server *s = r->srv;
    const char *auth, *cookie, *token;
    fw_session ss;
    fw_error err;
    fw_rc rc;

    if (r->auth_done)
        return;
    r->auth_done = true;
    memset(&r->user, 0, sizeof r->user);
    r->user.role = FW_ROLE_PUBLIC;
    auth = header(r, "Authorization");
    cookie = r->io.cookie ? r->io.cookie(r->io.ctx, "fw_session") : NULL;
    if (auth) {
        if (!(token = fw_session_bearer(auth))) {
            auth_refuse(r, 401, "Authorization", "expected 'Bearer TOKEN'");
            return;
        }
        if (fw_session_token(s->sessions, token, fw_clock_monotonic(), borrow_cb, give_back_cb,
                             s, &r->user, &err) != FW_OK) {
            memset(&r->user, 0, sizeof r->user);
            r->user.role = FW_ROLE_PUBLIC;
            auth_refuse(r, 401, "Authorization", err.msg);
        }
        return;
    }
    rc = fw_session_find(s->sessions, cookie, r->method, header(r, "X-CSRF-Token"),
                         fw_clock_monotonic(), &ss, &err);
    if (rc == FW_OK || rc == FW_ERR_DENIED) {
        r->user = ss.user;
        r->via_cookie = true;
        memcpy(r->session, ss.id, sizeof r->session);
        memcpy(r->csrf, ss.csrf, sizeof r->csrf);
    }
    if (rc == FW_ERR_DENIED)
        auth_refuse(r, 403, "X-CSRF-Token", err.msg);
}

size_t server_body_limit(request *r)
{
    server_authenticate(r);
    if (r->auth_status == 0 && r->user.role != FW_ROLE_PUBLIC)
        return (size_t)r->srv->cfg.max_body_bytes;
    return (size_t)r->srv->cfg.max_anonymous_body_bytes;
}

/* Whether the route's path parameters may reach its handler; if not, the
** request is answered 400 here, for every route alike. */
static bool params_ok(request *r)
{
    const char *p = api_routes[r->route].pattern;
    size_t k = 0;
    char why[64];
    for (; (p = strchr(p, '{')) != NULL; p++, k++) {
        if (k < MAX_PARAMS && !fw_route_param_ok(r->params[k], why, sizeof why)) {
            reply_error(r, 400, "invalid", "path", "path parameter %zu %s", k + 1, why);
            return false;
        }
    }
    return true;
}

typedef struct arg_check {
    request *r;
    bool ok;
} arg_check;

/* Every query argument's name and value as a path parameter: UTF-8, no
** control character, and not over MAX_QUERY_VALUE bytes. */
static bool check_arg(void *arg, const char *key, const char *value)
{
    arg_check *c = arg;
    char why[64];
    bool key_ok = fw_route_param_ok(key, why, sizeof why) && strlen(key) <= MAX_QUERY_VALUE;

    if (!key_ok) {
        if (strlen(key) > MAX_QUERY_VALUE)
            (void)fw_snprintf(why, sizeof why, "is over %d bytes", MAX_QUERY_VALUE);
        reply_error(c->r, 400, "invalid", "query", "a query argument's name %s", why);
    } else if (value && strlen(value) > MAX_QUERY_VALUE) {
        reply_error(c->r, 400, "invalid", key, "query argument %s is over %d bytes", key,
                    MAX_QUERY_VALUE);
    } else if (value && !fw_route_param_ok(value, why, sizeof why)) {
        reply_error(c->r, 400, "invalid", key, "query argument %s %s: '%.64s'", key, why, value);
    } else {
        return true;
    }
    c->ok = false;
    return false;
}

static bool query_ok(request *r)
{
    arg_check c = {r, true};
    if (r->io.each_arg)
        r->io.each_arg(r->io.ctx, check_arg, &c);
    return c.ok;
}

void server_dispatch(server *s, request *r)
{
    char param_storage[512];
    bool path_matched = false;
    size_t i;

    if (r->body_too_large) {
        reply_error(r, 413, "too_large", NULL, "the request body is over the limit of %zu bytes",
                    r->body.max);
        return;
    }
    for (i = 0; api_routes[i].pattern; i++) {
        if (!fw_route_match(api_routes[i].pattern, r->path, r->params, MAX_PARAMS,
                            param_storage, sizeof param_storage))
            continue;
        path_matched = true;
        /* HEAD is answered wherever GET is: the same handler, and the
        ** transport sends the headers without the body. */
        if (strcmp(api_routes[i].method, r->method) != 0 &&
            !(strcmp(r->method, "HEAD") == 0 && strcmp(api_routes[i].method, "GET") == 0))
            continue;
        r->route = (int)i;
        if (!params_ok(r) || !query_ok(r))
            break;
        server_authenticate(r);
        if (r->auth_status) {
            reply_error(r, r->auth_status, r->auth_status == 403 ? "csrf" : "unauthorized",
                        r->auth_field, "%s", r->auth_msg);
            break;
        }
        if (!fw_authz_may(r->user.role, api_routes[i].action)) {
            if (r->user.role == FW_ROLE_PUBLIC)
                reply_error(r, 401, "unauthorized", NULL, "sign in or send a bearer token");
            else
                reply_error(r, 403, "forbidden", NULL, "the %s role may not %s %s",
                            fw_role_name(r->user.role), r->method, api_routes[i].pattern);
            break;
        }
        if (!fw_session_gate(&r->user, api_routes[i].action)) {
            reply_error(r, 403, "password_change_required", "password",
                        "change the one-time password first: PUT /api/v1/session/password");
            break;
        }
        /* The dispatcher owns the request's store handle: borrowed once
        ** before the handler, given back after it. */
        if (api_routes[i].store)
            r->store = server_store_borrow(s);
        api_routes[i].handler(r);
        if (r->store)
            server_store_return(s, r->store);
        r->store = NULL;
        break;
    }
    /* The parameters pointed into param_storage: gone with this frame. */
    memset(r->params, 0, sizeof r->params);
    /* Not an API route: the dashboard's files, for reads outside /api/. */
    if (r->route < 0 && !path_matched &&
        (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) &&
        strncmp(r->path, "/api/", 5) != 0 && web_serve(r, s->cfg.web_dir))
        return;
    if (r->route < 0) {
        if (path_matched)
            reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s", r->method,
                        r->path);
        else
            reply_error(r, 404, "not_found", NULL, "no such route: %s", r->path);
    }
    if (r->status == 0)
        reply_error(r, 500, "internal", NULL, "the handler gave no answer");
}
