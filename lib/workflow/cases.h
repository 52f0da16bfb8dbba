/*
** The review workflow of an incident (docs/dashboard.md and `forcewatch case`):
** reported -> supervisor_review -> investigation -> board_review -> closed.
** A case is a logged record (type "case", id = the incident's) whose every
** transition is a new version: who moved it, when, from where to where,
** with what finding.  Death, serious bodily injury and a firearm discharge
** at a person make investigation and board review mandatory.
*/
#ifndef FW_CASES_H
#define FW_CASES_H

#include <jansson.h>

#include "record/facts.h"
#include "record/model.h"
#include "store/store.h"

/* The case states in workflow order, NULL-terminated. */
extern const char *const fw_case_states[];

/*
** The allowed moves between states and the roles (access/auth.h role names)
** that may make each; ends with {NULL, NULL, ...}.  Separation of duties:
** a supervisor takes a case up and sends it to investigation, an
** investigator sends it to the board, the board decides; an admin may make
** any move, but as anyone else never both sides of the board (see
** fw_case_transition).
** closed -> investigation is a reopening and needs a reason.
*/
#define FW_CASE_MAX_ROLES 3
typedef struct fw_case_move {
    const char *from, *to;
    const char *roles[FW_CASE_MAX_ROLES + 1]; /* NULL-terminated */
} fw_case_move;
extern const fw_case_move fw_case_moves[];

/* The roles that may assign an investigator to a case, NULL-terminated, and
** the role the assignee must have. */
extern const char *const fw_case_assigners[];
#define FW_CASE_ASSIGNEE_ROLE "investigator"

/* Bounds of what a move carries. */
#define FW_CASE_NAME_MAX 64          /* a user name: the assignee */
#define FW_CASE_REASON_MAX 1000      /* bytes of a reopening's reason */
#define FW_CASE_MAX_CONSEQUENCES 64  /* entries a closing may list */

/* Who makes a move: the name recorded as "by", and the role they act in. */
typedef struct fw_case_actor {
    const char *name;
    const char *role;
} fw_case_actor;

/* What a move asks for: to is required; finding and consequences only when
** closing; reason only (and always) when reopening; note always optional.
** consequences is a JSON array of {officer, for, action} (borrowed). */
typedef struct fw_case_request {
    const char *to, *finding, *note, *reason;
    const json_t *consequences;
} fw_case_request;

/*
** Whether the workflow follows incident doc: duty items are raised and a
** review case is opened for it only when its provenance is "workflow" or
** "investigation", never for a "public_record" (an imported public dataset
** or press record), which stays reviewable, searchable and counted.
*/
bool fw_case_follows(const fw_doc *doc);

/* Whether doc must be investigated and reviewed by the board. */
bool fw_case_mandatory(const fw_doc *doc);

/* The case of incident doc (a new, "reported" one if none is stored; for
** an incident fw_case_follows refuses, that unstored case has "opened":
** false, and moving it opens it); the caller decrefs *out. */
fw_rc fw_case_get(fw_store *s, const fw_doc *doc, json_t **out, fw_error *err);

/*
** Move the case of doc as req asks, by who, at now; *out is the new case
** version (caller decrefs).  Checked in this order, and nothing is stored
** when a check fails:
** - the move must be in fw_case_moves: FW_ERR_INVALID naming the allowed
**   moves ("to: ...");
** - who->role must be one of the move's roles: FW_ERR_DENIED ("role: ...");
** - separation of duties: whoever investigated the case (was assigned to
**   it, or made a move from investigation) may not make a move from
**   board_review: FW_ERR_DENIED ("by: ... (rule: separation of duties)");
** - closing needs a finding (one of fw_case_findings) and its consequences
**   (fw_case_consequences_check); reopening needs a reason of 1 to
**   FW_CASE_REASON_MAX bytes without control characters: FW_ERR_INVALID
**   naming the member ("finding: ...", "consequences[0].officer: ...",
**   "reason: ...").
** The case stores the consequences with "registry" beside "officer" in each
** entry whose incident label is linked to a registry officer
** (fw_doc_party_registry).
** A reopening drops the finding, reviewer and consequences from the case
** (the closing transition keeps them) and keeps the assignee.
*/
fw_rc fw_case_transition(fw_store *s, const fw_doc *doc, const fw_case_request *req,
                         const fw_case_actor *who, double now, json_t **out, fw_error *err);

/*
** The user to be assigned, as the caller found them (borrowed): name, role
** (NULL: no such active user), and may_write(user, doc), whether that user may
** write incident doc (the caller's access rule, e.g. fw_authz_may_write).
*/
typedef struct fw_case_assignee {
    const char *name;
    const char *role;
    bool (*may_write)(const void *user, const fw_doc *doc);
    const void *user;
} fw_case_assignee;

/*
** Assign investigator->name (a user name, 1 to FW_CASE_NAME_MAX bytes) to the
** case of doc: a new case version whose "assignee" is that name, with an entry
** {from: S, to: S, assigned: NAME, by, at} in its transitions (S the state,
** which does not change, nor does its deadline).  investigator->role must be
** FW_CASE_ASSIGNEE_ROLE and investigator->may_write must be given and say the
** user may write doc (one who could only see it could never move the case):
** FW_ERR_INVALID ("assignee: ...") otherwise.  who->role must be one of
** fw_case_assigners (FW_ERR_DENIED); a closed case cannot be assigned
** (FW_ERR_INVALID).  *out as for fw_case_transition.
*/
fw_rc fw_case_assign(fw_store *s, const fw_doc *doc, const fw_case_assignee *investigator,
                     const fw_case_actor *who, double now, json_t **out, fw_error *err);

/*
** Check the consequences a closing with finding records (list NULL: none
** given) against incident doc.  Pure.  list must be an array of at most
** FW_CASE_MAX_CONSEQUENCES objects with exactly the string members officer
** (an officer party of doc), for (fw_case_consequence_kinds) and action
** (fw_case_actions), no officer listed twice for the same thing; "force"
** only for an officer who applied force in doc.  Closing out_of_policy
** needs at least one "force" entry, with an action, "none" included, so that
** taking no action is a recorded decision; which officers' force was out of
** policy is the board's to list: not every such officer is checked.
** FW_ERR_INVALID naming the entry and member.
*/
fw_rc fw_case_consequences_check(const fw_doc *doc, const char *finding, const json_t *list,
                                 fw_error *err);

/*
** Whether whoever investigated case c (the investigator ever assigned to
** it, or the maker of a move from investigation) is name.  Pure.
*/
bool fw_case_investigated_by(const json_t *c, const char *name);

/* Whether role may make the move from -> to (false if there is no such move). */
bool fw_case_move_allowed(const char *from, const char *to, const char *role);

/*
** Annotate case c in place with its deadline: "due" (UTC) and "overdue"
** (due before now) when it has one (fw_case_due).  False if out of memory.
*/
bool fw_case_annotate(json_t *c, const char *occurred_at, double now);

/* The review queue: what fw_case_queue lists. */
typedef struct fw_case_queue_opts {
    const char *agency;    /* only this agency's incidents (NULL: all) */
    const char *state;     /* only cases in this state (NULL: all) */
    const char *assignee;  /* only cases assigned to this user (NULL: all) */
    bool overdue;          /* only overdue cases */
    long limit;            /* at most this many (> 0) */
    double now;            /* deadlines are judged as of now */
} fw_case_queue_opts;

/*
** The cases of stored incidents, oldest incident first, as o asks, appended
** to items: each case (fw_case_get) annotated (fw_case_annotate) with the
** incident's agency, occurred_at and force_kinds.  A public record's case
** nobody opened is not listed.  *more says whether more cases matched.
*/
fw_rc fw_case_queue(fw_store *s, const fw_case_queue_opts *o, json_t *items, bool *more,
                    fw_error *err);

/* How often sustained findings and unmet duties end with no action. */
typedef struct fw_case_outcomes {
    long closed;                 /* closed cases */
    long out_of_policy;          /* of which closed out_of_policy */
    long out_of_policy_no_action;/* of those, with an officer's force answered "none"
                                    (or no consequence recorded at all) */
    long officers_out_of_policy; /* "force" entries of out_of_policy closings */
    long officers_no_action;     /* of those, action "none" */
    long duty_failures;          /* failure_to_intervene / failure_to_report entries */
    long duty_failures_no_action;/* of those, action "none" */
} fw_case_outcomes;

/*
** Count the latest version of every stored closed case (if agency is not
** NULL, only those whose incident's latest version is of agency, as the
** queue scopes) into *out.  Exact counts, for
** signed-in oversight roles: not suppressed.
*/
fw_rc fw_case_outcomes_count(fw_store *s, const char *agency, fw_case_outcomes *out,
                             fw_error *err);

/* The counts as JSON ({closed, out_of_policy, ...}); NULL if out of memory. */
json_t *fw_case_outcomes_json(const fw_case_outcomes *o);

/*
** The deadline of case c (as fw_case_get gives it) in its current state:
** when it entered that state (its last transition's time, or occurred_at,
** the incident's time, while "reported") plus the days that state allows:
** reported 3 (to be taken up by a supervisor), supervisor_review 14,
** investigation 90, board_review 30 (the one table, in cases.c).
** Assignments do not restart the clock.  Writes the epoch to *due and returns
** true; false for a closed case or an unreadable time.
*/
bool fw_case_due(const json_t *c, const char *occurred_at, double *due);

/* The days a case may stay in state (see fw_case_due), or -1 (closed, unknown). */
int fw_case_days(const char *state);

/* Whether state is one of the case states. */
bool fw_case_state_known(const char *state);

#endif
