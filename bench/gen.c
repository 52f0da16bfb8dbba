/*
** gen: writes synthetic use-of-force incidents for the benchmarks.  Each
** incident is a complete document in the format of lib/record/schema.c (officers,
** subjects, sometimes a vehicle, one sourced account or, in a tenth of them,
** two accounts that disagree the way real ones do) and is a function of the
** seed and its index only, so the same seed gives the same bytes on every
** machine and `-n 10` is a prefix of `-n 1000`.  By default the incidents go
** to stdout as JSON Lines; with --csv DIR the same incidents go to
** DIR/incidents.csv and DIR/events.csv, flat rows for the sqlite3 shell's
** .import, which is the reference the `add` benchmark compares against.
**
** Standalone on purpose (libc only): the benchmark must not depend on the code
** it measures.  Output is formatted by hand into a large buffer, since the
** generator has to run far faster than anything it feeds.
**
** The parts: this file (options, files, main); gen_rng.h (random numbers);
** gen_out.h (the output buffer); gen_vocab.h (the format's values and the
** states); gen.h (the incident and the entry points); gen_incident.c (one
** incident, its truth and its accounts); gen_write.c (JSON Lines and CSV);
** gen_wapo.c (the Washington Post's v2 layout).
*/
#include "gen.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static void usage(FILE *f)
{
    fputs("usage: gen [-n N] [--seed S] [--csv DIR | --wapo-v2]\n"
          "Writes N synthetic incidents (default 1000, seed 1) as JSON Lines to stdout,\n"
          "or with --csv the same incidents as DIR/incidents.csv and DIR/events.csv,\n"
          "or with --wapo-v2 N rows of a CSV in the Washington Post's v2 layout to stdout.\n",
          f);
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

static FILE *open_csv(const char *dir, const char *name, const char *header)
{
    char path[4096];
    FILE *f;
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "gen: path too long: %s/%s\n", dir, name);
        return NULL;
    }
    f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    fputs(header, f);
    return f;
}

static int finish(out *o, const char *what)
{
    int rc = 0;
    out_flush(o);
    if (o->err) {
        fprintf(stderr, "gen: writing %s: %s\n", what, strerror(o->err));
        rc = 1;
    }
    if (fclose(o->f) != 0 && !rc) {
        fprintf(stderr, "gen: closing %s: %s\n", what, strerror(errno));
        rc = 1;
    }
    free(o->buf);
    return rc;
}

int main(int argc, char **argv)
{
    uint64_t n = 1000, seed = 1, i;
    const char *csv_dir = NULL;
    int wapo = 0;
    static incident inc;
    out o, ev;
    int a, rc;

    for (a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if ((strcmp(arg, "-n") == 0) && a + 1 < argc) {
            if (parse_u64(argv[++a], &n)) {
                fprintf(stderr, "gen: -n: not a count: %s\n", argv[a]);
                return 2;
            }
        } else if (strcmp(arg, "--seed") == 0 && a + 1 < argc) {
            if (parse_u64(argv[++a], &seed)) {
                fprintf(stderr, "gen: --seed: not a number: %s\n", argv[a]);
                return 2;
            }
        } else if (strcmp(arg, "--csv") == 0 && a + 1 < argc) {
            csv_dir = argv[++a];
        } else if (strcmp(arg, "--wapo-v2") == 0) {
            wapo = 1;
        } else {
            usage(stderr);
            return 2;
        }
    }

    if (wapo) {
        if (out_open(&o, stdout, 1 << 20)) {
            fputs("gen: out of memory\n", stderr);
            return 1;
        }
        write_wapo(&o, seed, n);
        return finish(&o, "stdout");
    }
    if (!csv_dir) {
        if (out_open(&o, stdout, 1 << 20)) {
            fputs("gen: out of memory\n", stderr);
            return 1;
        }
        for (i = 0; i < n && !o.err; i++) {
            gen_incident(seed, i, &inc);
            write_json(&o, &inc);
        }
        return finish(&o, "stdout");
    }

    if (mkdir(csv_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen: %s: %s\n", csv_dir, strerror(errno));
        return 1;
    }
    {
        FILE *fi = open_csv(csv_dir, "incidents.csv",
                            "id,agency,occurred_at,encounter,contact_reason,lat,lon,state,"
                            "n_officers,n_subjects\n");
        FILE *fe = fi ? open_csv(csv_dir, "events.csv",
                                 "incident,account,seq,t,type,actor,kind,target,level,attrs\n")
                      : NULL;
        if (!fe) {
            if (fi)
                fclose(fi);
            return 1;
        }
        if (out_open(&o, fi, 1 << 20) || out_open(&ev, fe, 1 << 22)) {
            fputs("gen: out of memory\n", stderr);
            return 1;
        }
    }
    for (i = 0; i < n && !o.err && !ev.err; i++) {
        gen_incident(seed, i, &inc);
        write_csv(&o, &ev, &inc);
    }
    rc = finish(&o, "incidents.csv");
    rc |= finish(&ev, "events.csv");
    return rc;
}
