/*
** Duties that follow a use of force:
** statements every officer present must file, interventions by officers
** present at out-of-policy force, medical aid after an injury, and training
** (certification for the device used; crowd-control training for crowd-
** control deployments).  Pure: the caller gives the incident, the reviews,
** the officers' training records and the time; the result is a list of
** items for review, never findings of guilt.
*/
#ifndef FW_DUTIES_H
#define FW_DUTIES_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "record/model.h"
#include "policy/review.h"
#include "store/store.h"

typedef struct fw_duty_config {
    double statement_hours;     /* deadline for statements after the incident; default 24 */
    double medical_aid_minutes; /* aid due after an injury; default 10 */
} fw_duty_config;

void fw_duty_config_default(fw_duty_config *c);

/*
** A statement's lateness (docs/cli.md, "duties").  A statement is judged by
** the time the record log received it (received: the creation time of the
** first stored version of the incident that carried it), never by its own
** filed_at: as of now, a statement received after now has not been received.
** A statement whose filed_at is earlier than received by more than
** FW_BACKDATE_TOLERANCE seconds (a day: a statement written on paper, or
** offline, and entered the same day is not backdated) is backdated.
** received < 0: not received at all; filed_at < 0: it gives none.  Pure.
*/
#define FW_BACKDATE_TOLERANCE 86400.0

typedef enum fw_statement_state {
    FW_STATEMENT_PENDING,  /* not received by now, not yet due */
    FW_STATEMENT_ON_TIME,  /* received by the deadline */
    FW_STATEMENT_OVERDUE,  /* not received by now, and now is past the deadline */
    FW_STATEMENT_LATE      /* received after the deadline */
} fw_statement_state;

fw_statement_state fw_statement_judge(double due, double received, double filed_at, double now,
                                      bool *backdated);

/*
** Append the duty items of doc to items (a JSON array), each an object
** {kind, officer, incident, detail, due?, account?, t?}.  kind is one of
** "statement_overdue", "statement_late", "intervention", "medical_aid",
** "training_device", "training_crowd_control"; a statement_late item also
** has "account", "received" and "backdated" (true or false), and "filed_at"
** when the statement gives one.  received maps an account id to the
** time (seconds since the epoch, a number) the record log received it
** (fw_statements_received); NULL for a document that is not stored, whose
** statements then count as received at their filed_at (or, without one, at
** the time of the incident).  reviews (n of them, may be 0) are reviews of
** doc; their out-of-policy applications raise the intervention items.
** training maps registry officer id -> training record, looked up through each
** incident officer's "registry" link (an officer with none has no record); items
** of a linked officer also carry "registry"
** ({"courses":[{"course","completed","expires"?}]}), may be NULL.  An
** incident fw_duties_apply refuses gets no items.
*/
fw_rc fw_duties(const fw_doc *doc, const json_t *received, const fw_review *reviews, size_t n,
                const json_t *training, double now, const fw_duty_config *cfg, json_t *items);

/* Whether doc raises duty items at all: only an incident reported through
** the workflow or found by an investigation, never a public record
** (fw_case_follows); fw_duties appends nothing for the others. */
bool fw_duties_apply(const fw_doc *doc);

/* The kinds of duty item fw_duties makes, NULL-terminated. */
extern const char *const fw_duty_kinds[];

/* The courses a training record may hold, NULL-terminated: a fixed
** vocabulary, the courses duties check (fw_duty_course_for, crowd control). */
extern const char *const fw_training_courses[];

/* Whether course is one of fw_training_courses. */
bool fw_training_course_known(const char *course);

/*
** Training records are logged records of type "training", one per registry
** officer (store/officers.h), keyed by its id (AGENCY:LABEL):
** {"officer", "agency", "courses": [{"course", "completed", "expires"?}]}; the
** record belongs to the officer's agency, and fw_duties finds it through an
** incident officer's "registry" link (never its label).  officer must be a
** registry officer (FW_ERR_NOTFOUND "officer: 'ID' is not a registry
** officer", checked inside the write's transaction).  Records stored before
** the registry keep the writer's agency.  Adding a course stores a new version; course
** must be one of fw_training_courses, completed and expires dates
** (YYYY-MM-DD), expires not before completed (FW_ERR_INVALID, the message
** starting with the field's name).
*/
fw_rc fw_training_add(fw_store *s, const char *officer, const char *course,
                      const char *completed, const char *expires, const char *actor,
                      fw_error *err);

/* Whether a writer may write a record that belongs to stored_agency (NULL:
** none stored yet; "": no agency): FW_OK, or the refusal (lib/access
** decides: fw_authz_check_agency_record). */
typedef fw_rc (*fw_agency_check_fn)(void *arg, const char *stored_agency);

/*
** fw_training_add for a writer who belongs to agency (NULL or "": none):
** officer must be a registry officer of that agency (of any agency for a
** writer of none), FW_ERR_NOTFOUND otherwise, the same words for an unknown
** officer and another agency's; a new record is stored with the officer's
** agency; an existing one keeps its own.
** check (may be NULL) is asked, inside the write's transaction, whether the
** writer may write the stored record; its refusal is returned as it is,
** with nothing written.
*/
fw_rc fw_training_add_as(fw_store *s, const char *officer, const char *agency,
                         fw_agency_check_fn check, void *check_arg, const char *course,
                         const char *completed, const char *expires, const char *actor,
                         fw_error *err);

/* The agency officer's stored training record rec belongs to: "" for none. */
const char *fw_training_agency(const json_t *rec);

/* Every officer's latest training record, as an object officer -> record. */
fw_rc fw_training_all(fw_store *s, json_t **out, fw_error *err);

/* The course an officer needs to be certified in for a force kind, or NULL. */
const char *fw_duty_course_for(const char *force_kind);

#endif
