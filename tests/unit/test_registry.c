/*
** Unit tests of the officer registry's pure parts (issue 13, point 1): an
** officer record's rules (the id is AGENCY:LABEL, assignments in order);
** incident officers linked to registry officers (fw_doc_officer_linked); who
** sees an incident as an officer user (through a link only, never a label)
** and who sees a registry officer (fw_authz_may_see_officer); duty items
** carrying the registry id, and training found through the link alone.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "access/authz.h"
#include "workflow/duties.h"
#include "workflow/walk.h"

static fw_doc *parse(const char *text, fw_diag *d)
{
    fw_doc *doc = NULL;
    fw_diag_reset(d);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, d) != FW_OK)
        return NULL;
    return doc;
}

/* One incident of agency with officer o-7 (linked to registry, "" for none) using an ECD. */
static fw_doc *incident(const char *id, const char *agency, const char *registry)
{
    char text[2048], link[128] = "";
    fw_diag d;
    fw_doc *doc;
    if (*registry)
        snprintf(link, sizeof link, "\"registry\":\"%s\",", registry);
    snprintf(text, sizeof text,
             "{\"id\":\"%s\",\"agency\":\"%s\",\"occurred_at\":\"2025-01-01T12:00:00Z\","
             "\"officers\":[{\"id\":\"o-7\",%s\"role\":\"applied_force\"},"
             "{\"id\":\"o-8\",\"role\":\"present\"}],\"subjects\":[{\"id\":\"s-1\"}],"
             "\"accounts\":[{\"id\":\"r\",\"kind\":\"agency_statement\",\"source\":\"report\","
             "\"events\":[{\"t\":1,\"type\":\"force\",\"actor\":\"o-7\",\"kind\":\"ecd\","
             "\"target\":\"s-1\"}]}]}",
             id, agency, link);
    fw_diag_init(&d, 5);
    doc = parse(text, &d);
    if (!doc)
        fail_msg("test incident: %s", d.n ? d.msgs[0] : "?");
    fw_diag_release(&d);
    return doc;
}

/* One registry officer linked to two labels of one incident is refused, naming both. */
static void test_one_link_per_officer(void **state)
{
    static const char fmt[] =
        "{\"id\":\"i\",\"agency\":\"metro-pd\",\"occurred_at\":\"2025-01-01T12:00:00Z\","
        "\"officers\":[{\"id\":\"o-7\",\"registry\":\"metro-pd:o-7\",\"role\":\"applied_force\"},"
        "{\"id\":\"o-8\",\"registry\":\"%s\",\"role\":\"present\"}],\"subjects\":[{\"id\":\"s-1\"}],"
        "\"accounts\":[{\"id\":\"r\",\"kind\":\"agency_statement\",\"source\":\"report\","
        "\"events\":[]}]}";
    char text[1024];
    fw_diag d;
    fw_doc *doc;
    (void)state;
    fw_diag_init(&d, 10);
    snprintf(text, sizeof text, fmt, "metro-pd:o-7");
    assert_null(parse(text, &d));
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msgs[0],
                        "officers[1].registry: 'metro-pd:o-7' is already linked by officers[0]");
    snprintf(text, sizeof text, fmt, "metro-pd:o-8");
    doc = parse(text, &d);
    assert_non_null(doc);
    fw_doc_free(doc);
    fw_diag_release(&d);
}

static void test_officer_record(void **state)
{
    fw_diag d;
    fw_doc *doc;
    (void)state;
    fw_diag_init(&d, 10);
    doc = parse("{\"record\":\"officer\",\"id\":\"metro-pd:o-7\",\"agency\":\"metro-pd\","
                "\"name\":\"A\",\"status\":\"active\",\"assignments\":[{\"unit\":\"patrol\","
                "\"from\":\"2019-01-01\",\"to\":\"2020-01-01\"}]}",
                &d);
    assert_non_null(doc);
    assert_int_equal(doc->type, FW_RECORD_OFFICER);
    assert_string_equal(doc->agency, "metro-pd");
    assert_string_equal(fw_record_type_name(doc->type), "officer");
    fw_doc_free(doc);
    /* The id is the agency's, ':' and a label. */
    assert_null(parse("{\"record\":\"officer\",\"id\":\"o-7\",\"agency\":\"metro-pd\"}", &d));
    assert_string_equal(d.msgs[0],
                        "id: \"o-7\" must be the agency's id, ':' and a label (\"metro-pd:LABEL\")");
    assert_null(parse("{\"record\":\"officer\",\"id\":\"county-so:o-7\",\"agency\":\"metro-pd\"}", &d));
    assert_null(parse("{\"record\":\"officer\",\"id\":\"metro-pd:\",\"agency\":\"metro-pd\"}", &d));
    assert_null(parse("{\"record\":\"officer\",\"id\":\"metro-pdx:o\",\"agency\":\"metro-pd\"}", &d));
    /* The label holds no ':': agency ids may, so "a:b:c" is agency "a:b", label "c" only. */
    assert_null(parse("{\"record\":\"officer\",\"id\":\"a:b:c\",\"agency\":\"a\"}", &d));
    assert_string_equal(d.msgs[0], "id: \"a:b:c\": the label after \"a:\" must not contain ':'");
    doc = parse("{\"record\":\"officer\",\"id\":\"a:b:c\",\"agency\":\"a:b\"}", &d);
    if (!doc)
        fail_msg("agency a:b, label c: %s", d.n ? d.msgs[0] : "?");
    fw_doc_free(doc);
    /* The agency is required; statuses are a closed set; assignments end after they start. */
    assert_null(parse("{\"record\":\"officer\",\"id\":\"metro-pd:o-7\"}", &d));
    assert_string_equal(d.msgs[0], "agency: required field missing");
    assert_null(parse("{\"record\":\"officer\",\"id\":\"metro-pd:o-7\",\"agency\":\"metro-pd\","
                      "\"status\":\"fired\"}", &d));
    assert_null(parse("{\"record\":\"officer\",\"id\":\"metro-pd:o-7\",\"agency\":\"metro-pd\","
                      "\"assignments\":[{\"unit\":\"u\",\"from\":\"2020-01-01\",\"to\":\"2019-01-01\"}]}",
                      &d));
    assert_string_equal(d.msgs[0], "assignments[0].to: 2019-01-01 is before from (2020-01-01)");
    /* An incident's link is an id. */
    assert_null(parse("{\"id\":\"i\",\"agency\":\"a\",\"occurred_at\":\"2025-01-01\",\"officers\":"
                      "[{\"id\":\"o\",\"role\":\"present\",\"registry\":\"a b\"}],\"accounts\":"
                      "[{\"id\":\"x\",\"kind\":\"other\",\"source\":\"s\",\"events\":[]}]}", &d));
    fw_diag_release(&d);
}

static void test_linked(void **state)
{
    fw_doc *a = incident("i-1", "metro-pd", "metro-pd:o-7"), *plain = incident("i-2", "metro-pd", "");
    (void)state;
    assert_non_null(fw_doc_officer_linked(a, "metro-pd:o-7"));
    assert_string_equal(fw_doc_officer_linked(a, "metro-pd:o-7")->id, "o-7");
    assert_string_equal(fw_doc_party_registry(&a->parties[0]), "metro-pd:o-7");
    assert_null(fw_doc_party_registry(&a->parties[1]));   /* o-8: not linked */
    assert_null(fw_doc_party_registry(&a->parties[2]));   /* s-1: not an officer */
    assert_null(fw_doc_officer_linked(a, "county-so:o-7"));
    assert_null(fw_doc_officer_linked(a, "o-7"));         /* a label is no registry id */
    assert_null(fw_doc_officer_linked(plain, "metro-pd:o-7"));
    assert_null(fw_doc_officer_linked(a, NULL));
    fw_doc_free(a);
    fw_doc_free(plain);
}

static fw_user user(fw_role role, const char *agency, const char *officer)
{
    fw_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "u");
    u.role = role;
    snprintf(u.agency, sizeof u.agency, "%s", agency);
    snprintf(u.officer, sizeof u.officer, "%s", officer);
    return u;
}

/* An officer user sees the incidents they are linked in; the same label elsewhere is not them. */
static void test_officer_user_sees(void **state)
{
    fw_doc *mine = incident("i-1", "metro-pd", "metro-pd:o-7");
    fw_doc *same_label = incident("i-2", "metro-pd", "");
    fw_doc *other_agency = incident("i-3", "county-so", "county-so:o-7");
    fw_user me = user(FW_ROLE_OFFICER, "metro-pd", "metro-pd:o-7");
    fw_user label = user(FW_ROLE_OFFICER, "", "o-7");
    (void)state;
    assert_true(fw_authz_may_see(&me, mine));
    assert_false(fw_authz_may_see(&me, same_label));
    assert_false(fw_authz_may_see(&me, other_agency));
    /* An officer user left with a bare label from before the registry sees nothing. */
    assert_false(fw_authz_may_see(&label, mine));
    assert_false(fw_authz_may_see(&label, same_label));
    assert_false(fw_authz_may_see(&label, other_agency));
    fw_doc_free(mine);
    fw_doc_free(same_label);
    fw_doc_free(other_agency);
}

static void test_may_see_officer(void **state)
{
    fw_diag d;
    fw_doc *o, *other, *inc = incident("i-1", "metro-pd", "metro-pd:o-7");
    static const fw_role oversight[] = {FW_ROLE_ADMIN, FW_ROLE_SUPERVISOR, FW_ROLE_INVESTIGATOR,
                                        FW_ROLE_BOARD, FW_ROLE_AUDITOR};
    size_t i;
    fw_user u;
    (void)state;
    fw_diag_init(&d, 5);
    o = parse("{\"record\":\"officer\",\"id\":\"metro-pd:o-7\",\"agency\":\"metro-pd\"}", &d);
    other = parse("{\"record\":\"officer\",\"id\":\"county-so:o-7\",\"agency\":\"county-so\"}", &d);
    assert_non_null(o);
    assert_non_null(other);
    for (i = 0; i < sizeof oversight / sizeof oversight[0]; i++) {
        u = user(oversight[i], "", "");
        assert_true(fw_authz_may_see_officer(&u, o));
        assert_true(fw_authz_may_see_officer(&u, other));
        u = user(oversight[i], "metro-pd", "");
        assert_true(fw_authz_may_see_officer(&u, o));
        assert_false(fw_authz_may_see_officer(&u, other));
    }
    u = user(FW_ROLE_OFFICER, "metro-pd", "metro-pd:o-7");
    assert_true(fw_authz_may_see_officer(&u, o));
    assert_false(fw_authz_may_see_officer(&u, other));
    u = user(FW_ROLE_OFFICER, "metro-pd", "metro-pd:o-8");   /* a colleague: not themself */
    assert_false(fw_authz_may_see_officer(&u, o));
    u = user(FW_ROLE_ANALYST, "", "");
    assert_false(fw_authz_may_see_officer(&u, o));
    u = user(FW_ROLE_PUBLIC, "", "");
    assert_false(fw_authz_may_see_officer(&u, o));
    /* Only officer records are officers. */
    u = user(FW_ROLE_ADMIN, "", "");
    assert_false(fw_authz_may_see_officer(&u, inc));
    assert_false(fw_authz_may_see_officer(&u, NULL));
    fw_doc_free(o);
    fw_doc_free(other);
    fw_doc_free(inc);
    fw_diag_release(&d);
}

static size_t count(const json_t *items, const char *kind, const char *registry)
{
    size_t i, n = 0;
    for (i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        const char *r = json_string_value(json_object_get(it, "registry"));
        if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0 &&
            (!registry || (r && strcmp(r, registry) == 0)))
            n++;
    }
    return n;
}

/* Items carry the registry id; training is found through the link, never by label. */
static void test_duties_by_registry(void **state)
{
    fw_doc *mine = incident("i-1", "metro-pd", "metro-pd:o-7");
    fw_doc *theirs = incident("i-3", "county-so", "county-so:o-7");
    json_t *items = json_array(), *training, *shown;
    double now = 1893456000; /* 2030 */
    (void)state;
    /* A certification stored under the bare label, and one of the other agency's o-7. */
    training = json_pack("{s:{s:[{s:s, s:s}]}, s:{s:[{s:s, s:s}]}}", "o-7", "courses", "course",
                         "ecd", "completed", "2020-01-01", "county-so:o-7", "courses", "course",
                         "ecd", "completed", "2020-01-01");
    assert_int_equal(fw_duties(mine, NULL, NULL, 0, training, now, NULL, items), FW_OK);
    assert_int_equal(fw_duties(theirs, NULL, NULL, 0, training, now, NULL, items), FW_OK);
    /* metro-pd:o-7 has no certification of their own: the label's record is nobody's. */
    assert_int_equal(count(items, "training_device", "metro-pd:o-7"), 1);
    assert_int_equal(count(items, "training_device", "county-so:o-7"), 0);
    /* The unlinked o-8 is nobody in the registry: items, but no registry id. */
    assert_int_equal(count(items, "statement_overdue", NULL), 4);
    assert_int_equal(count(items, "statement_overdue", "metro-pd:o-7"), 1);
    /* duties --officer: the registry officer's items only; a label matches nothing. */
    shown = fw_duties_for_officer(items, "metro-pd:o-7");
    assert_int_equal(json_array_size(shown), 2);
    assert_int_equal(count(shown, "training_device", "metro-pd:o-7"), 1);
    json_decref(shown);
    shown = fw_duties_for_officer(items, "o-7");
    assert_int_equal(json_array_size(shown), 0);
    json_decref(shown);
    json_decref(items);
    json_decref(training);
    fw_doc_free(mine);
    fw_doc_free(theirs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_officer_record),
        cmocka_unit_test(test_one_link_per_officer),
        cmocka_unit_test(test_linked),
        cmocka_unit_test(test_officer_user_sees),
        cmocka_unit_test(test_may_see_officer),
        cmocka_unit_test(test_duties_by_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
