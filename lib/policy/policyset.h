/*
** The policy set: every *.policy file of a policy directory, parsed and
** checked, with its path and the SHA-256 of its bytes (stored with reviews,
** so a review names the exact text it used); and the one rule that chooses
** which version of a policy family applies at a date, used by the command
** line and the server alike.
**
** Loading reads files (the only I/O here); choosing is pure.  Problems are
** returned through fw_diag and fw_error, never printed.
**
** Ownership: a set owns its policies and paths; the caller releases it with
** fw_policy_set_release.  Pointers returned by the lookups live as long as
** the set.
*/
#ifndef FW_POLICYSET_H
#define FW_POLICYSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "policy/policy.h"

typedef struct fw_loaded_policy {
    fw_policy *policy;
    char *path;
    char sha256[65];
} fw_loaded_policy;

typedef struct fw_policy_set {
    fw_loaded_policy *items;
    size_t n;
} fw_policy_set;

/* The largest policy or scenario file read. */
#define FW_POLICY_FILE_MAX (16 * 1024 * 1024)

/*
** Load every *.policy in dir, in name order, into set (initialized here).
** FW_ERR_IO (err) if the directory cannot be read.  FW_ERR_INVALID if any
** file cannot be read or parsed: every problem of every file goes to diag
** and the set is left empty.
*/
fw_rc fw_policy_set_load(const char *dir, fw_policy_set *set, fw_diag *diag, fw_error *err);

/* Read and parse one policy file, appending it to set (which may be zeroed).
** FW_ERR_INVALID with its problems in diag, or FW_ERR_IO/NOMEM (err). */
fw_rc fw_policy_set_add_file(fw_policy_set *set, const char *path, fw_diag *diag,
                             fw_error *err);

/* Parse len bytes of policy text named path and append it to set.  Pure. */
fw_rc fw_policy_set_add_text(fw_policy_set *set, const char *path, const char *text, size_t len,
                             fw_diag *diag, fw_error *err);

void fw_policy_set_release(fw_policy_set *set);

/* Read a whole file (at most out->max bytes) into out.  FW_ERR_IO or
** FW_ERR_LIMIT with the path in err. */
fw_rc fw_policy_read_file(const char *path, fw_buf *out, fw_error *err);

/* The version whose full name ("dhs-2023") is name, or NULL. */
const fw_loaded_policy *fw_policy_set_find(const fw_policy_set *set, const char *name);

/* Whether name is a version's full name or a family's name. */
bool fw_policy_set_knows(const fw_policy_set *set, const char *name);

/*
** The version to apply for name (a version's full name, or a family) at
** date (YYYY-MM-DD..., only the date counts), or NULL:
**   - a full name is that version, whatever the date;
**   - a family is its adopted version in effect on date that took effect
**     last (the latest effective date not after date; a version with no
**     effective date counts as the oldest; on a tie, the later in name
**     order);
**   - a family with no adopted version at all (a proposal, an
**     illustration) is its last version in name order.
** With date NULL (a what-if over every incident) a family is the adopted
** version that took effect last, whatever its dates, else its last version.
*/
const fw_loaded_policy *fw_policy_set_choose(const fw_policy_set *set, const char *name,
                                             const char *date);

/*
** The versions in effect for an incident on date, when none is named: the one
** rule of jurisdiction (docs/policy-language.md).  A family is in effect when
**   - an agency of j's chain (the incident's agency or an ancestor) adopted
**     it on date (record/agency.h): its version fw_policy_set_choose picks on
**     date, of any kind; or
**   - its version fw_policy_set_choose picks on date is adopted (kind),
**     in effect on date (fw_policy_in_effect) and governs j's agency
**     (fw_policy_governs_whom);
** and, either way, that version governs what j is (fw_policy_governs_what).
** In name order; fills at most max into out and returns the number filled.
** With j NULL nothing is in effect.
*/
size_t fw_policy_set_in_effect(const fw_policy_set *set, const char *date,
                               const fw_jurisdiction *j, const fw_loaded_policy **out,
                               size_t max);

/*
** The version of family in effect for the incident on date by the rule of
** fw_policy_set_in_effect, or NULL (date or j NULL: NULL).
*/
const fw_loaded_policy *fw_policy_set_in_effect_for(const fw_policy_set *set, const char *family,
                                                    const char *date, const fw_jurisdiction *j);

/*
** Why lp (named by a caller) is a what-if for the incident on date, as a
** static string ("it does not govern agency ...'s chain", ...), or NULL if
** fw_policy_set_in_effect would choose it: what reviews carry as what_if.
*/
const char *fw_policy_set_what_if(const fw_policy_set *set, const fw_loaded_policy *lp,
                                  const char *date, const fw_jurisdiction *j);

/*
** Whether lp (named by a caller) is in effect for the incident on date, as
** fw_policy_set_in_effect decides: false means its review is a what-if.
*/
bool fw_policy_set_governs(const fw_policy_set *set, const fw_loaded_policy *lp,
                           const char *date, const fw_jurisdiction *j);

#endif
