/*
** Unit tests of authorization as a matrix: every action x every role x
** agency scope (the incident's own agency, an agency listed in its
** other_agencies, another agency, and a user of no agency), each decision
** checked against the expectation table below, which is written out here
** independently of lib/access/authz.c.  Officers also see only incidents in
** which they are an officer party.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "access/authz.h"

/* Who may do what, as the API has allowed it: space-separated role names;
** scoped: whether the incident's agency (and an officer's part) matters. */
static const struct {
    const char *action;
    const char *roles;
    bool scoped;
} expect[] = {
    {"public", "public admin supervisor investigator board auditor officer analyst", false},
    {"read_metrics", "admin auditor", false},
    {"use_session", "admin supervisor investigator board auditor officer analyst", false},
    {"manage_tokens", "admin supervisor investigator board auditor officer analyst", false},
    {"manage_users", "admin", false},
    {"write_incident", "admin supervisor investigator", true},
    {"list_incidents", "admin supervisor investigator board auditor analyst", true},
    {"read_incident", "admin supervisor investigator board auditor officer analyst", true},
    {"add_account", "admin supervisor investigator officer", true},
    {"review", "admin supervisor investigator board", true},
    {"read_review", "admin supervisor investigator board auditor analyst", true},
    {"read_policies", "admin supervisor investigator board auditor analyst", false},
    {"read_stats", "admin supervisor investigator board auditor analyst", false},
    {"export", "admin supervisor investigator board auditor analyst", false},
    {"read_case", "admin supervisor investigator board auditor", true},
    {"move_case", "admin supervisor investigator board", true},
    {"read_duties", "admin supervisor investigator board auditor", true},
    {"record_training", "admin supervisor", false},
    {"read_officers", "admin supervisor investigator board auditor officer", false},
};
#define NEXPECT (sizeof expect / sizeof expect[0])

typedef enum scope { IN_SCOPE, PARTNER, OUT_OF_SCOPE, UNSCOPED, NSCOPES } scope;
static const char *const scope_agency[NSCOPES] = {"test-agency", "partner-agency", "other-agency", ""};
static const char *const scope_name[NSCOPES] = {"in-scope", "partner", "out-of-scope", "unscoped"};

static fw_doc *doc;

static int setup(void **state)
{
    json_error_t e;
    json_t *j = json_load_file("tests/data/base.json", 0, &e);
    fw_diag diag;
    (void)state;
    if (!j)
        return -1;
    json_object_set_new(j, "other_agencies", json_pack("[s]", "partner-agency"));
    /* o-101 is test-agency's registry officer; o-102 a partner agency's, in mutual aid. */
    json_object_set_new(json_array_get(json_object_get(j, "officers"), 0), "registry",
                        json_string("test-agency:o-101"));
    json_object_set_new(json_array_get(json_object_get(j, "officers"), 1), "registry",
                        json_string("partner-agency:o-102"));
    fw_diag_init(&diag, 10);
    if (fw_doc_from_json(j, NULL, &doc, &diag) != FW_OK) {
        fprintf(stderr, "%s\n", diag.n ? diag.msgs[0] : "invalid");
        doc = NULL;
    }
    fw_diag_release(&diag);
    json_decref(j);
    return doc ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fw_doc_free(doc);
    return 0;
}

static bool listed(const char *roles, const char *role)
{
    size_t n = strlen(role);
    const char *p = roles;
    while ((p = strstr(p, role)) != NULL) {
        if ((p == roles || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
        p += n;
    }
    return false;
}

static fw_user user(fw_role role, scope sc)
{
    fw_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "u-%s", fw_role_name(role));
    u.role = role;
    snprintf(u.agency, sizeof u.agency, "%s", scope_agency[sc]);
    if (role == FW_ROLE_OFFICER)
        snprintf(u.officer, sizeof u.officer, "test-agency:o-101"); /* linked in base.json */
    return u;
}

static void test_every_action_is_expected(void **state)
{
    size_t i;
    (void)state;
    assert_int_equal(NEXPECT, FW_NACTIONS);
    for (i = 0; i < NEXPECT; i++) {
        int a = fw_authz_action_parse(expect[i].action);
        assert_true(a >= 0);
        assert_string_equal(fw_authz_action_name((fw_action)a), expect[i].action);
        assert_non_null(fw_authz_action_summary((fw_action)a));
        assert_int_equal(fw_authz_scoped((fw_action)a), expect[i].scoped);
    }
    assert_int_equal(fw_authz_action_parse("fly"), -1);
    assert_null(fw_authz_action_name(FW_NACTIONS));
    assert_false(fw_authz_may(FW_ROLE_ADMIN, FW_NACTIONS));
    assert_false(fw_authz_may(FW_NROLES, FW_ACTION_PUBLIC));
}

/* The matrix: action x role x scope. */
static void test_matrix(void **state)
{
    size_t i, checked = 0;
    int k, sc;
    (void)state;
    for (i = 0; i < NEXPECT; i++) {
        fw_action a = (fw_action)fw_authz_action_parse(expect[i].action);
        for (k = 0; k < FW_NROLES; k++) {
            bool role_may = listed(expect[i].roles, fw_role_name((fw_role)k));
            unsigned bit = FW_ROLE_BIT(k);
            assert_int_equal(fw_authz_may((fw_role)k, a), role_may);
            assert_int_equal((fw_authz_roles(a) & bit) != 0, role_may);
            for (sc = 0; sc < NSCOPES; sc++) {
                fw_user u = user((fw_role)k, (scope)sc);
                bool want = role_may && (!expect[i].scoped || sc != OUT_OF_SCOPE);
                bool got = fw_authz_may_on(&u, a, doc);
                if (got != want)
                    fail_msg("%s as %s, %s: got %d, expected %d", expect[i].action,
                             fw_role_name((fw_role)k), scope_name[sc], got, want);
                /* No incident yet (a new one): only the role matters. */
                assert_int_equal(fw_authz_may_on(&u, a, NULL), role_may);
                checked++;
            }
        }
    }
    assert_int_equal(checked, (size_t)FW_NACTIONS * FW_NROLES * NSCOPES);
}

/* Who may see the incident, apart from actions. */
static void test_may_see(void **state)
{
    int k, sc;
    fw_user u;
    (void)state;
    for (k = 0; k < FW_NROLES; k++)
        for (sc = 0; sc < NSCOPES; sc++) {
            u = user((fw_role)k, (scope)sc);
            assert_int_equal(fw_authz_may_see(&u, doc), sc != OUT_OF_SCOPE);
        }
    /* An officer no party is linked to sees nothing; nor does a bare label, even one a
    ** party carries: labels are local to an incident, registry officers are people. */
    u = user(FW_ROLE_OFFICER, UNSCOPED);
    snprintf(u.officer, sizeof u.officer, "test-agency:o-999");
    assert_false(fw_authz_may_see(&u, doc));
    snprintf(u.officer, sizeof u.officer, "s-1");
    assert_false(fw_authz_may_see(&u, doc));
    u.officer[0] = '\0';
    assert_false(fw_authz_may_see(&u, doc));
    snprintf(u.officer, sizeof u.officer, "o-101");
    assert_false(fw_authz_may_see(&u, doc));
    snprintf(u.officer, sizeof u.officer, "other-agency:o-101");
    assert_false(fw_authz_may_see(&u, doc));
    snprintf(u.officer, sizeof u.officer, "partner-agency:o-102");
    assert_true(fw_authz_may_see(&u, doc));
    assert_false(fw_authz_may_on(&u, FW_ACTION_READ_INCIDENT, NULL) &&
                 !fw_authz_may_on(&u, FW_ACTION_READ_INCIDENT, doc));
}

/* Writing is stricter than seeing: a partner agency reads, never writes. */
static void test_may_write(void **state)
{
    int k, sc;
    fw_user u;
    (void)state;
    for (k = 0; k < FW_NROLES; k++)
        for (sc = 0; sc < NSCOPES; sc++) {
            u = user((fw_role)k, (scope)sc);
            assert_int_equal(fw_authz_may_write(&u, doc),
                             fw_authz_may_see(&u, doc) && sc != PARTNER);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_action_is_expected),
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_may_see),
        cmocka_unit_test(test_may_write),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
