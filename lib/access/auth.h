/*
** Users, roles and API tokens.  Users and tokens are records like any
** other (types "user" and "token"), so every change to them is versioned
** and logged.  Passwords are hashed with Argon2id (libsodium's
** crypto_pwhash_str); tokens are random, shown once, and stored only as
** their SHA-256; revoking one stores a new version marked revoked.
*/
#ifndef FW_AUTH_H
#define FW_AUTH_H

#include <stdbool.h>

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
    char officer[65];    /* for officers: their officer id in incidents */
    bool active;
} fw_user;

/* A new user with password (a random one, written to generated, if password
** is NULL; generated needs 33 bytes).  FW_ERR_EXISTS if the name is taken. */
fw_rc fw_user_create(fw_store *s, const fw_user *u, const char *password, char *generated,
                     const char *actor, fw_error *err);
/* Check a password; FW_ERR_INVALID for a wrong one or an unknown user
** (which cannot be told apart from outside). */
fw_rc fw_user_authenticate(fw_store *s, const char *name, const char *password, fw_user *out,
                           fw_error *err);
fw_rc fw_user_get(fw_store *s, const char *name, fw_user *out, fw_error *err);

/* A new token for user: "fwt_<id>_<secret>" into token (96 bytes), its id into id (17). */
fw_rc fw_token_create(fw_store *s, const char *user, const char *actor, char *token, char *id,
                      fw_error *err);
/* The user a token belongs to; FW_ERR_INVALID if unknown or revoked. */
fw_rc fw_token_check(fw_store *s, const char *token, fw_user *out, fw_error *err);
/* Revoke token id; owner (if not NULL) must be its user. */
fw_rc fw_token_revoke(fw_store *s, const char *id, const char *owner, const char *actor,
                      fw_error *err);

#endif
