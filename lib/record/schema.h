/*
** The incident format as data: every object, field, enumeration and event
** type, with its limits and documentation.  This table is the single source
** of truth: validation (validate.c), the typed model (model.c), the JSON
** Schema that `forcewatch schema` prints (jsonschema.c) and, later, the policy
** language's vocabulary all read it.  Change the format here and nowhere else.
*/
#ifndef FW_SCHEMA_H
#define FW_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

/* A closed set of values.  Where order means severity (threat levels,
** resistance levels, injury severity), `ordinal` is true and the values are
** listed from least to most. */
typedef struct fw_enum {
    const char *name;
    const char *const *values;  /* NULL-terminated */
    bool ordinal;
    const char *doc;
} fw_enum;

typedef enum fw_ftype {
    FW_F_STRING,      /* free text up to max bytes */
    FW_F_ID,          /* identifier: [A-Za-z0-9._:-], 1..64 bytes */
    FW_F_INT,         /* integer in [min, max] */
    FW_F_NUMBER,      /* number in [min, max] */
    FW_F_BOOL,
    FW_F_ENUM,        /* one value of `en` */
    FW_F_ENUM_LIST,   /* array of distinct values of `en` */
    FW_F_ID_LIST,     /* array of distinct ids */
    FW_F_REF,         /* id of a party of this incident, of the kinds in `refs` */
    FW_F_DATETIME,    /* date or date-time (timeutil.h) */
    FW_F_EVENT_TIME,  /* seconds from the start, or a date-time */
    FW_F_OBJECT,      /* object described by `obj` */
    FW_F_OBJECT_LIST  /* array of objects described by `obj` */
} fw_ftype;

/* Party kinds a reference may name. */
enum {
    FW_REF_OFFICER = 1,
    FW_REF_SUBJECT = 2,
    FW_REF_VEHICLE = 4,
    FW_REF_PERSON = FW_REF_OFFICER | FW_REF_SUBJECT,
    FW_REF_ANY = FW_REF_PERSON | FW_REF_VEHICLE
};

/* Field flags. */
enum {
    FW_REQUIRED = 1,
    FW_PERSONAL = 2,   /* personal data of a private person: never public */
    FW_NONEMPTY = 4    /* a list that must hold at least one item */
};

struct fw_object;

typedef struct fw_field {
    const char *name;
    fw_ftype type;
    unsigned flags;
    const fw_enum *en;           /* FW_F_ENUM, FW_F_ENUM_LIST */
    unsigned refs;               /* FW_F_REF: FW_REF_* mask */
    double min, max;             /* numeric range; max = bytes for strings, items for lists */
    const struct fw_object *obj; /* FW_F_OBJECT, FW_F_OBJECT_LIST */
    const char *doc;
    const char *nufdc;           /* the FBI data collection's element, if it has one */
} fw_field;

typedef struct fw_object {
    const char *name;            /* used in docs and schema definitions */
    const fw_field *fields;
    size_t nfields;
    const char *doc;
} fw_object;

typedef struct fw_event_type {
    const char *name;
    const fw_field *fields;      /* beyond the common t, type, note */
    size_t nfields;
    const char *doc;
} fw_event_type;

/* The top-level records. */
extern const fw_object fw_schema_incident;
extern const fw_object fw_schema_agency;
extern const fw_object fw_schema_officer;   /* a registry officer ("record": "officer") */
/* Fields every event has (t, type, note). */
extern const fw_object fw_schema_event_common;

extern const fw_event_type fw_event_types[];
extern const size_t fw_n_event_types;

extern const fw_enum *const fw_enums[];   /* NULL-terminated */

/* Look-ups; NULL or -1 when absent. */
const fw_event_type *fw_event_type_find(const char *name);
const fw_field *fw_object_field(const fw_object *o, const char *name);
const fw_enum *fw_enum_find(const char *name);
int fw_enum_index(const fw_enum *e, const char *value);

/* Limits that apply to a whole document. */
#define FW_MAX_DOC_BYTES (1024 * 1024)
#define FW_MAX_DEPTH 16
/* An agency's chain (itself, its parent, ...) holds at most this many agencies, and an
** agency record adopts at most FW_AGENCY_ADOPTS_MAX policies (record/agency.h). */
#define FW_AGENCY_CHAIN_MAX 8
#define FW_AGENCY_ADOPTS_MAX 16
#define FW_MAX_EVENT_SECONDS (7 * 86400.0)

#endif
