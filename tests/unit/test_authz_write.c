/*
** Unit tests of the one write rule (fw_authz_check_write) and its kin for
** agency records and users: a write never leaves the writer's agency; a
** write naming something the writer may not see is answered as a read of it
** is (not found), so ids cannot be enumerated; one the writer may see but
** not write is refused (403), since its existence is no secret to them.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "access/authz.h"

/* base.json as agency's incident, other_agencies partner (NULL: none). */
static fw_doc *incident(const char *agency, const char *partner)
{
    json_error_t e;
    json_t *j = json_load_file("tests/data/base.json", 0, &e);
    fw_diag diag;
    fw_doc *d = NULL;
    assert_non_null(j);
    json_object_set_new(j, "agency", json_string(agency));
    /* o-101 is the agency's registry officer AGENCY:o-101 */
    json_object_set_new(json_array_get(json_object_get(j, "officers"), 0), "registry",
                        json_pack("s++", agency, ":", "o-101"));
    if (partner)
        json_object_set_new(j, "other_agencies", json_pack("[s]", partner));
    fw_diag_init(&diag, 10);
    assert_int_equal(fw_doc_from_json(j, NULL, &d, &diag), FW_OK);
    fw_diag_release(&diag);
    json_decref(j);
    return d;
}

static fw_user user(fw_role role, const char *agency, const char *officer)
{
    fw_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "u");
    u.role = role;
    snprintf(u.agency, sizeof u.agency, "%s", agency);
    snprintf(u.officer, sizeof u.officer, "%s", officer);
    u.active = true;
    return u;
}

static void test_check_write(void **state)
{
    fw_doc *a = incident("agency-a", NULL), *b = incident("agency-b", NULL);
    fw_doc *b_with_a = incident("agency-b", "agency-a");
    fw_user sup_a = user(FW_ROLE_SUPERVISOR, "agency-a", "");
    fw_user sup = user(FW_ROLE_SUPERVISOR, "", "");
    fw_user off = user(FW_ROLE_OFFICER, "", "agency-a:o-101"),
            off_other = user(FW_ROLE_OFFICER, "", "agency-a:o-999");
    (void)state;

    /* A new incident: only the writer's own agency. */
    assert_int_equal(fw_authz_check_write(&sup_a, NULL, a), FW_OK);
    assert_int_equal(fw_authz_check_write(&sup_a, NULL, b), FW_ERR_DENIED);
    /* Listing one's own agency as a partner does not make the write one's own. */
    assert_int_equal(fw_authz_check_write(&sup_a, NULL, b_with_a), FW_ERR_DENIED);
    /* Replacing: another agency's incident is not found, whatever the new one says... */
    assert_int_equal(fw_authz_check_write(&sup_a, b, a), FW_ERR_NOTFOUND);
    assert_int_equal(fw_authz_check_write(&sup_a, b, NULL), FW_ERR_NOTFOUND);
    /* ... except that a new document of another agency is refused first, the same
    ** whether or not anything is stored, so the answer tells nothing. */
    assert_int_equal(fw_authz_check_write(&sup_a, b, b), FW_ERR_DENIED);
    assert_int_equal(fw_authz_check_write(&sup_a, NULL, b), FW_ERR_DENIED);
    /* One the writer may see (a partner) but not write: refused, not hidden. */
    assert_int_equal(fw_authz_check_write(&sup_a, b_with_a, NULL), FW_ERR_DENIED);
    assert_int_equal(fw_authz_check_write(&sup_a, b_with_a, a), FW_ERR_DENIED);
    assert_int_equal(fw_authz_check_write(&sup_a, a, a), FW_OK);
    /* A user of no agency writes every agency's incidents. */
    assert_int_equal(fw_authz_check_write(&sup, b, a), FW_OK);
    assert_int_equal(fw_authz_check_write(&sup, NULL, b), FW_OK);
    /* Officers: an incident they are no officer party of is not found. */
    assert_int_equal(fw_authz_check_write(&off, a, NULL), FW_OK);
    assert_int_equal(fw_authz_check_write(&off_other, a, NULL), FW_ERR_NOTFOUND);
    fw_doc_free(a);
    fw_doc_free(b);
    fw_doc_free(b_with_a);
}

static void test_agency_record(void **state)
{
    fw_user sup_a = user(FW_ROLE_SUPERVISOR, "agency-a", ""), sup = user(FW_ROLE_SUPERVISOR, "", "");
    (void)state;
    assert_int_equal(fw_authz_check_agency_record(&sup_a, NULL), FW_OK);   /* new: theirs */
    assert_int_equal(fw_authz_check_agency_record(&sup_a, "agency-a"), FW_OK);
    assert_int_equal(fw_authz_check_agency_record(&sup_a, "agency-b"), FW_ERR_NOTFOUND);
    assert_int_equal(fw_authz_check_agency_record(&sup_a, ""), FW_ERR_NOTFOUND);
    assert_int_equal(fw_authz_check_agency_record(&sup, "agency-b"), FW_OK);
    assert_int_equal(fw_authz_check_agency_record(&sup, ""), FW_OK);
}

static void test_users(void **state)
{
    fw_user admin_a = user(FW_ROLE_ADMIN, "agency-a", ""), admin = user(FW_ROLE_ADMIN, "", "");
    fw_user in_a = user(FW_ROLE_BOARD, "agency-a", ""), in_b = user(FW_ROLE_BOARD, "agency-b", "");
    fw_user nowhere = user(FW_ROLE_BOARD, "", ""), sup = user(FW_ROLE_SUPERVISOR, "", "");
    (void)state;
    assert_int_equal(fw_authz_check_user(&admin_a, &in_a, true), FW_OK);
    assert_int_equal(fw_authz_check_user(&admin_a, &in_b, true), FW_ERR_DENIED);
    /* An agency's admin cannot make a user who spans agencies. */
    assert_int_equal(fw_authz_check_user(&admin_a, &nowhere, true), FW_ERR_DENIED);
    assert_int_equal(fw_authz_check_user(&admin_a, &in_b, false), FW_ERR_NOTFOUND);
    assert_int_equal(fw_authz_check_user(&admin_a, &in_a, false), FW_OK);
    assert_int_equal(fw_authz_check_user(&admin, &in_b, true), FW_OK);
    assert_int_equal(fw_authz_check_user(&admin, &nowhere, false), FW_OK);
    assert_true(fw_authz_revokes_any_token(&admin));
    assert_false(fw_authz_revokes_any_token(&admin_a));
    assert_false(fw_authz_revokes_any_token(&sup));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_write),
        cmocka_unit_test(test_agency_record),
        cmocka_unit_test(test_users),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
