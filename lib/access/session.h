/*
** Sign-in and sessions, for any front-end that keeps signed-in users in
** memory: the session table (a random id and CSRF token per session, a
** fixed lifetime, bounded in number), the CSRF rule for requests that
** change something, sign-in with its failure rate limit (access/ratelimit),
** and bearer tokens checked against the store with a short-lived cache of
** who each token belongs to.  Thread-safe: every call takes the table's
** lock.  The caller gives the clock (`now`, monotonic seconds), so the
** rules are unit-tested without waiting.
*/
#ifndef FW_SESSION_H
#define FW_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "access/auth.h"
#include "access/authz.h"

/* A session lasts this long after sign-in. */
#define FW_SESSION_SECONDS (12 * 3600)
/* The most sessions one user holds at once; signing in again ends their oldest. */
#define FW_SESSIONS_PER_USER 8
/* A name is refused sign-in from one address after this many failures there
** within the window: only that address is held back, so nobody can lock the
** real user out from elsewhere. */
#define FW_SIGNIN_MAX_FAILURES 5
#define FW_SIGNIN_WINDOW 60
/* An address is refused any sign-in after this many failures within the
** window, whatever names it tries: checked before any password is hashed. */
#define FW_SIGNIN_ADDRESS_MAX_FAILURES 20
/* Names whose failures are tracked at once (see access/ratelimit.h). */
#define FW_SIGNIN_TABLE 4096
/* Tokens whose user is remembered at once. */
#define FW_TOKEN_CACHE 1024
/* A session id and a CSRF token: 64 hexadecimal digits. */
#define FW_SESSION_ID_LEN 64

typedef struct fw_sessions fw_sessions;

/* A signed-in session as the front-end sees it. */
typedef struct fw_session {
    char id[FW_SESSION_ID_LEN + 1];
    char csrf[FW_SESSION_ID_LEN + 1];
    fw_user user;
} fw_session;

/*
** A table of at most max_sessions sessions; a checked token is trusted for
** token_cache_seconds without asking the store again (0: every time).
** NULL when out of memory.  Free with fw_sessions_free, which wipes it.
*/
fw_sessions *fw_sessions_new(size_t max_sessions, double token_cache_seconds);
void fw_sessions_free(fw_sessions *s);

/*
** Sign in name with password from address (the client's, as text) at now:
** FW_OK with a new session in *out; FW_ERR_LIMIT if the address, or the name
** from this address, failed too often lately (no password is hashed then);
** FW_ERR_INVALID for a wrong name or password (counted as a failure of the
** address and of the name from it); FW_ERR_NOMEM if every session slot is
** taken by a live session.
*/
fw_rc fw_session_sign_in(fw_sessions *s, fw_store *st, const char *name, const char *password,
                         const char *address, double now, fw_session *out, fw_error *err);

/*
** A signed-in user's password asked again (to mint a token from a browser
** session, or to change it), under sign-in's failure limits, so it cannot
** be guessed faster there than at sign-in: FW_OK if right; FW_ERR_LIMIT if
** the address, or the name from it, failed too often lately (nothing is
** hashed then); FW_ERR_DENIED if wrong (counted as a sign-in failure).
*/
fw_rc fw_session_check_password(fw_sessions *s, fw_store *st, const char *name,
                                const char *password, const char *address, double now,
                                fw_error *err);

/* A new session for u at now (as fw_session_sign_in, without the password). */
fw_rc fw_session_create(fw_sessions *s, const fw_user *u, double now, fw_session *out,
                        fw_error *err);

/* End session id (nothing if there is none). */
void fw_session_end(fw_sessions *s, const char *id);

/*
** User name's password changed in session keep_id (NULL: elsewhere, say by
** an administrator): every other session of theirs ends, and keep_id's
** user is no longer must_change.
*/
void fw_session_password_changed(fw_sessions *s, const char *name, const char *keep_id);

/*
** The first-sign-in gate, asked where authorization is decided, after the
** role's check: whether user u may do action now.  A user who must change
** their password (signed in with one they did not choose) may only use
** their session (FW_ACTION_USE_SESSION: who am I, sign out, change the
** password) and public routes until they do; callers answer 403
** "password_change_required" otherwise.  Tokens' users are never
** must_change (fw_token_check).
*/
bool fw_session_gate(const fw_user *u, fw_action action);

/*
** The live session whose id is cookie, for a request with method: FW_OK and
** *out; FW_ERR_NOTFOUND if there is none (the caller is anonymous);
** FW_ERR_DENIED (with *out filled) when the method changes something (not
** GET or HEAD) and csrf_header (NULL: absent) is not the session's CSRF
** token: a cookie rides along with any request a browser makes, the token
** only with our pages'.
*/
fw_rc fw_session_find(fw_sessions *s, const char *cookie, const char *method,
                      const char *csrf_header, double now, fw_session *out, fw_error *err);

/* The token of an Authorization header value "Bearer TOKEN", or NULL. */
const char *fw_session_bearer(const char *authorization);

/*
** The user token belongs to: from the cache, else checked in a store handle
** that borrow(arg) lends and give_back(arg, st) takes back (so a front-end
** with a pool of handles lends one only on a miss).  FW_ERR_INVALID for an
** unknown or revoked token.
*/
fw_rc fw_session_token(fw_sessions *s, const char *token, double now,
                       fw_store *(*borrow)(void *arg),
                       void (*give_back)(void *arg, fw_store *st), void *arg, fw_user *out,
                       fw_error *err);

/* A token was revoked or a user changed: forget who tokens belong to.  A
** check that started before this is not cached. */
void fw_sessions_auth_changed(fw_sessions *s);

/* The Set-Cookie value for session id, or (id NULL) the one that clears it.
** False if out (n bytes) is too small. */
bool fw_session_cookie(const char *id, char *out, size_t n);
/* The same, marked Secure (sent only over HTTPS) if secure: for a server
** behind TLS (configuration key cookie_secure). */
bool fw_session_cookie_secure(const char *id, bool secure, char *out, size_t n);

#endif
