/*
** Duties that follow a use of force (DESIGN.md, "Duties and workflow"):
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
** Append the duty items of doc to items (a JSON array), each an object
** {kind, officer, incident, detail, due?, account?, t?}.  kind is one of
** "statement_overdue", "statement_late", "intervention", "medical_aid",
** "training_device", "training_crowd_control".  reviews (n of them, may be
** 0) are reviews of doc; their out-of-policy applications raise the
** intervention items.  training maps officer id -> training record
** ({"courses":[{"course","completed","expires"?}]}), may be NULL.
*/
fw_rc fw_duties(const fw_doc *doc, const fw_review *reviews, size_t n, const json_t *training,
                double now, const fw_duty_config *cfg, json_t *items);

/* The kinds of duty item fw_duties makes, NULL-terminated. */
extern const char *const fw_duty_kinds[];

/* Training records are logged records of type "training", one per officer:
** {"officer", "courses": [{"course", "completed", "expires"?}]}.  Adding a
** course stores a new version. */
fw_rc fw_training_add(fw_store *s, const char *officer, const char *course,
                      const char *completed, const char *expires, const char *actor,
                      fw_error *err);
/* Every officer's latest training record, as an object officer -> record. */
fw_rc fw_training_all(fw_store *s, json_t **out, fw_error *err);

/* The course an officer needs to be certified in for a force kind, or NULL. */
const char *fw_duty_course_for(const char *force_kind);

#endif
