/*
** The API handlers' private header: what the api_*.c files share (argument
** helpers, loading an incident) and every route
** handler, named in the route table (routes.c).
*/
#ifndef FW_API_INT_H
#define FW_API_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "record/model.h"

/* The actor recorded for a change: the user's name. */
#define API_ACTOR (r->user.name[0] ? r->user.name : "api")

/* ---- arguments (api_args.c): false or NULL after answering 400 naming the field ---- */

/* Answer 422 for an invalid document: "path: message" names the field. */
void reply_invalid(request *r, const fw_diag *d);
/* v, when given, is a value of schema enumeration en. */
bool check_enum_arg(request *r, const char *name, const char *en, const char *v);
/* v, when given, is a date YYYY-MM-DD. */
bool check_date_arg(request *r, const char *name, const char *v);
/* s is a version number (1 or more). */
bool parse_version(request *r, const char *s, int64_t *v);
/* Query argument name as a whole number; absent is an error only if required. */
bool u64_arg(request *r, const char *name, uint64_t *out, bool required);
/* The body as a JSON object (the caller owns it), or NULL after answering. */
json_t *body_json(request *r);
/* A string member of j, or NULL (after answering 400 if it was wrong or required). */
const char *member(request *r, json_t *j, const char *name, bool required);
/* Whether every member of j is in allowed (NULL-terminated). */
bool only_members(request *r, json_t *j, const char *const *allowed);
/* Query argument name copied into dst (n bytes), *into pointing at it (NULL if absent). */
bool copy_arg(request *r, const char *name, char *dst, size_t n, const char **into);
/* Query argument name as true or false (absent: false). */
bool bool_arg(request *r, const char *name, bool *out);

/* ---- incidents (api_incidents.c) ---- */

/* The latest version of incident id, or NULL after answering 404/503. */
fw_doc *load_doc(request *r, fw_store *st, const char *id);
/* load_doc for a write on the incident (a review, a case move): 403 when the
** user may see it but not write it (lib/access: fw_incident_load_writable). */
fw_doc *load_doc_writable(request *r, fw_store *st, const char *id);

/* ---- the route handlers ---- */

void api_health(request *r);
void api_meta(request *r);
void api_metrics(request *r);
void api_sign_in(request *r);
void api_whoami(request *r);
void api_sign_out(request *r);
void api_change_password(request *r);
void api_create_user(request *r);
void api_get_user(request *r);
void api_list_tokens(request *r);
void api_create_token(request *r);
void api_revoke_token(request *r);
void api_create_incident(request *r);
void api_list_incidents(request *r);
void api_get_incident(request *r);
void api_list_versions(request *r);
void api_get_version(request *r);
void api_add_account(request *r);
void api_run_review(request *r);
void api_get_review(request *r);
void api_what_if(request *r);
void api_list_policies(request *r);
void api_incident_findings(request *r);
void api_list_cases(request *r);
void api_exact_stats(request *r);
void api_public_stats(request *r);
void api_get_case(request *r);
void api_move_case(request *r);
void api_assign_case(request *r);
void api_case_outcomes(request *r);
void api_list_duties(request *r);
void api_get_training(request *r);
void api_add_training(request *r);
void api_list_officers(request *r);
void api_get_officer(request *r);
void api_checkpoint(request *r);
void api_inclusion_proof(request *r);
void api_consistency_proof(request *r);
void api_verify_log(request *r);
void api_export_records(request *r);

#endif
