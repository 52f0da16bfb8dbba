/*
** The API's route table (defined in routes.c): method, path pattern, handler, summary.  The
** server serves exactly these; docs/openapi.yaml documents exactly these
** (tests/api/run.sh checks both ways, from `forcewatch serve --routes`).
*/
#ifndef FW_API_H
#define FW_API_H

#include "access/auth.h"
#include "server.h"

typedef struct api_route {
    const char *method;
    const char *pattern;       /* "/api/v1/incidents/{id}" */
    void (*handler)(request *r);
    unsigned roles;            /* FW_ROLE_BIT()s allowed; others get 401 or 403 */
    const char *summary;
} api_route;

extern const api_route api_routes[];   /* ends with a zero entry */

/* Frees a value of the server's incident cache (server_incident_cache). */
void api_served_incident_free(void *served);

#endif
