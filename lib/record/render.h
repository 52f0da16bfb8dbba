/*
** A document as text for people, the form `forcewatch show` prints: an
** incident's when, where, details, parties, summary and every account's
** events in time order; any other document's fields as "key=value".
** Values that are not strings are shown as canonical JSON.  Pure.
*/
#ifndef FW_RENDER_H
#define FW_RENDER_H

#include <jansson.h>

#include "base/buf.h"
#include "record/agency.h"
#include "record/model.h"

/* The fields of obj not named in skip (a NULL-terminated list), sorted by name, each as
** " key=value", appended to out (at most 64 fields).  Returns out's error. */
fw_rc fw_render_attrs(const json_t *obj, const char *const *skip, fw_buf *out);

/* The document's body as text, appended to out: an incident in full, any other document as
** "details   " and its fields but id and record.  Returns out's error. */
fw_rc fw_render_doc(const fw_doc *doc, fw_buf *out);

/* The same, with chain (may be NULL) the agency chain of an incident's agency, or of an
** agency record itself (record/agency.h): names shown beside ids, "withdrawn" marked, and
** the chain of parents as "part of NAME (ID) < NAME (ID)". */
fw_rc fw_render_doc_chain(const fw_doc *doc, const fw_agency_chain *chain, fw_buf *out);

#endif
