/*
** Statistics over a store (see stats_run.h).  Agency records and review
** cases are few next to incidents, so they are read whole into hash maps
** keyed by id; the statistics ledger is then read once from its latest
** snapshot on, each entry counted with its sign (store.h).
*/
#include "data/stats_run.h"

#include <stdlib.h>
#include <string.h>

#include "record/schema.h"

/* A string-keyed hash map to small records, open addressing. */
typedef struct smap_entry {
    char *key;
    uint32_t code;        /* 1 + insertion index */
    uint8_t a, b;         /* payload: agency type and state, or a finding */
} smap_entry;

typedef struct smap {
    smap_entry *e;
    size_t cap, n;
    char **names;         /* names[code - 1] = key, in insertion order */
} smap;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static fw_rc smap_init(smap *m)
{
    m->cap = 256;
    m->n = 0;
    m->e = calloc(m->cap, sizeof *m->e);
    m->names = malloc(m->cap / 2 * sizeof *m->names);
    return m->e && m->names ? FW_OK : FW_ERR_NOMEM;
}

static void smap_release(smap *m, bool free_keys)
{
    size_t i;
    if (free_keys)
        for (i = 0; i < m->n; i++)
            free(m->names[i]);
    free(m->e);
    free(m->names);
    memset(m, 0, sizeof *m);
}

static smap_entry *smap_find(const smap *m, const char *key)
{
    size_t i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->e[i].key) {
        if (strcmp(m->e[i].key, key) == 0)
            return &m->e[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

/* The entry for key, added if missing; NULL when out of memory. */
static smap_entry *smap_put(smap *m, const char *key)
{
    smap_entry *hit = smap_find(m, key);
    size_t i;
    if (hit)
        return hit;
    if ((m->n + 1) * 2 > m->cap) {
        smap_entry *bigger = calloc(m->cap * 2, sizeof *bigger);
        char **names = realloc(m->names, m->cap * sizeof *names);
        if (!bigger || !names) {
            free(bigger);
            if (names)
                m->names = names;
            return NULL;
        }
        m->names = names;
        for (i = 0; i < m->cap; i++) {
            size_t j;
            if (!m->e[i].key)
                continue;
            j = (size_t)hash_str(m->e[i].key) & (m->cap * 2 - 1);
            while (bigger[j].key)
                j = (j + 1) & (m->cap * 2 - 1);
            bigger[j] = m->e[i];
        }
        free(m->e);
        m->e = bigger;
        m->cap *= 2;
    }
    i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->e[i].key)
        i = (i + 1) & (m->cap - 1);
    m->e[i].key = strdup(key);
    if (!m->e[i].key)
        return NULL;
    m->names[m->n++] = m->e[i].key;
    m->e[i].code = (uint32_t)m->n;
    return &m->e[i];
}

typedef struct run {
    const fw_stats_query *q;
    fw_stats_query resolved;
    const char *only_agency;
    bool need_agency_records, need_agency_type, need_cases, need_agency_codes, filtered;
    smap agency_records;   /* agency id -> type, state */
    smap cases;            /* incident id -> finding */
    smap agency_codes;     /* agency id -> code, for the agency dimension */
    fw_stats_agg *agg;
    fw_rc rc;
    fw_error *err;
} run;

static const char *member(const json_t *j, const char *name)
{
    const char *v = json_string_value(json_object_get(j, name));
    return v ? v : "";
}

static int agency_row(void *arg, const fw_record_row *row)
{
    run *r = arg;
    json_t *j = json_loadb(row->body, row->body_len, 0, NULL);
    smap_entry *e;
    int type, state;
    if (!j) {
        r->rc = fw_error_set(r->err, FW_ERR_STORE, "agency %s does not parse", row->id);
        return 1;
    }
    type = fw_enum_index(fw_enum_find("agency_type"), member(j, "type"));
    state = fw_enum_index(fw_enum_find("us_state"), member(j, "state"));
    json_decref(j);
    if (!(e = smap_put(&r->agency_records, row->id))) {
        r->rc = fw_error_set(r->err, FW_ERR_NOMEM, "out of memory");
        return 1;
    }
    /* "unknown" is code 0, as for every enumeration (stats.h). */
    e->a = (uint8_t)(type < 0 || strcmp(fw_enum_find("agency_type")->values[type], "unknown") == 0
                         ? 0
                         : type + 1);
    e->b = (uint8_t)(state < 0 ? 0 : state + 1);
    return 0;
}

static int case_row(void *arg, const fw_record_row *row)
{
    run *r = arg;
    json_t *j = json_loadb(row->body, row->body_len, 0, NULL);
    const char *state, *incident;
    smap_entry *e;
    if (!j) {
        r->rc = fw_error_set(r->err, FW_ERR_STORE, "case %s does not parse", row->id);
        return 1;
    }
    state = json_string_value(json_object_get(j, "state"));
    incident = json_string_value(json_object_get(j, "incident"));
    if (!(e = smap_put(&r->cases, incident ? incident : row->id))) {
        json_decref(j);
        r->rc = fw_error_set(r->err, FW_ERR_NOMEM, "out of memory");
        return 1;
    }
    e->a = FW_FINDING_OPEN;
    if (state && strcmp(state, "closed") == 0) {
        int code = fw_stats_finding_code(json_string_value(json_object_get(j, "finding")));
        e->a = (uint8_t)(code ? code : FW_FINDING_OPEN);
    }
    json_decref(j);
    return 0;
}

static int index_row(void *arg, const fw_stats_index_row *ir)
{
    run *r = arg;
    fw_stats_row row;
    char id[256], agency[256];
    memset(&row, 0, sizeof row);
    /* Lengths are at most 255 (the ledger's length bytes). */
    memcpy(agency, ir->agency, ir->agency_len);
    agency[ir->agency_len] = '\0';
    if (r->only_agency && strcmp(agency, r->only_agency) != 0)
        return 0;
    if (!fw_stats_facts_decode(ir->facts, ir->facts_len, &row.facts)) {
        r->rc = fw_error_set(r->err, FW_ERR_STORE, "the statistics ledger is malformed");
        return 1;
    }
    if (r->need_agency_records && (row.facts.state == 0 || r->need_agency_type)) {
        const smap_entry *e = smap_find(&r->agency_records, agency);
        if (e) {
            row.agency_type = e->a;
            row.agency_state = e->b;
        }
    }
    if (r->need_cases) {
        const smap_entry *e;
        memcpy(id, ir->id, ir->id_len);
        id[ir->id_len] = '\0';
        e = smap_find(&r->cases, id);
        row.finding = e ? e->a : FW_FINDING_NONE;
    }
    if (r->need_agency_codes) {
        const smap_entry *e = smap_put(&r->agency_codes, agency);
        if (!e || e->code > FW_STATS_MAX_CODE) {
            r->rc = fw_error_set(r->err, e ? FW_ERR_LIMIT : FW_ERR_NOMEM,
                                 e ? "more agencies than statistics can count (%u)"
                                   : "out of memory",
                                 FW_STATS_MAX_CODE);
            return 1;
        }
        row.agency = e->code;
    }
    if (r->filtered && !fw_stats_match(&r->resolved, &row))
        return 0;
    if ((r->rc = fw_stats_agg_add(r->agg, &row, ir->sign))) {
        fw_error_set(r->err, r->rc, "cannot count: %s", fw_strerror(r->rc));
        return 1;
    }
    return 0;
}

fw_rc fw_stats_run(fw_store *s, const fw_stats_query *q, const char *only_agency,
                   fw_stats_table **out, fw_error *err)
{
    run r;
    size_t i;
    fw_rc rc;

    *out = NULL;
    memset(&r, 0, sizeof r);
    r.q = q;
    r.resolved = *q;
    r.only_agency = only_agency;
    r.err = err;
    r.need_agency_records =
        fw_stats_query_uses(q, FW_DIM_AGENCY_TYPE) || fw_stats_query_uses(q, FW_DIM_STATE);
    r.need_agency_type = fw_stats_query_uses(q, FW_DIM_AGENCY_TYPE);
    r.need_cases = fw_stats_query_uses(q, FW_DIM_FINDING);
    for (i = 0; i < FW_DIM_COUNT; i++)
        r.filtered |= q->where[i].on;
    r.need_agency_codes = fw_stats_query_uses(q, FW_DIM_AGENCY);
    if (smap_init(&r.agency_records) || smap_init(&r.cases) || smap_init(&r.agency_codes)) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* Agency ids in the filter get their codes first. */
    for (i = 0; i < q->where[FW_DIM_AGENCY].n; i++) {
        const smap_entry *e = smap_put(&r.agency_codes, q->where[FW_DIM_AGENCY].agencies[i]);
        if (!e) {
            rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
            goto done;
        }
        r.resolved.where[FW_DIM_AGENCY].codes[i] = e->code;
        r.resolved.where[FW_DIM_AGENCY].upto[i] = e->code;
    }
    if ((rc = fw_store_begin_read(s, err)))
        goto done;
    if (r.need_agency_records)
        rc = fw_store_latest_scan(s, FW_RECORD_AGENCY, agency_row, &r, err);
    if (!rc && r.rc)
        rc = r.rc;
    if (!rc && r.need_cases)
        rc = fw_store_latest_scan(s, FW_RECORD_CASE, case_row, &r, err);
    if (!rc && r.rc)
        rc = r.rc;
    if (!rc && (rc = fw_stats_agg_new(q, NULL, 0, &r.agg)))
        fw_error_set(err, rc, "out of memory");
    if (!rc)
        rc = fw_store_stats_scan(s, index_row, &r, err);
    if (!rc && r.rc)
        rc = r.rc;
    fw_store_end_read(s);
    if (!rc) {
        fw_stats_agg_set_agencies(r.agg, (const char *const *)r.agency_codes.names,
                                  r.agency_codes.n);
        rc = fw_stats_agg_finish(r.agg, out);
        r.agg = NULL;
        if (rc == FW_ERR_INTERNAL)
            fw_error_set(err, rc, "the statistics ledger takes back more than it counted");
        else if (rc)
            fw_error_set(err, rc, "out of memory");
    }
    if (!rc) {
        /* The table takes the agency names. */
        (*out)->owned_agencies = r.agency_codes.names;
        r.agency_codes.names = NULL;
        r.agency_codes.n = 0;
    }
done:
    fw_stats_agg_free(r.agg);
    smap_release(&r.agency_records, true);
    smap_release(&r.cases, true);
    smap_release(&r.agency_codes, true);
    return rc;
}

fw_rc fw_stats_public(fw_store *s, const fw_stats_query *q, int k, fw_stats_table **out,
                      const char **field, fw_error *err)
{
    fw_rc rc;
    size_t d;

    *out = NULL;
    *field = NULL;
    for (d = 0; d < FW_DIM_COUNT; d++)
        if (q->where[d].on) {
            *field = "where";
            return fw_error_set(err, FW_ERR_INVALID, "public statistics are not filtered (group "
                                "by the dimension instead)");
        }
    if (q->nby > 2) {
        *field = "by";
        return fw_error_set(err, FW_ERR_INVALID, "public statistics group by at most two "
                            "dimensions");
    }
    rc = fw_stats_run(s, q, NULL, out, err);
    if (rc == FW_OK && (rc = fw_stats_suppress(*out, k, err)) != FW_OK) {
        fw_stats_table_free(*out);
        *out = NULL;
        if (rc == FW_ERR_INVALID)
            *field = "k";
    }
    return rc;
}
