/*
** Runs over stored incidents that the command line and the server share:
** a review stored as a versioned record, the what-if tally of policies over every incident, and the duty items of
** one incident or of all of them, reviewed under the policies in effect
** (fw_policy_set_in_effect), with the times the record log received each
** statement (fw_statements_received).  Each reads the store; the rules they apply
** live in policy/whatif.h, policy/policyset.h and workflow/duties.h.
**
** A run takes an optional visibility filter (the server shows a user only
** the incidents of their agency); incidents it refuses are neither counted
** nor reviewed, so no total tells of them.  A strict run fails on an incident it cannot
** read; a lenient one (the server's) skips it.
*/
#ifndef FW_WALK_H
#define FW_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "policy/policyset.h"
#include "policy/whatif.h"
#include "store/store.h"
#include "workflow/duties.h"

/*
** The review rv (of a stored incident whose version is info, under lp) as the
** record it is stored as: fw_review_json plus incident_version,
** incident_sha256 and policy_sha256; and account, for a review of one
** account (never stored).  NULL if out of memory.
*/
json_t *fw_review_record(const fw_review *rv, const fw_record_info *info,
                         const fw_loaded_policy *lp, const char *account);

/* The longest review record id, with its NUL. */
#define FW_REVIEW_ID_MAX 256

/*
** The id of the review record of incident under policy (a full policy name):
** "INCIDENT:POLICY", into out (n bytes).  Incident ids may hold ':', policy
** names never do, so a policy name holding one is refused (FW_ERR_INVALID):
** "X" with "Y:p" would otherwise name the review of incident "X:Y" under p.
*/
fw_rc fw_review_id(const char *incident, const char *policy, char *out, size_t n,
                   fw_error *err);

/*
** The stored review of incident under policy, its bytes into body and its
** version into *info: FW_ERR_NOTFOUND if there is none.  The stored review
** must name incident, or it is not returned (FW_ERR_NOTFOUND).
*/
fw_rc fw_review_get(fw_store *s, const char *incident, const char *policy, fw_buf *body,
                    fw_record_info *info, fw_error *err);

/* Store j (from fw_review_record) as the review record "INCIDENT:POLICY", in the caller's
** transaction: a new version only if it changed.  res may be NULL. */
fw_rc fw_review_store(fw_store *s, const char *incident, const fw_loaded_policy *lp,
                      const json_t *j, const char *actor, fw_put_result *res, fw_error *err);

/* Whether the caller may see doc; NULL means every incident. */
typedef bool (*fw_visible_fn)(void *arg, const fw_doc *doc);

typedef struct fw_walk_opts {
    fw_visible_fn visible;
    void *visible_arg;
    bool strict;               /* fail (FW_ERR_STORE) on an incident that cannot be read */
} fw_walk_opts;

/* Called with each stored incident, parsed; nonzero stops the walk. */
typedef int (*fw_doc_cb)(void *arg, const fw_incident_row *row, const fw_doc *doc);

/*
** Every stored incident (latest versions, the store's order) parsed and
** handed to cb, if visible.  count_all (may be NULL) is incremented for every
** incident walked (read or not) when o has no visibility filter, and for
** every incident the filter lets through when it has one: hidden incidents
** are not counted.  With skip_forceless, incidents without force
** applications are counted and not handed to cb (nor read, unfiltered).
*/
fw_rc fw_walk_incidents(fw_store *s, const fw_walk_opts *o, bool skip_forceless, fw_doc_cb cb,
                        void *arg, size_t *count_all, fw_error *err);

/* Review every stored incident under each tally's policy, judged with settings (NULL: the
** defaults, as fw_review_run takes them; kept in each tally's settings), and add it to the
** tally (n of them); each tally's incidents counts every incident walked that o lets
** through.  An incident without force is reviewed only under the policies that judge
** other acts (fw_policy_judges_other_acts): a tally never depends on the others run. */
fw_rc fw_whatif_run(fw_store *s, fw_whatif *t, size_t n, const fw_geometry *settings,
                    const fw_walk_opts *o, fw_error *err);

/*
** When the record log received each officer's statement of doc, the latest
** stored version of incident doc->id: into *out, a new object mapping the id
** of each account an officer of doc wrote to the creation time (seconds
** since the epoch) of the first stored version that carried an account of
** that id by that author.  An account no stored version carried is absent.
** Stored versions are read only when doc has more than one and an officer
** wrote an account; an incident not stored gives an empty object.
*/
fw_rc fw_statements_received(fw_store *s, const fw_doc *doc, json_t **out, fw_error *err);

/*
** Append doc's duty items to items: doc reviewed under every policy of set in effect on its
** date, then fw_duties, its statements judged by when the record log of s received them
** (fw_statements_received).  cfg may be NULL (the defaults).
*/
fw_rc fw_duties_of(fw_store *s, const fw_doc *doc, const fw_policy_set *set,
                   const json_t *training, double now, const fw_duty_config *cfg, json_t *items,
                   fw_error *err);

/* fw_duties_of for every stored incident (that o lets through). */
fw_rc fw_duties_run(fw_store *s, const fw_policy_set *set, const json_t *training, double now,
                    const fw_duty_config *cfg, const fw_walk_opts *o, json_t *items,
                    fw_error *err);

/* The items of registry officer officer (an officer record's id: items whose "registry" it
** is; all items if officer is NULL), as a new array; NULL if out of memory.  An incident's
** bare label ("o-1") names no one across incidents and matches nothing. */
json_t *fw_duties_for_officer(const json_t *items, const char *officer);

#endif
