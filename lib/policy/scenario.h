/*
** Scenario tests of a policy (docs/policy-language.md, "Scenario tests"):
** a FULLNAME.tests file beside the policy names incidents and, for each
** force application, account and rule, the outcome expected (and the facts
** left unknown), plus the decisive disputed facts.  Running it reviews each
** incident and compares; the results are returned, never printed.
**
** Ownership: fw_scenario_run fills a result the caller releases with
** fw_scenario_release.
*/
#ifndef FW_SCENARIO_H
#define FW_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "policy/policy.h"
#include "record/model.h"

typedef struct fw_scenario_result {
    size_t checked, failed;
    fw_diag failures;          /* "FILE:LINE: message" (or "FILE: message"), in order */
    fw_buf passed;             /* verbose only: "ok KEY ACCOUNT RULE OUTCOME\n" per check */
} fw_scenario_result;

/*
** Run dir/tests/FULLNAME.tests against p into res (initialized here).  A
** missing file is one failure ("every policy ships scenario tests").  Fails
** only for memory (FW_ERR_NOMEM); test failures are counted in res.
*/
fw_rc fw_scenario_run(const char *dir, const fw_policy *p, bool verbose, fw_scenario_result *res);

/* Run one tests file (path) against p, adding to res (fw_scenario_init first). */
void fw_scenario_run_file(const char *path, const fw_policy *p, bool verbose,
                          fw_scenario_result *res);

void fw_scenario_init(fw_scenario_result *res);
void fw_scenario_release(fw_scenario_result *res);

#endif
