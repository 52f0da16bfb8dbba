/*
** Users and tokens as logged records (see auth.h): the password rule,
** users created, authenticated and given new passwords, and tokens made,
** checked against their expiry, listed and revoked.
*/
#include "access/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "base/clock.h"
#include "base/str.h"
#include "base/timeutil.h"

#include "store/officers.h"
#include "base/banned.h"

static const char *const role_names[FW_NROLES] = {
    "public", "admin", "supervisor", "investigator", "board", "auditor", "officer", "analyst",
};

const char *fw_role_name(fw_role r)
{
    return (unsigned)r < FW_NROLES ? role_names[r] : "?";
}

int fw_role_parse(const char *s)
{
    int i;
    for (i = 1; i < FW_NROLES; i++)
        if (strcmp(role_names[i], s) == 0)
            return i;
    return -1;
}

static bool valid_name(const char *s)
{
    size_t i, n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

/* Store body as a new version of record (type, id) in its own transaction. */
/* Store body (consumed) as a new version of record (type, id) in its own transaction. */
static fw_rc put_record(fw_store *s, fw_record_type type, const char *id, json_t *body,
                        const char *actor, fw_error *err)
{
    fw_rc rc;
    if (!body)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    if ((rc = fw_store_begin(s, err)) == FW_OK) {
        rc = fw_store_put_json(s, type, id, body, actor, NULL, err);
        rc = rc ? (fw_store_rollback(s), rc) : fw_store_commit(s, err);
    }
    json_decref(body);
    return rc;
}

static fw_rc get_json(fw_store *s, fw_record_type type, const char *id, json_t **out,
                      fw_error *err)
{
    fw_buf body;
    fw_rc rc;
    fw_buf_init(&body, 1 << 20);
    rc = fw_store_get(s, type, id, 0, &body, NULL, err);
    *out = rc ? NULL : json_loadb(body.data, body.len, 0, NULL);
    fw_buf_release(&body);
    if (!rc && !*out)
        rc = fw_error_set(err, FW_ERR_STORE, "stored %s %s is not JSON", fw_record_type_name(type), id);
    return rc;
}

static void random_hex(char *out, size_t bytes)
{
    unsigned char buf[32];
    randombytes_buf(buf, bytes);
    sodium_bin2hex(out, bytes * 2 + 1, buf, bytes);
}

fw_rc fw_password_check(const char *password, const char *name, fw_error *err)
{
    bool seen[256] = {false};
    size_t i, n = strlen(password), chars = 0, distinct = 0, blank = 0;

    if (n > FW_PASSWORD_MAX_BYTES)
        return fw_error_set(err, FW_ERR_INVALID, "password: at most %d bytes (rule: max_length)",
                            FW_PASSWORD_MAX_BYTES);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)password[i];
        if (c < 0x20 || c == 0x7f)
            if (c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f')
                return fw_error_set(err, FW_ERR_INVALID,
                                    "password: no control characters (rule: control)");
        if ((c & 0xc0) != 0x80)   /* not a UTF-8 continuation byte: a character starts */
            chars++;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            blank++;
        if (!seen[c]) {
            seen[c] = true;
            distinct++;
        }
    }
    if (chars < FW_PASSWORD_MIN_CHARS)
        return fw_error_set(err, FW_ERR_INVALID,
                            "password: at least %d characters (rule: length)",
                            FW_PASSWORD_MIN_CHARS);
    if (blank == n)
        return fw_error_set(err, FW_ERR_INVALID,
                            "password: not only whitespace (rule: whitespace)");
    if (distinct < FW_PASSWORD_MIN_DISTINCT)
        return fw_error_set(err, FW_ERR_INVALID,
                            "password: at least %d different characters (rule: distinct)",
                            FW_PASSWORD_MIN_DISTINCT);
    if (name && strcmp(password, name) == 0)
        return fw_error_set(err, FW_ERR_INVALID, "password: not the username (rule: username)");
    return FW_OK;
}

/* A password (or, password NULL, a random one written to generated) checked
** against the rule and hashed into hash. */
static fw_rc hash_password(const char *name, const char *password, char *generated,
                           char hash[crypto_pwhash_STRBYTES], fw_error *err)
{
    char pw[33];
    fw_rc rc;

    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "libsodium failed to start");
    if (!password) {
        random_hex(pw, 16);
        password = pw;
        if (generated)
            memcpy(generated, pw, 33);
    }
    if ((rc = fw_password_check(password, name, err)) != FW_OK)
        goto done;
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        rc = fw_error_set(err, FW_ERR_NOMEM, "cannot hash the password (out of memory)");
done:
    sodium_memzero(pw, sizeof pw);
    return rc;
}

/*
** An officer user is bound to a registry officer (store/officers.h): u->officer
** must name one, of u's agency when u has one; *out is u with the officer's
** agency.  Other roles are bound to no officer.
*/
static fw_rc officer_binding(fw_store *s, const fw_user *u, fw_user *out, fw_error *err)
{
    fw_doc *o = NULL;
    fw_rc rc = FW_OK;

    *out = *u;
    if (u->role != FW_ROLE_OFFICER) {
        if (u->officer[0])
            return fw_error_set(err, FW_ERR_INVALID, "officer: only officer users are bound "
                                                     "to a registry officer");
        return FW_OK;
    }
    if (!u->officer[0])
        return fw_error_set(err, FW_ERR_INVALID,
                            "officer: an officer user needs the id of their registry officer");
    if (fw_officer_get(s, u->officer, &o, NULL) != FW_OK ||
        (u->agency[0] && strcmp(u->agency, o->agency) != 0))
        rc = fw_error_set(err, FW_ERR_INVALID, "officer: '%s' is not a registry officer%s%s",
                          u->officer, u->agency[0] ? " of agency " : "", u->agency);
    else if (fw_strlcpy(out->agency, o->agency, sizeof out->agency))
        rc = fw_error_set(err, FW_ERR_INVALID, "agency: at most %zu bytes",
                          sizeof out->agency - 1);
    fw_doc_free(o);
    return rc;
}

fw_rc fw_user_create(fw_store *s, const fw_user *u, const char *password, char *generated,
                     const char *actor, fw_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    fw_user bound;
    json_t *existing = NULL;
    fw_rc rc;

    if (!valid_name(u->name))
        return fw_error_set(err, FW_ERR_INVALID, "username: 1 to 64 letters, digits, '.', '_' or '-'");
    if (u->role <= FW_ROLE_PUBLIC || u->role >= FW_NROLES)
        return fw_error_set(err, FW_ERR_INVALID, "role: unknown role");
    /* The struct's fields cannot be over-long, but a caller's unterminated one could. */
    if (!memchr(u->agency, '\0', sizeof u->agency))
        return fw_error_set(err, FW_ERR_INVALID, "agency: at most %zu bytes", sizeof u->agency - 1);
    if (!memchr(u->officer, '\0', sizeof u->officer))
        return fw_error_set(err, FW_ERR_INVALID, "officer: at most %zu bytes",
                            sizeof u->officer - 1);
    if (get_json(s, FW_RECORD_USER, u->name, &existing, NULL) == FW_OK) {
        json_decref(existing);
        return fw_error_set(err, FW_ERR_EXISTS, "user %s already exists", u->name);
    }
    if ((rc = officer_binding(s, u, &bound, err)) != FW_OK)
        return rc;
    u = &bound;
    if ((rc = hash_password(u->name, password, generated, hash, err)) != FW_OK)
        return rc;
    return put_record(s, FW_RECORD_USER, u->name,
                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "name", u->name, "role",
                                fw_role_name(u->role), "agency", u->agency, "officer", u->officer,
                                "password_argon2id", hash, "active", 1, "must_change",
                                u->must_change || !password),
                      actor, err);
}

fw_rc fw_user_set_password(fw_store *s, const char *name, const char *password, bool must_change,
                           char *generated, const char *actor, fw_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    json_t *j = NULL;
    fw_rc rc;

    if (!valid_name(name) || get_json(s, FW_RECORD_USER, name, &j, NULL) != FW_OK)
        return fw_error_set(err, FW_ERR_NOTFOUND, "no user %s", valid_name(name) ? name : "by that name");
    if ((rc = hash_password(name, password, generated, hash, err)) != FW_OK)
        goto done;
    if (json_object_set_new(j, "password_argon2id", json_string(hash)) ||
        json_object_set_new(j, "must_change", json_boolean(must_change || !password))) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    rc = put_record(s, FW_RECORD_USER, name, j, actor, err);
    j = NULL;   /* consumed */
done:
    json_decref(j);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

fw_rc fw_user_change_password(fw_store *s, const char *name, const char *current,
                              const char *fresh, fw_error *err)
{
    fw_user u;
    fw_error e;

    if (fw_user_authenticate(s, name, current, &u, &e) != FW_OK)
        return fw_error_set(err, FW_ERR_DENIED, "current: wrong password");
    if (strcmp(current, fresh) == 0)
        return fw_error_set(err, FW_ERR_INVALID, "new: the same as the current password");
    if (fw_password_check(fresh, name, &e) != FW_OK)
        return fw_error_set(err, FW_ERR_INVALID, "new %s", e.msg);
    return fw_user_set_password(s, name, fresh, false, NULL, name, err);
}

static fw_rc user_from_json(const json_t *j, fw_user *out)
{
    const char *name = json_string_value(json_object_get(j, "name"));
    const char *role = json_string_value(json_object_get(j, "role"));
    const char *agency = json_string_value(json_object_get(j, "agency"));
    const char *officer = json_string_value(json_object_get(j, "officer"));
    int r = role ? fw_role_parse(role) : -1;
    memset(out, 0, sizeof *out);
    if (!name || r < 0)
        return FW_ERR_STORE;
    /* A name or scope cut short would be someone else's: refused. */
    if (fw_strlcpy(out->name, name, sizeof out->name) ||
        fw_strlcpy(out->agency, agency ? agency : "", sizeof out->agency) ||
        fw_strlcpy(out->officer, officer ? officer : "", sizeof out->officer))
        return FW_ERR_STORE;
    out->role = (fw_role)r;
    out->active = json_is_true(json_object_get(j, "active"));
    out->must_change = json_is_true(json_object_get(j, "must_change"));
    return FW_OK;
}

fw_rc fw_user_get(fw_store *s, const char *name, fw_user *out, fw_error *err)
{
    json_t *j;
    fw_rc rc = get_json(s, FW_RECORD_USER, name, &j, err);
    if (rc)
        return rc;
    rc = user_from_json(j, out);
    json_decref(j);
    return rc ? fw_error_set(err, rc, "user %s is malformed", name) : FW_OK;
}

fw_rc fw_user_authenticate(fw_store *s, const char *name, const char *password, fw_user *out,
                           fw_error *err)
{
    json_t *j = NULL;
    const char *hash;
    fw_rc rc;

    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "libsodium failed to start");
    if (!valid_name(name) || get_json(s, FW_RECORD_USER, name, &j, NULL) != FW_OK) {
        /* Spend the same effort for unknown names, so timing tells nothing. */
        char dummy[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str(dummy, password, strlen(password),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
            sodium_memzero(dummy, sizeof dummy);
        return fw_error_set(err, FW_ERR_INVALID, "wrong username or password");
    }
    hash = json_string_value(json_object_get(j, "password_argon2id"));
    rc = hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0
             ? user_from_json(j, out)
             : FW_ERR_INVALID;
    json_decref(j);
    if (!rc && !out->active)
        rc = FW_ERR_INVALID;
    return rc ? fw_error_set(err, FW_ERR_INVALID, "wrong username or password") : FW_OK;
}

/* A time as the records write it, and back (-1 if it is not one). */
static void utc_text(time_t t, char out[32])
{
    fw_time_format_utc(t, out, 32);
}

static time_t utc_parse(const char *s)
{
    fw_time t;
    if (!s || !fw_time_parse(s, &t) || !t.has_time || !t.has_offset)
        return (time_t)-1;
    return (time_t)t.epoch;
}

fw_rc fw_token_create(fw_store *s, const char *user, const char *actor, char *token, char *id,
                      fw_error *err)
{
    return fw_token_create_at(s, user, FW_TOKEN_DAYS_DEFAULT, fw_clock_wall_seconds(), actor,
                              token, id, NULL, err);
}

fw_rc fw_token_create_at(fw_store *s, const char *user, int days, time_t now, const char *actor,
                         char *token, char *id, time_t *expires, fw_error *err)
{
    char secret[65], sha[65], created[32], until[32];
    uint8_t d[32];
    time_t end;
    fw_user u;
    fw_rc rc;

    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "libsodium failed to start");
    if (days < 1 || days > FW_TOKEN_DAYS_MAX)
        return fw_error_set(err, FW_ERR_INVALID, "days: 1 to %d", FW_TOKEN_DAYS_MAX);
    if ((rc = fw_user_get(s, user, &u, err)) != FW_OK)
        return rc;
    end = now + (time_t)days * 86400;
    utc_text(now, created);
    utc_text(end, until);
    random_hex(id, 8);
    random_hex(secret, 32);
    crypto_hash_sha256(d, (const uint8_t *)secret, strlen(secret));
    sodium_bin2hex(sha, sizeof sha, d, 32);
    rc = fw_snprintf(token, 96, "fwt_%s_%s", id, secret);
    sodium_memzero(secret, sizeof secret);
    if (rc)
        return fw_error_set(err, FW_ERR_INTERNAL, "token: does not fit its buffer");
    if (expires)
        *expires = end;
    return put_record(s, FW_RECORD_TOKEN, id,
                      json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "id", id, "user", user,
                                "secret_sha256", sha, "revoked", 0, "created_at", created,
                                "expires_at", until),
                      actor, err);
}

static int first_created(void *arg, const fw_record_meta *meta)
{
    time_t *t = arg;
    *t = utc_parse(meta->created_at);
    return 1;   /* the first version is enough */
}

/* When token j (record id) was made and when it expires; a token stored
** before expiry existed expires FW_TOKEN_DAYS_DEFAULT days after its first
** version was stored.  False if that cannot be told. */
static bool token_times(fw_store *s, const char *id, const json_t *j, time_t *created,
                        time_t *expires)
{
    *created = utc_parse(json_string_value(json_object_get(j, "created_at")));
    *expires = utc_parse(json_string_value(json_object_get(j, "expires_at")));
    if (*created == (time_t)-1) {
        fw_store_history(s, FW_RECORD_TOKEN, id, first_created, created, NULL);
        if (*created == (time_t)-1)
            return false;
    }
    if (*expires == (time_t)-1 && !json_object_get(j, "expires_at"))
        *expires = *created + (time_t)FW_TOKEN_DAYS_DEFAULT * 86400;
    return *expires != (time_t)-1;
}

fw_rc fw_token_check(fw_store *s, const char *token, fw_user *out, fw_error *err)
{
    return fw_token_check_at(s, token, fw_clock_wall_seconds(), out, err);
}

fw_rc fw_token_check_at(fw_store *s, const char *token, time_t now, fw_user *out,
                        fw_error *err)
{
    char id[17], sha[65];
    const char *secret, *stored;
    uint8_t d[32];
    json_t *j = NULL;
    time_t created, expires;
    fw_rc rc = FW_ERR_INVALID;

    if (strncmp(token, "fwt_", 4) != 0 || strlen(token) != 4 + 16 + 1 + 64 || token[20] != '_')
        return fw_error_set(err, FW_ERR_INVALID, "not a forcewatch token");
    memcpy(id, token + 4, 16);
    id[16] = '\0';
    secret = token + 21;
    crypto_hash_sha256(d, (const uint8_t *)secret, strlen(secret));
    sodium_bin2hex(sha, sizeof sha, d, 32);
    if (get_json(s, FW_RECORD_TOKEN, id, &j, NULL) == FW_OK &&
        (stored = json_string_value(json_object_get(j, "secret_sha256"))) != NULL &&
        strlen(stored) == 64 && sodium_memcmp(stored, sha, 64) == 0 &&
        !json_is_true(json_object_get(j, "revoked")) &&
        token_times(s, id, j, &created, &expires) && now < expires &&
        json_string_value(json_object_get(j, "user")))
        rc = fw_user_get(s, json_string_value(json_object_get(j, "user")), out, NULL);
    json_decref(j);
    if (!rc && !out->active)
        rc = FW_ERR_INVALID;
    if (!rc)
        out->must_change = false;
    return rc ? fw_error_set(err, FW_ERR_INVALID, "unknown, revoked or expired token") : FW_OK;
}

struct token_walk {
    fw_store *s;
    const char *user;
    fw_token_cb cb;
    void *arg;
};

static int token_row(void *arg, const fw_record_row *row)
{
    struct token_walk *w = arg;
    fw_token_info t;
    json_t *j = json_loadb(row->body, row->body_len, 0, NULL);
    const char *user = json_string_value(json_object_get(j, "user"));
    int stop = 0;

    memset(&t, 0, sizeof t);
    if (user && (!w->user || strcmp(w->user, user) == 0) &&
        !fw_strlcpy(t.id, row->id, sizeof t.id) && !fw_strlcpy(t.user, user, sizeof t.user)) {
        if (!token_times(w->s, row->id, j, &t.created, &t.expires))
            t.created = t.expires = 0;
        t.revoked = json_is_true(json_object_get(j, "revoked"));
        stop = w->cb(w->arg, &t);
    }
    json_decref(j);
    return stop;
}

fw_rc fw_token_list(fw_store *s, const char *user, fw_token_cb cb, void *arg, fw_error *err)
{
    struct token_walk w = {s, user, cb, arg};
    return fw_store_latest_scan(s, FW_RECORD_TOKEN, token_row, &w, err);
}

fw_rc fw_token_revoke(fw_store *s, const char *id, const char *owner, const char *actor,
                      fw_error *err)
{
    json_t *j = NULL;
    fw_rc rc = get_json(s, FW_RECORD_TOKEN, id, &j, err);
    if (rc)
        return rc;
    if (owner && strcmp(owner, json_string_value(json_object_get(j, "user")) ? json_string_value(json_object_get(j, "user")) : "") != 0) {
        json_decref(j);
        return fw_error_set(err, FW_ERR_NOTFOUND, "no token %s", id);
    }
    json_object_set_new(j, "revoked", json_true());
    return put_record(s, FW_RECORD_TOKEN, id, j, actor, err);
}
