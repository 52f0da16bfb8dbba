/*
** API handlers for liveness, metrics, signing in and out, changing one's
** password, users and tokens.  The rules (the password rule, the
** first-sign-in gate, token expiry) are lib/access's; these map them to HTTP.
*/
#include <string.h>
#include "api_int.h"
#include "access/session.h"
#include "base/clock.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "base/banned.h"

void api_health(request *r)
{
    reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void api_metrics(request *r)
{
    server_metrics(r);
}

static json_t *user_json(const fw_user *u)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", u->name, "role", fw_role_name(u->role),
                     "agency", u->agency, "officer", u->officer, "must_change_password",
                     u->must_change);
}

void api_sign_in(request *r)
{
    static const char *const allowed[] = {"username", "password", NULL};
    json_t *j = body_json(r);
    const char *name, *pw;
    char addr[INET6_ADDRSTRLEN];
    fw_session ss;
    fw_error err;
    fw_rc rc;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(name = member(r, j, "username", true)) ||
        !(pw = member(r, j, "password", true)))
        goto done;
    server_client_address(r, addr);
    rc = fw_session_sign_in(server_sessions(r), r->store, name, pw, addr, server_clock(), &ss,
                            &err);
    if (rc == FW_ERR_LIMIT)
        reply_error(r, 429, "rate_limited", "username", "%s", err.msg);
    else if (rc == FW_ERR_INVALID)
        reply_error(r, 401, "unauthorized", "password", "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "busy", NULL, "%s", err.msg);
    else {
        fw_session_cookie_secure(ss.id, server_cookie_secure(r), r->set_cookie,
                                 sizeof r->set_cookie);
        reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_json(&ss.user), "csrf_token",
                                     ss.csrf));
    }
done:
    json_decref(j);
}

/* A browser that reloads learns its CSRF token here again (the cookie is
** HttpOnly, and only pages of the same origin can read this answer). */
void api_whoami(request *r)
{
    json_t *j = json_pack("{s:o}", "user", user_json(&r->user));
    if (r->via_cookie)
        json_object_set_new(j, "csrf_token", json_string(r->csrf));
    reply_json(r, 200, j);
}

void api_sign_out(request *r)
{
    fw_session_end(server_sessions(r), r->session);
    fw_session_cookie_secure(NULL, server_cookie_secure(r), r->set_cookie, sizeof r->set_cookie);
    reply_json(r, 200, json_pack("{s:s}", "status", "signed out"));
}

void api_change_password(request *r)
{
    static const char *const allowed[] = {"current", "new", NULL};
    json_t *j = body_json(r);
    const char *current, *fresh;
    char addr[INET6_ADDRSTRLEN];
    fw_error err;
    fw_rc rc;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(current = member(r, j, "current", true)) ||
        !(fresh = member(r, j, "new", true)))
        goto done;
    server_client_address(r, addr);
    /* The current password is checked under sign-in's failure limits first. */
    rc = fw_session_check_password(server_sessions(r), r->store, r->user.name, current, addr,
                                   server_clock(), &err);
    if (rc == FW_OK)
        rc = fw_user_change_password(r->store, r->user.name, current, fresh, &err);
    else if (rc == FW_ERR_DENIED)
        fw_error_set(&err, rc, "current: wrong password");
    if (rc == FW_ERR_LIMIT)
        reply_error(r, 429, "rate_limited", "current", "%s", err.msg);
    else if (rc == FW_ERR_DENIED)
        reply_error(r, 403, "wrong_password", "current", "%s", err.msg);
    else if (rc == FW_ERR_INVALID)
        reply_error(r, 400, "weak_password", "new", "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else {
        /* Every other session of this user ends; this one may now do the rest. */
        fw_session_password_changed(server_sessions(r), r->user.name,
                                    r->via_cookie ? r->session : NULL);
        fw_sessions_auth_changed(server_sessions(r));
        reply_json(r, 200, json_pack("{s:s}", "status", "password changed"));
    }
done:
    json_decref(j);
}

void api_create_user(request *r)
{
    static const char *const allowed[] = {"username", "role", "agency", "officer", "password", NULL};
    json_t *j = body_json(r);
    const char *name, *role, *agency, *officer, *pw;
    char generated[33] = "";
    fw_store *st;
    fw_user u;
    fw_error err;
    fw_rc rc;
    int ri;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(name = member(r, j, "username", true)) ||
        !(role = member(r, j, "role", true)))
        goto done;
    agency = member(r, j, "agency", false);
    officer = member(r, j, "officer", false);
    pw = member(r, j, "password", false);
    if (r->status)
        goto done;
    if ((ri = fw_role_parse(role)) < 0) {
        reply_error(r, 400, "invalid", "role", "unknown role '%s'", role);
        goto done;
    }
    memset(&u, 0, sizeof u);
    /* Too long is refused, never cut: a shorter name or scope is someone else's. */
    if (fw_strlcpy(u.name, name, sizeof u.name)) {
        reply_error(r, 400, "invalid", "username", "username: at most %zu bytes", sizeof u.name - 1);
        goto done;
    }
    if (fw_strlcpy(u.agency, agency ? agency : "", sizeof u.agency)) {
        reply_error(r, 400, "invalid", "agency", "agency: at most %zu bytes", sizeof u.agency - 1);
        goto done;
    }
    if (fw_strlcpy(u.officer, officer ? officer : "", sizeof u.officer)) {
        reply_error(r, 400, "invalid", "officer", "officer: at most %zu bytes",
                    sizeof u.officer - 1);
        goto done;
    }
    u.role = (fw_role)ri;
    if (fw_authz_check_user(&r->user, &u, true) != FW_OK) {
        reply_error(r, 403, "forbidden", "agency", "you may create users of agency %s only",
                    r->user.agency);
        goto done;
    }
    /* The administrator knows the password they set or were shown: the
    ** user changes it at first sign-in. */
    u.must_change = true;
    st = r->store;
    rc = fw_user_create(st, &u, pw, generated, API_ACTOR, &err);
    /* Answered as stored: an officer user takes their registry officer's agency. */
    if (rc == FW_OK)
        rc = fw_user_get(st, u.name, &u, &err);
    if (rc == FW_ERR_EXISTS)
        reply_error(r, 409, "exists", "username", "%s", err.msg);
    else if (rc == FW_ERR_INVALID)
        reply_error(r, 400, "invalid",
                    !strncmp(err.msg, "password", 8)  ? "password"
                    : !strncmp(err.msg, "agency", 6)  ? "agency"
                    : !strncmp(err.msg, "officer", 7) ? "officer"
                                                      : "username",
                    "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 201, json_pack("{s:o, s:s?}", "user", user_json(&u), "password",
                                     pw ? NULL : generated));
done:
    json_decref(j);
}

void api_get_user(request *r)
{
    fw_store *st = r->store;
    fw_user u;
    fw_error err;
    fw_rc rc = fw_user_get(st, r->params[0], &u, &err);
    if (rc == FW_OK && fw_authz_check_user(&r->user, &u, false) != FW_OK)
        rc = FW_ERR_NOTFOUND;   /* another agency's user: as if there were none */
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "name", "no user %s", r->params[0]);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 200, json_pack("{s:o}", "user", user_json(&u)));
}

static json_t *time_json(time_t t)
{
    char text[32];
    fw_time_format_utc(t, text, sizeof text);
    return json_string(text);
}

/*
** A new token for the caller.  A browser session must give the password
** again: a stolen or unattended session cookie (12 hours at most) must not
** become a bearer token good for months.  A bearer token's holder may mint
** another (the CLI and scripts), no longer-lived than FW_TOKEN_DAYS_MAX.
*/
void api_create_token(request *r)
{
    static const char *const allowed[] = {"password", "expires_days", NULL};
    json_t *j = NULL, *days_j;
    const char *pw = NULL;
    char token[96], id[17];
    time_t expires;
    int days = FW_TOKEN_DAYS_DEFAULT;
    char addr[INET6_ADDRSTRLEN];
    fw_error err;
    fw_rc rc;

    if (r->via_cookie && !r->body.len) {
        reply_error(r, 400, "invalid", "password",
                    "a token is minted from a browser session only with the password");
        return;
    }
    if (r->body.len) {
        if (!(j = body_json(r)))
            return;
        if (!only_members(r, j, allowed))
            goto done;
        pw = member(r, j, "password", r->via_cookie);
        if (r->status)
            goto done;
        if ((days_j = json_object_get(j, "expires_days")) != NULL) {
            if (!json_is_integer(days_j) || json_integer_value(days_j) < 1 ||
                json_integer_value(days_j) > FW_TOKEN_DAYS_MAX) {
                reply_error(r, 400, "invalid", "expires_days", "expires_days: 1 to %d",
                            FW_TOKEN_DAYS_MAX);
                goto done;
            }
            days = (int)json_integer_value(days_j);
        }
    }
    if (r->via_cookie) {
        server_client_address(r, addr);
        rc = fw_session_check_password(server_sessions(r), r->store, r->user.name, pw, addr,
                                       server_clock(), &err);
        if (rc == FW_ERR_LIMIT) {
            reply_error(r, 429, "rate_limited", "password", "%s", err.msg);
            goto done;
        }
        if (rc) {
            reply_error(r, 403, "wrong_password", "password",
                        "a token is minted from a browser session only with the password");
            goto done;
        }
    }
    rc = fw_token_create_at(r->store, r->user.name, days, fw_clock_wall_seconds(), API_ACTOR, token,
                            id, &expires, &err);
    if (rc == FW_ERR_INVALID)
        reply_error(r, 400, "invalid", "expires_days", "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 201, json_pack("{s:s, s:s, s:o, s:s}", "id", id, "token", token,
                                     "expires_at", time_json(expires), "note",
                                     "shown once: only its hash is kept"));
done:
    json_decref(j);
}

static int token_item(void *arg, const fw_token_info *t)
{
    json_t *list = arg, *item = json_pack("{s:s, s:s, s:o, s:o, s:b}", "id", t->id, "user",
                                          t->user, "created_at", time_json(t->created),
                                          "expires_at", time_json(t->expires), "revoked",
                                          t->revoked);
    return item && json_array_append_new(list, item) == 0 ? 0 : 1;
}

/* The caller's tokens, never their secrets; an administrator sees
** everyone's, or one user's with ?user=NAME. */
void api_list_tokens(request *r)
{
    static const char *const allowed[] = {"user", NULL};
    const char *user = query_arg(r, "user"), *other = query_other_arg(r, allowed);
    json_t *list = json_array();
    fw_error err;
    fw_rc rc;

    if (other) {
        reply_error(r, 400, "invalid", other, "unknown query argument");
        goto done;
    }
    if (r->user.role != FW_ROLE_ADMIN) {
        if (user && strcmp(user, r->user.name) != 0) {
            reply_error(r, 403, "forbidden", "user", "only an administrator lists others' tokens");
            goto done;
        }
        user = r->user.name;
    }
    if (!list) {
        reply_error(r, 503, "store", NULL, "out of memory");
        goto done;
    }
    rc = fw_token_list(r->store, user, token_item, list, &err);
    if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 200, json_pack("{s:O}", "tokens", list));
done:
    json_decref(list);
}

void api_revoke_token(request *r)
{
    fw_store *st = r->store;
    fw_error err;
    const char *owner = fw_authz_revokes_any_token(&r->user) ? NULL : r->user.name;
    fw_rc rc = fw_token_revoke(st, r->params[0], owner, API_ACTOR, &err);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "id", "no token %s", r->params[0]);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else {
        fw_sessions_auth_changed(server_sessions(r));
        reply_json(r, 200, json_pack("{s:s, s:b}", "id", r->params[0], "revoked", 1));
    }
}
