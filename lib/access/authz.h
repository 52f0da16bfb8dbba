/*
** Authorization: who may do what, as one table.  Each thing a route does is
** an action (read an incident, write one, move a case, manage users...);
** the table says which roles may do each.  Who may see a given incident
** (agency scope, and an officer's own incidents) is decided here too, so
** every front-end asks the same questions and gets the same answers.
** Nothing here reads the store: decisions are pure functions of their
** arguments.
*/
#ifndef FW_AUTHZ_H
#define FW_AUTHZ_H

#include <stdbool.h>

#include "access/auth.h"
#include "base/error.h"
#include "record/model.h"

typedef enum fw_action {
    FW_ACTION_PUBLIC = 0,       /* liveness, sign-in, public statistics, the public log */
    FW_ACTION_READ_METRICS,     /* the server's metrics */
    FW_ACTION_USE_SESSION,      /* who am I, sign out */
    FW_ACTION_MANAGE_TOKENS,    /* create and revoke one's own API tokens */
    FW_ACTION_MANAGE_USERS,     /* create and read users */
    FW_ACTION_WRITE_INCIDENT,   /* store an incident or a new version of one */
    FW_ACTION_LIST_INCIDENTS,   /* list incidents and their stored versions */
    FW_ACTION_READ_INCIDENT,    /* read an incident (a version of it) */
    FW_ACTION_ADD_ACCOUNT,      /* add an account (a statement) to an incident */
    FW_ACTION_REVIEW,           /* review an incident under a policy and store it */
    FW_ACTION_READ_REVIEW,      /* read stored reviews and computed findings */
    FW_ACTION_READ_POLICIES,    /* the policies loaded, what-if tallies */
    FW_ACTION_READ_STATS,       /* exact statistics */
    FW_ACTION_EXPORT,           /* open-data export */
    FW_ACTION_READ_CASE,        /* review cases and the review queue */
    FW_ACTION_MOVE_CASE,        /* move a case through the workflow */
    FW_ACTION_READ_DUTIES,      /* duty items and officers' training records */
    FW_ACTION_RECORD_TRAINING,  /* record a completed course */
    FW_ACTION_READ_OFFICERS,    /* the officer registry and officers' profiles */
    FW_NACTIONS
} fw_action;

/* The action's name ("read_incident"), or NULL out of range. */
const char *fw_authz_action_name(fw_action a);
/* The action named s, or -1. */
int fw_authz_action_parse(const char *s);
/* A one-line description of the action. */
const char *fw_authz_action_summary(fw_action a);

/* Whether role may do action (false for anything out of range). */
bool fw_authz_may(fw_role role, fw_action action);
/* The roles that may do action, as FW_ROLE_BIT()s. */
unsigned fw_authz_roles(fw_action action);
/* Whether action concerns one incident, so that who may see it matters. */
bool fw_authz_scoped(fw_action action);

/*
** Whether user u may see incident doc: a user who belongs to an agency sees
** incidents of that agency (its own, or one it took part in, listed in
** other_agencies); an officer user (bound to a registry officer, u->officer)
** sees only incidents in which an officer party is linked to that registry
** officer ("registry"), whatever labels other parties carry.  Everyone else
** sees every incident.
*/
bool fw_authz_may_see(const fw_user *u, const fw_doc *doc);

/*
** Whether user u may see registry officer officer (a document of type
** FW_RECORD_OFFICER) and its profile: a role with FW_ACTION_READ_OFFICERS
** (oversight roles and officers; not analysts, who work with de-identified
** records); an officer user sees only themself; a user who belongs to an
** agency only that agency's officers; everyone else every officer.
*/
bool fw_authz_may_see_officer(const fw_user *u, const fw_doc *officer);

/*
** Whether user u may write incident doc (create it, or replace it: then both
** the new document and the stored one must pass).  Stricter than seeing: a
** user who belongs to an agency writes only incidents whose agency is their
** own; taking part (other_agencies) lets them read, never write, so no write
** can leave its agency.
*/
bool fw_authz_may_write(const fw_user *u, const fw_doc *doc);

/*
** The one rule for every write that names something stored (an incident, an
** account or review or case move on it, an officer's training record): what
** u may do, answered so that ids cannot be enumerated.  Two parts, checked
** in this order:
** - next (NULL: the write does not choose an agency) must not leave u's
**   agency: FW_ERR_DENIED otherwise, whatever is stored, so that the answer
**   says nothing about what is stored;
** - stored (NULL: nothing stored under the id yet) must be visible to u, or
**   the answer is FW_ERR_NOTFOUND, exactly what a read of it answers; and
**   writable by u, or FW_ERR_DENIED (u can read it, so knows it exists).
** FW_OK otherwise.  Role checks (fw_authz_may) come first, elsewhere.
*/
fw_rc fw_authz_check_write(const fw_user *u, const fw_doc *stored, const fw_doc *next);

/*
** The same rule for a record that carries only an agency (a training
** record): stored_agency NULL when nothing is stored, "" when the record
** belongs to no agency.  A user who belongs to an agency sees and writes
** only records of that agency (FW_ERR_NOTFOUND for others); anyone else
** sees and writes every record.
*/
fw_rc fw_authz_check_agency_record(const fw_user *u, const char *stored_agency);

/*
** The same rule for users, for an admin u (fw_authz_may comes first): an
** admin who belongs to an agency manages only users of that agency.
** Creating target (creating) of another agency, or of none, is
** FW_ERR_DENIED; reading a user of another agency is FW_ERR_NOTFOUND, as
** for no such user.  An admin who belongs to no agency manages every user.
*/
fw_rc fw_authz_check_user(const fw_user *u, const fw_user *target, bool creating);

/* Whether u may revoke any user's API token (an admin who belongs to no
** agency); everyone else revokes only their own. */
bool fw_authz_revokes_any_token(const fw_user *u);

/* Whether u may do action on incident doc: fw_authz_may, and for an action
** that concerns an incident, fw_authz_may_see (doc NULL: no incident yet). */
bool fw_authz_may_on(const fw_user *u, fw_action action, const fw_doc *doc);

#endif
