/*
** Fuzz target for the import-profile parser: any input is refused with a
** FILE:LINE message or accepted, never a crash; an accepted profile then maps
** a small fixed CSV row (as an incident and, if it joins agencies, as an
** agency) without crashing.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "data/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const header[] = {"id", "date", "name", "armed_with", "agency_ids",
                                         "time", "type", "state", "weapon", "gender"};
    static const char *const values[] = {"7", "2020-02-02", "Last , First ", "gun;knife", "1;2",
                                         "1:10 PM", "federal", "US", "Firearm", "Male"};
    size_t hl[10], vl[10], k;
    fw_profile *p = NULL;
    fw_diag diag;
    fw_csv_row h, r;
    json_t *doc = NULL;
    char why[256];

    for (k = 0; k < 10; k++) {
        hl[k] = strlen(header[k]);
        vl[k] = strlen(values[k]);
    }
    fw_diag_init(&diag, 20);
    if (fw_profile_parse("fuzz", (const char *)data, size, &p, &diag) != FW_OK) {
        if (fw_diag_count(&diag) == 0 || strncmp(diag.msgs[0], "fuzz:", 5) != 0)
            abort();
        fw_diag_release(&diag);
        return 0;
    }
    {
        static const uint8_t key[FW_PROFILE_ID_KEY_BYTES] = {42};
        fw_profile_set_id_key(p, key);
    }
    memset(&h, 0, sizeof h);
    h.nfields = 10;
    h.fields = header;
    h.lens = hl;
    r = h;
    r.fields = values;
    r.lens = vl;
    if (fw_profile_bind(p, FW_PROFILE_INCIDENTS, &h, why, sizeof why) == FW_OK)
        fw_profile_map(p, FW_PROFILE_INCIDENTS, &r, &doc, why, sizeof why);
    json_decref(doc);
    doc = NULL;
    if (fw_profile_joins_agencies(p) &&
        fw_profile_bind(p, FW_PROFILE_AGENCIES, &h, why, sizeof why) == FW_OK)
        fw_profile_map(p, FW_PROFILE_AGENCIES, &r, &doc, why, sizeof why);
    json_decref(doc);
    fw_profile_free(p);
    fw_diag_release(&diag);
    return 0;
}
