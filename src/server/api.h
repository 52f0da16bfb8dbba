/*
** The API's route table (defined in routes.c): method, path pattern,
** handler, the action it does (lib/access/authz.h), whether it needs the
** store, and a summary.  The
** server serves exactly these; docs/openapi.yaml documents exactly these
** (tests/api/run.sh checks both ways, from `forcewatch serve --routes`).
*/
#ifndef FW_API_H
#define FW_API_H

#include "access/authz.h"
#include "server.h"

typedef struct api_route {
    const char *method;
    const char *pattern;       /* "/api/v1/incidents/{id}" */
    void (*handler)(request *r);
    fw_action action;          /* what it does: the roles fw_authz_may allow; others get 401 or 403 */
    bool store;                /* the dispatcher borrows r->store for the handler */
    const char *summary;
} api_route;

extern const api_route api_routes[];   /* ends with a zero entry */

#endif
