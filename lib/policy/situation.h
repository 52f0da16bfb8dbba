/*
** The situation model: what an account says was true at the moment of one
** act: a force application, or another act a rule is 'on' (a reach into a
** vehicle, a command, a warning...), whose actor is "the officer".  Replays
** the account's events at or before the act's time (later events never
** count) into facts that are true, false, a value, or unknown.  Pure: no I/O.
**
** Every fact the policy language can name is a row of one table
** (fw_fact_defs), with its type and documentation; the facts of one act are
** an fw_situation, indexed like that table.
**
** Ownership: an fw_situation borrows strings from the fw_doc it was built
** from and must not outlive it.
*/
#ifndef FW_SITUATION_H
#define FW_SITUATION_H

#include <stdbool.h>
#include <stddef.h>

#include "record/model.h"

typedef enum fw_vtype {
    FW_V_UNKNOWN = 0,
    FW_V_BOOL,
    FW_V_NUM,
    FW_V_STR      /* an enumeration value or a party id */
} fw_vtype;

typedef struct fw_value {
    fw_vtype type;
    bool b;
    double num;
    const char *str;
} fw_value;

/* How a fact's value was found. */
typedef enum fw_source {
    FW_SRC_NONE = 0,       /* unknown: nothing in the account says */
    FW_SRC_EVENT,          /* stated by an event (event_index, t) */
    FW_SRC_DERIVED,        /* derived from positions (geometry) */
    FW_SRC_INCIDENT,       /* from the incident's parties (e.g. the vehicle's driver) */
    FW_SRC_COMPLETE,       /* absent from an account marked complete, so false / none */
    FW_SRC_ENDED           /* a stated value that no longer stands: ended by the event
                           ** (event_index, t) or, with why "no renewal since", by the
                           ** threat window after that event */
} fw_source;

typedef struct fw_fact {
    fw_value v;
    fw_source source;
    int event_index;       /* the event it came from, or -1 */
    double t;              /* that event's time */
    /* For facts with both a stated and a derived value (vehicle geometry):
    ** the one not used, and whether the two disagree. */
    bool has_alt;
    fw_value alt;
    fw_source alt_source;
    bool conflict;
    /* For FW_SRC_ENDED: what ended the value ("comply", "restrain",
    ** "disarmed", "out of reach", "no renewal since"); a static string. */
    const char *why;
} fw_fact;

typedef enum fw_ftype_fact {
    FW_FACT_BOOL,
    FW_FACT_NUM,
    FW_FACT_ENUM,          /* a value of `en` */
    FW_FACT_ID             /* a party id */
} fw_fact_type;

typedef struct fw_fact_def {
    const char *name;      /* as policies write it: "threat.level" */
    fw_fact_type type;
    const char *en;        /* enumeration name for FW_FACT_ENUM (schema.h) */
    const char *doc;
} fw_fact_def;

extern const fw_fact_def fw_fact_defs[];
extern const size_t fw_n_facts;

/* Index of a fact by name, or -1. */
int fw_fact_index(const char *name);

/* The situation settings: geometry for derived vehicle facts and the
** lifetimes of facts (docs/policy-language.md, "Persistence").  The
** defaults are set in one place, fw_geometry_default. */
typedef struct fw_geometry {
    double corridor_width_m;   /* width of the path a moving vehicle sweeps; default 3.0 */
    double horizon_s;          /* how far ahead the path reaches, in seconds; default 3.0 */
    double min_closing_mps;    /* closing speed above which a vehicle is "toward"; default 0.2 */
    double threat_window_s;    /* a threat not renewed for longer ends; default 60 */
    double reach_m;            /* a threat by hands, knife or blunt object ends when the
                               ** subject is farther than this from the officer; default 6.4 */
    double align_tolerance_s;  /* how far apart two accounts may time one act (review.c); default 10 */
} fw_geometry;

#define FW_THREAT_WINDOW_MAX_S 86400.0   /* bound of a configured threat window (and of
                                         ** every time setting) */
#define FW_GEOMETRY_MAX_M 10000.0        /* bound of a length or speed setting */

void fw_geometry_default(fw_geometry *g);

/* Whether every setting of g is a number from 0 to its bound (the times to
** FW_THREAT_WINDOW_MAX_S, the lengths and the speed to FW_GEOMETRY_MAX_M);
** FW_ERR_INVALID naming the first that is not ("threat_window_s: expected
** seconds from 0 to 86400").  fw_review_run refuses settings this refuses. */
fw_rc fw_geometry_check(const fw_geometry *g, fw_error *err);

/* What lifetime.c reads of an account once per situation (the absences and
** positions around its moment, the incident's officers); opaque. */
typedef struct fw_lifetimes fw_lifetimes;

/*
** Read account a of doc for a situation at time t into *out (NULL when the
** account has no absence at or after t and no position at or before it: the
** questions below then find nothing).  false only if out of memory.  One pass
** over the events; free with fw_lifetimes_free (NULL is fine).  Pure.
*/
bool fw_lifetimes_read(const fw_doc *doc, const fw_account *a, double t, fw_lifetimes **out);
void fw_lifetimes_free(fw_lifetimes *lt);

typedef struct fw_situation fw_situation;

/*
** The event of s's account, after the threat event at index threat and at or
** before s->t, that ends that threat, or -1 (lifetime.c; docs/policy-language.md,
** "Persistence"): the first comply, restrain or disarming (armed with weapon
** none) by the threat's actor; else, for a threat by hands, knife or blunt
** object, out of reach AT s->t: the latest positions of that actor and of the
** person threatened (the threat's target_id, else the nearest officer), one of
** them told after the threat, are farther apart than g->reach_m and farther
** than they were when the threat was made (the later of those two position
** events is returned).  *why is set to a static string naming it ("comply",
** "restrain", "disarmed", "out of reach").  The threat window is the
** caller's.  Pure.
*/
int fw_threat_end(const fw_situation *s, size_t threat, const fw_geometry *g, const char **why);

/*
** Whether s's account states, by an `absence` event at or after s->t, that
** no act of type `act` (warning, identify, ...) happened up to that event.
** actor: the one officer asked about, or NULL for every officer of the
** incident; except: an officer left out of "every officer" (NULL for none).
** An absence without an actor covers every officer; one with an actor covers
** that officer.  Returns the index of the (latest) absence event that
** settles it, or -1 (lifetime.c).  Searches the tables read once per
** situation (fw_lifetimes_read): O(officers log events).  Pure.
*/
int fw_absence_find(const fw_situation *s, const char *act, const char *actor, const char *except);

typedef struct fw_situation {
    const fw_doc *doc;
    const fw_account *account;
    size_t event_index;        /* index of the act's event in the account: a force event,
                               ** or another act (reach_into_vehicle, command, ...) */
    double t;                  /* its time */
    const char *vehicle;       /* the vehicle the facts speak of, or NULL */
    fw_lifetimes *lifetimes;   /* owned; NULL when nothing to read (lifetime.c) */
    fw_fact facts[];           /* fw_n_facts entries, in fw_fact_defs order */
} fw_situation;

/*
** Build the facts of the act at index event_index of account a of doc: a force
** event, or any other event of a known type (a reach into a vehicle, a command,
** a warning, medical aid...), judged at its own moment: facts from the events at
** or before its time, "the officer" its actor, "the subject" its target (target,
** to or person) when a subject, or the driver of the vehicle it names.  For an act
** other than force the force.* facts stay unknown.  geo may be NULL for the
** defaults.  Returns NULL if out of memory or if that event has no known type.
** Free with fw_situation_free.
*/
fw_situation *fw_situation_build(const fw_doc *doc, const fw_account *a, size_t event_index,
                                 const fw_geometry *geo);
void fw_situation_free(fw_situation *s);

/* Whom or what the act event e is aimed at, as it names it (borrowed from e): a force's
** or an intervention's `target`, a command's, warning's or identification's `to`, the
** `vehicle` reached into, the `person` aided, in that order; NULL if none.  The one list
** behind act.target and the review's "target". */
const char *fw_act_target(const fw_event *e);

/* The act's event type ("force", "reach_into_vehicle", ...); "force" for a situation
** not built from an event of a known type (made by hand, as tests do). */
const char *fw_situation_act_type(const fw_situation *s);

/* The fact by name, or NULL if no such fact. */
const fw_fact *fw_situation_fact(const fw_situation *s, const char *name);

/*
** Vehicle geometry, exposed for tests: a vehicle at (vx, vy) heading
** heading_deg (clockwise from north) at speed_mps, and a person at (px, py).
** *closing is the speed (m/s) at which the distance shrinks (negative when
** it grows); *in_path is whether the person is inside the corridor the
** vehicle sweeps over the next horizon_s seconds.
*/
void fw_vehicle_geometry(const fw_geometry *g, double vx, double vy, double heading_deg,
                         double speed_mps, double px, double py, double *closing,
                         bool *in_path);

/* Write a value for people ("true", "4.6", "death", "unknown"). */
void fw_value_format(const fw_value *v, char *out, size_t n);
bool fw_value_equal(const fw_value *a, const fw_value *b);

#endif
