/*
** `forcewatch import PROFILE FILE [--agencies FILE]`: a public dataset read
** through an import profile (docs/import.md) into incidents, and the agencies
** file it joins into agency records, all in one transaction.  What an import
** does (rejections, duplicates, new versions, withdrawals) is the library's
** (data/import_run.h); this file opens the files, shows progress and
** rejections, and prints the counts.  A dry run does all of it and rolls
** back, so its counts are exact.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "data/import.h"
#include "data/import_run.h"
#include "base/banned.h"

#ifndef FW_PROFILE_DIR
#define FW_PROFILE_DIR "profiles"
#endif

/* The page cache an import keeps: half the default, so that a million-row import (whose
** id set alone takes about 30 MB) stays under 100 MB; measured to cost no CPU time. */
#define IMPORT_CACHE_KIB 32768

typedef struct import_job {
    cli_args *a;
    FILE *rejects;
    bool progress;
    double started, last_progress;
    const char *file;
} import_job;

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void on_reject(void *arg, fw_profile_part part, const char *file, size_t line,
                      const char *why)
{
    import_job *j = arg;
    const char *where = part == FW_PROFILE_AGENCIES ? file : NULL;
    if (j->rejects)
        fprintf(j->rejects, "%s%s%zu\t%s\n", where ? where : "", where ? ":" : "", line, why);
    else
        fprintf(stderr, "%s%s:%zu: rejected: %s\n", j->progress ? "\r\033[K" : "", file, line,
                why);
}

/* "FILE: 120000 rows, 41000 rows/s, 37%, 0:05 left" on a terminal, a few times a second. */
static void on_progress(void *arg, const char *file, size_t rows, long long read, long long size,
                        bool last)
{
    import_job *j = arg;
    double t = now_s(), rate, elapsed;
    if (!j->progress || (!last && t - j->last_progress < 0.25))
        return;
    j->last_progress = t;
    elapsed = t - j->started > 1e-6 ? t - j->started : 1e-6;
    rate = rows / elapsed;
    fprintf(stderr, "\r\033[K%s: %zu rows, %.0f rows/s", file, rows, rate);
    if (size > 0 && read > 0 && !last) {
        double left = elapsed * (double)(size - read) / (double)read;
        fprintf(stderr, ", %.0f%%, %d:%02d left", 100.0 * (double)read / (double)size,
                (int)(left / 60), (int)left % 60);
    }
    if (last)
        fputc('\n', stderr);
}

static int import_fail(const fw_error *err)
{
    return cli_fail(err->rc == FW_ERR_INVALID ? EXIT_INVALID : EXIT_RUNTIME, "%s", err->msg);
}

/* Read one file of the profile. */
static int read_part(import_job *j, fw_import *im, fw_profile_part part, const char *path)
{
    struct stat st;
    fw_error err;
    FILE *in;
    int rc = EXIT_OK;

    in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in)
        return cli_fail(EXIT_RUNTIME, "cannot open %s: %s", path, strerror(errno));
    j->file = path;
    j->started = j->last_progress = now_s();
    if (fw_import_read(im, part, in, path,
                       fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size
                                                                          : -1,
                       &err) != FW_OK)
        rc = import_fail(&err);
    if (in != stdin)
        fclose(in);
    return rc;
}

static void summarize(const fw_import *im, const fw_profile *prof, fw_profile_part part,
                      const char *file, bool dry_run)
{
    const fw_import_counts *c = fw_import_counts_of(im, part);
    if (part == FW_PROFILE_AGENCIES)
        printf("%s: %zu rows (%s agencies): %zu inserted, %zu updated, %zu unchanged, %zu "
               "rejected%s\n",
               file, c->rows, fw_profile_name(prof), c->tally.created, c->tally.updated,
               c->tally.unchanged, c->rejected, dry_run ? " (dry run: nothing stored)" : "");
    else
        printf("%s: %zu rows (%s): %zu inserted, %zu updated, %zu unchanged, %zu withdrawn, "
               "%zu rejected%s\n",
               file, c->rows, fw_profile_name(prof), c->tally.created, c->tally.updated,
               c->tally.unchanged, c->withdrawn, c->rejected,
               dry_run ? " (dry run: nothing stored)" : "");
}

int cmd_import(cli_args *a)
{
    import_job j;
    fw_import *im = NULL;
    fw_profile *prof = NULL;
    fw_store *s = NULL;
    fw_buf text;
    fw_diag diag;
    fw_error err;
    char path[4096];
    const char *pname = a->pos[0], *rej = cli_value(a, "rejects"),
               *agencies = cli_value(a, "agencies");
    bool dry_run = cli_flag(a, "dry-run");
    fw_import_hooks hooks = {on_reject, on_progress, &j};
    const fw_import_counts *c;
    size_t i;
    int rc = EXIT_OK;

    memset(&j, 0, sizeof j);
    j.a = a;
    j.progress = isatty(2);
    if (strchr(pname, '/') || strstr(pname, ".profile"))
        snprintf(path, sizeof path, "%s", pname);
    else
        snprintf(path, sizeof path, "%s/%s.profile",
                 access("profiles", F_OK) == 0 ? "profiles" : FW_PROFILE_DIR, pname);
    fw_buf_init(&text, 1 << 20);
    fw_diag_init(&diag, 50);
    if (!cli_read_file(path, &text)) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (fw_profile_parse(path, fw_buf_str(&text), text.len, &prof, &diag) != FW_OK) {
        for (i = 0; i < diag.n; i++)
            fprintf(stderr, "%s\n", diag.msgs[i]);
        rc = EXIT_INVALID;
        goto done;
    }
    if (agencies && !fw_profile_joins_agencies(prof)) {
        rc = cli_usage_error("--agencies: profile %s has no 'join agencies' section",
                             fw_profile_name(prof));
        goto done;
    }
    if (agencies && strcmp(agencies, "-") == 0 && strcmp(a->pos[1], "-") == 0) {
        rc = cli_usage_error("only one of FILE and --agencies can be standard input");
        goto done;
    }
    if (rej && !(j.rejects = fopen(rej, "w"))) {
        rc = cli_fail(EXIT_RUNTIME, "cannot write %s: %s", rej, strerror(errno));
        goto done;
    }
    /* A dry run writes too, inside a transaction it rolls back: its counts are exact. */
    s = cli_open_store_cache(a, 0, IMPORT_CACHE_KIB);
    if (!s) {
        rc = EXIT_RUNTIME;
        goto done;
    }
    if (fw_store_begin(s, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    im = fw_import_new(s, prof, a->actor, &hooks);
    if (!im)
        rc = cli_fail(EXIT_RUNTIME, "out of memory");
    if (!rc && fw_profile_hashes_ids(prof) && fw_import_id_key(im, &err) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    if (agencies && !rc)
        rc = read_part(&j, im, FW_PROFILE_AGENCIES, agencies);
    if (!rc)
        rc = read_part(&j, im, FW_PROFILE_INCIDENTS, a->pos[1]);
    if (!rc && fw_import_withdraw_missing(im, cli_flag(a, "allow-empty"), &err) != FW_OK)
        rc = err.rc == FW_ERR_INVALID
                 ? cli_fail(EXIT_INVALID, "%s (--allow-empty withdraws every %s incident)",
                            err.msg, fw_profile_name(prof))
                 : cli_fail(EXIT_RUNTIME, "%s", err.msg);
    c = im ? fw_import_counts_of(im, FW_PROFILE_INCIDENTS) : NULL;
    if (!rc && c->withdraw_skipped)
        fprintf(stderr, "forcewatch: %s: nothing withdrawn: %zu rejected rows have no id, so "
                "which incidents the file still lists is not known\n", a->pos[1], c->unlisted);
    if (rc || dry_run) {
        fw_store_rollback(s);
    } else if (fw_store_commit(s, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    if (!rc) {
        if (agencies)
            summarize(im, prof, FW_PROFILE_AGENCIES, agencies, dry_run);
        summarize(im, prof, FW_PROFILE_INCIDENTS, a->pos[1], dry_run);
    }
done:
    if (j.rejects)
        fclose(j.rejects);
    fw_import_free(im);
    fw_store_close(s);
    fw_profile_free(prof);
    fw_buf_release(&text);
    fw_diag_release(&diag);
    return rc;
}
