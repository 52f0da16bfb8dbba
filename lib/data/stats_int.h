/*
** Private to the statistics: what stats.c (the query, counting, writing)
** and stats_suppress.c (suppression) share.
*/
#ifndef FW_STATS_INT_H
#define FW_STATS_INT_H

#include "data/stats.h"

/* The number of parts of a table of nby dimensions: one per subset. */
#define NPARTS(nby) (1u << (nby))

/* Sort the cells of p, the part of t whose dimensions are the bits of part:
** "unknown" last, agencies by name, other values by code. */
void fw_stats_sort_cells(const fw_stats_table *t, unsigned part, fw_stats_part *p);

#endif
