/*
** What-if: how many force applications one policy version would flag, by
** rule and by account kind, over a set of incidents.  Acts other than force that
** rules are 'on' (reach-ins, commands: docs/policy-language.md) are counted apart,
** as acts, never as force applications; a rule's own counts are of the items it
** judges, so a rule on reach_into_vehicle counts reach-ins.  A pure tally: the
** caller reviews each incident (fw_review_run) and adds the review here;
** workflow/walk.h walks the store to do that.  The same tally answers the
** command line (`review --all --summary`) and the server (GET /api/v1/whatif).
**
** Ownership: fw_whatif_init allocates per-rule counts the caller releases
** with fw_whatif_release; the tally borrows the policy.
*/
#ifndef FW_WHATIF_H
#define FW_WHATIF_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/error.h"
#include "policy/policyset.h"
#include "policy/review.h"

#define FW_WHATIF_KINDS 16

typedef struct fw_whatif {
    const fw_loaded_policy *policy;
    size_t nrules;
    size_t incidents;          /* incidents walked, with or without force */
    size_t applications, evaluations, out_apps, undetermined_apps;   /* force only */
    size_t acts, out_acts, undetermined_acts;   /* other acts judged (per account) */
    size_t *out_by_rule, *und_by_rule;
    size_t apps_by_kind[FW_WHATIF_KINDS], out_by_kind[FW_WHATIF_KINDS];
    /* Optional, per rule: "    INCIDENT KEY ACCOUNT\n" for every application out of policy
    ** (listing), and the distinct incident ids out of policy, at most max_ids (ids). */
    fw_buf *listing;
    json_t *ids;               /* array of arrays of strings; NULL if max_ids is 0 */
    size_t max_ids;
    /* Jurisdiction (optional): with set given, governed counts the incidents with force
    ** where this version of the policy is in effect (fw_policy_set_governs, as a
    ** single review's what-if decides); the others are what-ifs.  An incident without
    ** force is never counted in governed, even when its other acts are judged, so the
    ** count is the same whichever other policies run beside this one.  policy must
    ** point into set. */
    const fw_policy_set *set;
    size_t governed;
    /* The situation settings the reviews were judged with (the threat window...), as
    ** fw_review_run took them: the defaults unless the run was given others. */
    fw_geometry settings;
} fw_whatif;

/* Start a tally for policy lp.  list keeps the full listing; max_ids caps the incident
** ids kept per rule (0: none).  FW_ERR_NOMEM (err). */
fw_rc fw_whatif_init(fw_whatif *t, const fw_loaded_policy *lp, bool list, size_t max_ids,
                     fw_error *err);
void fw_whatif_release(fw_whatif *t);

/* Add one incident's review under t's policy.  FW_ERR_NOMEM if a listing cannot grow. */
fw_rc fw_whatif_add(fw_whatif *t, const fw_review *rv, const fw_doc *doc);

/* The tally as the API serves it: {policy, kind, incidents, applications, out_of_policy,
** undetermined, acts, acts_out_of_policy, undetermined_acts, governed (with set), rules:
** [{rule, cite, on, out, undetermined, incidents}]} (on: the acts the rule judges, "force"
** by default).  applications, out_of_policy and undetermined count force applications
** only; acts, acts_out_of_policy and undetermined_acts the other acts judged.  NULL if out
** of memory. */
json_t *fw_whatif_json(const fw_whatif *t);

/* The tally as text for people (the command line's summary), appended to out; it names
** the threat window the reviews were judged with. */
fw_rc fw_whatif_text(const fw_whatif *t, fw_buf *out);

#endif
