/*
** Jurisdiction: whether a policy's 'governs' statements take in an
** incident's agency (or one of its ancestors), its agency's type, its
** encounter or its vehicle (policy.h).  The policy set combines this with
** effective dates and agencies' adoptions (policyset.c,
** fw_policy_set_in_effect).  Pure.
*/
#include "policy/policy.h"
#include "policy/policy_int.h"

#include <string.h>

#include "base/banned.h"

void fw_jurisdiction_of(const fw_doc *doc, const fw_agency_chain *chain, fw_jurisdiction *j)
{
    j->chain = chain;
    j->encounter = doc ? doc->encounter : NULL;
    j->vehicle = doc && doc->nvehicles > 0;
}

static bool listed(const governs *g, const char *v)
{
    size_t k;
    for (k = 0; v && *v && k < g->nvalues; k++)
        if (strcmp(g->values[k], v) == 0)
            return true;
    return false;
}

bool fw_policy_governs_whom(const fw_policy *p, const fw_jurisdiction *j)
{
    size_t i, a;
    if (!j || !j->chain || !j->chain->n)
        return false;
    for (i = 0; i < p->ngov; i++) {
        const governs *g = &p->gov[i];
        if (g->kind == GOV_AGENCY) {
            for (a = 0; a < j->chain->n; a++)
                if (listed(g, j->chain->links[a].id))
                    return true;
        } else if (g->kind == GOV_TYPE && listed(g, j->chain->links[0].type)) {
            return true;
        }
    }
    return false;
}

bool fw_policy_governs_what(const fw_policy *p, const fw_jurisdiction *j)
{
    bool restricted = false;
    size_t i;
    for (i = 0; i < p->ngov; i++) {
        const governs *g = &p->gov[i];
        if (g->kind == GOV_VEHICLE) {
            restricted = true;
            if (j && j->vehicle)
                return true;
        } else if (g->kind == GOV_ENCOUNTER) {
            restricted = true;
            if (j && listed(g, j->encounter))
                return true;
        }
    }
    return !restricted;
}

static bool declares_whom(const fw_policy *p)
{
    size_t i;
    for (i = 0; i < p->ngov; i++)
        if (p->gov[i].kind == GOV_AGENCY || p->gov[i].kind == GOV_TYPE)
            return true;
    return false;
}

void fw_policy_governs_text(const fw_policy *p, fw_buf *out)
{
    static const char *const kw[] = {"agency", "type", "encounter", "vehicle"};
    size_t i, k, n = 0;
    for (i = 0; i < p->ngov; i++) {
        const governs *g = &p->gov[i];
        fw_buf_printf(out, "%s%s", n++ ? "; " : "", kw[g->kind]);
        for (k = 0; k < g->nvalues; k++)
            fw_buf_printf(out, "%s%s", k ? ", " : " ", g->values[k]);
    }
    if (!n)
        fw_buf_printf(out, "nobody unless an agency adopts it");
    else if (!declares_whom(p))
        fw_buf_printf(out, " (whom: only the agencies that adopt it)");
}
