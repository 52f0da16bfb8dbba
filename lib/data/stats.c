/*
** Statistics (see stats.h): the dimensions and their values, the query,
** the aggregator (hash maps of packed value codes) and the writers.
** Suppression is in stats_suppress.c (shared internals: stats_int.h).
*/
#include "data/stats.h"
#include "data/stats_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/facts.h"
#include "data/csv.h"
#include "record/schema.h"
#include "base/banned.h"

/* ---- dimensions ---------------------------------------------------------- */

static const struct {
    const char *name;
    const char *en;        /* the schema enumeration of its values, if any */
    bool multi;            /* a bit set in the facts */
} dims[FW_DIM_COUNT] = {
    [FW_DIM_YEAR] = {"year", NULL, false},
    [FW_DIM_MONTH] = {"month", NULL, false},
    [FW_DIM_AGENCY] = {"agency", NULL, false},
    [FW_DIM_AGENCY_TYPE] = {"agency_type", "agency_type", false},
    [FW_DIM_STATE] = {"state", "us_state", false},
    [FW_DIM_ENCOUNTER] = {"encounter", "encounter", false},
    [FW_DIM_FORCE_KIND] = {"force_kind", "force_kind", true},
    [FW_DIM_INJURY] = {"injury", "injury_severity", false},
    [FW_DIM_SEX] = {"sex", "sex", true},
    [FW_DIM_RACE] = {"race", "race", true},
    [FW_DIM_ETHNICITY] = {"ethnicity", "ethnicity", true},
    [FW_DIM_AGE_BAND] = {"age_band", NULL, true},
    [FW_DIM_ARMED] = {"armed", "weapon", true},
    [FW_DIM_THREAT] = {"threat", "threat_level", false},
    [FW_DIM_FLIGHT] = {"flight", "flee_mode", true},
    [FW_DIM_FINDING] = {"finding", NULL, false},
};

static const char *const age_bands[] = {"unknown", "0-17",  "18-24", "25-34",
                                        "35-44",   "45-54", "55-64", "65+"};
#define NAGE_BANDS 8

const char *fw_stats_dim_name(fw_stats_dim d)
{
    return (unsigned)d < FW_DIM_COUNT ? dims[d].name : NULL;
}

int fw_stats_dim_find(const char *name)
{
    int d;
    for (d = 0; d < FW_DIM_COUNT; d++)
        if (strcmp(dims[d].name, name) == 0)
            return d;
    return -1;
}

int fw_stats_finding_code(const char *finding)
{
    int i;
    for (i = 0; finding && fw_case_findings[i]; i++)
        if (strcmp(fw_case_findings[i], finding) == 0)
            return FW_FINDING_FIRST + i;
    return 0;
}

/* The number of codes of dimension d, 0 when open-ended (year, month, agency). */
static size_t dim_ncodes(fw_stats_dim d)
{
    switch (d) {
    case FW_DIM_AGE_BAND:
        return NAGE_BANDS;
    case FW_DIM_FLIGHT:
        return fw_stats_enum_count(fw_enum_find("flee_mode")) + 2;   /* + unspecified */
    case FW_DIM_FINDING: {
        size_t n = 0;
        while (fw_case_findings[n])
            n++;
        return FW_FINDING_FIRST + n;
    }
    default:
        return dims[d].en ? fw_stats_enum_count(fw_enum_find(dims[d].en)) + 1 : 0;
    }
}

/* ---- values --------------------------------------------------------------- */

/* The name of code c of a closed dimension (not year, month or agency). */
static const char *closed_value(fw_stats_dim d, uint32_t c)
{
    const fw_enum *e;
    if (c == 0)
        return "unknown";
    switch (d) {
    case FW_DIM_AGE_BAND:
        return c < NAGE_BANDS ? age_bands[c] : NULL;
    case FW_DIM_FINDING:
        if (c == FW_FINDING_NONE)
            return "none";
        if (c == FW_FINDING_OPEN)
            return "open";
        return c < dim_ncodes(d) ? fw_case_findings[c - FW_FINDING_FIRST] : NULL;
    case FW_DIM_FLIGHT:
        if (c == dim_ncodes(d) - 1)
            return "unspecified";
        break;
    default:
        break;
    }
    e = fw_enum_find(dims[d].en);
    return c <= fw_stats_enum_count(e) ? e->values[c - 1] : NULL;
}

void fw_stats_value(const fw_stats_table *t, fw_stats_dim d, uint32_t code, char *out,
                    size_t outlen)
{
    const char *v;
    if (code == 0) {
        snprintf(out, outlen, "unknown");
    } else if (d == FW_DIM_YEAR) {
        snprintf(out, outlen, "%u", (unsigned)code);
    } else if (d == FW_DIM_MONTH) {
        snprintf(out, outlen, "%04u-%02u", (unsigned)((code - 1) / 12),
                 (unsigned)((code - 1) % 12 + 1));
    } else if (d == FW_DIM_AGENCY) {
        snprintf(out, outlen, "%s",
                 t && code <= t->nagencies ? t->agencies[code - 1] : "unknown");
    } else {
        v = closed_value(d, code);
        snprintf(out, outlen, "%s", v ? v : "unknown");
    }
}

/* ---- queries -------------------------------------------------------------- */

static void dim_list(char *out, size_t n)
{
    size_t len = 0;
    int d;
    out[0] = '\0';
    for (d = 0; d < FW_DIM_COUNT && len < n; d++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", d ? ", " : "", dims[d].name);
}

static bool parse_uint(const char *s, size_t len, unsigned lo, unsigned hi, unsigned *out)
{
    unsigned v = 0;
    size_t i;
    if (len == 0 || len > 5)
        return false;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return v >= lo && v <= hi;
}

/* The code of value text v (len bytes) of dimension d; false if invalid. */
static bool value_code(fw_stats_dim d, const char *v, size_t len, uint32_t *code)
{
    unsigned y, m;
    size_t c, n;
    if (len == 7 && strncmp(v, "unknown", 7) == 0) {
        *code = 0;
        return true;
    }
    switch (d) {
    case FW_DIM_YEAR:
        if (!parse_uint(v, len, 1900, 2155, &y))
            return false;
        *code = y;
        return true;
    case FW_DIM_MONTH:
        if (len != 7 || v[4] != '-' || !parse_uint(v, 4, 1900, 2155, &y) ||
            !parse_uint(v + 5, 2, 1, 12, &m))
            return false;
        *code = y * 12 + m - 1 + 1;
        return true;
    case FW_DIM_AGENCY:
        return false;
    default:
        n = dim_ncodes(d);
        for (c = 1; c < n; c++) {
            const char *name = closed_value(d, (uint32_t)c);
            if (name && strlen(name) == len && strncmp(name, v, len) == 0) {
                *code = (uint32_t)c;
                return true;
            }
        }
        return false;
    }
}

/* Split s (modified) at sep into at most max parts; how many, or max + 1. */
static size_t split(char *s, char sep, char **parts, size_t max)
{
    size_t n = 0;
    for (;;) {
        char *at = strchr(s, sep);
        if (n == max)
            return max + 1;
        parts[n++] = s;
        if (!at)
            return n;
        *at = '\0';
        s = at + 1;
    }
}

/* The codes of range text v ("FROM..TO", dots at its "..") of ordered
** dimension d (named name): both bounds known values, FROM not after TO. */
static fw_rc range_codes(fw_stats_dim d, const char *name, const char *v, const char *dots,
                         uint32_t *lo, uint32_t *hi, fw_error *err)
{
    const char *to = dots + 2;
    size_t flen = (size_t)(dots - v), tlen = strlen(to);
    if (d != FW_DIM_YEAR && d != FW_DIM_MONTH)
        return fw_error_set(err, FW_ERR_INVALID,
                            "where: '%.64s': ranges FROM..TO apply to year and month only, not %s",
                            v, name);
    if (!value_code(d, v, flen, lo) || *lo == 0)
        return fw_error_set(err, FW_ERR_INVALID,
                            "where: range '%.64s': its start '%.*s' is not a %s (%s)", v,
                            (int)(flen < 16 ? flen : 16), v, name,
                            d == FW_DIM_YEAR ? "like 2015" : "like 2015-03");
    if (!value_code(d, to, tlen, hi) || *hi == 0)
        return fw_error_set(err, FW_ERR_INVALID,
                            "where: range '%.64s': its end '%.16s' is not a %s (%s)", v, to, name,
                            d == FW_DIM_YEAR ? "like 2019" : "like 2016-07");
    if (*lo > *hi)
        return fw_error_set(err, FW_ERR_INVALID,
                            "where: range '%.64s' is empty: its start is after its end", v);
    return FW_OK;
}

fw_rc fw_stats_query_parse(const char *by, const char *where, fw_stats_query *q,
                           const char **field, fw_error *err)
{
    char names[256], bytext[128], *parts[FW_DIM_COUNT + 1];
    size_t i, j, n;
    fw_rc rc;

    memset(q, 0, sizeof *q);
    *field = "by";
    dim_list(names, sizeof names);
    if (!by || !*by)
        return fw_error_set(err, FW_ERR_INVALID, "by: name one to %d dimensions (%s)",
                            FW_STATS_MAX_BY, names);
    if (strlen(by) >= sizeof bytext)
        return fw_error_set(err, FW_ERR_INVALID, "by: longer than %zu bytes", sizeof bytext - 1);
    memcpy(bytext, by, strlen(by) + 1);
    n = split(bytext, ',', parts, FW_STATS_MAX_BY);
    if (n > FW_STATS_MAX_BY)
        return fw_error_set(err, FW_ERR_INVALID, "by: at most %d dimensions", FW_STATS_MAX_BY);
    for (i = 0; i < n; i++) {
        int d = fw_stats_dim_find(parts[i]);
        if (!*parts[i])
            return fw_error_set(err, FW_ERR_INVALID, "by: expected DIM[,DIM...], not '%s'", by);
        if (d < 0)
            return fw_error_set(err, FW_ERR_INVALID, "by: unknown dimension '%s' (one of %s)",
                                parts[i], names);
        for (j = 0; j < q->nby; j++)
            if (q->by[j] == (fw_stats_dim)d)
                return fw_error_set(err, FW_ERR_INVALID, "by: '%s' is named twice", parts[i]);
        q->by[q->nby++] = (fw_stats_dim)d;
    }

    *field = "where";
    if (!where || !*where)
        return FW_OK;
    if (strlen(where) >= sizeof q->text)
        return fw_error_set(err, FW_ERR_INVALID, "where: longer than %zu bytes",
                            sizeof q->text - 1);
    memcpy(q->text, where, strlen(where) + 1);
    n = split(q->text, ',', parts, FW_DIM_COUNT);
    if (n > FW_DIM_COUNT)
        return fw_error_set(err, FW_ERR_INVALID, "where: more terms than dimensions");
    for (i = 0; i < n; i++) {
        char *eq = strchr(parts[i], '='), *values[FW_STATS_MAX_WHERE];
        fw_stats_filter *f;
        size_t nv;
        int d;
        if (!eq || eq == parts[i] || !eq[1])
            return fw_error_set(err, FW_ERR_INVALID,
                                "where: expected DIM=VALUE[|VALUE...], not '%.60s'", parts[i]);
        *eq = '\0';
        if ((d = fw_stats_dim_find(parts[i])) < 0)
            return fw_error_set(err, FW_ERR_INVALID,
                                "where: unknown dimension '%.40s' (one of %s)", parts[i], names);
        f = &q->where[d];
        if (f->on)
            return fw_error_set(err, FW_ERR_INVALID,
                                "where: '%s' is named twice (give its values as A|B)", parts[i]);
        f->on = true;
        nv = split(eq + 1, '|', values, FW_STATS_MAX_WHERE);
        if (nv > FW_STATS_MAX_WHERE)
            return fw_error_set(err, FW_ERR_INVALID, "where: at most %d values for '%s'",
                                FW_STATS_MAX_WHERE, parts[i]);
        for (j = 0; j < nv; j++) {
            const char *v = values[j], *dots = strstr(v, "..");
            if (dots && d != FW_DIM_AGENCY) {
                if ((rc = range_codes((fw_stats_dim)d, parts[i], v, dots, &f->codes[f->n],
                                      &f->upto[f->n], err)))
                    return rc;
                f->n++;
            } else if (d == FW_DIM_AGENCY) {
                if (!fw_id_valid(v, strlen(v)))
                    return fw_error_set(err, FW_ERR_INVALID,
                                        "where: '%.64s' is not an agency id", v);
                f->agencies[f->n++] = v;
            } else if (!value_code((fw_stats_dim)d, v, strlen(v), &f->codes[f->n])) {
                return fw_error_set(err, FW_ERR_INVALID, "where: '%.64s' is not a value of %s",
                                    v, parts[i]);
            } else {
                f->upto[f->n] = f->codes[f->n];
                f->n++;
            }
        }
    }
    return FW_OK;
}

bool fw_stats_query_uses(const fw_stats_query *q, fw_stats_dim d)
{
    size_t i;
    for (i = 0; i < q->nby; i++)
        if (q->by[i] == d)
            return true;
    return q->where[d].on;
}

/* The codes of dimension d for row r into out (at most 32); how many. */
static size_t row_codes(const fw_stats_row *r, fw_stats_dim d, uint32_t *out)
{
    const fw_stats_facts *f = &r->facts;
    uint32_t mask;
    size_t n = 0;
    unsigned b;
    switch (d) {
    case FW_DIM_YEAR:
        out[0] = f->year;
        return 1;
    case FW_DIM_MONTH:
        out[0] = f->year && f->month ? (uint32_t)f->year * 12 + f->month - 1 + 1 : 0;
        return 1;
    case FW_DIM_AGENCY:
        out[0] = r->agency;
        return 1;
    case FW_DIM_AGENCY_TYPE:
        out[0] = r->agency_type;
        return 1;
    case FW_DIM_STATE:
        out[0] = f->state ? f->state : r->agency_state;
        return 1;
    case FW_DIM_INJURY:
        out[0] = f->injury;
        return 1;
    case FW_DIM_THREAT:
        out[0] = f->threat;
        return 1;
    case FW_DIM_ENCOUNTER:
        out[0] = f->encounter;
        return 1;
    case FW_DIM_FINDING:
        out[0] = r->finding;
        return 1;
    case FW_DIM_FORCE_KIND:
        mask = f->force_kinds;
        break;
    case FW_DIM_SEX:
        mask = f->sex;
        break;
    case FW_DIM_RACE:
        mask = f->race;
        break;
    case FW_DIM_ETHNICITY:
        mask = f->ethnicity;
        break;
    case FW_DIM_AGE_BAND:
        mask = f->age_band;
        break;
    case FW_DIM_ARMED:
        mask = f->armed;
        break;
    case FW_DIM_FLIGHT:
        mask = f->flight;
        break;
    default:
        mask = 0;
        break;
    }
    for (b = 0; b < 32; b++)
        if (mask & (1u << b))
            out[n++] = b;
    if (!n)
        out[n++] = 0;
    return n;
}

bool fw_stats_match(const fw_stats_query *q, const fw_stats_row *r)
{
    uint32_t codes[32];
    int d;
    size_t i, j, n;
    for (d = 0; d < FW_DIM_COUNT; d++) {
        const fw_stats_filter *f = &q->where[d];
        bool hit = false;
        if (!f->on)
            continue;
        n = row_codes(r, (fw_stats_dim)d, codes);
        for (i = 0; i < n && !hit; i++)
            for (j = 0; j < f->n && !hit; j++)
                hit = codes[i] >= f->codes[j] && codes[i] <= f->upto[j];
        if (!hit)
            return false;
    }
    return true;
}

/* ---- aggregation ---------------------------------------------------------- */

/* A hash map from packed codes (16 bits a dimension) to counts. */
#define EMPTY_KEY UINT64_MAX

typedef struct cmap {
    uint64_t *keys;
    int64_t *vals;
    size_t cap, n;
} cmap;

static fw_rc cmap_init(cmap *m, size_t cap)
{
    size_t i;
    m->keys = malloc(cap * sizeof *m->keys);
    m->vals = calloc(cap, sizeof *m->vals);
    m->cap = cap;
    m->n = 0;
    if (!m->keys || !m->vals)
        return FW_ERR_NOMEM;
    for (i = 0; i < cap; i++)
        m->keys[i] = EMPTY_KEY;
    return FW_OK;
}

static void cmap_release(cmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t cmap_slot(const cmap *m, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);
    while (m->keys[i] != key && m->keys[i] != EMPTY_KEY)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static fw_rc cmap_add(cmap *m, uint64_t key, int64_t v)
{
    size_t i = cmap_slot(m, key);
    if (m->keys[i] == EMPTY_KEY) {
        if ((m->n + 1) * 2 > m->cap) {
            cmap bigger;
            size_t j;
            if (cmap_init(&bigger, m->cap * 2)) {
                cmap_release(&bigger);
                return FW_ERR_NOMEM;
            }
            for (j = 0; j < m->cap; j++)
                if (m->keys[j] != EMPTY_KEY) {
                    size_t s = cmap_slot(&bigger, m->keys[j]);
                    bigger.keys[s] = m->keys[j];
                    bigger.vals[s] = m->vals[j];
                }
            bigger.n = m->n;
            cmap_release(m);
            *m = bigger;
            i = cmap_slot(m, key);
        }
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] += v;
    return FW_OK;
}


struct fw_stats_agg {
    fw_stats_query q;
    const char *const *agencies;
    size_t nagencies;
    cmap single;                       /* incidents with one value in every by dimension */
    cmap multi[1u << FW_STATS_MAX_BY]; /* the others, counted in every part */
};

fw_rc fw_stats_agg_new(const fw_stats_query *q, const char *const *agencies,
                       size_t nagencies, fw_stats_agg **out)
{
    fw_stats_agg *a = calloc(1, sizeof *a);
    unsigned m;
    fw_rc rc;
    *out = NULL;
    if (!a)
        return FW_ERR_NOMEM;
    a->q = *q;
    a->agencies = agencies;
    a->nagencies = nagencies;
    rc = cmap_init(&a->single, 1024);
    for (m = 0; !rc && m < NPARTS(q->nby); m++)
        rc = cmap_init(&a->multi[m], 64);
    if (rc) {
        fw_stats_agg_free(a);
        return rc;
    }
    *out = a;
    return FW_OK;
}

void fw_stats_agg_free(fw_stats_agg *a)
{
    unsigned m;
    if (!a)
        return;
    cmap_release(&a->single);
    for (m = 0; m < NPARTS(FW_STATS_MAX_BY); m++)
        cmap_release(&a->multi[m]);
    free(a);
}

void fw_stats_agg_set_agencies(fw_stats_agg *a, const char *const *agencies, size_t n)
{
    a->agencies = agencies;
    a->nagencies = n;
}

fw_rc fw_stats_agg_add(fw_stats_agg *a, const fw_stats_row *r, int weight)
{
    uint32_t codes[FW_STATS_MAX_BY][32];
    size_t n[FW_STATS_MAX_BY], i, nby = a->q.nby;
    bool single = true;
    uint64_t key = 0;
    unsigned m;
    fw_rc rc = FW_OK;

    for (i = 0; i < nby; i++) {
        n[i] = row_codes(r, a->q.by[i], codes[i]);
        single &= n[i] == 1;
        if (codes[i][0] > FW_STATS_MAX_CODE)
            return FW_ERR_LIMIT;
        key |= (uint64_t)codes[i][0] << (16 * i);
    }
    if (single)
        return cmap_add(&a->single, key, weight);
    /* Every combination of this incident's values, in every part. */
    for (m = 0; m < NPARTS(nby) && !rc; m++) {
        size_t idx[FW_STATS_MAX_BY] = {0};
        for (;;) {
            key = 0;
            for (i = 0; i < nby; i++)
                if (m & (1u << i))
                    key |= (uint64_t)codes[i][idx[i]] << (16 * i);
            if ((rc = cmap_add(&a->multi[m], key, weight)))
                break;
            for (i = 0; i < nby; i++) {
                if (!(m & (1u << i)))
                    continue;
                if (++idx[i] < n[i])
                    break;
                idx[i] = 0;
            }
            if (i == nby)
                break;
        }
    }
    return rc;
}

/* Sorting cells: "unknown" last, agencies by name, others by code. */
static _Thread_local const fw_stats_table *sort_table;
static _Thread_local int sort_part_dims;

static int cell_cmp(const void *pa, const void *pb)
{
    const fw_stats_cell *x = pa, *y = pb;
    size_t i;
    for (i = 0; i < sort_table->nby; i++) {
        uint32_t u = x->codes[i], v = y->codes[i];
        if (!(sort_part_dims & (1 << i)) || u == v)
            continue;
        if (u == 0 || v == 0)
            return u == 0 ? 1 : -1;
        if (sort_table->by[i] == FW_DIM_AGENCY && u <= sort_table->nagencies &&
            v <= sort_table->nagencies)
            return strcmp(sort_table->agencies[u - 1], sort_table->agencies[v - 1]);
        return u < v ? -1 : 1;
    }
    return 0;
}

void fw_stats_sort_cells(const fw_stats_table *t, unsigned part, fw_stats_part *p)
{
    sort_table = t;
    sort_part_dims = (int)part;
    qsort(p->cells, p->n, sizeof *p->cells, cell_cmp);
}

fw_rc fw_stats_agg_finish(fw_stats_agg *a, fw_stats_table **out)
{
    fw_stats_table *t = calloc(1, sizeof *t);
    size_t nby = a->q.nby, i, j;
    unsigned m;
    fw_rc rc = FW_OK;

    *out = NULL;
    if (!t)
        return FW_ERR_NOMEM;
    t->nby = nby;
    memcpy(t->by, a->q.by, sizeof t->by);
    t->agencies = a->agencies;
    t->nagencies = a->nagencies;
    for (m = 0; m < NPARTS(nby) && !rc; m++) {
        uint64_t keep = 0;
        cmap part;
        for (i = 0; i < nby; i++)
            if (m & (1u << i))
                keep |= (uint64_t)0xFFFF << (16 * i);
        if ((rc = cmap_init(&part, 64)))
            break;
        for (j = 0; j < a->single.cap && !rc; j++)
            if (a->single.keys[j] != EMPTY_KEY)
                rc = cmap_add(&part, a->single.keys[j] & keep, a->single.vals[j]);
        for (j = 0; j < a->multi[m].cap && !rc; j++)
            if (a->multi[m].keys[j] != EMPTY_KEY)
                rc = cmap_add(&part, a->multi[m].keys[j], a->multi[m].vals[j]);
        if (!rc && m == 0 && part.n == 0)
            rc = cmap_add(&part, 0, 0);
        if (!rc) {
            fw_stats_part *p = &t->part[m];
            p->cells = calloc(part.n ? part.n : 1, sizeof *p->cells);
            if (!p->cells)
                rc = FW_ERR_NOMEM;
            for (j = 0; !rc && j < part.cap; j++) {
                fw_stats_cell *c;
                if (part.keys[j] == EMPTY_KEY || (part.vals[j] == 0 && m != 0))
                    continue;
                if (part.vals[j] < 0) {
                    rc = FW_ERR_INTERNAL;
                    break;
                }
                c = &p->cells[p->n++];
                for (i = 0; i < nby; i++)
                    c->codes[i] = (uint32_t)(part.keys[j] >> (16 * i)) & 0xFFFF;
                c->count = part.vals[j];
            }
            if (!rc)
                fw_stats_sort_cells(t, m, p);
        }
        cmap_release(&part);
    }
    fw_stats_agg_free(a);
    if (rc) {
        fw_stats_table_free(t);
        return rc;
    }
    *out = t;
    return FW_OK;
}

void fw_stats_table_free(fw_stats_table *t)
{
    unsigned m;
    if (!t)
        return;
    for (m = 0; m < NPARTS(FW_STATS_MAX_BY); m++)
        free(t->part[m].cells);
    if (t->owned_agencies) {
        size_t i;
        for (i = 0; i < t->nagencies; i++)
            free(t->owned_agencies[i]);
        free(t->owned_agencies);
    }
    free(t);
}

/* ---- output --------------------------------------------------------------- */

static json_t *cell_json(const fw_stats_table *t, unsigned m, const fw_stats_cell *c)
{
    json_t *o = json_object();
    char v[128];
    size_t i;
    for (i = 0; i < t->nby; i++) {
        if (!(m & (1u << i)))
            continue;
        fw_stats_value(t, t->by[i], c->codes[i], v, sizeof v);
        json_object_set_new(o, fw_stats_dim_name(t->by[i]), json_string(v));
    }
    if (c->suppressed) {
        json_object_set_new(o, "count", json_null());
        json_object_set_new(o, "suppressed", json_true());
    } else {
        json_object_set_new(o, "count", json_integer(c->count));
    }
    return o;
}

json_t *fw_stats_json(const fw_stats_table *t)
{
    json_t *by = json_array(), *cells = json_array(), *margins = json_object();
    const fw_stats_cell *total = &t->part[0].cells[0];
    unsigned full = NPARTS(t->nby) - 1, m;
    size_t i;

    for (i = 0; i < t->nby; i++)
        json_array_append_new(by, json_string(fw_stats_dim_name(t->by[i])));
    for (i = 0; i < t->part[full].n; i++)
        json_array_append_new(cells, cell_json(t, full, &t->part[full].cells[i]));
    for (m = 1; m < full; m++) {
        json_t *list = json_array();
        char name[128] = "";
        size_t len = 0;
        for (i = 0; i < t->nby; i++)
            if (m & (1u << i))
                len += (size_t)snprintf(name + len, sizeof name - len, "%s%s", len ? "," : "",
                                        fw_stats_dim_name(t->by[i]));
        for (i = 0; i < t->part[m].n; i++)
            json_array_append_new(list, cell_json(t, m, &t->part[m].cells[i]));
        json_object_set_new(margins, name, list);
    }
    return json_pack("{s:o, s:i, s:o, s:o, s:o}", "by", by, "k", t->k, "total",
                     total->suppressed ? json_null() : json_integer(total->count), "cells",
                     cells, "margins", margins);
}


fw_rc fw_stats_csv(const fw_stats_table *t, fw_buf *out)
{
    unsigned full = NPARTS(t->nby) - 1;
    char v[128];
    size_t i, c;
    fw_rc rc = FW_OK;
    for (i = 0; i < t->nby && !rc; i++)
        rc = fw_buf_printf(out, "%s,", fw_stats_dim_name(t->by[i]));
    if (!rc)
        rc = fw_buf_adds(out, "count\n");
    for (c = 0; c < t->part[full].n && !rc; c++) {
        const fw_stats_cell *cell = &t->part[full].cells[c];
        for (i = 0; i < t->nby && !rc; i++) {
            fw_stats_value(t, t->by[i], cell->codes[i], v, sizeof v);
            if (!(rc = fw_csv_write_field(v, strlen(v), out)))
                rc = fw_buf_addc(out, ',');
        }
        if (!rc)
            rc = cell->suppressed ? fw_buf_addc(out, '\n')
                                  : fw_buf_printf(out, "%lld\n", (long long)cell->count);
    }
    return rc;
}

fw_rc fw_stats_text(const fw_stats_table *t, fw_buf *out)
{
    unsigned full = NPARTS(t->nby) - 1;
    const fw_stats_cell *total = &t->part[0].cells[0];
    size_t width[FW_STATS_MAX_BY], i, c;
    char v[128];
    fw_rc rc = FW_OK;

    for (i = 0; i < t->nby; i++)
        width[i] = strlen(fw_stats_dim_name(t->by[i]));
    for (c = 0; c < t->part[full].n; c++)
        for (i = 0; i < t->nby; i++) {
            fw_stats_value(t, t->by[i], t->part[full].cells[c].codes[i], v, sizeof v);
            if (strlen(v) > width[i])
                width[i] = strlen(v);
        }
    for (i = 0; i < t->nby && !rc; i++)
        rc = fw_buf_printf(out, "%-*s  ", (int)width[i], fw_stats_dim_name(t->by[i]));
    if (!rc)
        rc = fw_buf_printf(out, "%8s\n", "count");
    for (c = 0; c < t->part[full].n && !rc; c++) {
        const fw_stats_cell *cell = &t->part[full].cells[c];
        for (i = 0; i < t->nby && !rc; i++) {
            fw_stats_value(t, t->by[i], cell->codes[i], v, sizeof v);
            rc = fw_buf_printf(out, "%-*s  ", (int)width[i], v);
        }
        if (!rc)
            rc = cell->suppressed ? fw_buf_printf(out, "%8s\n", "<k")
                                  : fw_buf_printf(out, "%8lld\n", (long long)cell->count);
    }
    if (!rc)
        rc = total->suppressed ? fw_buf_adds(out, "total: suppressed\n")
                               : fw_buf_printf(out, "total: %lld incidents\n",
                                               (long long)total->count);
    return rc;
}
