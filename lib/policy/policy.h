/*
** The policy language (docs/policy-language.md): parsing and checking a
** policy file, and evaluating its rules against the facts of one force
** application in Kleene three-valued logic.  Pure: no I/O; the caller reads
** files and hands over their text.
**
** Ownership: fw_policy_parse returns a policy the caller frees with
** fw_policy_free; strings from the accessors live as long as the policy.
** Evaluation results (fw_rule_result) hold pointers into the policy and the
** situation they came from.
*/
#ifndef FW_POLICY_H
#define FW_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "record/agency.h"
#include "record/model.h"
#include "policy/situation.h"

typedef struct fw_policy fw_policy;

typedef enum fw_tri { FW_FALSE = 0, FW_TRUE = 1, FW_UNKNOWN = 2 } fw_tri;

typedef enum fw_outcome {
    FW_NOT_APPLICABLE = 0,
    FW_WITHIN,
    FW_UNDETERMINED,
    FW_OUT
} fw_outcome;

/* "within", "out", "undetermined", "n/a" (as scenario tests write them). */
const char *fw_outcome_name(fw_outcome o);

/* Kleene logic, exposed for tests. */
fw_tri fw_tri_and(fw_tri a, fw_tri b);
fw_tri fw_tri_or(fw_tri a, fw_tri b);
fw_tri fw_tri_not(fw_tri a);

/*
** Parse and check the policy text of len bytes; file names it in messages
** ("FILE:LINE:COLUMN: message").  Every problem goes to diag; returns
** FW_ERR_INVALID if there was any, leaving *out NULL.
*/
fw_rc fw_policy_parse(const char *file, const char *text, size_t len, fw_policy **out,
                      fw_diag *diag);
void fw_policy_free(fw_policy *p);

typedef struct fw_rule_info {
    const char *id;
    const char *cite;
    const char *says;
    const char *status;      /* verbatim | paraphrase | unverified */
    const char *when;        /* the expressions as written (white space folded); */
    const char *require;     /* when is NULL if the rule has none */
    const char *on;          /* the event types it judges: "force" (the default) or
                             ** "reach_into_vehicle", "command, warning", ... */
} fw_rule_info;

const char *fw_policy_name(const fw_policy *p);      /* the family: "dhs" */
const char *fw_policy_version(const fw_policy *p);   /* "2023" */
const char *fw_policy_fullname(const fw_policy *p);  /* "dhs-2023" */
const char *fw_policy_title(const fw_policy *p);
const char *fw_policy_kind(const fw_policy *p);      /* adopted | proposal | illustrative */
const char *fw_policy_status(const fw_policy *p);
const char *fw_policy_source(const fw_policy *p);    /* "" if none */
const char *fw_policy_effective(const fw_policy *p); /* YYYY-MM-DD, or NULL */
const char *fw_policy_until(const fw_policy *p);     /* YYYY-MM-DD, or NULL */
size_t fw_policy_nrules(const fw_policy *p);
void fw_policy_rule(const fw_policy *p, size_t i, fw_rule_info *info);
int fw_policy_rule_index(const fw_policy *p, const char *id);

/* Whether rule i judges events of type (its 'on' clause; without one, "force"). */
bool fw_policy_rule_on(const fw_policy *p, size_t i, const char *type);
/* Whether any rule of p judges events of type: those events are acts to review. */
bool fw_policy_judges(const fw_policy *p, const char *type);
/* Whether some rule of p judges an act other than force. */
bool fw_policy_judges_other_acts(const fw_policy *p);

/* Whether the version applies on date (YYYY-MM-DD...; only the date counts). */
bool fw_policy_in_effect(const fw_policy *p, const char *date);

/*
** Jurisdiction (docs/policy-language.md): whom and what an incident is, as a
** policy's 'governs' statements and agencies' adoptions read it.  chain is
** the incident's agency and its parents (record/agency.h; NULL or empty:
** an agency not known); encounter the incident's kind of encounter (NULL if
** not given); vehicle whether the incident has a vehicle.
*/
typedef struct fw_jurisdiction {
    const fw_agency_chain *chain;
    const char *encounter;
    bool vehicle;
} fw_jurisdiction;

/* j for incident doc of agency chain (the pointers are into doc and chain). */
void fw_jurisdiction_of(const fw_doc *doc, const fw_agency_chain *chain, fw_jurisdiction *j);

/* Whether p itself names whom j is: 'governs agency' names the agency or one of its
** ancestors, or 'governs type' the agency's type.  A policy with neither governs nobody
** by itself (only the agencies that adopt it). */
bool fw_policy_governs_whom(const fw_policy *p, const fw_jurisdiction *j);

/* Whether j is within what p governs: with no 'governs encounter' or 'governs vehicle',
** every incident; with them, an incident of one of the encounters, or with a vehicle.
** "With a vehicle" is about the incident (any vehicle in it), since whom and what a
** policy governs is a property of the incident.  It differs on purpose from the duties'
** fw_force_in_vehicle_encounter (workflow/duties.h), which asks whether one officer's
** force was in a vehicle encounter, to decide whether that officer needed vehicle-stop
** training: a vehicle merely present does not count there. */
bool fw_policy_governs_what(const fw_policy *p, const fw_jurisdiction *j);

/* p's 'governs' statements as one line for people ("agency dhs; vehicle or encounter
** vehicle_stop"), or "nobody unless an agency adopts it", appended to out. */
void fw_policy_governs_text(const fw_policy *p, fw_buf *out);

/* A fact replaced by another value, for decisive-fact substitution. */
typedef struct fw_override {
    int fact;                /* index into fw_fact_defs */
    fw_value v;
} fw_override;

#define FW_MAX_FACTS_NAMED 48

typedef struct fw_rule_result {
    /* Whether the rule judges this act (its 'on' names the act's event type).  A rule
    ** that does not is not evaluated: outcome n/a, nothing read; reviews leave it out. */
    bool judged;
    fw_outcome outcome;
    fw_tri when, require;
    /* Facts the rule read (through referenced rules too), by index into
    ** fw_fact_defs, and those whose unknown value left it undetermined.
    ** Windows that were unknown are named in `windows`. */
    int read[FW_MAX_FACTS_NAMED];
    size_t nread;
    int unknown[FW_MAX_FACTS_NAMED];
    size_t nunknown;
    const char *windows[8];
    size_t nwindows;
} fw_rule_result;

/*
** Evaluate the rules of p for the act s (a force application or another act,
** situation.h), into results (fw_policy_nrules entries): the rules whose 'on'
** names s's event type; the others get judged = false and outcome n/a.  ov (may
** be NULL) replaces one fact's value.
*/
void fw_policy_evaluate(const fw_policy *p, const fw_situation *s, const fw_override *ov,
                        fw_rule_result *results);

#endif
