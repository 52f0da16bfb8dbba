/*
** Unit tests of the statistics module: the facts an incident contributes,
** queries, counting with several values per incident, and suppression.  The
** suppression tests end in an auditor that, for thousands of small random
** tables, enumerates every table consistent with what is published (the
** unsuppressed cells, margins and total, with non-negative whole counts)
** and asserts that each suppressed value takes at least two values among
** them, and that nothing published is under k.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"
#include "data/stats.h"

static fw_doc *parse(const char *text)
{
    fw_diag d;
    fw_doc *doc = NULL;
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test doc: %s", d.msgs[0]);
    fw_diag_release(&d);
    return doc;
}

static uint32_t code(fw_stats_dim d, const char *value)
{
    fw_stats_query q;
    const char *field;
    char where[128];
    fw_error err;
    snprintf(where, sizeof where, "%s=%s", fw_stats_dim_name(d), value);
    if (fw_stats_query_parse("year", where, &q, &field, &err) != FW_OK)
        fail_msg("%s", err.msg);
    return q.where[d].codes[0];
}

static void test_facts(void **state)
{
    fw_stats_facts f, back;
    uint8_t bytes[FW_STATS_FACTS_BYTES];
    fw_doc *doc;
    (void)state;
    doc = parse("{\"id\":\"x-1\",\"agency\":\"a\",\"occurred_at\":\"2019-03-31T23:30:00-05:00\","
                "\"location\":{\"state\":\"OH\"},\"encounter\":\"foot_pursuit\","
                "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\"}],"
                "\"subjects\":[{\"id\":\"s-1\",\"age\":17,\"sex\":\"male\",\"race\":\"black\","
                "\"ethnicity\":\"hispanic\",\"injury\":\"minor\"},"
                "{\"id\":\"s-2\",\"age\":65,\"race\":\"unknown\",\"armed\":\"knife\"}],"
                "\"accounts\":["
                "{\"id\":\"a\",\"kind\":\"officer_report\",\"source\":\"r\",\"events\":["
                "{\"t\":0,\"type\":\"threat\",\"actor\":\"s-1\",\"level\":\"minor\"},"
                "{\"t\":1,\"type\":\"armed\",\"actor\":\"s-1\",\"weapon\":\"firearm\"},"
                "{\"t\":2,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"},"
                "{\"t\":3,\"type\":\"injury\",\"person\":\"s-1\",\"severity\":\"fatal\"}]},"
                "{\"id\":\"b\",\"kind\":\"video_analysis\",\"source\":\"v\",\"events\":["
                "{\"t\":0,\"type\":\"threat\",\"actor\":\"s-1\",\"level\":\"death\"},"
                "{\"t\":1,\"type\":\"flee\",\"actor\":\"s-2\"},"
                "{\"t\":2,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"firearm_discharge\","
                "\"target\":\"s-1\"},"
                "{\"t\":3,\"type\":\"injury\",\"person\":\"s-2\",\"severity\":\"serious\"}]}]}");
    fw_stats_facts_of(doc, &f);
    fw_doc_free(doc);
    /* The local date as written, not the UTC one (2019-04-01). */
    assert_int_equal(f.year, 2019);
    assert_int_equal(f.month, 3);
    assert_int_equal(f.state, code(FW_DIM_STATE, "OH"));
    /* s-1's stated injury is the established one (minor, not the account's
    ** fatal); s-2 has none established, so the accounts' most severe. */
    assert_int_equal(f.injury, code(FW_DIM_INJURY, "serious"));
    assert_int_equal(f.threat, code(FW_DIM_THREAT, "death"));
    assert_int_equal(f.force_kinds, (1u << code(FW_DIM_FORCE_KIND, "ecd")) |
                                        (1u << code(FW_DIM_FORCE_KIND, "firearm_discharge")));
    assert_int_equal(f.sex, (1u << code(FW_DIM_SEX, "male")) | 1u);
    assert_int_equal(f.race, (1u << code(FW_DIM_RACE, "black")) | 1u);
    /* Ethnicity is its own dimension: s-1 is hispanic, s-2 did not say. */
    assert_int_equal(f.ethnicity, (1u << code(FW_DIM_ETHNICITY, "hispanic")) | 1u);
    assert_int_equal(f.encounter, code(FW_DIM_ENCOUNTER, "foot_pursuit"));
    assert_int_equal(f.age_band, (1u << code(FW_DIM_AGE_BAND, "0-17")) |
                                     (1u << code(FW_DIM_AGE_BAND, "65+")));
    assert_int_equal(f.armed, (1u << code(FW_DIM_ARMED, "firearm")) |
                                  (1u << code(FW_DIM_ARMED, "knife")));
    assert_int_equal(f.flight, 1u << code(FW_DIM_FLIGHT, "unspecified"));
    fw_stats_facts_encode(&f, bytes);
    assert_true(fw_stats_facts_decode(bytes, sizeof bytes, &back));
    assert_memory_equal(&f, &back, sizeof f);
    assert_false(fw_stats_facts_decode(bytes, sizeof bytes - 1, &back));

    /* Nothing stated: every dimension unknown, never absent. */
    doc = parse("{\"id\":\"x-2\",\"agency\":\"a\",\"occurred_at\":\"2020-12-01\",\"officers\":[],"
                "\"accounts\":[{\"id\":\"a\",\"kind\":\"other\",\"source\":\"s\",\"events\":[]}]}");
    fw_stats_facts_of(doc, &f);
    fw_doc_free(doc);
    assert_int_equal(f.state, 0);
    assert_int_equal(f.injury, 0);
    assert_int_equal(f.threat, 0);
    assert_int_equal(f.encounter, 0);
    assert_int_equal(f.force_kinds, 1);
    assert_int_equal(f.sex & f.race & f.ethnicity & f.age_band & f.armed & f.flight, 1);
}

static void test_age_bands(void **state)
{
    static const int ages[] = {0, 17, 18, 24, 25, 34, 35, 44, 45, 54, 55, 64, 65, 120};
    static const int bands[] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof ages / sizeof ages[0]; i++)
        assert_int_equal(fw_stats_age_band(ages[i]), bands[i]);
}

/* The stored index holds enumeration positions: changing these lists'
** order silently relabels every stored incident, so it needs a migration
** that rebuilds the index (docs/statistics.md). */
static void test_codes_pinned(void **state)
{
    static const struct {
        const char *en, *values;
    } pinned[] = {
        {"force_kind", "firearm_drawn firearm_aimed firearm_discharge warning_shot ecd oc_spray "
                       "impact_weapon takedown hands_on chokehold carotid_restraint canine "
                       "less_lethal_projectile chemical_munition vehicle_contact other"},
        {"injury_severity", "none minor serious fatal"},
        {"threat_level", "none minor serious_bodily_injury death"},
        {"sex", "male female other unknown"},
        {"race", "white black asian american_indian pacific_islander other unknown"},
        {"ethnicity", "hispanic not_hispanic unknown"},
        {"encounter", "vehicle_stop pedestrian_stop foot_pursuit vehicle_pursuit arrest "
                      "home_entry crowd_control custody off_duty welfare_check other unknown"},
        {"weapon", "firearm knife vehicle replica blunt_object other none unknown"},
        {"flee_mode", "foot vehicle other"},
        {"agency_type", "federal state_police local_police sheriff tribal university other unknown "
                        "federal_department federal_component federal_field_office"},
    };
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof pinned / sizeof pinned[0]; i++) {
        const fw_enum *e = fw_enum_find(pinned[i].en);
        char all[512] = "";
        size_t len = 0;
        assert_non_null(e);
        for (k = 0; e->values[k]; k++)
            len += (size_t)snprintf(all + len, sizeof all - len, "%s%s", k ? " " : "",
                                    e->values[k]);
        assert_string_equal(all, pinned[i].values);
    }
    assert_int_equal(fw_stats_finding_code("within_policy"), FW_FINDING_FIRST);
    assert_int_equal(fw_stats_finding_code("nonsense"), 0);
}

static void expect_parse_error(const char *by, const char *where, const char *field,
                               const char *msg)
{
    fw_stats_query q;
    const char *f;
    fw_error err;
    assert_int_equal(fw_stats_query_parse(by, where, &q, &f, &err), FW_ERR_INVALID);
    assert_string_equal(f, field);
    if (!strstr(err.msg, msg))
        fail_msg("'%s' lacks '%s'", err.msg, msg);
}

static void test_query(void **state)
{
    fw_stats_query q;
    const char *f;
    fw_error err;
    (void)state;
    assert_int_equal(fw_stats_query_parse("year,state", "state=CA|WA,month=2020-02", &q, &f, &err),
                     FW_OK);
    assert_int_equal(q.nby, 2);
    assert_int_equal(q.by[1], FW_DIM_STATE);
    assert_true(q.where[FW_DIM_STATE].on);
    assert_int_equal(q.where[FW_DIM_STATE].n, 2);
    assert_int_equal(q.where[FW_DIM_MONTH].codes[0], 2020 * 12 + 1 + 1);
    assert_int_equal(fw_stats_query_parse("agency", "agency=wapo-agency-1|x", &q, &f, &err), FW_OK);
    assert_string_equal(q.where[FW_DIM_AGENCY].agencies[1], "x");
    expect_parse_error(NULL, NULL, "by", "name one to 4 dimensions");
    expect_parse_error("name", NULL, "by", "unknown dimension 'name'");
    expect_parse_error("year,", NULL, "by", "expected DIM[,DIM...]");
    expect_parse_error("year,year", NULL, "by", "'year' is named twice");
    expect_parse_error("year,state,race,sex,armed", NULL, "by", "at most 4 dimensions");
    expect_parse_error("year", "state", "where", "expected DIM=VALUE");
    expect_parse_error("year", "state=XX", "where", "'XX' is not a value of state");
    expect_parse_error("year", "year=15", "where", "'15' is not a value of year");
    expect_parse_error("year", "month=2020-13", "where", "not a value of month");
    expect_parse_error("year", "date=2020-01-01", "where", "unknown dimension 'date'");
    expect_parse_error("year", "state=CA,state=WA", "where", "named twice");
    expect_parse_error("year", "state=CA,", "where", "expected DIM=VALUE");
    expect_parse_error("year", "agency=a b", "where", "not an agency id");

    /* Ranges of the ordered time dimensions, inclusive, beside single values. */
    assert_int_equal(fw_stats_query_parse("encounter", "month=2015-03..2016-07|2019-01,"
                                          "year=2015..2019,encounter=arrest|unknown",
                                          &q, &f, &err), FW_OK);
    assert_int_equal(q.where[FW_DIM_MONTH].n, 2);
    assert_int_equal(q.where[FW_DIM_MONTH].codes[0], code(FW_DIM_MONTH, "2015-03"));
    assert_int_equal(q.where[FW_DIM_MONTH].upto[0], code(FW_DIM_MONTH, "2016-07"));
    assert_int_equal(q.where[FW_DIM_MONTH].upto[1], q.where[FW_DIM_MONTH].codes[1]);
    assert_int_equal(q.where[FW_DIM_YEAR].codes[0], 2015);
    assert_int_equal(q.where[FW_DIM_YEAR].upto[0], 2019);
    assert_int_equal(q.where[FW_DIM_ENCOUNTER].codes[1], 0);
    assert_int_equal(fw_stats_query_parse("year", "year=2015..2015", &q, &f, &err), FW_OK);
    expect_parse_error("year", "month=2015-13..2016-07", "where",
                       "its start '2015-13' is not a month");
    expect_parse_error("year", "month=2015-03..2016", "where", "its end '2016' is not a month");
    expect_parse_error("year", "year=2015..", "where", "its end '' is not a year");
    expect_parse_error("year", "year=unknown..2019", "where", "its start 'unknown' is not a year");
    expect_parse_error("year", "year=2019..2015", "where", "range '2019..2015' is empty");
    expect_parse_error("year", "month=2016-07..2016-06", "where", "is empty");
    expect_parse_error("year", "state=CA..WA", "where", "year and month only, not state");
    expect_parse_error("year", "ethnicity=latino", "where", "'latino' is not a value of ethnicity");
}

/* ---- tables of synthetic incidents ------------------------------------------- */

static fw_stats_row row_of(int year, int state)
{
    fw_stats_row r;
    memset(&r, 0, sizeof r);
    r.facts.year = (uint16_t)year;
    r.facts.state = (uint8_t)state;
    r.facts.force_kinds = r.facts.sex = r.facts.race = r.facts.ethnicity = r.facts.age_band = 1;
    r.facts.armed = r.facts.flight = 1;
    return r;
}

/* A table of counts[i][j] incidents in year 2000 + i and state j + 1. */
static fw_stats_table *table_of(const char *by, int R, int C, const int *counts)
{
    fw_stats_query q;
    fw_stats_agg *a;
    fw_stats_table *t;
    const char *f;
    fw_error err;
    int i, j, n;
    assert_int_equal(fw_stats_query_parse(by, NULL, &q, &f, &err), FW_OK);
    assert_int_equal(fw_stats_agg_new(&q, NULL, 0, &a), FW_OK);
    for (i = 0; i < R; i++)
        for (j = 0; j < C; j++)
            for (n = 0; n < counts[i * C + j]; n++) {
                fw_stats_row r = row_of(2000 + i, j + 1);
                assert_int_equal(fw_stats_agg_add(a, &r, 1), FW_OK);
            }
    assert_int_equal(fw_stats_agg_finish(a, &t), FW_OK);
    return t;
}

static void test_multi_valued(void **state)
{
    fw_stats_query q;
    fw_stats_agg *a;
    fw_stats_table *t;
    fw_stats_row r = row_of(2020, 5);
    const char *f;
    fw_error err;
    json_t *j;
    char *text;
    (void)state;
    assert_int_equal(fw_stats_query_parse("force_kind,year", NULL, &q, &f, &err), FW_OK);
    assert_int_equal(fw_stats_agg_new(&q, NULL, 0, &a), FW_OK);
    r.facts.force_kinds = (1u << code(FW_DIM_FORCE_KIND, "ecd")) |
                          (1u << code(FW_DIM_FORCE_KIND, "hands_on"));
    assert_int_equal(fw_stats_agg_add(a, &r, 1), FW_OK);
    r.facts.force_kinds = 1u << code(FW_DIM_FORCE_KIND, "ecd");
    assert_int_equal(fw_stats_agg_add(a, &r, 1), FW_OK);
    r.facts.year = 2021;
    assert_int_equal(fw_stats_agg_add(a, &r, 1), FW_OK);
    assert_int_equal(fw_stats_agg_finish(a, &t), FW_OK);
    j = fw_stats_json(t);
    text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    /* Once in each of its values; the total and margins are distinct incidents. */
    assert_string_equal(text,
        "{\"by\":[\"force_kind\",\"year\"],\"cells\":["
        "{\"count\":2,\"force_kind\":\"ecd\",\"year\":\"2020\"},"
        "{\"count\":1,\"force_kind\":\"ecd\",\"year\":\"2021\"},"
        "{\"count\":1,\"force_kind\":\"hands_on\",\"year\":\"2020\"}],"
        "\"k\":0,\"margins\":{\"force_kind\":[{\"count\":3,\"force_kind\":\"ecd\"},"
        "{\"count\":1,\"force_kind\":\"hands_on\"}],"
        "\"year\":[{\"count\":2,\"year\":\"2020\"},{\"count\":1,\"year\":\"2021\"}]},"
        "\"total\":3}");
    free(text);
    json_decref(j);
    fw_stats_table_free(t);
}

static void test_filter(void **state)
{
    fw_stats_query q;
    fw_stats_row r = row_of(2020, 5);
    const char *f;
    fw_error err;
    (void)state;
    assert_int_equal(fw_stats_query_parse("year", "year=2019|2020,state=unknown", &q, &f, &err),
                     FW_OK);
    assert_false(fw_stats_match(&q, &r));
    r.facts.state = 0;
    assert_true(fw_stats_match(&q, &r));
    r.agency_state = 5;       /* the agency's state stands in for a missing one */
    assert_false(fw_stats_match(&q, &r));
    r.facts.year = 2018;
    r.agency_state = 0;
    assert_false(fw_stats_match(&q, &r));

    /* A range holds both ends and what lies between, never unknown. */
    assert_int_equal(fw_stats_query_parse("year", "month=2019-11..2020-02,encounter=arrest", &q,
                                          &f, &err), FW_OK);
    r = row_of(2019, 5);
    r.facts.encounter = (uint8_t)code(FW_DIM_ENCOUNTER, "arrest");
    r.facts.month = 10;
    assert_false(fw_stats_match(&q, &r));
    r.facts.month = 11;
    assert_true(fw_stats_match(&q, &r));
    r.facts.year = 2020;
    r.facts.month = 2;
    assert_true(fw_stats_match(&q, &r));
    r.facts.month = 3;
    assert_false(fw_stats_match(&q, &r));
    r.facts.month = 0;
    assert_false(fw_stats_match(&q, &r));
    r.facts.month = 1;
    r.facts.encounter = (uint8_t)code(FW_DIM_ENCOUNTER, "custody");
    assert_false(fw_stats_match(&q, &r));
    /* Ethnicity matches any subject's. */
    assert_int_equal(fw_stats_query_parse("year", "ethnicity=hispanic", &q, &f, &err), FW_OK);
    r.facts.ethnicity = 1u | (1u << code(FW_DIM_ETHNICITY, "hispanic"));
    assert_true(fw_stats_match(&q, &r));
    r.facts.ethnicity = 1u << code(FW_DIM_ETHNICITY, "not_hispanic");
    assert_false(fw_stats_match(&q, &r));
}

/* ---- the auditor ----------------------------------------------------------- */

typedef struct audit {
    int R, C;                       /* C = 0 for a one-dimensional table */
    int64_t cell[64];               /* true counts, R x max(C,1) */
    bool sup[64];
    int64_t row[8], col[8], total;  /* margins (row = dim 0, col = dim 1) */
    bool row_sup[8], col_sup[8], total_sup;
    /* search */
    int unknown[64], nunknown;
    int64_t val[64];
    long nodes;
} audit;

static int W(const audit *a)
{
    return a->C ? a->C : 1;
}

/* The most an unknown cell can hold: its smallest published line. */
static int64_t cap_of(const audit *a, int e)
{
    int i = e / W(a), j = e % W(a);
    int64_t cap = a->total * 2 + 10;
    if (a->C && !a->row_sup[i] && a->row[i] < cap)
        cap = a->row[i];
    if (a->C && !a->col_sup[j] && a->col[j] < cap)
        cap = a->col[j];
    if (!a->total_sup && a->total < cap)
        cap = a->total;
    return cap;
}

/* Sums of the lines over known cells and the first `upto` unknowns, and the
** most the other unknowns could add. */
static bool prune(const audit *a, int upto)
{
    int64_t rows[8] = {0}, cols[8] = {0}, total = 0, rrest[8] = {0}, crest[8] = {0}, trest = 0;
    int n, w = W(a), i, j;
    for (i = 0; i < a->R; i++)
        for (j = 0; j < w; j++)
            if (!a->sup[i * w + j]) {
                rows[i] += a->cell[i * w + j];
                cols[j] += a->cell[i * w + j];
                total += a->cell[i * w + j];
            }
    for (n = 0; n < a->nunknown; n++) {
        int e = a->unknown[n];
        if (n < upto) {
            rows[e / w] += a->val[e];
            cols[e % w] += a->val[e];
            total += a->val[e];
        } else {
            int64_t c = cap_of(a, e);
            rrest[e / w] += c;
            crest[e % w] += c;
            trest += c;
        }
    }
    for (i = 0; a->C && i < a->R; i++)
        if (!a->row_sup[i] && (rows[i] > a->row[i] || rows[i] + rrest[i] < a->row[i]))
            return true;
    for (j = 0; a->C && j < a->C; j++)
        if (!a->col_sup[j] && (cols[j] > a->col[j] || cols[j] + crest[j] < a->col[j]))
            return true;
    return !a->total_sup && (total > a->total || total + trest < a->total);
}

/* The value of slot s (a cell, a row or column margin, the total) under the
** current complete assignment. */
static int64_t slot_value(const audit *a, int s)
{
    int64_t v = 0;
    int i, j, w = W(a);
    if (s < 64)
        return a->sup[s] ? a->val[s] : a->cell[s];
    for (i = 0; i < a->R; i++)
        for (j = 0; j < w; j++)
            if ((s < 72 && i == s - 64) || (s >= 72 && s < 80 && j == s - 72) || s == 80)
                v += a->sup[i * w + j] ? a->val[i * w + j] : a->cell[i * w + j];
    return v;
}

/* Whether some assignment of the unknowns from the n-th on meets every
** published value and gives slot `target` a value other than `truth`. */
static bool other_value(audit *a, int n, int target, int64_t truth)
{
    int e;
    int64_t v, cap;
    if (++a->nodes > 5000000)
        return false;
    if (prune(a, n))
        return false;
    if (n == a->nunknown)
        return slot_value(a, target) != truth;
    e = a->unknown[n];
    cap = cap_of(a, e);
    for (v = 0; v <= cap; v++) {
        if (e == target && v == truth)
            continue;
        a->val[e] = v;
        if (other_value(a, n + 1, target, truth))
            return true;
    }
    return false;
}

static const fw_stats_cell *find_cell(const fw_stats_part *p, size_t dim, uint32_t c0,
                                      uint32_t c1, bool two)
{
    size_t i;
    for (i = 0; i < p->n; i++)
        if (p->cells[i].codes[dim] == c0 && (!two || p->cells[i].codes[1] == c1))
            return &p->cells[i];
    return NULL;
}

/* Suppress t with k and audit it against the true counts. */
static void audit_table(fw_stats_table *t, int R, int C, const int *counts, int k)
{
    audit a;
    int i, j, w = C ? C : 1;
    fw_error err;
    fw_stats_part *full = &t->part[C ? 3 : 1];
    size_t p, ci;

    assert_int_equal(fw_stats_suppress(t, k, &err), FW_OK);
    /* Nothing published is under k. */
    for (p = 0; p < (C ? 4u : 2u); p++)
        for (ci = 0; ci < t->part[p].n; ci++)
            if (!t->part[p].cells[ci].suppressed && t->part[p].cells[ci].count > 0 &&
                t->part[p].cells[ci].count < k)
                fail_msg("a published count %lld is under k=%d",
                         (long long)t->part[p].cells[ci].count, k);

    memset(&a, 0, sizeof a);
    a.R = R;
    a.C = C;
    for (i = 0; i < R; i++)
        for (j = 0; j < w; j++) {
            const fw_stats_cell *c = find_cell(full, 0, (uint32_t)(2000 + i), (uint32_t)(j + 1),
                                               C > 0);
            a.cell[i * w + j] = counts[i * w + j];
            a.sup[i * w + j] = c && c->suppressed;
            a.row[i] += counts[i * w + j];
            a.col[j] += counts[i * w + j];
            a.total += counts[i * w + j];
            if (c && !c->suppressed && c->count != counts[i * w + j])
                fail_msg("cell count %lld, expected %d", (long long)c->count, counts[i * w + j]);
            if (!c && counts[i * w + j] != 0)
                fail_msg("a non-zero cell is missing");
            if (a.sup[i * w + j])
                a.unknown[a.nunknown++] = i * w + j;
        }
    a.total_sup = t->part[0].cells[0].suppressed;
    for (i = 0; C && i < R; i++) {
        const fw_stats_cell *c = find_cell(&t->part[1], 0, (uint32_t)(2000 + i), 0, false);
        a.row_sup[i] = c && c->suppressed;
    }
    for (j = 0; C && j < C; j++) {
        const fw_stats_cell *c = find_cell(&t->part[2], 1, (uint32_t)(j + 1), 0, false);
        a.col_sup[j] = c && c->suppressed;
    }
    /* Every suppressed cell, margin and total must be able to take another value. */
    for (i = 0; i < 81; i++) {
        bool suppressed = i < 64 ? (i < R * w && a.sup[i])
                        : i < 72 ? (C && i - 64 < R && a.row_sup[i - 64])
                        : i < 80 ? (C && i - 72 < C && a.col_sup[i - 72])
                                 : a.total_sup;
        int64_t truth;
        if (!suppressed)
            continue;
        for (j = 0; j < a.nunknown; j++)
            a.val[a.unknown[j]] = a.cell[a.unknown[j]];
        truth = slot_value(&a, i);
        /* The target cell first, so its other values are tried at the root. */
        if (i < 64)
            for (j = 0; j < a.nunknown; j++)
                if (a.unknown[j] == i) {
                    a.unknown[j] = a.unknown[0];
                    a.unknown[0] = i;
                }
        a.nodes = 0;
        if (!other_value(&a, 0, i, truth)) {
            char shape[512];
            int len = snprintf(shape, sizeof shape, "k=%d %dx%d:", k, R, C);
            assert_true(a.nodes <= 5000000);
            for (j = 0; j < R * w; j++)
                len += snprintf(shape + len, sizeof shape - (size_t)len, " %d%s", counts[j],
                                a.sup[j] ? "*" : "");
            fail_msg("suppressed value at slot %d is derivable (%lld): %s", i, (long long)truth,
                     shape);
        }
    }
}

static unsigned long rng_state = 12345;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

/* Small counts, often zero or under k, sometimes large. */
static int random_count(int k)
{
    switch (rnd(6)) {
    case 0:
        return 0;
    case 1:
    case 2:
        return 1 + (int)rnd((unsigned)k);
    case 3:
        return (int)rnd(3);
    default:
        return k + (int)rnd(8);
    }
}

static void test_suppression_audit_1d(void **state)
{
    int counts[8], iter, i;
    (void)state;
    for (iter = 0; iter < 3000; iter++) {
        int R = 1 + (int)rnd(6), k = 2 + (int)rnd(6);
        for (i = 0; i < R; i++)
            counts[i] = random_count(k);
        fw_stats_table *t = table_of("year", R, 1, counts);
        audit_table(t, R, 0, counts, k);
        fw_stats_table_free(t);
    }
}

static void test_suppression_audit_2d(void **state)
{
    int counts[64], iter, i;
    (void)state;
    for (iter = 0; iter < 3000; iter++) {
        int R = 1 + (int)rnd(4), C = 1 + (int)rnd(4), k = 2 + (int)rnd(5);
        fw_stats_table *t;
        for (i = 0; i < R * C; i++)
            counts[i] = random_count(k);
        t = table_of("year,state", R, C, counts);
        audit_table(t, R, C, counts, k);
        fw_stats_table_free(t);
    }
}

/* A margin is suppressed exactly as the table of its own dimension is, so
** asking for year and for year,state never reveals what either hides. */
static void test_margins_consistent(void **state)
{
    int counts[64], iter, i;
    fw_error err;
    (void)state;
    for (iter = 0; iter < 500; iter++) {
        int R = 1 + (int)rnd(5), C = 1 + (int)rnd(5), k = 2 + (int)rnd(5), rows[8] = {0};
        fw_stats_table *two, *one;
        for (i = 0; i < R * C; i++) {
            counts[i] = random_count(k);
            rows[i / C] += counts[i];
        }
        two = table_of("year,state", R, C, counts);
        one = table_of("year", R, 1, rows);
        assert_int_equal(fw_stats_suppress(two, k, &err), FW_OK);
        assert_int_equal(fw_stats_suppress(one, k, &err), FW_OK);
        assert_int_equal(two->part[1].n, one->part[1].n);
        for (i = 0; i < (int)one->part[1].n; i++) {
            assert_int_equal(two->part[1].cells[i].codes[0], one->part[1].cells[i].codes[0]);
            assert_int_equal(two->part[1].cells[i].suppressed, one->part[1].cells[i].suppressed);
        }
        assert_int_equal(two->part[0].cells[0].suppressed, one->part[0].cells[0].suppressed);
        fw_stats_table_free(two);
        fw_stats_table_free(one);
    }
}

static void test_suppression_examples(void **state)
{
    /* One small cell in a row of large ones: a second cell must go with it. */
    static const int line[] = {3, 40, 50, 60};
    static const int grid[] = {1, 20, 30,
                               20, 20, 20,
                               30, 20, 25};
    fw_stats_table *t;
    fw_error err;
    json_t *j;
    (void)state;
    t = table_of("year", 4, 1, line);
    assert_int_equal(fw_stats_suppress(t, 5, &err), FW_OK);
    assert_true(t->part[1].cells[0].suppressed);
    assert_true(t->part[1].cells[1].suppressed);   /* the smallest of the others */
    assert_false(t->part[1].cells[2].suppressed);
    j = fw_stats_json(t);
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "cells"), 0),
                                             "count")));
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 153);
    json_decref(j);
    fw_stats_table_free(t);

    /* In two dimensions the complement is a cycle: four cells. */
    t = table_of("year,state", 3, 3, grid);
    assert_int_equal(fw_stats_suppress(t, 5, &err), FW_OK);
    {
        size_t i, n = 0;
        for (i = 0; i < t->part[3].n; i++)
            n += t->part[3].cells[i].suppressed;
        assert_int_equal(n, 4);
    }
    fw_stats_table_free(t);

    /* Three dimensions are refused in public. */
    {
        fw_stats_query q;
        fw_stats_agg *a;
        const char *f;
        assert_int_equal(fw_stats_query_parse("year,state,race", NULL, &q, &f, &err), FW_OK);
        assert_int_equal(fw_stats_agg_new(&q, NULL, 0, &a), FW_OK);
        assert_int_equal(fw_stats_agg_finish(a, &t), FW_OK);
        assert_int_equal(fw_stats_suppress(t, 5, &err), FW_ERR_INVALID);
        fw_stats_table_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_age_bands),
        cmocka_unit_test(test_codes_pinned),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_multi_valued),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_suppression_examples),
        cmocka_unit_test(test_margins_consistent),
        cmocka_unit_test(test_suppression_audit_1d),
        cmocka_unit_test(test_suppression_audit_2d),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
