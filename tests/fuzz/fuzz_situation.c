/*
** Fuzz target for the situation model.  Any document fw_doc_parse accepts
** must give, for every event of a known type of every account (a force
** application or another act), a situation whose every fact is well formed: a
** value of its fact's type or unknown, an event index that points at an event at
** or before the act (or at a stated absence, which covers the act from a later
** time), and a value that formats; an act other than force has no force.*
** facts.  Events of an unknown type must be refused.  Built with libFuzzer by `make fuzz`, and
** with replay.c for the regular test run.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "policy/situation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_fact(const fw_situation *s, size_t i)
{
    const fw_fact *f = &s->facts[i];
    const fw_fact_def *d = &fw_fact_defs[i];
    char out[128];

    switch (f->v.type) {
    case FW_V_UNKNOWN:
        break;
    case FW_V_BOOL:
        if (d->type != FW_FACT_BOOL)
            abort();
        break;
    case FW_V_NUM:
        if (d->type != FW_FACT_NUM)
            abort();
        break;
    case FW_V_STR:
        if ((d->type != FW_FACT_ENUM && d->type != FW_FACT_ID) || !f->v.str)
            abort();
        break;
    }
    if (f->v.type == FW_V_UNKNOWN && f->source == FW_SRC_EVENT)
        abort(); /* an event that says nothing is not a source */
    /* Hindsight: an event after the force.  Only a stated absence may be
    ** later: it speaks of everything up to its time, the force's moment too. */
    if (f->event_index >= 0 && ((size_t)f->event_index >= s->account->nevents ||
                                (s->account->events[f->event_index].t > s->t &&
                                 strcmp(s->account->events[f->event_index].type_name,
                                        "absence") != 0)))
        abort();
    if (f->source == FW_SRC_EVENT && f->event_index < 0)
        abort();
    fw_value_format(&f->v, out, sizeof out);
    if (out[0] == '\0')
        abort();
    if (f->has_alt)
        fw_value_format(&f->alt, out, sizeof out);
    if (f->conflict && (!f->has_alt || fw_value_equal(&f->v, &f->alt)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_geometry geo;
    size_t a, e, i;

    fw_diag_init(&diag, 4);
    fw_geometry_default(&geo);
    if (fw_doc_parse((const char *)data, size, NULL, &doc, &diag) != FW_OK)
        goto done;
    for (a = 0; a < doc->naccounts; a++) {
        const fw_account *acc = &doc->accounts[a];
        for (e = 0; e < acc->nevents; e++) {
            const fw_event *ev = &acc->events[e];
            bool is_force = ev->type && strcmp(ev->type_name, "force") == 0;
            fw_situation *s = fw_situation_build(doc, acc, e, (e & 1) ? &geo : NULL);
            if (!ev->type) {
                if (s)
                    abort(); /* only events of a known type are acts */
                continue;
            }
            if (!s)
                abort(); /* out of memory is not expected here */
            if (s->t != ev->t || s->event_index != e ||
                strcmp(fw_situation_act_type(s), ev->type_name) != 0)
                abort();
            for (i = 0; i < fw_n_facts; i++) {
                check_fact(s, i);
                if (!is_force && strncmp(fw_fact_defs[i].name, "force.", 6) == 0 &&
                    s->facts[i].v.type != FW_V_UNKNOWN)
                    abort(); /* an act that is not force has no force facts */
            }
            fw_situation_free(s);
        }
    }
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return 0;
}
