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

/* The allowed moves between states; ends with {NULL, NULL}. */
typedef struct fw_case_move {
    const char *from, *to;
} fw_case_move;
extern const fw_case_move fw_case_moves[];

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
** Move the case of doc to state `to` (finding is required when closing: one
** of within_policy, out_of_policy, not_sustained, exonerated, unfounded).
** FW_ERR_INVALID with a message naming the allowed moves for an illegal one.
*/
fw_rc fw_case_transition(fw_store *s, const fw_doc *doc, const char *to, const char *finding,
                         const char *note, const char *reviewer, double now, json_t **out,
                         fw_error *err);

/*
** The deadline of case c (as fw_case_get gives it) in its current state:
** when it entered that state (its last transition's time, or occurred_at,
** the incident's time, while "reported") plus the days that state allows:
** reported 3 (to be taken up by a supervisor), supervisor_review 14,
** investigation 90, board_review 30.  Writes the epoch to *due and returns
** true; false for a closed case or an unreadable time.
*/
bool fw_case_due(const json_t *c, const char *occurred_at, double *due);

/* The days a case may stay in state (see fw_case_due), or -1 (closed, unknown). */
int fw_case_days(const char *state);

/* Whether state is one of the case states. */
bool fw_case_state_known(const char *state);

#endif
