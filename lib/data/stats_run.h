/*
** Statistics over a store: reads the statistics ledger (and, when the query
** needs them, the agency records and review cases), filters and counts with
** stats.h.  The one place that joins the pure statistics code to storage.
*/
#ifndef FW_STATS_RUN_H
#define FW_STATS_RUN_H

#include "data/stats.h"
#include "store/store.h"

/*
** Count the latest version of every incident its source has not withdrawn
** (only those of agency only_agency when it is not NULL) under q, into a
** new table in *out (free with fw_stats_table_free; not suppressed).
*/
fw_rc fw_stats_run(fw_store *s, const fw_stats_query *q, const char *only_agency,
                   fw_stats_table **out, fw_error *err);

/*
** The public table's schedule (docs/statistics.md): it is published every
** `every` seconds, on boundaries counted from 1970-01-01T00:00:00Z (so daily
** is at 00:00 UTC, hourly on the hour), and between two boundaries it is the
** table as of the earlier one.  Two requests in one period get the same
** answer, whatever was written between them.
*/
#define FW_STATS_DAILY 86400
#define FW_STATS_HOURLY 3600
#define FW_STATS_EVERY_MAX (366 * 86400)

/* "daily", "hourly" or a number of seconds (1 to FW_STATS_EVERY_MAX) into
** *every; FW_ERR_INVALID with a message otherwise. */
fw_rc fw_stats_every_parse(const char *text, int64_t *every, fw_error *err);

/* The publication in force at a moment: as of the last boundary at or
** before it, the next one due at the boundary after, as epoch seconds and
** as UTC text ("YYYY-MM-DDThh:mm:ssZ", as records are stamped). */
typedef struct fw_stats_asof {
    int64_t as_of, next;
    char as_of_text[32], next_text[32];
} fw_stats_asof;
/* The publication in force at now (epoch seconds) on a schedule of every
** seconds (less than 1: daily). */
void fw_stats_when(double now, int64_t every, fw_stats_asof *out);

/*
** The public table (docs/statistics.md), the same for the command line and
** the server: a query with a filter, or grouped by more than two dimensions,
** is refused before counting (FW_ERR_INVALID, *field "where" or "by"); else
** every incident is counted as it stood at when->as_of (the records stored
** before then: fw_store_stats_scan_before; agencies and review cases too)
** and every cell under k suppressed, into *out.  Other failures (the store)
** return their code with *field NULL.
*/
fw_rc fw_stats_public(fw_store *s, const fw_stats_query *q, int k, const fw_stats_asof *when,
                      fw_stats_table **out, const char **field, fw_error *err);

/* The public table as the API answers it: fw_stats_json with as_of and next
** (the UTC times of when).  NULL when out of memory; the caller owns it. */
json_t *fw_stats_public_json(const fw_stats_table *t, const fw_stats_asof *when);

#endif
