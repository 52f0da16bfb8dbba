/*
** Review: every force application of an incident, under every account,
** judged by every rule of one policy version on force, and every other act a
** rule of it is 'on' (a reach into a vehicle, a command...), judged by those
** rules against its own actor at its own moment; the accounts' items aligned
** into acts (one act told by several accounts at different times); and the
** decisive disputed facts where the accounts of one act disagree
** (docs/policy-language.md, "Outcomes" and "Acts across accounts").
** Pure: no I/O.
**
** Ownership: fw_review_run fills a review the caller releases with
** fw_review_release; it borrows the document and the policy, which must
** outlive it.
*/
#ifndef FW_REVIEW_H
#define FW_REVIEW_H

#include <jansson.h>

#include "base/buf.h"
#include "policy/policy.h"
#include "policy/situation.h"

typedef struct fw_review_item {
    size_t account;            /* index into doc->accounts */
    size_t event;              /* index of the act's event in that account */
    char key[96];              /* "ACTOR@T", or "ACTOR@T#2" for a repeat in one account;
                               ** "ACTOR@T/TYPE" for an act other than force */
    fw_situation *sit;
    fw_rule_result *results;   /* one per rule of the policy */
    size_t act;                /* index into the review's acts */
    size_t next;               /* the act's item in a later account, or SIZE_MAX */
} fw_review_item;

/*
** One act as the accounts tell it: at most one item per account, all of one
** actor and event type, matched in order within the alignment tolerance
** (fw_geometry.align_tolerance_s), items of the same kind preferred.
*/
typedef struct fw_review_act {
    char id[144];              /* "o-31 firearm_discharge #2" */
    const char *actor;         /* borrowed from the document; NULL if none */
    const char *type;          /* the event type ("force") */
    const char *label;         /* the kind most of its accounts give (ties: the earliest):
                               ** a force's kind, a warning's `of`; or the event type when
                               ** it has no kind.  The id names a warning's as
                               ** "o-1 warning (deadly) #1" */
    int nth;                   /* 1 for the actor's first act with this label, 2 ... */
    size_t first;              /* its item in the first account that tells it (the others
                               ** follow by fw_review_item.next, in the incident's order) */
    size_t nitems;             /* how many accounts tell it */
    bool kinds_differ;         /* its accounts give different force kinds */
    bool only_one;             /* one account alone tells it, of several reviewed */
} fw_review_act;

typedef struct fw_decisive {
    size_t act;
    size_t item_a, item_b;     /* two accounts' items of that act */
    size_t rule;
    int fact;
} fw_decisive;

typedef struct fw_review {
    const fw_doc *doc;
    const fw_policy *policy;
    fw_review_item *items;
    size_t nitems;
    fw_review_act *acts;       /* in time order */
    size_t nacts;
    fw_decisive *decisive;
    size_t ndecisive, capdecisive;
    /* NULL if the policy is in effect for the incident; else why its review is a what-if
    ** (a static string).  fw_review_run judges by the date and kind alone; callers that know
    ** the incident's jurisdiction set it from fw_policy_set_what_if (policyset.h). */
    const char *what_if;
    fw_geometry settings;      /* the situation settings judged with (defaults if NULL given) */
} fw_review;

/*
** Review doc under p.  account (may be NULL) limits it to one account by id.
** geo may be NULL for the default geometry; settings fw_geometry_check refuses
** are refused (FW_ERR_INVALID, out left empty).  The review judges and aligns
** with out->settings, which its JSON records.
*/
fw_rc fw_review_run(const fw_doc *doc, const fw_policy *p, const fw_geometry *geo,
                    const char *account, fw_review *out, fw_error *err);
void fw_review_release(fw_review *r);

/* "o-31's second firearm_discharge appears only in account video" into out (n bytes),
** for an act only one account tells. */
void fw_review_only_text(const fw_review *r, size_t act, char *out, size_t n);

/* The worst outcome of an item over all rules (out > undetermined > within > n/a). */
fw_outcome fw_review_item_outcome(const fw_review *r, size_t item);

/* Whether an item is a force application (not another act: a reach-in, a command...).
** Counts of force applications (what-if), the duty to intervene and the force
** markers of the dashboard take only these. */
bool fw_review_item_is_force(const fw_review *r, size_t item);
/* The item's event type: "force", "reach_into_vehicle", ... */
const char *fw_review_item_type(const fw_review *r, size_t item);

/* The review as JSON (what is stored and what --json prints); NULL if out of memory. */
json_t *fw_review_json(const fw_review *r);

/* The review as text for people, appended to out.
** FW_ERR_NOMEM, or out's sticky error (buf.h) if the text did not all fit. */
fw_rc fw_review_text(const fw_review *r, bool verbose, fw_buf *out);

#endif
