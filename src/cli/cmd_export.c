/*
** `export` (open data: CSV, JSON Lines, the FBI use-of-force tables, each
** stamped with the log's checkpoint) and `verify --export FILE`, which
** checks an export against today's log.  The work is lib/data/export.c's; this
** file opens the store, logs personal-data exports, and moves bytes.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#include "base/banned.h"

static fw_rc write_out(void *arg, const char *data, size_t len)
{
    return fwrite(data, 1, len, arg) == len ? FW_OK : FW_ERR_IO;
}

int cmd_export(cli_args *a)
{
    const char *format = cli_value(a, "format"), *out = cli_value(a, "out");
    fw_export_opts o;
    fw_export_layout *l = NULL;
    fw_store *s = NULL;
    fw_error err;
    int64_t n = 0;
    FILE *f = stdout;
    int fmt, rc;
    bool personal;

    memset(&o, 0, sizeof o);
    fmt = format ? fw_export_format_parse(format) : FW_EXPORT_CSV;
    if (fmt < 0)
        return cli_usage_error("--format: expected csv, json or nufdc, not '%s'", format);
    o.format = (fw_export_format)fmt;
    o.deidentify = cli_flag(a, "deidentify");
    if ((rc = cli_list_filter(a, &o.filter)) != 0)
        return rc;
    if (fw_export_layout_new(o.format, o.deidentify, &l) != FW_OK)
        return cli_fail(EXIT_RUNTIME, "out of memory");
    personal = fw_export_personal(l);
    fw_export_layout_free(l);
    /* Personal data is logged as read before any of it is written. */
    s = cli_open_store(a, personal ? 0 : FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    if (personal &&
        fw_export_log_access(s, &o, a->actor, cli_value(a, "reason"), &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "the export holds personal data and cannot be logged: %s "
                                    "(nothing exported; --deidentify leaves it out)", err.msg);
        goto done;
    }
    if (out && !(f = fopen(out, "wb"))) {
        rc = cli_fail(EXIT_RUNTIME, "cannot create %s: %s", out, strerror(errno));
        goto done;
    }
    if (fw_export_run(s, &o, write_out, f, &n, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    if (fflush(f) != 0 || ferror(f)) {
        rc = cli_fail(EXIT_RUNTIME, "cannot write %s", out ? out : "standard output");
        goto done;
    }
    fprintf(stderr, "exported %lld incidents (%s%s)\n", (long long)n,
            fw_export_format_name(o.format), o.deidentify ? ", de-identified" : "");
done:
    if (f && f != stdout && fclose(f) != 0 && rc == EXIT_OK)
        rc = cli_fail(EXIT_RUNTIME, "cannot write %s", out);
    if (rc != EXIT_OK && out && f != stdout)
        unlink(out);
    fw_store_close(s);
    return rc;
}

static size_t read_file(void *arg, char *buf, size_t n)
{
    return fread(buf, 1, n, arg);
}

static bool rewind_file(void *arg)
{
    return fseek(arg, 0, SEEK_SET) == 0;
}

int cmd_verify_export(cli_args *a, const char *file)
{
    char source[4200];
    bool outside;
    fw_export_input in;
    fw_export_check *c;
    fw_note_verifier v;
    fw_store *s;
    fw_error err;
    fw_rc frc;
    FILE *f;
    int rc = EXIT_OK;

    if ((rc = cli_verifier(a, &v, &outside, source, sizeof source)) != 0)
        return rc;
    f = fopen(file, "rb");
    if (!f)
        return cli_fail(EXIT_RUNTIME, "cannot open %s: %s", file, strerror(errno));
    c = calloc(1, sizeof *c);
    s = c ? cli_open_store(a, FW_STORE_READONLY) : NULL;
    if (!s) {
        fclose(f);
        free(c);
        return c ? EXIT_RUNTIME : cli_fail(EXIT_RUNTIME, "out of memory");
    }
    in.read = read_file;
    in.rewind = rewind_file;
    in.arg = f;
    frc = fw_export_verify(s, outside ? &v : NULL, &in, c, &err);
    if (frc == FW_ERR_INVALID && c->problem[0]) {
        fprintf(stderr, "verify: FAILED: %s: %s\n", file, c->problem);
        rc = EXIT_VERIFY;
    } else if (frc) {
        rc = cli_fail(EXIT_RUNTIME, "%s: %s", file, err.msg);
    } else if (ferror(f)) {
        rc = cli_fail(EXIT_RUNTIME, "%s: read error", file);
    } else {
        printf("verified %lld incidents of a %s export taken at tree size %llu\n",
               (long long)c->incidents, fw_export_format_name(c->stamp.format),
               (unsigned long long)c->stamp.size);
        printf("the stamp's checkpoint is a prefix of today's log (size %lld), and every row is "
               "a logged version\n", (long long)c->current_size);
    }
    fw_store_close(s);
    fclose(f);
    free(c);
    return rc;
}
