/*
** Sign-in and sessions (see session.h): the in-memory session table, the
** CSRF rule, sign-in rate limiting over access/ratelimit, and the cache of
** who bearer tokens belong to.  One mutex guards the table, the failure
** counts and the token generation; the token cache locks itself.
*/
#include "access/session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/ratelimit.h"
#include "base/cache.h"
#include "base/str.h"
#include "record/canon.h"
#include "base/banned.h"

struct slot {
    fw_session s;
    double expires;   /* 0: free */
};

struct fw_sessions {
    pthread_mutex_t mu;
    struct slot *slots;
    size_t nslots, max;
    fw_ratelimit *failures;    /* by name and address */
    fw_ratelimit *addresses;   /* by address, whatever the name */
    /* Who tokens belong to (key: SHA-256 of the token); cleared by
    ** fw_sessions_auth_changed, whose calls generation counts. */
    fw_cache *tokens;
    double token_seconds;
    unsigned long generation;
};

fw_sessions *fw_sessions_new(size_t max_sessions, double token_cache_seconds)
{
    fw_sessions *s = calloc(1, sizeof *s);
    if (!s || sodium_init() < 0)
        goto fail;
    s->max = max_sessions;
    s->token_seconds = token_cache_seconds;
    s->slots = calloc(max_sessions ? max_sessions : 1, sizeof *s->slots);
    s->failures = fw_ratelimit_new(FW_SIGNIN_TABLE, FW_SIGNIN_MAX_FAILURES, FW_SIGNIN_WINDOW);
    s->addresses =
        fw_ratelimit_new(FW_SIGNIN_TABLE, FW_SIGNIN_ADDRESS_MAX_FAILURES, FW_SIGNIN_WINDOW);
    s->tokens = fw_cache_new(FW_TOKEN_CACHE, FW_TOKEN_CACHE * sizeof(fw_user), free);
    if (!s->slots || !s->failures || !s->addresses || !s->tokens)
        goto fail;
    pthread_mutex_init(&s->mu, NULL);
    return s;
fail:
    if (s) {
        free(s->slots);
        fw_ratelimit_free(s->failures);
        fw_ratelimit_free(s->addresses);
        fw_cache_free(s->tokens);
        free(s);
    }
    return NULL;
}

void fw_sessions_free(fw_sessions *s)
{
    if (!s)
        return;
    sodium_memzero(s->slots, (s->max ? s->max : 1) * sizeof *s->slots);
    free(s->slots);
    fw_ratelimit_free(s->failures);
    fw_ratelimit_free(s->addresses);
    fw_cache_free(s->tokens);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static void random_hex(char out[FW_SESSION_ID_LEN + 1])
{
    unsigned char buf[FW_SESSION_ID_LEN / 2];
    randombytes_buf(buf, sizeof buf);
    sodium_bin2hex(out, FW_SESSION_ID_LEN + 1, buf, sizeof buf);
}

fw_rc fw_session_create(fw_sessions *s, const fw_user *u, double now, fw_session *out,
                        fw_error *err)
{
    struct slot *sl = NULL, *oldest = NULL;
    size_t i, mine = 0;

    pthread_mutex_lock(&s->mu);
    /* One user holds at most FW_SESSIONS_PER_USER sessions: past that, their
    ** oldest one is ended for the new one, so no user can fill the table. */
    for (i = 0; i < s->nslots; i++) {
        struct slot *t = &s->slots[i];
        if (t->expires < now || strcmp(t->s.user.name, u->name) != 0)
            continue;
        mine++;
        if (!oldest || t->expires < oldest->expires)
            oldest = t;
    }
    if (mine >= FW_SESSIONS_PER_USER)
        sl = oldest;
    for (i = 0; i < s->nslots && !sl; i++)
        if (s->slots[i].expires < now)
            sl = &s->slots[i];
    if (!sl && s->nslots < s->max)
        sl = &s->slots[s->nslots++];
    if (sl) {
        random_hex(sl->s.id);
        random_hex(sl->s.csrf);
        sl->s.user = *u;
        sl->expires = now + FW_SESSION_SECONDS;
        *out = sl->s;
    }
    pthread_mutex_unlock(&s->mu);
    if (!sl)
        return fw_error_set(err, FW_ERR_NOMEM, "too many sessions");
    return FW_OK;
}

/* Whether address, and name from it, may try a password now; the name's
** failures count per address ("name\naddress", into key). */
static fw_rc admit(fw_sessions *s, const char *name, const char *address, double now,
                   char key[512], fw_error *err)
{
    bool address_ok, name_ok;
    if (fw_snprintf(key, 512, "%s\n%s", name, address) != FW_OK)
        return fw_error_set(err, FW_ERR_INVALID, "wrong username or password");
    pthread_mutex_lock(&s->mu);
    address_ok = fw_ratelimit_allowed(s->addresses, address, now);
    name_ok = fw_ratelimit_allowed(s->failures, key, now);
    pthread_mutex_unlock(&s->mu);
    if (!address_ok || !name_ok)
        return fw_error_set(err, FW_ERR_LIMIT, "too many failed sign-ins; wait a minute");
    return FW_OK;
}

static void failed(fw_sessions *s, const char *key, const char *address, double now)
{
    pthread_mutex_lock(&s->mu);
    fw_ratelimit_failed(s->failures, key, now);
    fw_ratelimit_failed(s->addresses, address, now);
    pthread_mutex_unlock(&s->mu);
}

/* The password of name, under the failure limits of its name and address:
** FW_OK and the user, FW_ERR_LIMIT while either waits, else FW_ERR_DENIED. */
static fw_rc checked_password(fw_sessions *s, fw_store *st, const char *name,
                              const char *password, const char *address, double now,
                              fw_user *u, fw_error *err)
{
    char key[512];
    fw_rc rc;

    if ((rc = admit(s, name, address, now, key, err)) != FW_OK)
        return rc;
    if (fw_user_authenticate(st, name, password, u, err) != FW_OK) {
        failed(s, key, address, now);
        return fw_error_set(err, FW_ERR_DENIED, "wrong password");
    }
    return FW_OK;
}

fw_rc fw_session_sign_in(fw_sessions *s, fw_store *st, const char *name, const char *password,
                         const char *address, double now, fw_session *out, fw_error *err)
{
    fw_user u;
    fw_rc rc = checked_password(s, st, name, password, address, now, &u, err);

    if (rc == FW_ERR_DENIED)
        return fw_error_set(err, FW_ERR_INVALID, "wrong username or password");
    if (rc != FW_OK)
        return rc;
    return fw_session_create(s, &u, now, out, err);
}

fw_rc fw_session_check_password(fw_sessions *s, fw_store *st, const char *name,
                                const char *password, const char *address, double now,
                                fw_error *err)
{
    fw_user u;
    return checked_password(s, st, name, password, address, now, &u, err);
}

void fw_session_end(fw_sessions *s, const char *id)
{
    size_t i;
    if (!id || strlen(id) != FW_SESSION_ID_LEN)
        return;
    pthread_mutex_lock(&s->mu);
    for (i = 0; i < s->nslots; i++)
        if (sodium_memcmp(s->slots[i].s.id, id, FW_SESSION_ID_LEN) == 0)
            s->slots[i].expires = 0;
    pthread_mutex_unlock(&s->mu);
}

void fw_session_password_changed(fw_sessions *s, const char *name, const char *keep_id)
{
    size_t i;
    bool keep_ok = keep_id && strlen(keep_id) == FW_SESSION_ID_LEN;
    pthread_mutex_lock(&s->mu);
    for (i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (!sl->expires || strcmp(sl->s.user.name, name) != 0)
            continue;
        if (keep_ok && sodium_memcmp(sl->s.id, keep_id, FW_SESSION_ID_LEN) == 0)
            sl->s.user.must_change = false;
        else
            sl->expires = 0;
    }
    pthread_mutex_unlock(&s->mu);
}

bool fw_session_gate(const fw_user *u, fw_action action)
{
    return !u->must_change || action == FW_ACTION_PUBLIC || action == FW_ACTION_USE_SESSION;
}

fw_rc fw_session_find(fw_sessions *s, const char *cookie, const char *method,
                      const char *csrf_header, double now, fw_session *out, fw_error *err)
{
    fw_rc rc = FW_ERR_NOTFOUND;
    size_t i;

    if (!cookie || strlen(cookie) != FW_SESSION_ID_LEN)
        return fw_error_set(err, rc, "no such session");
    pthread_mutex_lock(&s->mu);
    for (i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        if (sl->expires >= now && sodium_memcmp(sl->s.id, cookie, FW_SESSION_ID_LEN) == 0) {
            *out = sl->s;
            rc = FW_OK;
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
    if (rc != FW_OK)
        return fw_error_set(err, rc, "no such session");
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
        (!csrf_header || strlen(csrf_header) != FW_SESSION_ID_LEN ||
         sodium_memcmp(csrf_header, out->csrf, FW_SESSION_ID_LEN) != 0))
        return fw_error_set(err, FW_ERR_DENIED, "a signed-in browser request that changes "
                                                "something needs its CSRF token");
    return FW_OK;
}

const char *fw_session_bearer(const char *authorization)
{
    if (!authorization || strncmp(authorization, "Bearer ", 7) != 0)
        return NULL;
    return authorization + 7;
}

fw_rc fw_session_token(fw_sessions *s, const char *token, double now,
                       fw_store *(*borrow)(void *arg),
                       void (*give_back)(void *arg, fw_store *st), void *arg, fw_user *out,
                       fw_error *err)
{
    uint8_t key[FW_SHA256_BYTES];
    fw_cache_entry *held;
    fw_user *known;
    fw_store *st;
    unsigned long generation;
    fw_rc rc;

    fw_sha256(token, strlen(token), key);
    if ((known = fw_cache_get(s->tokens, key, sizeof key, now, &held)) != NULL) {
        *out = *known;
        fw_cache_release(s->tokens, held);
        return FW_OK;
    }
    pthread_mutex_lock(&s->mu);
    generation = s->generation;
    pthread_mutex_unlock(&s->mu);
    st = borrow(arg);
    rc = fw_token_check(st, token, out, err);
    give_back(arg, st);
    if (rc != FW_OK) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    /* Not if a revocation came in meanwhile: that check may predate it. */
    pthread_mutex_lock(&s->mu);
    if (s->token_seconds > 0 && generation == s->generation &&
        (known = malloc(sizeof *known)) != NULL) {
        *known = *out;
        if (!fw_cache_put(s->tokens, key, sizeof key, known, sizeof *known,
                          now + s->token_seconds, now, NULL))
            free(known);
    }
    pthread_mutex_unlock(&s->mu);
    return FW_OK;
}

void fw_sessions_auth_changed(fw_sessions *s)
{
    pthread_mutex_lock(&s->mu);
    s->generation++;
    fw_cache_clear(s->tokens);
    pthread_mutex_unlock(&s->mu);
}

bool fw_session_cookie(const char *id, char *out, size_t n)
{
    return fw_session_cookie_secure(id, false, out, n);
}

bool fw_session_cookie_secure(const char *id, bool secure, char *out, size_t n)
{
    const char *flag = secure ? "; Secure" : "";
    int k;
    if (id)
        k = snprintf(out, n, "fw_session=%s; Path=/%s; HttpOnly; SameSite=Strict; Max-Age=%d", id,
                     flag, FW_SESSION_SECONDS);
    else
        k = snprintf(out, n, "fw_session=; Path=/%s; HttpOnly; SameSite=Strict; Max-Age=0", flag);
    return k > 0 && (size_t)k < n;
}
