/*
** Unit tests of the policy set: loading text and files, and the one rule
** that chooses the version of a family at a date (the latest effective date
** not after it wins; full names win outright; proposals only when the family
** has no adopted version; what-if, with no date, the version that took
** effect last).
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
#include "policy/policyset.h"

static void add(fw_policy_set *set, const char *path, const char *name, const char *version,
                const char *kind, const char *effective, const char *until)
{
    char text[1024];
    fw_diag d;
    fw_error err;
    snprintf(text, sizeof text,
             "policy %s \"t\"\nversion %s\nkind %s\n%s%s%s%s%s%sstatus paraphrase\n"
             "governs type local_police\n\n"
             "rule r\n  cite \"1\"\n  says \"s\"\n  require warning.given\n",
             name, version, kind, effective ? "effective " : "", effective ? effective : "",
             effective ? "\n" : "", until ? "until " : "", until ? until : "", until ? "\n" : "");
    fw_diag_init(&d, 10);
    if (fw_policy_set_add_text(set, path, text, strlen(text), &d, &err) != FW_OK)
        fail_msg("%s: %s", path, d.n ? d.msgs[0] : err.msg);
    fw_diag_release(&d);
}

/* The set in name order: agr-1 (proposal), agr-10 (2021), agr-2 (2015), old-1 (until 2010),
** idea-1 and idea-2 (proposals only). */
static void family(fw_policy_set *set)
{
    memset(set, 0, sizeof *set);
    add(set, "agr-1.policy", "agr", "1", "proposal", NULL, NULL);
    add(set, "agr-10.policy", "agr", "10", "adopted", "2021-01-01", NULL);
    add(set, "agr-2.policy", "agr", "2", "adopted", "2015-01-01", NULL);
    add(set, "idea-1.policy", "idea", "1", "proposal", NULL, NULL);
    add(set, "idea-2.policy", "idea", "2", "illustrative", NULL, NULL);
    add(set, "old-1.policy", "old", "1", "adopted", "2000-01-01", "2010-12-31");
}

static const char *chosen(const fw_policy_set *set, const char *name, const char *date)
{
    const fw_loaded_policy *lp = fw_policy_set_choose(set, name, date);
    return lp ? fw_policy_fullname(lp->policy) : "(none)";
}

static void test_choose(void **state)
{
    fw_policy_set set;
    (void)state;
    family(&set);
    /* Both adopted versions in effect: the one that took effect last. */
    assert_string_equal(chosen(&set, "agr", "2026-01-07T09:37:00Z"), "agr-10");
    assert_string_equal(chosen(&set, "agr", "2021-01-01"), "agr-10");
    /* Only the older one in effect yet. */
    assert_string_equal(chosen(&set, "agr", "2020-12-31"), "agr-2");
    /* Neither in effect: no version, even though a proposal of the family exists. */
    assert_string_equal(chosen(&set, "agr", "2014-06-01"), "(none)");
    /* A full name is that version, whatever the date. */
    assert_string_equal(chosen(&set, "agr-2", "2026-01-01"), "agr-2");
    assert_string_equal(chosen(&set, "agr-1", "2026-01-01"), "agr-1");
    /* A family with no adopted version: its last version. */
    assert_string_equal(chosen(&set, "idea", "2026-01-01"), "idea-2");
    /* until ends a version. */
    assert_string_equal(chosen(&set, "old", "2005-01-01"), "old-1");
    assert_string_equal(chosen(&set, "old", "2011-01-01"), "(none)");
    assert_string_equal(chosen(&set, "nosuch", "2026-01-01"), "(none)");
    /* What-if (no date): the version that took effect last. */
    assert_string_equal(chosen(&set, "agr", NULL), "agr-10");
    assert_string_equal(chosen(&set, "idea", NULL), "idea-2");
    assert_string_equal(chosen(&set, "old", NULL), "old-1");
    assert_true(fw_policy_set_knows(&set, "agr"));
    assert_true(fw_policy_set_knows(&set, "agr-10"));
    assert_false(fw_policy_set_knows(&set, "agr-3"));
    assert_null(fw_policy_set_find(&set, "agr"));
    fw_policy_set_release(&set);
}

static void test_in_effect(void **state)
{
    fw_policy_set set;
    const fw_loaded_policy *out[8];
    fw_agency_chain chain, sheriff;
    fw_jurisdiction jur, other;
    size_t n;
    (void)state;
    family(&set);
    /* Every version of the family governs type local_police (jurisdiction: test_jurisdiction). */
    memset(&chain, 0, sizeof chain);
    chain.n = 1;
    strcpy(chain.links[0].id, "pd");
    strcpy(chain.links[0].type, "local_police");
    chain.links[0].found = true;
    sheriff = chain;
    strcpy(sheriff.links[0].type, "sheriff");
    memset(&jur, 0, sizeof jur);
    jur.chain = &chain;
    other = jur;
    other.chain = &sheriff;
    assert_int_equal(fw_policy_set_in_effect(&set, "2026-01-01", &other, out, 8), 0);
    assert_int_equal(fw_policy_set_in_effect(&set, "2026-01-01", NULL, out, 8), 0);
    /* One version per family: agr-10 only, not agr-2 too. */
    n = fw_policy_set_in_effect(&set, "2026-01-01", &jur, out, 8);
    assert_int_equal(n, 1);
    assert_string_equal(fw_policy_fullname(out[0]->policy), "agr-10");
    n = fw_policy_set_in_effect(&set, "2005-01-01", &jur, out, 8);
    assert_int_equal(n, 1);
    assert_string_equal(fw_policy_fullname(out[0]->policy), "old-1");
    n = fw_policy_set_in_effect(&set, "2016-01-01", &jur, out, 8);
    assert_int_equal(n, 1);
    assert_string_equal(fw_policy_fullname(out[0]->policy), "agr-2");
    assert_int_equal(fw_policy_set_in_effect(&set, "1990-01-01", &jur, out, 8), 0);
    assert_int_equal(fw_policy_set_in_effect(&set, "2026-01-01", &jur, out, 0), 0);
    fw_policy_set_release(&set);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_load(void **state)
{
    char dir[] = "/tmp/fw-policyset-XXXXXX", path[256];
    const char *good = "policy g \"g\"\nversion 1\nstatus paraphrase\n\nrule r\n  cite \"1\"\n"
                       "  says \"s\"\n  require warning.given\n";
    fw_policy_set set;
    fw_diag d;
    fw_error err;
    (void)state;

    assert_non_null(mkdtemp(dir));
    fw_diag_init(&d, 50);
    snprintf(path, sizeof path, "%s/b.policy", dir);
    write_file(path, good);
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    write_file(path, "not a policy");
    assert_int_equal(fw_policy_set_load(dir, &set, &d, &err), FW_OK);
    assert_int_equal(set.n, 1);
    assert_string_equal(fw_policy_fullname(set.items[0].policy), "g-1");
    assert_int_equal(strlen(set.items[0].sha256), 64);
    fw_policy_set_release(&set);

    /* A bad file: every problem in diag, and an empty set. */
    snprintf(path, sizeof path, "%s/a.policy", dir);
    write_file(path, "policy\n");
    assert_int_equal(fw_policy_set_load(dir, &set, &d, &err), FW_ERR_INVALID);
    assert_int_equal(set.n, 0);
    assert_true(d.n > 0);
    assert_non_null(strstr(d.msgs[0], "a.policy"));
    unlink(path);
    snprintf(path, sizeof path, "%s/b.policy", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    unlink(path);
    rmdir(dir);

    assert_int_equal(fw_policy_set_load("/nonexistent/policies", &set, &d, &err), FW_ERR_IO);
    assert_non_null(strstr(err.msg, "cannot open the policy directory"));
    fw_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choose),
        cmocka_unit_test(test_in_effect),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
