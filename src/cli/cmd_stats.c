/*
** `stats`: counts of incidents grouped by dimensions, exact or (--public)
** suppressed as the public sees them.  The counting and the suppression are
** the library's (stats.h, stats_run.h), and so are the public table's rules
** (fw_stats_public), counted as of the schedule's last boundary like the
** server's (--every, the server's public_stats_every; FORCEWATCH_NOW is the
** clock, as the server's); this file parses options and prints.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/timeutil.h"
#include "cli.h"
#include "data/stats_run.h"

#include "base/banned.h"

int cmd_stats(cli_args *a)
{
    const char *by = cli_value(a, "by"), *where = cli_value(a, "where"),
               *format = cli_value(a, "format"), *kv = cli_value(a, "k"),
               *every_text = cli_value(a, "every"), *fixed = getenv("FORCEWATCH_NOW"), *field;
    bool public = cli_flag(a, "public");
    int64_t every = FW_STATS_DAILY;
    fw_stats_asof when;
    fw_time now;
    fw_stats_query q;
    fw_stats_table *t = NULL;
    fw_store *s;
    fw_error err;
    fw_buf out;
    long k = 5;
    char *end;
    int rc;

    if (!format)
        format = "table";
    if (strcmp(format, "table") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("--format: expected table, csv or json, not '%s'", format);
    if (kv) {
        errno = 0;
        k = strtol(kv, &end, 10);
        if (errno || *end || end == kv || k < 1 || k > 1000)
            return cli_usage_error("--k: expected 1 to 1000, not '%s'", kv);
        if (!public)
            return cli_usage_error("--k applies only with --public");
    }
    if (every_text) {
        if (!public)
            return cli_usage_error("--every applies only with --public");
        if (fw_stats_every_parse(every_text, &every, &err) != FW_OK)
            return cli_usage_error("--every: %s", err.msg);
    }
    /* The clock the server judges by: FORCEWATCH_NOW (for tests) or the real one. */
    if (!fixed || !fw_time_parse(fixed, &now))
        now.epoch = fw_clock_wall();
    fw_stats_when(now.epoch, every, &when);
    if (fw_stats_query_parse(by, where, &q, &field, &err) != FW_OK)
        return cli_usage_error("--%s", err.msg);
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    rc = public ? fw_stats_public(s, &q, (int)k, &when, &t, &field, &err)
                : fw_stats_run(s, &q, NULL, &t, &err);
    fw_store_close(s);
    if (rc != FW_OK)
        return public && rc == FW_ERR_INVALID ? cli_usage_error("--%s: %s", field, err.msg)
                                              : cli_fail(EXIT_RUNTIME, "%s", err.msg);
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    rc = EXIT_OK;
    if (strcmp(format, "json") == 0) {
        json_t *j = public ? fw_stats_public_json(t, &when) : fw_stats_json(t);
        char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
        if (!text || fw_buf_adds(&out, text) || fw_buf_addc(&out, '\n'))
            rc = cli_fail(EXIT_RUNTIME, "out of memory");
        free(text);
        json_decref(j);
    } else if ((strcmp(format, "csv") == 0 ? fw_stats_csv(t, &out) : fw_stats_text(t, &out))) {
        rc = cli_fail(EXIT_RUNTIME, "out of memory");
    }
    if (rc == EXIT_OK && public && strcmp(format, "table") == 0)
        fprintf(stderr, "public statistics as of %s (the next at %s)\n", when.as_of_text,
                when.next_text);
    if (rc == EXIT_OK)
        fwrite(out.data, 1, out.len, stdout);
    fw_buf_release(&out);
    fw_stats_table_free(t);
    return rc;
}
