/*
** Users, roles and API tokens.  Users and tokens are records like any
** other (types "user" and "token"), so every change to them is versioned
** and logged.  Passwords are hashed with Argon2id (libsodium's
** crypto_pwhash_str); tokens are random, shown once, and stored only as
** their SHA-256; revoking one stores a new version marked revoked.
**
** A password must pass fw_password_check (the rule is written there).  A
** password the user did not choose (generated, or set by an administrator
** through the API) marks the user must_change: a session signed in with it
** may only change the password (access/session.h).  A token expires: its
** record holds created_at and expires_at (UTC seconds); a token without
** expires_at (made before expiry existed) expires FW_TOKEN_DAYS_DEFAULT days
** after its record was first stored.  Users and tokens being records, none
** of this needs a schema change.
*/
#ifndef FW_AUTH_H
#define FW_AUTH_H

#include <stdbool.h>
#include <time.h>

#include "store/store.h"

typedef enum fw_role {
    FW_ROLE_PUBLIC = 0,  /* anonymous: aggregates and the public log only */
    FW_ROLE_ADMIN,
    FW_ROLE_SUPERVISOR,
    FW_ROLE_INVESTIGATOR,
    FW_ROLE_BOARD,
    FW_ROLE_AUDITOR,
    FW_ROLE_OFFICER,
    FW_ROLE_ANALYST,
    FW_NROLES
} fw_role;

#define FW_ROLE_BIT(r) (1u << (r))
#define FW_ROLES_ALL ((1u << FW_NROLES) - 1)
#define FW_ROLES_SIGNED_IN (FW_ROLES_ALL & ~FW_ROLE_BIT(FW_ROLE_PUBLIC))

const char *fw_role_name(fw_role r);
/* The role named s, or -1. */
int fw_role_parse(const char *s);

typedef struct fw_user {
    char name[65];
    fw_role role;
    char agency[65];     /* "" for oversight roles that span agencies */
    char officer[65];    /* for officers: their registry officer's id (AGENCY:LABEL) */
    bool active;
    bool must_change;    /* signed in with a password they did not choose: change it first */
} fw_user;

/* The password rule, in bytes and characters (UTF-8 code points). */
#define FW_PASSWORD_MIN_CHARS 12
#define FW_PASSWORD_MAX_BYTES 1024
#define FW_PASSWORD_MIN_DISTINCT 5

/*
** Whether password is strong enough for user name (NULL: not checked
** against a name).  The rule, each part named in the error ("password: ...
** (rule: NAME)"): at least FW_PASSWORD_MIN_CHARS characters ("length"), at
** most FW_PASSWORD_MAX_BYTES bytes ("max_length"); not only whitespace
** ("whitespace"); at least FW_PASSWORD_MIN_DISTINCT different characters,
** so "aaaaaaaaaaaa", "abababababab" or "121212121212" are refused
** ("distinct"); not the username ("username"); no control characters
** ("control").  FW_ERR_INVALID when it fails.
*/
fw_rc fw_password_check(const char *password, const char *name, fw_error *err);

/* A new user with password (a random one, written to generated, if password
** is NULL; generated needs 33 bytes).  FW_ERR_EXISTS if the name is taken;
** FW_ERR_INVALID naming the field ("username: ...", "agency: ...",
** "password: ...") for a value out of bounds.  The user is stored
** must_change if u->must_change or the password was generated. */
fw_rc fw_user_create(fw_store *s, const fw_user *u, const char *password, char *generated,
                     const char *actor, fw_error *err);
/* Check a password; FW_ERR_INVALID for a wrong one or an unknown user
** (which cannot be told apart from outside). */
fw_rc fw_user_authenticate(fw_store *s, const char *name, const char *password, fw_user *out,
                           fw_error *err);
fw_rc fw_user_get(fw_store *s, const char *name, fw_user *out, fw_error *err);

/*
** Set user name's password (a new version of the user record), as actor:
** password (checked by fw_password_check), or a random one written to
** generated (33 bytes) if password is NULL.  must_change is stored as given,
** and always for a generated password.  FW_ERR_NOTFOUND for an unknown user.
*/
fw_rc fw_user_set_password(fw_store *s, const char *name, const char *password, bool must_change,
                           char *generated, const char *actor, fw_error *err);
/*
** A user changing their own password: current must be right
** (FW_ERR_DENIED "current: wrong password" if not), fresh must pass the
** rule and differ from current (FW_ERR_INVALID "new: ...").  Clears
** must_change.
*/
fw_rc fw_user_change_password(fw_store *s, const char *name, const char *current,
                              const char *fresh, fw_error *err);

/* Tokens last this many days unless asked otherwise, and at most the maximum. */
#define FW_TOKEN_DAYS_DEFAULT 90
#define FW_TOKEN_DAYS_MAX 366

/* A new token for user: "fwt_<id>_<secret>" into token (96 bytes), its id into id (17),
** expiring FW_TOKEN_DAYS_DEFAULT days from now (the wall clock). */
fw_rc fw_token_create(fw_store *s, const char *user, const char *actor, char *token, char *id,
                      fw_error *err);
/* The same, made at now (UTC seconds) and expiring days (1 to FW_TOKEN_DAYS_MAX, else
** FW_ERR_INVALID "days: ...") later; *expires (if not NULL) gets its expiry. */
fw_rc fw_token_create_at(fw_store *s, const char *user, int days, time_t now, const char *actor,
                         char *token, char *id, time_t *expires, fw_error *err);
/* The user a token belongs to; FW_ERR_INVALID if unknown, revoked or expired
** (by the wall clock).  A token's user is never must_change: tokens are made
** on purpose by an administrator or by their user after a password change. */
fw_rc fw_token_check(fw_store *s, const char *token, fw_user *out, fw_error *err);
/* The same at now (UTC seconds). */
fw_rc fw_token_check_at(fw_store *s, const char *token, time_t now, fw_user *out,
                        fw_error *err);

/* A token as listed: never its secret. */
typedef struct fw_token_info {
    char id[17];
    char user[65];
    time_t created;      /* UTC seconds */
    time_t expires;
    bool revoked;
} fw_token_info;
typedef int (*fw_token_cb)(void *arg, const fw_token_info *t);
/* Every token of user (NULL: of everyone), revoked ones included, in id
** order.  A non-zero return from cb stops the walk. */
fw_rc fw_token_list(fw_store *s, const char *user, fw_token_cb cb, void *arg, fw_error *err);
/* Revoke token id; owner (if not NULL) must be its user. */
fw_rc fw_token_revoke(fw_store *s, const char *id, const char *owner, const char *actor,
                      fw_error *err);

#endif
