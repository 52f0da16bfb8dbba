/*
** Unit tests of running an import into a temporary store: rows stored in
** file order, a second row with the same id rejected as a duplicate, rows
** that cannot be mapped rejected by line, unchanged rows not stored again,
** incidents the file no longer lists withdrawn, withdrawals skipped after a
** row without an id, and an empty file refused unless allowed.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forcewatch.h"
#include "data/import_run.h"

static const char *const profile_text =
    "profile t \"test\"\n"
    "id     id     prefix t-\n"
    "date   date   format YYYY-MM-DD\n"
    "agency -      const t-agency\n"
    "force  weapon map *=firearm_discharge\n";

typedef struct fixture {
    char dir[64], path[128];
    fw_store *s;
    fw_profile *prof;
    char rejected[4096];
    size_t nrejected;
} fixture;

static void on_reject(void *arg, fw_profile_part part, const char *file, size_t line,
                      const char *why)
{
    fixture *f = arg;
    size_t len = strlen(f->rejected);
    (void)part;
    snprintf(f->rejected + len, sizeof f->rejected - len, "%s:%zu: %s\n", file, line, why);
    f->nrejected++;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fw_diag d;
    fw_error err;
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-import-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    {
        fw_store_opts o;
        memset(&o, 0, sizeof o);
        o.flags = FW_STORE_CREATE;
        if (fw_store_open(f->path, &o, &f->s, &err) != FW_OK)
            return -1;
    }
    fw_diag_init(&d, 10);
    if (fw_profile_parse("t.profile", profile_text, strlen(profile_text), &f->prof, &d) != FW_OK)
        return -1;
    fw_diag_release(&d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[160];
    fw_store_close(f->s);
    fw_profile_free(f->prof);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Import csv (a string) in one transaction; the incidents' counts. */
static fw_rc import(fixture *f, const char *csv, bool allow_empty, fw_import_counts *out,
                    fw_error *err)
{
    fw_import_hooks hooks = {on_reject, NULL, f};
    fw_import *im = fw_import_new(f->s, f->prof, "test", &hooks);
    FILE *in = fmemopen((void *)csv, strlen(csv), "r");
    fw_rc rc;

    assert_non_null(im);
    assert_non_null(in);
    f->rejected[0] = '\0';
    f->nrejected = 0;
    assert_int_equal(fw_store_begin(f->s, err), FW_OK);
    rc = fw_import_read(im, FW_PROFILE_INCIDENTS, in, "t.csv", (long long)strlen(csv), err);
    if (rc == FW_OK)
        rc = fw_import_withdraw_missing(im, allow_empty, err);
    *out = *fw_import_counts_of(im, FW_PROFILE_INCIDENTS);
    if (rc == FW_OK)
        assert_int_equal(fw_store_commit(f->s, err), FW_OK);
    else
        fw_store_rollback(f->s);
    fclose(in);
    fw_import_free(im);
    return rc;
}

static bool withdrawn(fixture *f, const char *id)
{
    fw_buf body;
    bool w;
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    assert_int_equal(fw_store_get(f->s, FW_RECORD_INCIDENT, id, 0, &body, NULL, NULL), FW_OK);
    w = strstr(fw_buf_str(&body), "\"withdrawn\":true") != NULL;
    fw_buf_release(&body);
    return w;
}

static void test_import_rules(void **state)
{
    fixture *f = *state;
    fw_import_counts c;
    fw_error err;

    /* Rows stored; a duplicate id and an unmappable date rejected by line. */
    assert_int_equal(import(f, "id,date,weapon\n1,2020-01-02,gun\n2,2020-01-03,gun\n"
                               "1,2020-01-04,gun\n3,not-a-date,gun\n4,2020-01-05,gun\n",
                            false, &c, &err), FW_OK);
    assert_int_equal(c.rows, 5);
    assert_int_equal(c.tally.created, 3);
    assert_int_equal(c.rejected, 2);
    assert_int_equal(f->nrejected, 2);
    assert_non_null(strstr(f->rejected, "t.csv:4: duplicate id t-1 (also on line 2)\n"));
    assert_non_null(strstr(f->rejected, "t.csv:5: "));
    assert_int_equal(c.withdrawn, 0);

    /* Again without row 2: rows 1 and 4 unchanged, t-2 withdrawn; t-3 (rejected, still
    ** listed by id) is not stored, so nothing to withdraw there. */
    assert_int_equal(import(f, "id,date,weapon\n1,2020-01-02,gun\n4,2020-01-05,gun\n", false, &c,
                            &err), FW_OK);
    assert_int_equal(c.tally.unchanged, 2);
    assert_int_equal(c.withdrawn, 1);
    assert_true(withdrawn(f, "t-2"));
    assert_false(withdrawn(f, "t-1"));

    /* A row the CSV reader refuses has no id: nothing is withdrawn. */
    assert_int_equal(import(f, "id,date,weapon\n4,2020-01-05,gun\n\"1,2020-01-02\n", false, &c,
                            &err), FW_OK);
    assert_true(c.withdraw_skipped);
    assert_int_equal(c.withdrawn, 0);
    assert_false(withdrawn(f, "t-1"));

    /* No rows: refused, unless allowed (then every incident is withdrawn). */
    assert_int_equal(import(f, "id,date,weapon\n", false, &c, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "t.csv: no rows after the header"));
    assert_false(withdrawn(f, "t-1"));
    assert_int_equal(import(f, "id,date,weapon\n", true, &c, &err), FW_OK);
    assert_int_equal(c.withdrawn, 2);
    assert_true(withdrawn(f, "t-1"));

    /* A header the profile cannot bind, and an empty file. */
    assert_int_equal(import(f, "name,when\nx,y\n", false, &c, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "t.csv:1: header: "));
    assert_int_equal(import(f, "", false, &c, &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "t.csv: empty file (no header)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_rules, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
