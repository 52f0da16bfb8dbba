/*
** Fuzz target for the policy parser and checker.  Any input must be either
** rejected with at least one FILE:LINE:COLUMN message, or accepted; an
** accepted policy is then evaluated on an all-unknown situation of a force
** application and of a command, which must give every rule an outcome without
** crashing (judged only by the rules on that act), and its 'governs' statements
** are asked about an agency chain (whom, what, and as text).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "policy/policy.h"
#include "policy/situation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_diag diag;
    fw_policy *p = NULL;
    fw_situation *s;
    fw_rule_result *r;
    fw_account none;
    fw_event act;
    size_t i, k;
    static const char *const acts[] = {"force", "command"};

    fw_diag_init(&diag, 20);
    if (fw_policy_parse("fuzz", (const char *)data, size, &p, &diag) != FW_OK) {
        if (fw_diag_count(&diag) == 0 || strncmp(diag.msgs[0], "fuzz:", 5) != 0)
            abort(); /* rejected without saying where */
        fw_diag_release(&diag);
        return 0;
    }
    s = calloc(1, sizeof *s + fw_n_facts * sizeof(fw_fact));
    r = calloc(fw_policy_nrules(p) + 1, sizeof *r);
    memset(&none, 0, sizeof none);
    none.obj = json_object();
    memset(&act, 0, sizeof act);
    none.events = &act;
    none.nevents = 1;
    for (k = 0; s && r && k < 2; k++) {
        act.type = fw_event_type_find(acts[k]);
        act.type_name = acts[k];
        s->account = &none;
        for (i = 0; i < fw_n_facts; i++)
            s->facts[i].event_index = -1;
        fw_policy_evaluate(p, s, NULL, r);
        for (i = 0; i < fw_policy_nrules(p); i++) {
            if (r[i].outcome != FW_UNDETERMINED && r[i].outcome != FW_NOT_APPLICABLE &&
                r[i].outcome != FW_WITHIN && r[i].outcome != FW_OUT)
                abort();
            if (r[i].judged != fw_policy_rule_on(p, i, acts[k]) ||
                (!r[i].judged && (r[i].outcome != FW_NOT_APPLICABLE || r[i].nread)))
                abort(); /* a rule is evaluated exactly for the acts it is on */
        }
    }
    {
        /* Jurisdiction: an ICE field office at a vehicle stop, then no agency at all. */
        static fw_agency_chain chain;
        fw_jurisdiction j = {&chain, "vehicle_stop", true};
        fw_buf text;
        memset(&chain, 0, sizeof chain);
        chain.n = 2;
        strcpy(chain.links[0].id, "ice-ero-stp");
        strcpy(chain.links[0].type, "federal_field_office");
        strcpy(chain.links[1].id, "ice");
        strcpy(chain.links[1].type, "federal_component");
        (void)fw_policy_governs_whom(p, &j);
        (void)fw_policy_governs_what(p, &j);
        j.chain = NULL;
        j.encounter = NULL;
        j.vehicle = false;
        if (fw_policy_governs_whom(p, &j))
            abort(); /* no agency: nobody to govern */
        (void)fw_policy_governs_what(p, &j);
        fw_buf_init(&text, 1 << 16);
        fw_policy_governs_text(p, &text);
        fw_buf_release(&text);
    }
    json_decref(none.obj);
    free(r);
    free(s);
    fw_policy_free(p);
    fw_diag_release(&diag);
    return 0;
}
