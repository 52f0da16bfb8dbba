/*
** An officer's profile: one registry officer (store/officers.h) and what the
** store holds about that person across incidents, through the incidents'
** links to them ("registry" on an incident's officer), never through labels:
** the incidents they are linked in, their acts of force, the findings of the
** stored reviews on those acts, their duty items and their training record.
** The command line's `officer show` and the API's GET /api/v1/officers/{id}
** both call fw_officer_profile.  Reads the store; decides nothing about who
** may see it (lib/access: fw_authz_may_see_officer).
*/
#ifndef FW_WORKFLOW_OFFICERS_H
#define FW_WORKFLOW_OFFICERS_H

#include <jansson.h>

#include "policy/policyset.h"
#include "store/store.h"
#include "workflow/duties.h"
#include "workflow/walk.h"

/* The profile's sections that depend on what the reader may read (fw_officer_profile's
** sections): the findings (reviews), and the duty items with the training record. */
#define FW_PROFILE_FINDINGS 1u
#define FW_PROFILE_DUTIES 2u
#define FW_PROFILE_ALL (FW_PROFILE_FINDINGS | FW_PROFILE_DUTIES)

/*
** The profile of registry officer id, as a new JSON object into *out:
**   officer:   the latest officer record;
**   incidents: [{id, agency, occurred_at, label, role, encounter?, provenance}], each
**              incident (latest version, not withdrawn) with an officer linked to id,
**              in the store's order; label is their id in that incident;
**   acts:      [{incident, account, t, kind, target?}], every force event of theirs;
**   findings:  [{incident, policy, key, kind, outcome, what_if, what_if_reason?}], their
**              applications in the stored reviews of those incidents under each policy
**              of set, only reviews of the incident's latest version; what_if (and
**              why) when the policy was not in effect for the incident;
**   duties:    their duty items (fw_duties_of, judged at now, cfg may be NULL);
**   training:  their training record, or null.
** findings are present only if sections has FW_PROFILE_FINDINGS, duties and training only
** if it has FW_PROFILE_DUTIES: a caller who may not read reviews or duties (the server asks
** lib/access's action table, read_review and read_duties) gets the profile without them.
** o (may be NULL) filters the incidents as fw_walk_incidents does.  FW_ERR_NOTFOUND
** ("no registry officer 'ID'") if there is none; FW_ERR_STORE; FW_ERR_NOMEM.
*/
fw_rc fw_officer_profile(fw_store *s, const char *id, const fw_policy_set *set, double now,
                         const fw_duty_config *cfg, const fw_walk_opts *o, unsigned sections,
                         json_t **out, fw_error *err);

#endif
