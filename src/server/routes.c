/*
** The API's one route table: method, path pattern, handler, who may call it
** and a summary.  The server serves exactly these; docs/openapi.yaml
** documents exactly these (tests/api/run.sh checks both ways).
*/
#include "api_int.h"

#define R(x) FW_ROLE_BIT(FW_ROLE_##x)
#define ANYONE FW_ROLES_ALL
#define SIGNED_IN FW_ROLES_SIGNED_IN
#define READERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD) | R(AUDITOR) | R(ANALYST))
#define WRITERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR))
#define OVERSIGHT (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD) | R(AUDITOR))
#define CASE_MOVERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD))

const api_route api_routes[] = {
    {"GET", "/healthz", api_health, ANYONE, "liveness: 200 while the server runs"},
    {"GET", "/metrics", api_metrics, R(ADMIN) | R(AUDITOR), "metrics in the Prometheus text format"},
    {"POST", "/api/v1/session", api_sign_in, ANYONE, "sign in: a session cookie and a CSRF token"},
    {"GET", "/api/v1/session", api_whoami, SIGNED_IN, "who is signed in"},
    {"DELETE", "/api/v1/session", api_sign_out, SIGNED_IN, "sign out"},
    {"POST", "/api/v1/users", api_create_user, R(ADMIN), "create a user"},
    {"GET", "/api/v1/users/{name}", api_get_user, R(ADMIN), "one user"},
    {"POST", "/api/v1/tokens", api_create_token, SIGNED_IN, "a new API token for the caller"},
    {"DELETE", "/api/v1/tokens/{id}", api_revoke_token, SIGNED_IN, "revoke a token"},
    {"POST", "/api/v1/incidents", api_create_incident, WRITERS, "store an incident (a new version if the id exists)"},
    {"GET", "/api/v1/incidents", api_list_incidents, READERS, "list incidents, with filters and a cursor"},
    {"GET", "/api/v1/incidents/{id}", api_get_incident, READERS | R(OFFICER), "the latest version of an incident"},
    {"GET", "/api/v1/incidents/{id}/versions", api_list_versions, READERS, "every stored version"},
    {"GET", "/api/v1/incidents/{id}/versions/{version}", api_get_version, READERS | R(OFFICER), "one version"},
    {"POST", "/api/v1/incidents/{id}/accounts", api_add_account, WRITERS | R(OFFICER), "add an account (a statement) to an incident"},
    {"POST", "/api/v1/incidents/{id}/reviews", api_run_review, CASE_MOVERS, "review an incident under a policy, and store the review"},
    {"GET", "/api/v1/incidents/{id}/reviews/{policy}", api_get_review, READERS, "a stored review"},
    {"GET", "/api/v1/whatif", api_what_if, READERS, "how many force applications a policy would flag, by rule"},
    {"GET", "/api/v1/policies", api_list_policies, READERS, "the policies loaded"},
    {"GET", "/api/v1/incidents/{id}/findings", api_incident_findings, READERS, "an incident judged under the policies in effect, not stored"},
    {"GET", "/api/v1/cases", api_list_cases, OVERSIGHT, "the review queue: cases by state, with deadlines"},
    {"GET", "/api/v1/stats", api_exact_stats, READERS, "incident counts grouped by dimensions, exact"},
    {"GET", "/public/stats", api_public_stats, ANYONE, "incident counts for the public, small cells suppressed"},
    {"GET", "/api/v1/cases/{id}", api_get_case, OVERSIGHT, "an incident's review case"},
    {"POST", "/api/v1/cases/{id}/transitions", api_move_case, CASE_MOVERS, "move a case (finding when closing)"},
    {"GET", "/api/v1/duties", api_list_duties, OVERSIGHT, "duty items, per incident or officer"},
    {"GET", "/api/v1/officers/{id}/training", api_get_training, OVERSIGHT, "an officer's training record"},
    {"POST", "/api/v1/officers/{id}/training", api_add_training, R(ADMIN) | R(SUPERVISOR), "record a completed course"},
    {"GET", "/api/v1/log/checkpoint", api_checkpoint, ANYONE, "the latest signed checkpoint"},
    {"GET", "/api/v1/log/proof/inclusion", api_inclusion_proof, ANYONE, "an RFC 9162 inclusion proof"},
    {"GET", "/api/v1/log/proof/consistency", api_consistency_proof, ANYONE, "an RFC 9162 consistency proof"},
    {"POST", "/api/v1/log/verify", api_verify_log, ANYONE, "whether a saved checkpoint (or an export's stamp) is a prefix of today's log"},
    {"GET", "/api/v1/export", api_export_records, READERS, "open-data export (csv, json, nufdc), stamped with the log's checkpoint"},
    {NULL, NULL, NULL, 0, NULL},
};
