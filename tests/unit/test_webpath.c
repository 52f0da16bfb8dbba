/*
** Unit tests of the dashboard's path mapping: what may be served, every
** traversal and hidden-file attempt refused, types and cache classes; and
** the review-queue deadlines of lib/workflow/cases.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "workflow/cases.h"
#include "base/timeutil.h"
#include "web/webpath.h"

static void test_served(void **state)
{
    char rel[64];
    (void)state;
    assert_true(web_path("/", rel, sizeof rel));
    assert_string_equal(rel, "index.html");
    assert_true(web_path("/app-3F2A6B7C.js", rel, sizeof rel));
    assert_string_equal(rel, "app-3F2A6B7C.js");
    assert_true(web_path("/maps/states-10m.json", rel, sizeof rel));
    assert_string_equal(rel, "maps/states-10m.json");
    assert_true(web_path("/maps/", rel, sizeof rel));
    assert_string_equal(rel, "maps/index.html");
    assert_string_equal(web_content_type("index.html"), "text/html; charset=utf-8");
    assert_string_equal(web_content_type("a/b.css"), "text/css; charset=utf-8");
    assert_string_equal(web_content_type("x.js"), "text/javascript; charset=utf-8");
}

static void test_refused(void **state)
{
    static const char *const bad[] = {
        "",       "..",          "/..",           "/../etc/passwd", "/a/../../etc/passwd",
        "/./index.html", "//etc/passwd", "/a//b.js", "/.git/config", "/a/.hidden.js",
        "/a\\..\\b.js", "/%2e%2e/x.js", "/index.html\n", "/x.exe", "/Makefile",
        "/a/..", "/app.js?x=1", "/a b.js", "/caf\xc3\xa9.js", "index.html",
    };
    char rel[64];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (web_path(bad[i], rel, sizeof rel))
            fail_msg("served '%s' as '%s'", bad[i], rel);
    }
    /* Too long for the buffer, with room for "index.html". */
    assert_false(web_path("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.js", rel, 40));
    assert_false(web_path("/", rel, 8));
}

static void test_immutable(void **state)
{
    (void)state;
    assert_true(web_immutable("app-3F2A6B7C.js"));
    assert_true(web_immutable("chunks/plot-ABCDEFGH12.js"));
    assert_false(web_immutable("index.html"));
    assert_false(web_immutable("states-10m.json"));
    assert_false(web_immutable("app-3f2a6b7c.js"));
    assert_false(web_immutable("app-3F2A.js"));
}

static void test_case_due(void **state)
{
    json_t *c;
    fw_time t;
    double due;
    (void)state;
    c = json_pack("{s:s, s:[]}", "state", "reported", "transitions");
    assert_true(fw_case_due(c, "2026-01-07T09:37:00-06:00", &due));
    assert_true(fw_time_parse("2026-01-10T15:37:00Z", &t));
    assert_true(due == t.epoch);
    json_decref(c);
    c = json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "state", "investigation", "transitions", "from",
                  "supervisor_review", "to", "investigation", "at", "2026-02-01T00:00:00Z");
    assert_true(fw_case_due(c, "2026-01-07", &due));
    assert_true(fw_time_parse("2026-05-02T00:00:00Z", &t));
    assert_true(due == t.epoch);
    json_decref(c);
    c = json_pack("{s:s, s:[]}", "state", "closed", "transitions");
    assert_false(fw_case_due(c, "2026-01-07", &due));
    json_decref(c);
    c = json_pack("{s:s, s:[]}", "state", "reported", "transitions");
    assert_false(fw_case_due(c, "not a date", &due));
    json_decref(c);
    assert_true(fw_case_state_known("board_review"));
    assert_true(fw_case_state_known("closed"));
    assert_false(fw_case_state_known("open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_served),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_immutable),
        cmocka_unit_test(test_case_due),
    };
    return cmocka_run_group_tests_name("webpath", tests, NULL, NULL);
}
