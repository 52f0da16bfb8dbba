/*
** Duties that follow a use of force:
** statements every officer present must file, interventions by officers
** present at out-of-policy force, medical aid after an injury, and training
** (certification for the device used; crowd-control training for crowd-
** control deployments; vehicle-stop training for force in a vehicle
** encounter), each course current at the date of the force.  Pure: the caller gives the incident, the reviews,
** the officers' training records and the time; the result is a list of
** items for review, never findings of guilt.
*/
#ifndef FW_DUTIES_H
#define FW_DUTIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
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
** "training_device", "training_crowd_control", "training_vehicle_stop"
** (the training items also have "course", "training": "none", "expired" or
** "completed_after" (fw_training_state), and "expired" or "completed", the
** date that says why; one item per officer and course in the incident, however
** many force applications or accounts show it); a statement_late item also
** has "account", "received" and "backdated" (true or false), and "filed_at"
** when the statement gives one.  received maps an account id to the
** time (seconds since the epoch, a number) the record log received it
** (fw_statements_received); NULL for a document that is not stored, whose
** statements then count as received at their filed_at (or, without one, at
** the time of the incident).  reviews (n of them, may be 0) are reviews of
** doc; their out-of-policy applications raise the intervention items, one per
** officer and act (review.h: one act however many accounts tell it), each with
** "act" (the act's id) and "force" (the key of the item out of policy).
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
** vocabulary, the courses duties check (fw_duty_course_for, crowd_control,
** vehicle_stops).  No course has a standard validity here: a certification
** expires when its record says (expires), as the agency's certification
** programme sets it; a record without expires does not expire. */
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

/*
** Whether a training record holds a course current on a date, and if not,
** why.  day is the date, as days since 1970-01-01 (fw_force_day).  A course
** entry is current on day when it was completed on or before day and, if it
** has expires, expires after day: a certification that expires on
** 2025-01-01 does not cover force on 2025-01-01.  Entries of other courses
** and entries whose dates do not parse are ignored.  rec is an officer's
** record ({"courses": [{"course", "completed", "expires"?}]}), may be NULL.
** date (may be NULL, n bytes) receives the date that says why: for
** FW_TRAINING_EXPIRED the latest expiry of the entries completed on or
** before day; for FW_TRAINING_COMPLETED_AFTER the earliest completion (every
** entry was completed after day).  Pure.
*/
typedef enum fw_training_state {
    FW_TRAINING_CURRENT,
    FW_TRAINING_NONE,            /* no entry of the course */
    FW_TRAINING_EXPIRED,         /* completed before day, expired on or before it */
    FW_TRAINING_COMPLETED_AFTER  /* only completed after day */
} fw_training_state;

fw_training_state fw_training_on(const json_t *rec, const char *course, int64_t day,
                                 char *date, size_t n);

/* The name a training item gives a state: "current", "none", "expired",
** "completed_after". */
const char *fw_training_state_name(fw_training_state st);

/* The date of a force at t seconds into doc's encounter, as days since
** 1970-01-01: the incident's own local date (occurred_at's offset, when it
** gives one), the date its people would write on a certificate. */
int64_t fw_force_day(const fw_doc *doc, double t);

/*
** Whether the force event force of account acc is force in a vehicle
** encounter, which calls for vehicle-stop training (course vehicle_stops):
** the incident's encounter is vehicle_stop; or the force is aimed at a
** vehicle of the incident (target is a vehicle); or at a subject in a vehicle
** (the subject's in_vehicle, or a vehicle's driver); or its actor reached
** into a vehicle (reach_into_vehicle) in the same account at or before the
** force.  A vehicle merely present, or force from a moving vehicle at a
** person on foot, is not a vehicle encounter.  Pure.
** This differs on purpose from 'governs vehicle' in a policy (policy/policy.h
** fw_policy_governs_what), where any vehicle in the incident counts: whom a
** policy governs is about the incident; whether an officer needed vehicle-stop
** training is about that officer's force.
*/
bool fw_force_in_vehicle_encounter(const fw_doc *doc, const fw_account *acc,
                                   const fw_event *force);

#endif
