/*
** Statistics over a store (see stats_run.h).  Agency records and review
** cases are few next to incidents, so they are read whole into hash maps
** keyed by id; the statistics ledger is then read once from its latest
** snapshot on, each entry counted with its sign (store.h).  The public
** table is counted as of its schedule's last boundary (fw_stats_public):
** the same scans, as of that moment (fw_store_stats_scan_before).
*/
#include "data/stats_run.h"

#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/hash.h"
#include "base/timeutil.h"
#include "record/schema.h"

#include "base/banned.h"

/* A map from ids to small records: the library's hash set gives each id an
** index, and the records sit in an array under the same indexes. */
typedef struct smap_val {
    uint8_t a, b;         /* payload: agency type and state, or a finding */
} smap_val;

typedef struct smap {
    fw_hset keys;
    smap_val *val;        /* val[i] belongs to the key with index i */
    size_t alloc;
} smap;

static void smap_init(smap *m)
{
    fw_hset_init(&m->keys);
    m->val = NULL;
    m->alloc = 0;
}

static void smap_release(smap *m)
{
    fw_hset_release(&m->keys);
    free(m->val);
    m->val = NULL;
    m->alloc = 0;
}

static smap_val *smap_find(const smap *m, const char *key)
{
    size_t i;
    return fw_hset_finds(&m->keys, key, &i) ? &m->val[i] : NULL;
}

/* The record for key, added (zeroed) if missing, with the key's code
** (1 + its index, in insertion order) in *code; NULL when out of memory. */
static smap_val *smap_put(smap *m, const char *key, size_t *code)
{
    size_t i;
    bool added;
    if (FW_ALLOC_GROW(m->val, fw_hset_count(&m->keys) + 1, m->alloc) != FW_OK ||
        fw_hset_adds(&m->keys, key, &i, &added) != FW_OK)
        return NULL;
    if (added)
        memset(&m->val[i], 0, sizeof m->val[i]);
    if (code)
        *code = i + 1;
    return &m->val[i];
}

/* Copies of the keys in insertion order, for a table to own; NULL when out
** of memory. */
static char **smap_names(const smap *m)
{
    size_t i, n = fw_hset_count(&m->keys);
    char **names = calloc(n ? n : 1, sizeof *names);
    if (!names)
        return NULL;
    for (i = 0; i < n; i++)
        if (!(names[i] = strdup(fw_hset_key(&m->keys, i, NULL)))) {
            while (i--)
                free(names[i]);
            free(names);
            return NULL;
        }
    return names;
}

typedef struct run {
    const fw_stats_query *q;
    fw_stats_query resolved;
    const char *only_agency;
    const char *before;    /* as of this moment, or NULL: now */
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
    smap_val *e;
    int type, state;
    if (!j) {
        r->rc = fw_error_set(r->err, FW_ERR_STORE, "agency %s does not parse", row->id);
        return 1;
    }
    type = fw_enum_index(fw_enum_find("agency_type"), member(j, "type"));
    state = fw_enum_index(fw_enum_find("us_state"), member(j, "state"));
    json_decref(j);
    if (!(e = smap_put(&r->agency_records, row->id, NULL))) {
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
    smap_val *e;
    if (!j) {
        r->rc = fw_error_set(r->err, FW_ERR_STORE, "case %s does not parse", row->id);
        return 1;
    }
    state = json_string_value(json_object_get(j, "state"));
    incident = json_string_value(json_object_get(j, "incident"));
    if (!(e = smap_put(&r->cases, incident ? incident : row->id, NULL))) {
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
        const smap_val *e = smap_find(&r->agency_records, agency);
        if (e) {
            row.agency_type = e->a;
            row.agency_state = e->b;
        }
    }
    if (r->need_cases) {
        const smap_val *e;
        memcpy(id, ir->id, ir->id_len);
        id[ir->id_len] = '\0';
        e = smap_find(&r->cases, id);
        row.finding = e ? e->a : FW_FINDING_NONE;
    }
    if (r->need_agency_codes) {
        size_t code = 0;
        const smap_val *e = smap_put(&r->agency_codes, agency, &code);
        if (!e || code > FW_STATS_MAX_CODE) {
            r->rc = fw_error_set(r->err, e ? FW_ERR_LIMIT : FW_ERR_NOMEM,
                                 e ? "more agencies than statistics can count (%u)"
                                   : "out of memory",
                                 FW_STATS_MAX_CODE);
            return 1;
        }
        row.agency = (uint32_t)code;
    }
    if (r->filtered && !fw_stats_match(&r->resolved, &row))
        return 0;
    if ((r->rc = fw_stats_agg_add(r->agg, &row, ir->sign))) {
        fw_error_set(r->err, r->rc, "cannot count: %s", fw_strerror(r->rc));
        return 1;
    }
    return 0;
}

/* Scans now, or as of r->before. */
static fw_rc latest_scan(fw_store *s, run *r, fw_record_type type, fw_record_cb cb,
                         fw_error *err)
{
    return r->before ? fw_store_latest_scan_before(s, type, r->before, cb, r, err)
                     : fw_store_latest_scan(s, type, cb, r, err);
}

static fw_rc stats_scan(fw_store *s, run *r, fw_error *err)
{
    return r->before ? fw_store_stats_scan_before(s, r->before, index_row, r, err)
                     : fw_store_stats_scan(s, index_row, r, err);
}

static fw_rc stats_run(fw_store *s, const fw_stats_query *q, const char *only_agency,
                       const char *before, fw_stats_table **out, fw_error *err)
{
    run r;
    size_t i, n = 0;
    char **names = NULL;
    fw_rc rc;

    *out = NULL;
    memset(&r, 0, sizeof r);
    r.q = q;
    r.resolved = *q;
    r.only_agency = only_agency;
    r.before = before;
    r.err = err;
    r.need_agency_records =
        fw_stats_query_uses(q, FW_DIM_AGENCY_TYPE) || fw_stats_query_uses(q, FW_DIM_STATE);
    r.need_agency_type = fw_stats_query_uses(q, FW_DIM_AGENCY_TYPE);
    r.need_cases = fw_stats_query_uses(q, FW_DIM_FINDING);
    for (i = 0; i < FW_DIM_COUNT; i++)
        r.filtered |= q->where[i].on;
    r.need_agency_codes = fw_stats_query_uses(q, FW_DIM_AGENCY);
    smap_init(&r.agency_records);
    smap_init(&r.cases);
    smap_init(&r.agency_codes);
    /* Agency ids in the filter get their codes first. */
    for (i = 0; i < q->where[FW_DIM_AGENCY].n; i++) {
        size_t code;
        if (!smap_put(&r.agency_codes, q->where[FW_DIM_AGENCY].agencies[i], &code)) {
            rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
            goto done;
        }
        r.resolved.where[FW_DIM_AGENCY].codes[i] = (uint32_t)code;
        r.resolved.where[FW_DIM_AGENCY].upto[i] = (uint32_t)code;
    }
    if ((rc = fw_store_begin_read(s, err)))
        goto done;
    if (r.need_agency_records)
        rc = latest_scan(s, &r, FW_RECORD_AGENCY, agency_row, err);
    if (!rc && r.rc)
        rc = r.rc;
    if (!rc && r.need_cases)
        rc = latest_scan(s, &r, FW_RECORD_CASE, case_row, err);
    if (!rc && r.rc)
        rc = r.rc;
    if (!rc && (rc = fw_stats_agg_new(q, NULL, 0, &r.agg)))
        fw_error_set(err, rc, "out of memory");
    if (!rc)
        rc = stats_scan(s, &r, err);
    if (!rc && r.rc)
        rc = r.rc;
    fw_store_end_read(s);
    n = fw_hset_count(&r.agency_codes.keys);
    if (!rc && !(names = smap_names(&r.agency_codes)))
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    if (!rc) {
        fw_stats_agg_set_agencies(r.agg, (const char *const *)names, n);
        rc = fw_stats_agg_finish(r.agg, out);
        r.agg = NULL;
        if (rc == FW_ERR_INTERNAL)
            fw_error_set(err, rc, "the statistics ledger takes back more than it counted");
        else if (rc)
            fw_error_set(err, rc, "out of memory");
    }
    if (!rc) {
        /* The table takes the agency names. */
        (*out)->owned_agencies = names;
        names = NULL;
    }
done:
    if (names) {
        for (i = 0; i < n; i++)
            free(names[i]);
        free(names);
    }
    fw_stats_agg_free(r.agg);
    smap_release(&r.agency_records);
    smap_release(&r.cases);
    smap_release(&r.agency_codes);
    return rc;
}

fw_rc fw_stats_run(fw_store *s, const fw_stats_query *q, const char *only_agency,
                   fw_stats_table **out, fw_error *err)
{
    return stats_run(s, q, only_agency, NULL, out, err);
}

fw_rc fw_stats_every_parse(const char *text, int64_t *every, fw_error *err)
{
    char *end;
    long long v;
    *every = 0;
    if (!text)
        return fw_error_set(err, FW_ERR_INVALID, "expected daily, hourly or a number of seconds");
    if (strcmp(text, "daily") == 0) {
        *every = FW_STATS_DAILY;
        return FW_OK;
    }
    if (strcmp(text, "hourly") == 0) {
        *every = FW_STATS_HOURLY;
        return FW_OK;
    }
    if (text[0] < '0' || text[0] > '9')
        return fw_error_set(err, FW_ERR_INVALID,
                            "expected daily, hourly or a number of seconds, not '%.40s'", text);
    v = strtoll(text, &end, 10);
    if (*end || v < 1 || v > FW_STATS_EVERY_MAX)
        return fw_error_set(err, FW_ERR_INVALID,
                            "expected daily, hourly or 1 to %d seconds, not '%.40s'",
                            FW_STATS_EVERY_MAX, text);
    *every = (int64_t)v;
    return FW_OK;
}

void fw_stats_when(double now, int64_t every, fw_stats_asof *out)
{
    int64_t t = (int64_t)now;
    if (every < 1)
        every = FW_STATS_DAILY;
    if ((double)t > now) /* before 1970: floor, not toward zero */
        t--;
    out->as_of = t / every * every;
    if (out->as_of > t)
        out->as_of -= every;
    out->next = out->as_of + every;
    fw_time_format_utc((time_t)out->as_of, out->as_of_text, sizeof out->as_of_text);
    fw_time_format_utc((time_t)out->next, out->next_text, sizeof out->next_text);
}

json_t *fw_stats_public_json(const fw_stats_table *t, const fw_stats_asof *when)
{
    json_t *j = fw_stats_json(t);
    if (j && (json_object_set_new(j, "as_of", json_string(when->as_of_text)) ||
              json_object_set_new(j, "next", json_string(when->next_text)))) {
        json_decref(j);
        return NULL;
    }
    return j;
}

fw_rc fw_stats_public(fw_store *s, const fw_stats_query *q, int k, const fw_stats_asof *when,
                      fw_stats_table **out, const char **field, fw_error *err)
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
    rc = stats_run(s, q, NULL, when->as_of_text, out, err);
    if (rc == FW_OK && (rc = fw_stats_suppress(*out, k, err)) != FW_OK) {
        fw_stats_table_free(*out);
        *out = NULL;
        if (rc == FW_ERR_INVALID)
            *field = "k";
    }
    return rc;
}
