/*
** Unit tests of what a user may read and write of incidents
** (lib/access/incident_access.h) over a real store, and of paging
** (lib/store/page.h): agency scope for writes, replacements and listings;
** the officer's rules for accounts; the served form of a version, its
** cache, the analyst's de-identified view; page sizes and cursors.
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

#include "access/incident_access.h"
#include "store/page.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    fw_store *st;
} fixture;

static fw_doc *incident(const char *id, const char *agency, const char *summary)
{
    char text[2048];
    fw_diag d;
    fw_doc *doc = NULL;
    snprintf(text, sizeof text,
             "{\"id\":\"%s\",\"agency\":\"%s\",\"occurred_at\":\"2025-03-01T10:00:00Z\","
             "\"encounter\":\"arrest\",\"summary\":\"%s\",\"officers\":[{\"id\":\"o1\","
             "\"registry\":\"%s:o1\",\"role\":\"applied_force\"}],\"subjects\":[{\"id\":\"s1\"}],\"accounts\":[{\"id\":"
             "\"a\",\"kind\":\"officer_report\",\"source\":\"report\",\"events\":[{\"t\":0,"
             "\"type\":\"force\",\"actor\":\"o1\",\"kind\":\"ecd\",\"target\":\"s1\"}]}]}",
             id, agency, summary, agency);
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test document invalid: %s", d.msgs[0]);
    fw_diag_release(&d);
    return doc;
}

static fw_user user(const char *name, fw_role role, const char *agency, const char *officer)
{
    fw_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = role;
    snprintf(u.agency, sizeof u.agency, "%s", agency);
    snprintf(u.officer, sizeof u.officer, "%s", officer);
    return u;
}

static const char *const officers[] = {
    "{\"record\":\"officer\",\"id\":\"A1:o1\",\"agency\":\"A1\"}",
    "{\"record\":\"officer\",\"id\":\"B2:o1\",\"agency\":\"B2\"}",
};

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fw_store_opts o;
    fw_error err;
    fw_put_result res;
    fw_doc *doc;
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-incacc-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    if (fw_store_open(f->path, &o, &f->st, &err) != FW_OK)
        return -1;
    /* The registry officers the incidents' o1 link to (store/officers.h). */
    if (fw_store_begin(f->st, &err) != FW_OK)
        return -1;
    for (size_t i = 0; i < 2; i++) {
        fw_doc *rec = NULL;
        fw_diag d;
        fw_diag_init(&d, 2);
        if (fw_doc_parse(officers[i], strlen(officers[i]), NULL, &rec, &d) != FW_OK ||
            fw_store_put(f->st, rec, "test", &res, &err) != FW_OK)
            return -1;
        fw_doc_free(rec);
        fw_diag_release(&d);
    }
    if (fw_store_commit(f->st, &err) != FW_OK)
        return -1;
    doc = incident("inc-a", "A1", "first");
    if (fw_incident_store(f->st, doc, "test", &res, &err) != FW_OK)
        return -1;
    fw_doc_free(doc);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[200];
    fw_store_close(f->st);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void test_write_scope(void **state)
{
    fixture *f = *state;
    fw_user a1 = user("x", FW_ROLE_INVESTIGATOR, "A1", ""), b2 = user("y", FW_ROLE_INVESTIGATOR, "B2", "");
    fw_user admin = user("root", FW_ROLE_ADMIN, "", "");
    fw_doc *mine = incident("inc-a", "A1", "second"), *theirs = incident("inc-a", "B2", "taken");
    fw_doc *fresh = incident("inc-b", "B2", "new");
    fw_put_result res;
    const char *field = NULL;
    fw_error err;

    assert_int_equal(fw_incident_check_write(f->st, &a1, mine, &field, &err), FW_OK);
    assert_int_equal(fw_incident_check_write(f->st, &a1, fresh, &field, &err), FW_ERR_DENIED);
    assert_string_equal(field, "agency");
    /* B2 may write B2 incidents, but not take over A1's inc-a by relabelling it; and
    ** since B2 may not see inc-a, the answer is the one a read gets: not found. */
    assert_int_equal(fw_incident_check_write(f->st, &b2, fresh, &field, &err), FW_OK);
    assert_int_equal(fw_incident_check_write(f->st, &b2, theirs, &field, &err), FW_ERR_NOTFOUND);
    assert_string_equal(field, "id");
    assert_string_equal(err.msg, "no incident with id inc-a");
    assert_int_equal(fw_incident_check_write(f->st, &admin, theirs, NULL, &err), FW_OK);

    assert_int_equal(fw_incident_store(f->st, mine, "x", &res, &err), FW_OK);
    assert_int_equal(res.action, FW_PUT_UPDATED);
    assert_int_equal(res.version, 2);
    assert_int_equal(fw_incident_store(f->st, mine, "x", &res, &err), FW_OK);
    assert_int_equal(res.action, FW_PUT_UNCHANGED);
    fw_doc_free(mine);
    fw_doc_free(theirs);
    fw_doc_free(fresh);
}

static void test_load_visible(void **state)
{
    fixture *f = *state;
    fw_user a1 = user("x", FW_ROLE_INVESTIGATOR, "A1", ""), b2 = user("y", FW_ROLE_INVESTIGATOR, "B2", "");
    fw_doc *doc;
    fw_error err;
    assert_int_equal(fw_incident_load_visible(f->st, &a1, "inc-a", &doc, &err), FW_OK);
    assert_string_equal(doc->id, "inc-a");
    fw_doc_free(doc);
    assert_int_equal(fw_incident_load_visible(f->st, &b2, "inc-a", &doc, &err), FW_ERR_NOTFOUND);
    assert_null(doc);
    assert_string_equal(err.msg, "no incident with id inc-a");
    assert_int_equal(fw_incident_load_visible(f->st, &a1, "nope", &doc, &err), FW_ERR_NOTFOUND);
}

static void test_accounts(void **state)
{
    fw_user o1 = user("o", FW_ROLE_OFFICER, "A1", "A1:o1"), o9 = user("p", FW_ROLE_OFFICER, "A1", "A1:o9");
    fw_user inv = user("x", FW_ROLE_INVESTIGATOR, "A1", "");
    fw_doc *doc = incident("inc-a", "A1", "first"), *next = NULL;
    json_t *own = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "id", "b", "kind", "officer_report",
                            "author", "o1", "source", "report", "events");
    json_t *other = json_pack("{s:s, s:s, s:s, s:[]}", "id", "c", "kind", "witness_statement",
                              "source", "interview", "events");
    json_t *dup = json_pack("{s:s, s:s, s:s, s:[]}", "id", "a", "kind", "witness_statement",
                            "source", "interview", "events");
    json_t *bad = json_pack("{s:s, s:s}", "id", "d", "kind", "no such kind");
    const char *field = NULL;
    fw_diag diag;
    fw_error err;

    (void)state;
    fw_diag_init(&diag, 10);
    assert_int_equal(fw_incident_add_account(doc, &o1, own, &next, &diag, &field, &err), FW_OK);
    assert_int_equal(next->naccounts, 2);
    fw_doc_free(next);
    /* An officer who was not there cannot tell the incident exists. */
    assert_int_equal(fw_incident_add_account(doc, &o9, own, &next, &diag, &field, &err),
                     FW_ERR_NOTFOUND);
    assert_string_equal(field, "id");
    assert_int_equal(fw_incident_add_account(doc, &o1, other, &next, &diag, &field, &err),
                     FW_ERR_DENIED);
    assert_string_equal(field, "author");
    json_object_set_new(other, "author", json_string("o1"));
    assert_int_equal(fw_incident_add_account(doc, &o1, other, &next, &diag, &field, &err),
                     FW_ERR_DENIED);
    assert_string_equal(field, "kind");
    /* Others file any kind; ids are unique; the result must validate. */
    assert_int_equal(fw_incident_add_account(doc, &inv, dup, &next, &diag, &field, &err),
                     FW_ERR_EXISTS);
    assert_string_equal(field, "id");
    assert_int_equal(fw_incident_add_account(doc, &inv, bad, &next, &diag, &field, &err),
                     FW_ERR_INVALID);
    assert_true(diag.n > 0);
    assert_null(next);
    fw_diag_release(&diag);
    fw_doc_free(doc);
    json_decref(own);
    json_decref(other);
    json_decref(dup);
    json_decref(bad);
}

static void test_list_agency(void **state)
{
    fw_user a1 = user("x", FW_ROLE_INVESTIGATOR, "A1", ""), board = user("b", FW_ROLE_BOARD, "", "");
    bool none;
    (void)state;
    assert_string_equal(fw_incident_list_agency(&a1, NULL, &none), "A1");
    assert_false(none);
    assert_string_equal(fw_incident_list_agency(&a1, "A1", &none), "A1");
    assert_false(none);
    fw_incident_list_agency(&a1, "B2", &none);
    assert_true(none);
    assert_null(fw_incident_list_agency(&board, NULL, &none));
    assert_string_equal(fw_incident_list_agency(&board, "B2", &none), "B2");
    assert_false(none);
}

static json_t *served(fixture *f, fw_cache *c, const fw_user *u, const char *id, int64_t v,
                      fw_rc want, const char *want_field)
{
    fw_buf out;
    fw_error err;
    const char *field = NULL;
    json_t *j = NULL;
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    assert_int_equal(fw_served_read(c, f->st, u, id, v, u->name, NULL, 100, &out, &field, &err),
                     want);
    if (want == FW_OK)
        j = json_loadb(out.data, out.len, 0, NULL);
    else if (want_field)
        assert_string_equal(field, want_field);
    fw_buf_release(&out);
    return j;
}

static void test_served(void **state)
{
    fixture *f = *state;
    fw_user a1 = user("x", FW_ROLE_INVESTIGATOR, "A1", ""), b2 = user("y", FW_ROLE_INVESTIGATOR, "B2", "");
    fw_user analyst = user("z", FW_ROLE_ANALYST, "", "");
    fw_cache *c = fw_served_cache_new(16, 1 << 20);
    fw_doc *v2 = incident("inc-a", "A1", "second");
    fw_put_result res;
    fw_error err;
    size_t cost;
    json_t *j;
    int pass;

    assert_non_null(c);
    for (pass = 0; pass < 2; pass++) {   /* built, then from the cache */
        j = served(f, c, &a1, "inc-a", 0, FW_OK, NULL);
        assert_non_null(j);
        assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
        assert_int_equal(json_integer_value(json_object_get(j, "latest")), 1);
        assert_string_equal(json_string_value(json_object_get(json_object_get(j, "incident"), "id")),
                            "inc-a");
        json_decref(j);
    }
    assert_int_equal(fw_cache_count(c, &cost), 1);
    j = served(f, c, &analyst, "inc-a", 1, FW_OK, NULL);
    assert_non_null(j);
    json_decref(j);
    /* Missing, invisible, and past the latest (told only to who may see it). */
    assert_null(served(f, c, &a1, "nope", 0, FW_ERR_NOTFOUND, "id"));
    assert_null(served(f, c, &b2, "inc-a", 0, FW_ERR_NOTFOUND, "id"));
    assert_null(served(f, c, &b2, "inc-a", 9, FW_ERR_NOTFOUND, "id"));
    assert_null(served(f, c, &a1, "inc-a", 9, FW_ERR_NOTFOUND, "version"));
    /* A new version is seen at once; without a cache too. */
    assert_int_equal(fw_incident_store(f->st, v2, "x", &res, &err), FW_OK);
    j = served(f, c, &a1, "inc-a", 0, FW_OK, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
    json_decref(j);
    j = served(f, NULL, &a1, "inc-a", 1, FW_OK, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "latest")), 2);
    json_decref(j);
    fw_doc_free(v2);
    fw_cache_free(c);
}

static void test_page(void **state)
{
    char enc[256], occ[64], id[80];
    fw_error err;
    long n;
    (void)state;
    assert_int_equal(fw_page_limit(NULL, &n, &err), FW_OK);
    assert_int_equal(n, FW_PAGE_DEFAULT);
    assert_int_equal(fw_page_limit("1000", &n, &err), FW_OK);
    assert_int_equal(n, 1000);
    assert_int_equal(fw_page_limit("1001", &n, &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "expected 1 to 1000, not '1001'");
    assert_int_equal(fw_page_limit("0", &n, &err), FW_ERR_INVALID);
    assert_int_equal(fw_page_limit("5x", &n, &err), FW_ERR_INVALID);
    assert_int_equal(fw_page_limit("", &n, &err), FW_ERR_INVALID);

    assert_true(fw_page_cursor_encode("2025-03-01T10:00:00Z", "inc-a", enc, sizeof enc));
    assert_null(strchr(enc, '='));   /* base64url without padding */
    assert_int_equal(fw_page_cursor_decode(enc, occ, sizeof occ, id, sizeof id, &err), FW_OK);
    assert_string_equal(occ, "2025-03-01T10:00:00Z");
    assert_string_equal(id, "inc-a");
    assert_false(fw_page_cursor_encode("2025-03-01T10:00:00Z", "inc-a", enc, 8));
    assert_int_equal(fw_page_cursor_decode("!!", occ, sizeof occ, id, sizeof id, &err),
                     FW_ERR_INVALID);
    assert_string_equal(err.msg, "not a cursor this server gave");
    assert_int_equal(fw_page_cursor_decode("bm9uZXdsaW5l", occ, sizeof occ, id, sizeof id, &err),
                     FW_ERR_INVALID);                 /* "nonewline" */
    assert_true(fw_page_cursor_encode("x", "", enc, sizeof enc));
    assert_int_equal(fw_page_cursor_decode(enc, occ, sizeof occ, id, sizeof id, &err),
                     FW_ERR_INVALID);                 /* no id */
    assert_true(fw_page_cursor_encode("x", "inc-a", enc, sizeof enc));
    assert_int_equal(fw_page_cursor_decode(enc, occ, 1, id, sizeof id, &err), FW_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_visible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accounts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_agency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_served, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
