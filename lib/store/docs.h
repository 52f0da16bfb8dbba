/*
** Reading stored records as a reader names them: an id that may be an
** incident, an agency, a review ("INCIDENT:POLICY") or an access record
** ("INCIDENT:read:SEQ"), found in that order; which personal fields reading
** an incident's body exposes (and so must be logged first); and the JSON
** a listing's rows and a record's versions are given as.  For every
** front-end; never prints.
*/
#ifndef FW_DOCS_H
#define FW_DOCS_H

#include <jansson.h>
#include <stdbool.h>

#include "base/buf.h"
#include "record/model.h"
#include "store/store.h"

/*
** Version version (0: the latest) of the record named id, tried as an incident, then as
** an agency, a review, an access record and a registry officer; *type says which it is.  Errors as
** fw_store_get for the first type that holds id, or the incident's FW_ERR_NOTFOUND if none
** does.
*/
fw_rc fw_store_get_any(fw_store *s, const char *id, int64_t version, fw_buf *body,
                       fw_record_info *info, fw_record_type *type, fw_error *err);

/* Every version of the record named id, oldest first, looked for as fw_store_get_any does. */
fw_rc fw_store_history_any(fw_store *s, const char *id, fw_meta_cb cb, void *arg,
                           fw_error *err);

/*
** The personal fields a stored incident's body (len bytes) holds: their paths appended
** to paths, comma-separated; *n how many (0 for none, or a body that does not parse).
** Reading such a body is logged first (fw_store_log_access); FW_ERR_NOMEM (or paths' error)
** if the list was cut short, when the reading cannot be logged truthfully.
*/
fw_rc fw_personal_paths(const char *body, size_t len, fw_buf *paths, size_t *n);

/* Whether value is a date YYYY-MM-DD, as listing filters take it: FW_ERR_INVALID ("needs a
** date YYYY-MM-DD, not 'VALUE'") if not. */
fw_rc fw_filter_date_check(const char *value, fw_error *err);

/* Whether value is one of the enumeration's (record/schema.h): FW_ERR_INVALID ("unknown value
** 'VALUE' (expected one of A, B, ...)") if not. */
fw_rc fw_filter_enum_check(const char *enum_name, const char *value, fw_error *err);

/* A listing's row as JSON (id, version, agency, occurred_at, encounter if any, force_kinds,
** accounts, events, and other_agencies when the row has some); NULL when out of memory. */
json_t *fw_incident_row_json(const fw_incident_row *r);

/* A stored version's metadata as JSON (type, id, version, created_at, actor, log_seq,
** sha256); NULL when out of memory. */
json_t *fw_record_meta_json(const fw_record_meta *m);

#endif
