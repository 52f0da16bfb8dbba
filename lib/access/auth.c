/*
** Users and tokens as logged records (see auth.h).
*/
#include "access/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "base/str.h"

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

fw_rc fw_user_create(fw_store *s, const fw_user *u, const char *password, char *generated,
                     const char *actor, fw_error *err)
{
    char hash[crypto_pwhash_STRBYTES], pw[33];
    json_t *existing = NULL;

    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "libsodium failed to start");
    if (!valid_name(u->name))
        return fw_error_set(err, FW_ERR_INVALID, "username: 1 to 64 letters, digits, '.', '_' or '-'");
    if (u->role <= FW_ROLE_PUBLIC || u->role >= FW_NROLES)
        return fw_error_set(err, FW_ERR_INVALID, "role: unknown role");
    if (get_json(s, FW_RECORD_USER, u->name, &existing, NULL) == FW_OK) {
        json_decref(existing);
        return fw_error_set(err, FW_ERR_EXISTS, "user %s already exists", u->name);
    }
    if (!password) {
        random_hex(pw, 16);
        password = pw;
        if (generated)
            memcpy(generated, pw, 33);
    }
    if (strlen(password) < 12)
        return fw_error_set(err, FW_ERR_INVALID, "password: at least 12 characters");
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return fw_error_set(err, FW_ERR_NOMEM, "cannot hash the password (out of memory)");
    sodium_memzero(pw, sizeof pw);
    return put_record(s, FW_RECORD_USER, u->name,
                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "name", u->name, "role",
                                fw_role_name(u->role), "agency", u->agency, "officer", u->officer,
                                "password_argon2id", hash, "active", 1),
                      actor, err);
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

fw_rc fw_token_create(fw_store *s, const char *user, const char *actor, char *token, char *id,
                      fw_error *err)
{
    char secret[65], sha[65];
    uint8_t d[32];
    fw_user u;
    fw_rc rc;

    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "libsodium failed to start");
    if ((rc = fw_user_get(s, user, &u, err)) != FW_OK)
        return rc;
    random_hex(id, 8);
    random_hex(secret, 32);
    crypto_hash_sha256(d, (const uint8_t *)secret, strlen(secret));
    sodium_bin2hex(sha, sizeof sha, d, 32);
    rc = fw_snprintf(token, 96, "fwt_%s_%s", id, secret);
    sodium_memzero(secret, sizeof secret);
    if (rc)
        return fw_error_set(err, FW_ERR_INTERNAL, "token: does not fit its buffer");
    return put_record(s, FW_RECORD_TOKEN, id,
                      json_pack("{s:s, s:s, s:s, s:b}", "id", id, "user", user, "secret_sha256", sha,
                                "revoked", 0),
                      actor, err);
}

fw_rc fw_token_check(fw_store *s, const char *token, fw_user *out, fw_error *err)
{
    char id[17], sha[65];
    const char *secret;
    uint8_t d[32];
    json_t *j = NULL;
    fw_rc rc = FW_ERR_INVALID;

    if (strncmp(token, "fwt_", 4) != 0 || strlen(token) != 4 + 16 + 1 + 64 || token[20] != '_')
        return fw_error_set(err, FW_ERR_INVALID, "not a forcewatch token");
    memcpy(id, token + 4, 16);
    id[16] = '\0';
    secret = token + 21;
    crypto_hash_sha256(d, (const uint8_t *)secret, strlen(secret));
    sodium_bin2hex(sha, sizeof sha, d, 32);
    if (get_json(s, FW_RECORD_TOKEN, id, &j, NULL) == FW_OK &&
        json_string_value(json_object_get(j, "secret_sha256")) &&
        sodium_memcmp(json_string_value(json_object_get(j, "secret_sha256")), sha, 64) == 0 &&
        !json_is_true(json_object_get(j, "revoked")))
        rc = fw_user_get(s, json_string_value(json_object_get(j, "user")), out, NULL);
    json_decref(j);
    if (!rc && !out->active)
        rc = FW_ERR_INVALID;
    return rc ? fw_error_set(err, FW_ERR_INVALID, "unknown or revoked token") : FW_OK;
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
