/*
** What a user may read and write of incidents in a store, for every
** front-end: the latest version a user may see; whether a user may store
** an incident (its agency, and the right to see the one it replaces);
** adding an account (an officer files only their own statements); the
** agency a listing is confined to; and reading one version as served, with
** the de-identified form for analysts and the logging of personal-data
** reads, through a cache of served versions (stored versions never change).
**
** Functions that refuse say why in err and, through *field when given,
** which part of the request was wrong ("id", "agency", "author", ...).
*/
#ifndef FW_INCIDENT_ACCESS_H
#define FW_INCIDENT_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "access/auth.h"
#include "base/buf.h"
#include "base/cache.h"
#include "record/model.h"
#include "store/store.h"

/*
** The latest version of incident id, if u may see it: FW_OK and *out (the
** caller frees it with fw_doc_free); FW_ERR_NOTFOUND if there is none or u
** may not see it (which cannot be told apart); FW_ERR_STORE if it cannot be
** read.
*/
fw_rc fw_incident_load_visible(fw_store *st, const fw_user *u, const char *id, fw_doc **out,
                               fw_error *err);

/*
** fw_incident_load_visible for a write on the incident (a review, a case
** move): also FW_ERR_DENIED when u may see it but not write it (an incident
** of another agency that u's agency took part in).  The rule is
** fw_authz_check_write.
*/
fw_rc fw_incident_load_writable(fw_store *st, const fw_user *u, const char *id, fw_doc **out,
                                fw_error *err);

/*
** Whether u may store doc: FW_ERR_INVALID (field "record") for a record
** that is not an incident; FW_ERR_DENIED for an agency u does not belong to
** (field "agency", whatever is stored); for an existing incident,
** FW_ERR_NOTFOUND (field "id", the message a read answers) when u may not
** see it, FW_ERR_DENIED (field "id") when u may see but not write it.  The
** rule is fw_authz_check_write.
*/
fw_rc fw_incident_check_write(fw_store *st, const fw_user *u, const fw_doc *doc,
                              const char **field, fw_error *err);

/* Store doc as actor in a transaction of its own (rolled back on failure). */
fw_rc fw_incident_store(fw_store *st, const fw_doc *doc, const char *actor,
                        fw_put_result *res, fw_error *err);

/*
** doc with account acc (a JSON object, not taken) added, as *next (the
** caller frees it): FW_ERR_NOTFOUND (field "id") when u is an officer who
** is not an officer party of doc; FW_ERR_DENIED (field "id") when u is not
** an officer and may not write doc (fw_authz_check_write: another agency's
** incident u's agency took part in; officers file their own statements on
** any incident they were an officer party of, mutual aid included);
** FW_ERR_DENIED when an officer files
** another's statement (field "author") or a kind other than officer_report
** or witness_officer_statement (field "kind"); FW_ERR_EXISTS (field "id")
** when doc has an account with acc's id; FW_ERR_INVALID with every problem
** in diag when the result does not validate.
*/
fw_rc fw_incident_add_account(const fw_doc *doc, const fw_user *u, json_t *acc, fw_doc **next,
                              fw_diag *diag, const char **field, fw_error *err);

/*
** The agency a listing by u is confined to, given the one asked (NULL:
** any): u's own when u belongs to an agency, else asked.  *none is set when
** u asked for another agency than their own (the answer is empty).
*/
const char *fw_incident_list_agency(const fw_user *u, const char *asked, bool *none);

/* A cache of served incident versions of at most max_cost bytes; free with
** fw_cache_free. */
fw_cache *fw_served_cache_new(size_t slots, size_t max_cost);

/*
** Version (0: the latest) of incident id as u may read it, appended to out
** as the JSON object {incident, latest, sha256, stored_at, stored_by,
** version} (keys sorted): the de-identified incident for analysts; for
** everyone else a read of personal fields is first logged with actor and
** reason (NULL: none), and not shown if it cannot be.  cache (from
** fw_served_cache_new, may be NULL) keeps the served form of versions,
** timed by now.  FW_ERR_NOTFOUND (field "id", or "version" for a version
** past the latest of an incident u may see); FW_ERR_INVALID (field
** "reason") when a reason is needed or wrong; FW_ERR_STORE;
** FW_ERR_INTERNAL when the stored version no longer validates;
** FW_ERR_NOMEM.
*/
fw_rc fw_served_read(fw_cache *cache, fw_store *st, const fw_user *u, const char *id,
                     int64_t version, const char *actor, const char *reason, double now,
                     fw_buf *out, const char **field, fw_error *err);

#endif
