/*
** Unit tests of reading records as readers name them (lib/store/docs.h) and
** of documents as text (lib/record/render.h): one id found as an incident,
** an agency or an access record, at a version or the latest; histories the
** same way; the personal fields an incident exposes; listing rows and
** version metadata as JSON; and the text layout of `show`.
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
#include "record/render.h"
#include "store/docs.h"

static const char incident_v1[] =
    "{\"id\":\"d-1\",\"agency\":\"ag-1\",\"occurred_at\":\"2025-03-04\",\"encounter\":\"arrest\","
    "\"summary\":\"A stop.\",\"location\":{\"city\":\"Town\",\"type\":\"street\"},"
    "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\",\"years_of_service\":3}],"
    "\"subjects\":[{\"id\":\"s-1\",\"name\":\"Private Person\",\"age\":34}],"
    "\"accounts\":[{\"id\":\"a\",\"kind\":\"officer_report\",\"source\":\"report\",\"events\":["
    "{\"t\":0,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\","
    "\"note\":\"warned first\"}]}]}";
static const char incident_v2[] =
    "{\"id\":\"d-1\",\"agency\":\"ag-1\",\"occurred_at\":\"2025-03-04\",\"encounter\":\"arrest\","
    "\"officers\":[{\"id\":\"o-1\",\"role\":\"applied_force\"}],\"subjects\":[{\"id\":\"s-1\"}],"
    "\"accounts\":[{\"id\":\"a\",\"kind\":\"officer_report\",\"source\":\"report\",\"events\":["
    "{\"t\":0,\"type\":\"force\",\"actor\":\"o-1\",\"kind\":\"ecd\",\"target\":\"s-1\"}]}]}";
static const char agency[] =
    "{\"record\":\"agency\",\"id\":\"ag-1\",\"name\":\"Fictional Police\",\"type\":\"local_police\"}";

typedef struct fixture {
    char dir[64], path[128];
    fw_store *s;
} fixture;

static fw_doc *parse(const char *text)
{
    fw_diag d;
    fw_doc *doc = NULL;
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test document invalid: %s", d.n ? d.msgs[0] : "?");
    fw_diag_release(&d);
    return doc;
}

static void put(fw_store *s, const char *text)
{
    fw_put_result r;
    fw_error err;
    fw_doc *doc = parse(text);
    if (fw_store_put(s, doc, "test", &r, &err) != FW_OK)
        fail_msg("put: %s", err.msg);
    fw_doc_free(doc);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fw_store_opts o;
    fw_error err;
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-docs-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    if (fw_store_open(f->path, &o, &f->s, &err) != FW_OK || fw_store_begin(f->s, &err) != FW_OK)
        fail_msg("open: %s", err.msg);
    put(f->s, incident_v1);
    put(f->s, incident_v2);
    put(f->s, agency);
    if (fw_store_commit(f->s, &err) != FW_OK ||
        fw_store_log_access(f->s, "d-1", 1, "subjects[0].name", "test", "a test", &err) != FW_OK)
        fail_msg("access: %s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[200];
    fw_store_close(f->s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void test_get_any(void **state)
{
    fixture *f = *state;
    fw_record_type type;
    fw_record_info info;
    fw_buf body;
    fw_error err;

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    assert_int_equal(fw_store_get_any(f->s, "d-1", 0, &body, &info, &type, &err), FW_OK);
    assert_int_equal(type, FW_RECORD_INCIDENT);
    assert_int_equal(info.version, 2);
    fw_buf_reset(&body);
    assert_int_equal(fw_store_get_any(f->s, "d-1", 1, &body, &info, &type, &err), FW_OK);
    assert_int_equal(info.version, 1);
    assert_non_null(strstr(fw_buf_str(&body), "Private Person"));
    fw_buf_reset(&body);
    assert_int_equal(fw_store_get_any(f->s, "ag-1", 0, &body, &info, &type, &err), FW_OK);
    assert_int_equal(type, FW_RECORD_AGENCY);
    /* The type is found first, then the version asked for. */
    fw_buf_reset(&body);
    assert_int_equal(fw_store_get_any(f->s, "ag-1", 5, &body, &info, &type, &err),
                     FW_ERR_NOTFOUND);
    assert_int_equal(type, FW_RECORD_AGENCY);
    fw_buf_reset(&body);
    assert_int_equal(fw_store_get_any(f->s, "d-1:read:3", 0, &body, &info, &type, &err), FW_OK);
    assert_int_equal(type, FW_RECORD_ACCESS);
    fw_buf_reset(&body);
    assert_int_equal(fw_store_get_any(f->s, "none", 0, &body, &info, &type, &err),
                     FW_ERR_NOTFOUND);
    assert_string_equal(err.msg, "no incident with id none");
    fw_buf_release(&body);
}

static int count_meta(void *arg, const fw_record_meta *m)
{
    json_t *j = fw_record_meta_json(m);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "id")), m->id);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), m->version);
    assert_int_equal(json_object_size(j), 7);
    json_decref(j);
    (*(int *)arg)++;
    return 0;
}

static void test_history_any(void **state)
{
    fixture *f = *state;
    fw_error err;
    int n = 0;
    assert_int_equal(fw_store_history_any(f->s, "d-1", count_meta, &n, &err), FW_OK);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(fw_store_history_any(f->s, "ag-1", count_meta, &n, &err), FW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fw_store_history_any(f->s, "none", count_meta, &n, &err), FW_ERR_NOTFOUND);
}

static void test_personal_paths(void **state)
{
    fw_buf paths;
    size_t n;
    (void)state;
    fw_buf_init(&paths, 4096);
    assert_int_equal(fw_personal_paths(incident_v1, strlen(incident_v1), &paths, &n), FW_OK);
    assert_int_equal(n, 1);
    assert_string_equal(fw_buf_str(&paths), "subjects[0].name");
    fw_buf_reset(&paths);
    assert_int_equal(fw_personal_paths(incident_v2, strlen(incident_v2), &paths, &n), FW_OK);
    assert_int_equal(n, 0);
    assert_int_equal(fw_personal_paths("{not json", 9, &paths, &n), FW_OK);
    assert_int_equal(n, 0);
    fw_buf_release(&paths);
    /* A list cut short cannot be logged truthfully. */
    fw_buf_init(&paths, 4);
    assert_int_not_equal(fw_personal_paths(incident_v1, strlen(incident_v1), &paths, &n), FW_OK);
    assert_int_equal(n, 1);
    fw_buf_release(&paths);
}

static void test_row_json(void **state)
{
    fw_incident_row r = {"i-1", 3, "ag-1", "2025-03-04", "", "ecd,takedown", 2, 5, ""};
    json_t *j, *others;
    (void)state;
    j = fw_incident_row_json(&r);
    assert_non_null(j);
    assert_true(json_is_null(json_object_get(j, "encounter")));
    assert_null(json_object_get(j, "other_agencies"));
    assert_int_equal(json_integer_value(json_object_get(j, "events")), 5);
    json_decref(j);
    r.encounter = "arrest";
    r.other_agencies = "ag-2,ag-3";
    j = fw_incident_row_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "encounter")), "arrest");
    others = json_object_get(j, "other_agencies");
    assert_int_equal(json_array_size(others), 2);
    assert_string_equal(json_string_value(json_array_get(others, 1)), "ag-3");
    json_decref(j);
}

static void test_filter_checks(void **state)
{
    fw_error err;
    (void)state;
    assert_int_equal(fw_filter_date_check("2025-03-04", &err), FW_OK);
    assert_int_equal(fw_filter_date_check("2025-3-4", &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "needs a date YYYY-MM-DD, not '2025-3-4'");
    assert_int_equal(fw_filter_date_check("2025-13-04", &err), FW_ERR_INVALID);
    assert_int_equal(fw_filter_enum_check("agency_type", "sheriff", &err), FW_OK);
    assert_int_equal(fw_filter_enum_check("agency_type", "navy", &err), FW_ERR_INVALID);
    assert_int_equal(strncmp(err.msg, "unknown value 'navy' (expected one of federal, ", 47), 0);
    assert_int_equal(fw_filter_enum_check("no_such_enum", "x", &err), FW_ERR_USAGE);
}

static void test_render(void **state)
{
    fw_doc *doc = parse(incident_v1);
    fw_buf out;
    const char *text;
    (void)state;
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    assert_int_equal(fw_render_doc(doc, &out), FW_OK);
    text = fw_buf_str(&out);
    assert_int_equal(strncmp(text, "occurred   2025-03-04\nagency     ag-1\n"
                                   "location   city=Town type=street\n"
                                   "details    encounter=arrest\n"
                                   "officers   o-1 role=applied_force years_of_service=3\n"
                                   "subjects   s-1 age=34 name=Private Person\n"
                                   "summary    A stop.\n\naccount a (officer_report): report\n",
                     strlen("occurred   2025-03-04\nagency     ag-1\n"
                            "location   city=Town type=street\n"
                            "details    encounter=arrest\n"
                            "officers   o-1 role=applied_force years_of_service=3\n"
                            "subjects   s-1 age=34 name=Private Person\n"
                            "summary    A stop.\n\naccount a (officer_report): report\n")),
                     0);
    assert_non_null(strstr(text, "       0.0 s  force              o-1 kind=ecd target=s-1\n"
                                 "             \"warned first\"\n"));
    fw_doc_free(doc);
    fw_buf_reset(&out);
    doc = parse(agency);
    assert_int_equal(fw_render_doc(doc, &out), FW_OK);
    assert_string_equal(fw_buf_str(&out), "details    name=Fictional Police type=local_police\n");
    fw_doc_free(doc);
    fw_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_any, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_any, setup, teardown),
        cmocka_unit_test(test_personal_paths),
        cmocka_unit_test(test_row_json),
        cmocka_unit_test(test_filter_checks),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests_name("docs", tests, NULL, NULL);
}
