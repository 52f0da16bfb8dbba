/*
** The statistics facts of an incident version (see facts.h): derived from
** the document's fields and events, and their fixed-size encoding.
*/
#include "record/facts.h"

#include <assert.h>
#include <string.h>

#include "base/banned.h"

int fw_stats_age_band(int age)
{
    static const int upper[] = {17, 24, 34, 44, 54, 64};
    int i;
    if (age < 0)
        return 0;
    for (i = 0; i < 6; i++)
        if (age <= upper[i])
            return i + 1;
    return 7;
}

const char *const fw_case_findings[] = {"within_policy", "out_of_policy", "not_sustained",
                                        "exonerated", "unfounded", NULL};

const char *const fw_case_consequence_kinds[] = {"force", "failure_to_intervene",
                                                 "failure_to_report", NULL};

const char *const fw_case_actions[] = {"none",       "counselling", "retraining",
                                       "suspension", "termination", "referral_for_prosecution",
                                       NULL};

bool fw_vocab_has(const char *const *list, const char *s)
{
    size_t i;
    for (i = 0; s && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

size_t fw_stats_enum_count(const fw_enum *e)
{
    size_t n = 0;
    while (e && e->values[n])
        n++;
    return n;
}

int fw_stats_enum_code(const fw_enum *e, const char *v)
{
    int i;
    if (!v || strcmp(v, "unknown") == 0)
        return 0;
    i = fw_enum_index(e, v);
    return i < 0 ? 0 : i + 1;
}

static const char *str_member(const json_t *obj, const char *name)
{
    return json_string_value(json_object_get(obj, name));
}

void fw_stats_facts_of(const fw_doc *doc, fw_stats_facts *f)
{
    const fw_enum *e_state = fw_enum_find("us_state"), *e_inj = fw_enum_find("injury_severity"),
                  *e_threat = fw_enum_find("threat_level"), *e_kind = fw_enum_find("force_kind"),
                  *e_sex = fw_enum_find("sex"), *e_race = fw_enum_find("race"),
                  *e_eth = fw_enum_find("ethnicity"), *e_enc = fw_enum_find("encounter"),
                  *e_weapon = fw_enum_find("weapon"), *e_flee = fw_enum_find("flee_mode");
    const char *occ = doc->occurred_at;
    size_t i, a, k;

    memset(f, 0, sizeof *f);
    assert(doc->type == FW_RECORD_INCIDENT);
    /* Validation guarantees YYYY-MM-DD at the start. */
    if (occ && strlen(occ) >= 7) {
        f->year = (uint16_t)((occ[0] - '0') * 1000 + (occ[1] - '0') * 100 + (occ[2] - '0') * 10 +
                             (occ[3] - '0'));
        f->month = (uint8_t)((occ[5] - '0') * 10 + (occ[6] - '0'));
    }
    f->state = (uint8_t)fw_stats_enum_code(e_state,
                                  str_member(json_object_get(doc->root, "location"), "state"));
    f->encounter = (uint8_t)fw_stats_enum_code(e_enc, str_member(doc->root, "encounter"));

    for (i = 0; i < doc->nparties; i++) {
        const fw_party *p = &doc->parties[i];
        const json_t *age;
        int inj, armed;
        uint16_t arms = 0;
        if (p->kind != FW_REF_SUBJECT)
            continue;
        f->sex |= (uint16_t)(1u << fw_stats_enum_code(e_sex, str_member(p->obj, "sex")));
        f->race |= (uint16_t)(1u << fw_stats_enum_code(e_race, str_member(p->obj, "race")));
        f->ethnicity |= (uint8_t)(1u << fw_stats_enum_code(e_eth, str_member(p->obj, "ethnicity")));
        age = json_object_get(p->obj, "age");
        f->age_band |= (uint16_t)(1u << (json_is_integer(age)
                                             ? fw_stats_age_band((int)json_integer_value(age))
                                             : 0));
        /* The established facts first; what the accounts state otherwise. */
        inj = fw_stats_enum_code(e_inj, str_member(p->obj, "injury"));
        armed = fw_stats_enum_code(e_weapon, str_member(p->obj, "armed"));
        if (armed)
            arms = (uint16_t)(1u << armed);
        for (a = 0; a < doc->naccounts; a++) {
            for (k = 0; k < doc->accounts[a].nevents; k++) {
                const fw_event *ev = &doc->accounts[a].events[k];
                const char *tn = ev->type_name;
                if (!ev->type)
                    continue;
                if (!str_member(p->obj, "injury") && strcmp(tn, "injury") == 0) {
                    const char *who = str_member(ev->obj, "person");
                    int sev = fw_stats_enum_code(e_inj, str_member(ev->obj, "severity"));
                    if (who && strcmp(who, p->id) == 0 && sev > inj)
                        inj = sev;
                } else if (!str_member(p->obj, "armed") && strcmp(tn, "armed") == 0 &&
                           ev->actor && strcmp(ev->actor, p->id) == 0) {
                    arms |= (uint16_t)(1u << fw_stats_enum_code(e_weapon, str_member(ev->obj, "weapon")));
                }
            }
        }
        f->armed |= arms ? arms : 1;
        if (inj > f->injury)
            f->injury = (uint8_t)inj;
    }
    if (!doc->nsubjects)
        f->sex = f->race = f->ethnicity = f->age_band = f->armed = 1;

    for (a = 0; a < doc->naccounts; a++) {
        for (k = 0; k < doc->accounts[a].nevents; k++) {
            const fw_event *ev = &doc->accounts[a].events[k];
            if (!ev->type)
                continue;
            if (strcmp(ev->type_name, "force") == 0) {
                f->force_kinds |= 1u << fw_stats_enum_code(e_kind, str_member(ev->obj, "kind"));
            } else if (strcmp(ev->type_name, "threat") == 0) {
                int lv = fw_stats_enum_code(e_threat, str_member(ev->obj, "level"));
                if (lv > f->threat)
                    f->threat = (uint8_t)lv;
            } else if (strcmp(ev->type_name, "flee") == 0) {
                const char *mode = str_member(ev->obj, "mode");
                f->flight |= (uint16_t)(1u << (mode ? fw_stats_enum_code(e_flee, mode)
                                                    : (int)fw_stats_enum_count(e_flee) + 1));
            }
        }
    }
    if (!f->force_kinds)
        f->force_kinds = 1;
    if (!f->flight)
        f->flight = 1;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

void fw_stats_facts_encode(const fw_stats_facts *f, uint8_t out[FW_STATS_FACTS_BYTES])
{
    put16(out, f->year);
    out[2] = f->month;
    out[3] = f->state;
    out[4] = f->injury;
    out[5] = f->threat;
    put16(out + 6, (uint16_t)f->force_kinds);
    put16(out + 8, (uint16_t)(f->force_kinds >> 16));
    put16(out + 10, f->sex);
    put16(out + 12, f->race);
    put16(out + 14, f->age_band);
    put16(out + 16, f->armed);
    put16(out + 18, f->flight);
    out[20] = f->encounter;
    out[21] = f->ethnicity;
}

bool fw_stats_facts_decode(const void *data, size_t len, fw_stats_facts *f)
{
    const uint8_t *p = data;
    if (len != FW_STATS_FACTS_BYTES)
        return false;
    f->year = get16(p);
    f->month = p[2];
    f->state = p[3];
    f->injury = p[4];
    f->threat = p[5];
    f->force_kinds = (uint32_t)get16(p + 6) | (uint32_t)get16(p + 8) << 16;
    f->sex = get16(p + 10);
    f->race = get16(p + 12);
    f->age_band = get16(p + 14);
    f->armed = get16(p + 16);
    f->flight = get16(p + 18);
    f->encounter = p[20];
    f->ethnicity = p[21];
    return true;
}

/* ---- values --------------------------------------------------------------- */

fw_rc fw_stats_facts_of_body(const void *body, size_t len, uint8_t out[FW_STATS_FACTS_BYTES])
{
    fw_stats_facts facts;
    fw_doc *doc = NULL;
    fw_diag d;
    fw_rc rc;

    fw_diag_init(&d, 1);
    rc = fw_doc_parse(body, len, NULL, &doc, &d);
    fw_diag_release(&d);
    if (rc)
        return rc;
    if (doc->type != FW_RECORD_INCIDENT) {
        fw_doc_free(doc);
        return FW_ERR_INVALID;
    }
    fw_stats_facts_of(doc, &facts);
    fw_stats_facts_encode(&facts, out);
    fw_doc_free(doc);
    return FW_OK;
}
