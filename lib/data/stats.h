/*
** Statistics: counts of incidents grouped by dimensions (year, state, force
** kind, ...), and the small-cell suppression the public sees.  Pure: no I/O.
** docs/statistics.md defines every dimension, how incidents with several
** values count, and the suppression rules; this module is their only
** implementation.
**
** The pieces, in the order they are used:
**   - fw_stats_facts_of (record/facts.h): what one incident version
**     contributes (its facts), derived from the document when it is stored
**     and kept in the store's statistics index as FW_STATS_FACTS_BYTES bytes;
**   - fw_stats_query_parse: a validated `by` list and `where` filter;
**   - fw_stats_agg: counts every cell of the table and every margin (each
**     lower-dimensional sum, down to the grand total) from per-incident rows;
**   - fw_stats_suppress: primary and complementary suppression under k;
**   - fw_stats_json / fw_stats_csv / fw_stats_text: the table written out.
**
** Ownership: an fw_stats_agg is created by fw_stats_agg_new and freed by
** fw_stats_agg_free; the fw_stats_table it finishes into is owned by the
** caller and freed with fw_stats_table_free.
*/
#ifndef FW_STATS_H
#define FW_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "record/facts.h"
#include "record/model.h"

typedef enum fw_stats_dim {
    FW_DIM_YEAR,
    FW_DIM_MONTH,
    FW_DIM_AGENCY,
    FW_DIM_AGENCY_TYPE,
    FW_DIM_STATE,
    FW_DIM_ENCOUNTER,
    FW_DIM_FORCE_KIND,
    FW_DIM_INJURY,
    FW_DIM_SEX,
    FW_DIM_RACE,
    FW_DIM_ETHNICITY,
    FW_DIM_AGE_BAND,
    FW_DIM_ARMED,
    FW_DIM_THREAT,
    FW_DIM_FLIGHT,
    FW_DIM_FINDING,
    FW_DIM_COUNT
} fw_stats_dim;

/* The dimension's name as the API and the command line write it; -1 or
** NULL when unknown. */
const char *fw_stats_dim_name(fw_stats_dim d);
int fw_stats_dim_find(const char *name);

/*
** Codes.  Every dimension's values are small integers; 0 always means
** "unknown".  Enumerated dimensions use the schema enumeration's index + 1
** (so the enumerations' order is part of the stored index: test_stats pins
** it).  year is the year itself, month is year * 12 + month - 1 + 1,
** agency is an index into the agency names the caller keeps (+ 1).
*/
#define FW_STATS_MAX_CODE 65534u   /* all-ones keys mark empty hash slots */

/* finding codes: the review case's state. */
enum { FW_FINDING_NONE = 1, FW_FINDING_OPEN = 2, FW_FINDING_FIRST = 3 };
/* The code of a closed case's finding (within_policy, ...), or 0. */
int fw_stats_finding_code(const char *finding);

/* One incident as the aggregator sees it: its facts and what the store
** resolved for it from the agency record and the review case. */
typedef struct fw_stats_row {
    fw_stats_facts facts;
    uint32_t agency;        /* 1 + index into the caller's agency names; 0 unknown */
    uint8_t agency_type;    /* agency_type index + 1, 0 unknown */
    uint8_t agency_state;   /* the agency's state, used when facts.state is 0 */
    uint8_t finding;        /* FW_FINDING_* or a finding code */
} fw_stats_row;

#define FW_STATS_MAX_BY 4
#define FW_STATS_MAX_WHERE 16   /* values or ranges per filtered dimension */

/* A filtered dimension: a row passes if one of its codes lies in one of
** the n inclusive intervals codes[i]..upto[i] (a single value: equal). */
typedef struct fw_stats_filter {
    bool on;
    size_t n;
    uint32_t codes[FW_STATS_MAX_WHERE];
    uint32_t upto[FW_STATS_MAX_WHERE];
    const char *agencies[FW_STATS_MAX_WHERE];   /* FW_DIM_AGENCY: the ids, into the query */
} fw_stats_filter;

typedef struct fw_stats_query {
    size_t nby;
    fw_stats_dim by[FW_STATS_MAX_BY];
    fw_stats_filter where[FW_DIM_COUNT];
    char text[1024];        /* a copy of the where text the agency ids point into */
} fw_stats_query;

/*
** Parse by ("year,state") and where ("state=CA|WA,year=2015..2019"; may be
** NULL or empty; year and month also take inclusive ranges FROM..TO).  On error returns FW_ERR_INVALID with a message, and *field
** set to "by" or "where".  Agency ids in where are kept as text: the caller
** turns them into codes (codes[i] = upto[i]) before filtering.
*/
fw_rc fw_stats_query_parse(const char *by, const char *where, fw_stats_query *q,
                           const char **field, fw_error *err);
/* Whether the query needs the agency records / the review cases. */
bool fw_stats_query_uses(const fw_stats_query *q, fw_stats_dim d);
/* Whether an incident row passes the where filter. */
bool fw_stats_match(const fw_stats_query *q, const fw_stats_row *r);

/* One cell of a table part: a value code per dimension of the part (the
** others 0), its count, and whether it is suppressed. */
typedef struct fw_stats_cell {
    uint32_t codes[FW_STATS_MAX_BY];
    int64_t count;
    bool suppressed;
} fw_stats_cell;

/*
** A finished table.  part[m] for every subset m of the by dimensions (bit i
** set: by[i] is a dimension of the part) holds its non-zero cells, sorted
** by codes; part[full] is the table itself, part[0] the grand total (one
** cell, possibly with count 0).  Counts are distinct incidents, so where a
** dimension is multi-valued a margin may be less than the sum of its cells.
*/
typedef struct fw_stats_part {
    fw_stats_cell *cells;
    size_t n;
} fw_stats_part;

typedef struct fw_stats_table {
    size_t nby;
    fw_stats_dim by[FW_STATS_MAX_BY];
    fw_stats_part part[1u << FW_STATS_MAX_BY];
    int k;                          /* the suppression threshold applied; 0 if none */
    const char *const *agencies;    /* borrowed from the aggregator's caller... */
    size_t nagencies;
    char **owned_agencies;          /* ...unless set: then owned, freed with the table */
} fw_stats_table;

typedef struct fw_stats_agg fw_stats_agg;

/* agencies (borrowed until the table is freed) names agency codes 1..n. */
fw_rc fw_stats_agg_new(const fw_stats_query *q, const char *const *agencies,
                       size_t nagencies, fw_stats_agg **out);
/* Name agency codes 1..n (borrowed as above), when they are known only
** after counting. */
void fw_stats_agg_set_agencies(fw_stats_agg *a, const char *const *agencies, size_t n);
/* Count one incident (already filtered) weight times: 1, or -1 to take back
** an earlier count of the same row (the statistics ledger's reversals). */
fw_rc fw_stats_agg_add(fw_stats_agg *a, const fw_stats_row *r, int weight);
/* The counted table into *out; the aggregator is spent.  FW_ERR_INTERNAL if
** a count came out negative (more taken back than counted). */
fw_rc fw_stats_agg_finish(fw_stats_agg *a, fw_stats_table **out);
void fw_stats_agg_free(fw_stats_agg *a);
void fw_stats_table_free(fw_stats_table *t);

/*
** Suppress for publication with threshold k >= 1: every cell, margin and
** total with 0 < count < k, then complementary cells until no suppressed
** value can be derived from the published ones (docs/statistics.md).
** Margins are suppressed exactly as the table of their own dimensions would
** be, so that two queries never reveal what one hides.  Tables of more than
** two dimensions are refused (FW_ERR_INVALID).
*/
fw_rc fw_stats_suppress(fw_stats_table *t, int k, fw_error *err);

/* The value of a code of dimension d as text ("2015", "CA", "unknown"). */
void fw_stats_value(const fw_stats_table *t, fw_stats_dim d, uint32_t code, char *out,
                    size_t outlen);

/* The table as the API answers it: {by, k, total, cells, margins}. */
json_t *fw_stats_json(const fw_stats_table *t);
/* The table's cells as CSV (a header, then one line a cell; a suppressed
** count is empty) or as an aligned text table. */
fw_rc fw_stats_csv(const fw_stats_table *t, fw_buf *out);
fw_rc fw_stats_text(const fw_stats_table *t, fw_buf *out);

#endif
