/*
** Agencies as a hierarchy (docs/incident-format.md, "Agency records"): one
** agency record read into a link (its id, name, type, withdrawn mark, parent
** and the policies it adopted, with dates), an agency's chain of links
** (itself, its parent, grandparent...) and the checks of an agency record
** that need no other record.  Pure: the store fills chains
** (store/agency.h); the policy set reads them to decide jurisdiction.
**
** Ownership: links and chains are plain values with fixed-size buffers; they
** own nothing and need no release.
*/
#ifndef FW_AGENCY_H
#define FW_AGENCY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/error.h"
#include "record/model.h"
#include "record/schema.h"

typedef struct fw_adoption {
    char policy[65];            /* a family ("eight-cant-wait") or a version */
    char from[11];              /* YYYY-MM-DD */
    char to[11];                /* YYYY-MM-DD, or "" (still adopted) */
} fw_adoption;

typedef struct fw_agency_link {
    char id[65];
    char name[201];             /* "" if the record is not stored */
    char type[32];              /* "" if none */
    char parent_id[65];         /* "" if none */
    bool found;                 /* an agency record of this id is stored */
    bool withdrawn;
    fw_adoption adopts[FW_AGENCY_ADOPTS_MAX];
    size_t nadopts;
} fw_agency_link;

typedef struct fw_agency_chain {
    fw_agency_link links[FW_AGENCY_CHAIN_MAX]; /* [0] the agency itself, then its parents */
    size_t n;
} fw_agency_chain;

/*
** Read a validated agency record's JSON into *out (id given: the record's
** may be absent when called for a missing record).  Never fails: members
** too long for the buffers are cut (the schema bounds them below the sizes).
*/
void fw_agency_link_from_json(const json_t *root, const char *id, fw_agency_link *out);

/*
** The checks of one agency record that need no other record (model.c calls
** it after the schema's): parent_id is not the record's own id; each
** adoption's "to" is not before its "from".  Problems go to diag (counted
** in the return value).
*/
size_t fw_agency_check(const json_t *root, fw_diag *diag);

/* Whether an agency of chain (itself or an ancestor) adopted policy family or version
** name on date (YYYY-MM-DD...). */
bool fw_agency_chain_adopted(const fw_agency_chain *chain, const char *family,
                             const char *fullname, const char *date);

/* The chain's agency as people read it: "NAME (ID)", with ", withdrawn" when it is marked
** so; the id alone when no record is stored.  Into out (n bytes, cut if short). */
void fw_agency_label(const fw_agency_chain *chain, char *out, size_t n);

#endif
