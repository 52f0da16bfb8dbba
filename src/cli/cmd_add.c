/*
** `forcewatch add` and `check`: document files (one JSON document, or JSON
** Lines) loaded by the library (data/load.h), each file's documents stored
** in one transaction so that a file is stored whole or not at all; this
** file opens the files, prints problems (the first 100 a file) and counts.
*/
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "base/clock.h"
#include "data/load.h"
#include "base/banned.h"

#define MAX_REPORTED 100   /* problems printed per file; the rest are counted */

typedef struct file_job {
    const char *name;
    fw_store *store;       /* NULL for check */
    const char *actor;
    bool progress;
    double last_progress, started;
    fw_load_result res;
    bool runtime_error;
} file_job;

static void on_problem(void *arg, size_t line, const char *msg)
{
    file_job *j = arg;
    if (j->res.problems > MAX_REPORTED) /* the library counted this one already */
        return;
    if (line)
        fprintf(stderr, "%s:%zu: %s\n", j->name, line, msg);
    else
        fprintf(stderr, "%s: %s\n", j->name, msg);
}

static void on_progress(void *arg, size_t docs, bool last)
{
    file_job *j = arg;
    double t = fw_clock_monotonic();
    if (!j->progress || (!last && t - j->last_progress < 0.5))
        return;
    j->last_progress = t;
    fprintf(stderr, "\r%s: %zu documents, %.0f/s%s", j->name, docs,
            docs / (t - j->started > 1e-6 ? t - j->started : 1e-6), last ? "\n" : "");
}

static bool process_file(file_job *j)
{
    fw_load_hooks hooks = {on_problem, on_progress, j, NULL};
    fw_error err;
    FILE *f = strcmp(j->name, "-") == 0 ? stdin : fopen(j->name, "rb");

    if (!f) {
        cli_fail(EXIT_RUNTIME, "cannot open %s: %s", j->name, strerror(errno));
        j->runtime_error = true;
        return false;
    }
    j->started = j->last_progress = fw_clock_monotonic();
    if (fw_load_stream(f, j->name, j->store, j->actor, &hooks, &j->res, &err) != FW_OK) {
        cli_fail(EXIT_RUNTIME, "%s", err.msg);
        j->runtime_error = true;
    }
    if (f != stdin)
        fclose(f);
    return true;
}

static void summarize_rejection(const file_job *j)
{
    if (j->res.problems > MAX_REPORTED)
        fprintf(stderr, "%s: ... and %zu more problems\n", j->name, j->res.problems - MAX_REPORTED);
    fprintf(stderr, "%s: rejected: %zu problem%s in %zu of %zu document%s%s\n", j->name,
            j->res.problems, j->res.problems == 1 ? "" : "s", j->res.bad_docs, j->res.docs,
            j->res.docs == 1 ? "" : "s", j->store ? "; nothing stored" : "");
}

int cmd_add(cli_args *a)
{
    fw_store *s;
    fw_error err;
    int i, rc = EXIT_OK;
    bool quiet = cli_flag(a, "quiet");
    double started = fw_clock_monotonic();

    s = cli_open_store(a, 0);
    if (!s)
        return EXIT_RUNTIME;
    for (i = 0; i < a->npos; i++) {
        file_job j;
        memset(&j, 0, sizeof j);
        j.name = a->pos[i];
        j.store = s;
        j.actor = a->actor;
        j.progress = isatty(2);
        if (fw_store_begin(s, &err) != FW_OK) {
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
            break;
        }
        process_file(&j);
        if (j.runtime_error || j.res.bad_docs) {
            fw_store_rollback(s);
            if (j.res.bad_docs)
                summarize_rejection(&j);
            if (j.runtime_error)
                rc = EXIT_RUNTIME;
            else if (rc == EXIT_OK)
                rc = EXIT_INVALID;
            continue;
        }
        if (fw_store_commit(s, &err) != FW_OK) {
            rc = cli_fail(EXIT_RUNTIME, "%s: %s", j.name, err.msg);
            continue;
        }
        if (!quiet)
            printf("%s: %zu document%s: %zu created, %zu updated, %zu unchanged\n", j.name,
                   j.res.docs, j.res.docs == 1 ? "" : "s", j.res.tally.created, j.res.tally.updated,
                   j.res.tally.unchanged);
        /* The line acknowledges a commit: let it out now, not at exit. */
        fflush(stdout);
    }
    if (cli_flag(a, "stats")) {
        double total = fw_clock_monotonic() - started;
        fprintf(stderr, "add: %.3f s, of which %.3f s (%.1f%%) keeping the record log\n", total,
                fw_store_log_seconds(s), total > 0 ? 100 * fw_store_log_seconds(s) / total : 0);
    }
    fw_store_close(s);
    return rc;
}

int cmd_check(cli_args *a)
{
    int i, rc = EXIT_OK;
    for (i = 0; i < a->npos; i++) {
        file_job j;
        memset(&j, 0, sizeof j);
        j.name = a->pos[i];
        j.progress = isatty(2);
        process_file(&j);
        if (j.runtime_error) {
            rc = EXIT_RUNTIME;
        } else if (j.res.bad_docs) {
            summarize_rejection(&j);
            if (rc == EXIT_OK)
                rc = EXIT_INVALID;
        } else {
            printf("%s: %zu document%s valid\n", j.name, j.res.docs, j.res.docs == 1 ? "" : "s");
        }
    }
    return rc;
}
