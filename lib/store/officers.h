/*
** The officer registry as stored: registry officers are records of type
** "officer" (record/schema.h, fw_schema_officer), one person serving one
** agency, with an id "AGENCY:LABEL", so the same label in two agencies names
** two people.  Reading one, listing them, and the one rule an incident's
** links to them follow (an incident's officer may name a registry officer
** in "registry"; it must serve the incident's agency or one of its
** other_agencies).  The store checks that rule on every incident it stores
** (fw_store_put_prepared), so no path can store a link that breaks it.
**
** Ownership: documents returned are the caller's, freed with fw_doc_free.
*/
#ifndef FW_STORE_OFFICERS_H
#define FW_STORE_OFFICERS_H

#include <stdbool.h>
#include <stdint.h>

#include "record/model.h"
#include "store/store.h"

/*
** The latest version of registry officer id: FW_OK and *out; FW_ERR_NOTFOUND
** ("no registry officer 'ID'") when there is none; FW_ERR_STORE.
*/
fw_rc fw_officer_get(fw_store *s, const char *id, fw_doc **out, fw_error *err);

/*
** Whether every registry link of incident doc names a stored officer serving
** doc's agency or one of its other_agencies: FW_OK, or FW_ERR_INVALID with
** "officers[I].registry: 'ID' is not a registry officer of agency A or its
** other_agencies" (the same words for an unknown officer and another
** agency's, so that ids of other agencies cannot be probed); FW_ERR_STORE.
** A document that is not an incident passes.
*/
fw_rc fw_officer_links_check(fw_store *s, const fw_doc *doc, fw_error *err);

/* The same over an incident's canonical bytes (len bytes), parsed only if
** they mention "registry": the check fw_store_put_prepared makes. */
fw_rc fw_officer_links_check_body(fw_store *s, const char *body, size_t len, fw_error *err);

/*
** The latest version of every registry officer, in id order, of agency (NULL:
** of every agency), after id after (NULL: from the first), at most limit
** (0: all) of them: cb gets each parsed officer (borrowed for the call); a
** non-zero return stops the walk.  *more (if not NULL) is set when officers
** past the limit remain.  Withdrawn officers are given too (the caller shows
** them marked).
*/
typedef int (*fw_officer_cb)(void *arg, const fw_doc *officer);
fw_rc fw_officer_list(fw_store *s, const char *agency, const char *after, int64_t limit,
                      fw_officer_cb cb, void *arg, bool *more, fw_error *err);

#endif
