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
** The public table (docs/statistics.md), the same for the command line and
** the server: a query with a filter, or grouped by more than two dimensions,
** is refused before counting (FW_ERR_INVALID, *field "where" or "by"); else
** every incident is counted and every cell under k suppressed, into *out.
** Other failures (the store) return their code with *field NULL.
*/
fw_rc fw_stats_public(fw_store *s, const fw_stats_query *q, int k, fw_stats_table **out,
                      const char **field, fw_error *err);

#endif
