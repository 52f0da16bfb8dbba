/*
** Authorization (see authz.h): the table of actions and the roles that may
** do each, and who may see an incident.
*/
#include "access/authz.h"

#include <string.h>

#include "base/banned.h"

#define R(x) FW_ROLE_BIT(FW_ROLE_##x)
#define ANYONE FW_ROLES_ALL
#define SIGNED_IN FW_ROLES_SIGNED_IN
#define READERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD) | R(AUDITOR) | R(ANALYST))
#define WRITERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR))
#define OVERSIGHT (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD) | R(AUDITOR))
#define CASE_MOVERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD))

static const struct {
    const char *name;
    unsigned roles;
    bool scoped;
    const char *summary;
} actions[FW_NACTIONS] = {
    [FW_ACTION_PUBLIC] = {"public", ANYONE, false,
                          "liveness, signing in, public statistics and the public log"},
    [FW_ACTION_READ_METRICS] = {"read_metrics", R(ADMIN) | R(AUDITOR), false,
                                "the server's metrics"},
    [FW_ACTION_USE_SESSION] = {"use_session", SIGNED_IN, false, "who is signed in; signing out"},
    [FW_ACTION_MANAGE_TOKENS] = {"manage_tokens", SIGNED_IN, false,
                                 "create and revoke one's own API tokens"},
    [FW_ACTION_MANAGE_USERS] = {"manage_users", R(ADMIN), false, "create and read users"},
    [FW_ACTION_WRITE_INCIDENT] = {"write_incident", WRITERS, true,
                                  "store an incident or a new version of one"},
    [FW_ACTION_LIST_INCIDENTS] = {"list_incidents", READERS, true,
                                  "list incidents and their stored versions"},
    [FW_ACTION_READ_INCIDENT] = {"read_incident", READERS | R(OFFICER), true,
                                 "read an incident or one of its versions"},
    [FW_ACTION_ADD_ACCOUNT] = {"add_account", WRITERS | R(OFFICER), true,
                               "add an account (a statement) to an incident"},
    [FW_ACTION_REVIEW] = {"review", CASE_MOVERS, true,
                          "review an incident under a policy and store the review"},
    [FW_ACTION_READ_REVIEW] = {"read_review", READERS, true,
                               "read stored reviews and an incident's findings"},
    [FW_ACTION_READ_POLICIES] = {"read_policies", READERS, false,
                                 "the policies loaded and what-if tallies"},
    [FW_ACTION_READ_STATS] = {"read_stats", READERS, false, "exact statistics"},
    [FW_ACTION_EXPORT] = {"export", READERS, false, "open-data export"},
    [FW_ACTION_READ_CASE] = {"read_case", OVERSIGHT, true, "review cases and the review queue"},
    [FW_ACTION_MOVE_CASE] = {"move_case", CASE_MOVERS, true, "move a case through the workflow"},
    [FW_ACTION_READ_DUTIES] = {"read_duties", OVERSIGHT, true,
                               "duty items and officers' training records"},
    [FW_ACTION_RECORD_TRAINING] = {"record_training", R(ADMIN) | R(SUPERVISOR), false,
                                   "record a completed course"},
    [FW_ACTION_READ_OFFICERS] = {"read_officers", OVERSIGHT | R(OFFICER), false,
                                 "the officer registry and officers' profiles"},
};

static bool action_valid(fw_action a)
{
    return (int)a >= 0 && a < FW_NACTIONS;
}

const char *fw_authz_action_name(fw_action a)
{
    return action_valid(a) ? actions[a].name : NULL;
}

int fw_authz_action_parse(const char *s)
{
    int i;
    for (i = 0; s && i < FW_NACTIONS; i++)
        if (strcmp(actions[i].name, s) == 0)
            return i;
    return -1;
}

const char *fw_authz_action_summary(fw_action a)
{
    return action_valid(a) ? actions[a].summary : NULL;
}

unsigned fw_authz_roles(fw_action action)
{
    return action_valid(action) ? actions[action].roles : 0;
}

bool fw_authz_may(fw_role role, fw_action action)
{
    if ((int)role < 0 || role >= FW_NROLES)
        return false;
    return (fw_authz_roles(action) & FW_ROLE_BIT(role)) != 0;
}

bool fw_authz_scoped(fw_action action)
{
    return action_valid(action) && actions[action].scoped;
}

bool fw_authz_may_see(const fw_user *u, const fw_doc *doc)
{
    if (u->agency[0]) {
        const json_t *others = json_object_get(doc->root, "other_agencies");
        bool ok = doc->agency && strcmp(doc->agency, u->agency) == 0;
        size_t i;
        for (i = 0; !ok && i < json_array_size(others); i++) {
            const char *a = json_string_value(json_array_get(others, i));
            ok = a && strcmp(a, u->agency) == 0;
        }
        if (!ok)
            return false;
    }
    /* An officer is a registry officer: they see the incidents in which an officer party is
    ** linked to them, never one where someone merely carries the same label. */
    if (u->role == FW_ROLE_OFFICER && (!u->officer[0] || !fw_doc_officer_linked(doc, u->officer)))
        return false;
    return true;
}

bool fw_authz_may_see_officer(const fw_user *u, const fw_doc *officer)
{
    if (!officer || officer->type != FW_RECORD_OFFICER)
        return false;
    if (!fw_authz_may(u->role, FW_ACTION_READ_OFFICERS))
        return false;
    if (u->role == FW_ROLE_OFFICER)
        return u->officer[0] && strcmp(u->officer, officer->id) == 0;
    return !u->agency[0] || strcmp(u->agency, officer->agency) == 0;
}

bool fw_authz_may_write(const fw_user *u, const fw_doc *doc)
{
    if (u->agency[0] && (!doc->agency || strcmp(doc->agency, u->agency) != 0))
        return false;
    return fw_authz_may_see(u, doc);
}

fw_rc fw_authz_check_write(const fw_user *u, const fw_doc *stored, const fw_doc *next)
{
    if (next && !fw_authz_may_write(u, next))
        return FW_ERR_DENIED;
    if (!stored)
        return FW_OK;
    if (!fw_authz_may_see(u, stored))
        return FW_ERR_NOTFOUND;
    return fw_authz_may_write(u, stored) ? FW_OK : FW_ERR_DENIED;
}

fw_rc fw_authz_check_agency_record(const fw_user *u, const char *stored_agency)
{
    if (!stored_agency || !u->agency[0])
        return FW_OK;
    return strcmp(stored_agency, u->agency) == 0 ? FW_OK : FW_ERR_NOTFOUND;
}

fw_rc fw_authz_check_user(const fw_user *u, const fw_user *target, bool creating)
{
    if (!u->agency[0] || strcmp(u->agency, target->agency) == 0)
        return FW_OK;
    return creating ? FW_ERR_DENIED : FW_ERR_NOTFOUND;
}

bool fw_authz_revokes_any_token(const fw_user *u)
{
    return u->role == FW_ROLE_ADMIN && !u->agency[0];
}

bool fw_authz_may_on(const fw_user *u, fw_action action, const fw_doc *doc)
{
    if (!fw_authz_may(u->role, action))
        return false;
    return !doc || !fw_authz_scoped(action) || fw_authz_may_see(u, doc);
}
