/*
** Fuzz target for statistics: the query parser on any text, and counting
** plus suppression on any table.  Input: a first line "BY\tWHERE" for the
** parser, then bytes read as incidents (year, state and force-kind bits);
** the counted table is suppressed with a k from the input and must publish
** nothing under k and keep every count it publishes exact.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const bys[] = {"year", "year,state", "force_kind,state", "state,year"};
    char line[2048], *tab;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t len = nl ? (size_t)(nl - data) : size, i, m;
    fw_stats_query q;
    fw_stats_agg *agg;
    fw_stats_table *t;
    const char *field;
    fw_error err;
    fw_buf out;
    json_t *j;
    int k;

    if (len >= sizeof line)
        len = sizeof line - 1;
    memcpy(line, data, len);
    line[len] = '\0';
    tab = strchr(line, '\t');
    if (tab)
        *tab++ = '\0';
    if (fw_stats_query_parse(line, tab, &q, &field, &err) != FW_OK &&
        strcmp(field, "by") != 0 && strcmp(field, "where") != 0)
        abort();

    data += nl ? len + 1 : size;
    size -= nl ? len + 1 : size;
    if (size < 1)
        return 0;
    k = 1 + data[0] % 10;
    if (fw_stats_query_parse(bys[data[0] / 10 % 4], NULL, &q, &field, &err) != FW_OK ||
        fw_stats_agg_new(&q, NULL, 0, &agg) != FW_OK)
        abort();
    for (i = 1; i + 1 < size && i < 4096; i += 2) {
        fw_stats_row r;
        memset(&r, 0, sizeof r);
        r.facts.year = (uint16_t)(2000 + data[i] % 5);
        r.facts.state = (uint8_t)(data[i] / 5 % 6);
        r.facts.force_kinds = (uint32_t)data[i + 1] & 0x7;
        r.facts.sex = r.facts.race = r.facts.age_band = r.facts.armed = r.facts.flight = 1;
        if (fw_stats_agg_add(agg, &r, 1) != FW_OK)
            abort();
    }
    if (fw_stats_agg_finish(agg, &t) != FW_OK || fw_stats_suppress(t, k, &err) != FW_OK)
        abort();
    for (m = 0; m < (1u << t->nby); m++)
        for (i = 0; i < t->part[m].n; i++)
            if (!t->part[m].cells[i].suppressed && t->part[m].cells[i].count > 0 &&
                t->part[m].cells[i].count < k)
                abort();
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    j = fw_stats_json(t);
    if (!j || fw_stats_csv(t, &out) || fw_stats_text(t, &out))
        abort();
    json_decref(j);
    fw_buf_release(&out);
    fw_stats_table_free(t);
    return 0;
}
