/*
** API handlers for liveness, metrics, signing in and out, users and tokens.
*/
#include <string.h>
#include "api_int.h"
#include "access/session.h"
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
    return json_pack("{s:s, s:s, s:s, s:s}", "name", u->name, "role", fw_role_name(u->role),
                     "agency", u->agency, "officer", u->officer);
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
        fw_session_cookie(ss.id, r->set_cookie, sizeof r->set_cookie);
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
    fw_session_cookie(NULL, r->set_cookie, sizeof r->set_cookie);
    reply_json(r, 200, json_pack("{s:s}", "status", "signed out"));
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
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = (fw_role)ri;
    snprintf(u.agency, sizeof u.agency, "%s", agency ? agency : "");
    snprintf(u.officer, sizeof u.officer, "%s", officer ? officer : "");
    if (fw_authz_check_user(&r->user, &u, true) != FW_OK) {
        reply_error(r, 403, "forbidden", "agency", "you may create users of agency %s only",
                    r->user.agency);
        goto done;
    }
    st = r->store;
    rc = fw_user_create(st, &u, pw, generated, API_ACTOR, &err);
    if (rc == FW_ERR_EXISTS)
        reply_error(r, 409, "exists", "username", "%s", err.msg);
    else if (rc == FW_ERR_INVALID)
        reply_error(r, 400, "invalid", strncmp(err.msg, "password", 8) ? "username" : "password",
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

void api_create_token(request *r)
{
    fw_store *st = r->store;
    char token[96], id[17];
    fw_error err;
    fw_rc rc = fw_token_create(st, r->user.name, API_ACTOR, token, id, &err);
    if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 201, json_pack("{s:s, s:s, s:s}", "id", id, "token", token, "note",
                                     "shown once: only its hash is kept"));
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
