/*
** The incident model: documents (incidents and agencies) read from JSON,
** validated against the schema tables, and viewed through typed structs.
** Pure: no I/O.
**
** Ownership: fw_doc_parse returns a document the caller frees with
** fw_doc_free.  Every string and json_t pointer inside an fw_doc is borrowed
** from its JSON tree and lives exactly as long as the document.
*/
#ifndef FW_MODEL_H
#define FW_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "record/schema.h"
#include "base/timeutil.h"

/* A list of validation messages, each "path: what is wrong". */
typedef struct fw_diag {
    char **msgs;
    size_t n, cap;
    size_t max;      /* messages kept; later ones are only counted */
    size_t dropped;  /* messages past max */
} fw_diag;

void fw_diag_init(fw_diag *d, size_t max);
void fw_diag_release(fw_diag *d);
void fw_diag_reset(fw_diag *d);
/* Append a message; allocation failure is reported as a dropped message. */
void fw_diag_add(fw_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* All messages found, kept or dropped. */
static inline size_t fw_diag_count(const fw_diag *d) { return d->n + d->dropped; }

typedef enum fw_record_type {
    FW_RECORD_INCIDENT,
    FW_RECORD_AGENCY,
    FW_RECORD_REVIEW,     /* a stored review of an incident under a policy version */
    FW_RECORD_ACCESS,     /* a logged read of personal data */
    FW_RECORD_USER,       /* a user account (auth.h) */
    FW_RECORD_TOKEN,      /* an API token, stored as its hash */
    FW_RECORD_TRAINING,   /* an officer's training record (duties.h) */
    FW_RECORD_CASE,       /* an incident's review workflow (cases.h) */
    FW_RECORD_OFFICER     /* a registry officer of an agency (store/officers.h) */
} fw_record_type;

/* Name of a record type as stored and logged ("incident", "agency", "review"). */
const char *fw_record_type_name(fw_record_type t);

typedef struct fw_event {
    double t;                     /* seconds from the start of the encounter */
    const fw_event_type *type;    /* NULL for a type the format does not define */
    const char *type_name;
    const char *actor;            /* NULL if the event names none */
    json_t *obj;
} fw_event;

/*
** An attribute of event e by name: a string (NULL when absent or not a
** string); a number or a boolean into *out (false, *out untouched, when absent
** or of another type).  The strings are e's.
*/
const char *fw_event_str(const fw_event *e, const char *key);
bool fw_event_num(const fw_event *e, const char *key, double *out);
bool fw_event_bool(const fw_event *e, const char *key, bool *out);

typedef struct fw_account {
    const char *id;
    const char *kind;
    const char *source;
    fw_event *events;
    size_t nevents;
    json_t *obj;
} fw_account;

typedef struct fw_party {
    const char *id;
    unsigned kind;                /* FW_REF_OFFICER, _SUBJECT or _VEHICLE */
    json_t *obj;
} fw_party;

typedef struct fw_doc {
    fw_record_type type;
    const char *id;
    json_t *root;                 /* owned */

    /* Incidents and officers: the agency (an officer's agency). */
    const char *agency;
    const char *occurred_at;
    fw_time occurred;
    const char *encounter;        /* NULL if not given */
    const char *provenance;       /* never NULL: FW_PROVENANCE_DEFAULT if not given */
    fw_party *parties;            /* officers, then subjects, then vehicles */
    size_t nparties, nofficers, nsubjects, nvehicles;
    fw_account *accounts;
    size_t naccounts;
} fw_doc;

/* An incident's provenance when its document gives none: documents written
** before the field existed were hand-written or sent through the API, that
** is reported through the agency's workflow (docs/incident-format.md). */
#define FW_PROVENANCE_DEFAULT "workflow"

typedef struct fw_limits {
    size_t max_doc_bytes;         /* default FW_MAX_DOC_BYTES */
    int max_depth;                /* default FW_MAX_DEPTH */
} fw_limits;

void fw_limits_default(fw_limits *lim);

/*
** Parse and validate one document of len bytes.  On success returns FW_OK
** and stores a new document in *out.  Invalid input returns FW_ERR_INVALID
** with every problem found appended to diag; *out is left NULL.  lim may be
** NULL for the defaults.
*/
fw_rc fw_doc_parse(const char *data, size_t len, const fw_limits *lim, fw_doc **out,
                   fw_diag *diag);

/* As fw_doc_parse, from a JSON tree; takes a new reference to root. */
fw_rc fw_doc_from_json(json_t *root, const fw_limits *lim, fw_doc **out, fw_diag *diag);

void fw_doc_free(fw_doc *doc);

/* Append the document's canonical JSON (canon.h) to out. */
fw_rc fw_doc_canonical(const fw_doc *doc, fw_buf *out);

/* The paths of the personal-data fields (FW_PERSONAL) the document holds,
** comma-separated, appended to paths; returns how many.  Check
** fw_buf_error(paths) before logging them: a list cut short under-reports. */
size_t fw_doc_personal_fields(const fw_doc *doc, fw_buf *paths);

/* Remove every personal-data field (FW_PERSONAL) from an incident's JSON, in
** place: what the analyst role and de-identified exports see.  NULL is a no-op. */
void fw_incident_deidentify(json_t *incident);

/* Find a party of the incident by id; NULL if absent. */
const fw_party *fw_doc_party(const fw_doc *doc, const char *id);

/* The registry officer (an officer record's id) incident party p is linked
** to, or NULL: none, or p is not an officer. */
const char *fw_doc_party_registry(const fw_party *p);

/* The officer party of incident doc linked to registry officer id, or NULL. */
const fw_party *fw_doc_officer_linked(const fw_doc *doc, const char *registry);

/* Whether s (len bytes) is an identifier of the format: 1 to 64 bytes of
** letters, digits, '.', '_', ':' and '-'. */
bool fw_id_valid(const char *s, size_t len);

/* Offset of the first invalid UTF-8 sequence in s, or len if it is valid. */
size_t fw_utf8_check(const char *s, size_t len);
/* Append s to out with every byte that does not begin a valid UTF-8
** sequence replaced by U+FFFD, so the result is always valid UTF-8 (for
** echoing untrusted text into JSON). */
fw_rc fw_utf8_repair(const char *s, size_t len, fw_buf *out);

#endif
