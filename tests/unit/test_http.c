/*
** Unit tests of the server's pure rules (lib/web/http.h): route patterns
** with {name} parts, and the access log's line for any bytes a client sends.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <jansson.h>

#include "web/http.h"

static void test_match(void **state)
{
    const char *p[4];
    char st[64];
    (void)state;
    assert_true(fw_route_match("/healthz", "/healthz", p, 4, st, sizeof st));
    assert_false(fw_route_match("/healthz", "/healthz/", p, 4, st, sizeof st));
    assert_false(fw_route_match("/healthz", "/health", p, 4, st, sizeof st));
    assert_true(fw_route_match("/api/v1/incidents/{id}/versions/{version}",
                               "/api/v1/incidents/inc-1/versions/2", p, 4, st, sizeof st));
    assert_string_equal(p[0], "inc-1");
    assert_string_equal(p[1], "2");
    assert_false(fw_route_match("/api/v1/incidents/{id}", "/api/v1/incidents/", p, 4, st,
                                sizeof st));              /* empty segment */
    assert_false(fw_route_match("/api/v1/incidents/{id}", "/api/v1/incidents/a/b", p, 4, st,
                                sizeof st));
    assert_false(fw_route_match("/x/{a}/{b}", "/x/1/2", p, 1, st, sizeof st));   /* too many */
    assert_false(fw_route_match("/x/{a}", "/x/0123456789", p, 4, st, 8));       /* too long */
}

static void test_param_ok(void **state)
{
    char why[64];
    (void)state;
    assert_true(fw_route_param_ok("demo-0007", why, sizeof why));
    assert_true(fw_route_param_ok("caf\xc3\xa9:2", why, sizeof why));
    assert_false(fw_route_param_ok("\xff", why, sizeof why));
    assert_string_equal(why, "is not valid UTF-8");
    assert_false(fw_route_param_ok("\xc0\xaf", why, sizeof why));        /* overlong */
    assert_false(fw_route_param_ok("\xed\xa0\x80", why, sizeof why));    /* a surrogate */
    assert_false(fw_route_param_ok("\xf4\x90\x80\x80", why, sizeof why)); /* past U+10FFFF */
    assert_false(fw_route_param_ok("a\x01b", why, sizeof why));
    assert_string_equal(why, "holds a control character at byte 2");
    assert_false(fw_route_param_ok("a\x7f", why, sizeof why));
}

static void test_log_line(void **state)
{
    fw_buf line;
    json_t *j;
    (void)state;
    fw_buf_init(&line, 4096);
    assert_int_equal(fw_access_log_line(&line, "2026-01-07T15:37:00Z", "GET", "/a\"b\xff", 200,
                                        0.0123456, 42), FW_OK);
    assert_int_equal(line.data[line.len - 1], '\n');
    j = json_loadb(line.data, line.len, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "time")), "2026-01-07T15:37:00Z");
    assert_string_equal(json_string_value(json_object_get(j, "path")), "/a\"b\xef\xbf\xbd");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 200);
    assert_int_equal(json_integer_value(json_object_get(j, "bytes")), 42);
    assert_non_null(strstr(line.data, "\"ms\":12.35,"));
    json_decref(j);
    fw_buf_release(&line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_param_ok),
        cmocka_unit_test(test_log_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
