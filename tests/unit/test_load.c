/*
** Unit tests of loading document files (checking only, no store): JSON Lines
** found by name or by the first line, a whole-file document, problems
** reported by line through the hook, over-long lines, and empty input.
** Run from the repository's top (tests/data/base.json).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "forcewatch.h"
#include "data/load.h"

typedef struct seen {
    char text[4096];
    size_t n;
} seen;

static void on_problem(void *arg, size_t line, const char *msg)
{
    seen *s = arg;
    size_t len = strlen(s->text);
    snprintf(s->text + len, sizeof s->text - len, "%zu: %s\n", line, msg);
    s->n++;
}

static fw_rc load(const char *name, const char *text, fw_load_result *res, seen *s)
{
    fw_load_hooks hooks = {on_problem, NULL, s, NULL};
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    fw_error err;
    fw_rc rc;
    memset(s, 0, sizeof *s);
    assert_non_null(in);
    rc = fw_load_stream(in, name, NULL, "test", &hooks, res, &err);
    fclose(in);
    return rc;
}

/* base.json as one line, its id replaced. */
static char *one_line(const char *id)
{
    json_t *j = json_load_file("tests/data/base.json", 0, NULL);
    char *s;
    assert_non_null(j);
    json_object_set_new(j, "id", json_string(id));
    s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static void test_load(void **state)
{
    fw_load_result res;
    seen s;
    char *a = one_line("l-1"), *b = one_line("l-2"), text[20000], *whole;
    FILE *f;
    long n;
    (void)state;

    /* JSON Lines by the first line (no telling name), blank lines skipped. */
    snprintf(text, sizeof text, "%s\n\n%s\n", a, b);
    assert_int_equal(load("-", text, &res, &s), FW_OK);
    assert_int_equal(res.docs, 2);
    assert_int_equal(res.bad_docs, 0);
    assert_int_equal(s.n, 0);

    /* A bad document in JSON Lines: reported on its line. */
    snprintf(text, sizeof text, "%s\n{\"id\":\"x\"}\n%s\n", a, b);
    assert_int_equal(load("f.jsonl", text, &res, &s), FW_OK);
    assert_int_equal(res.docs, 3);
    assert_int_equal(res.bad_docs, 1);
    assert_true(res.problems >= 1);
    assert_non_null(strstr(s.text, "2: "));

    /* One document over several lines. */
    f = fopen("tests/data/base.json", "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    whole = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(whole, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    assert_int_equal(load("base.json", whole, &res, &s), FW_OK);
    assert_int_equal(res.docs, 1);
    assert_int_equal(res.bad_docs, 0);

    /* Nothing but blank lines. */
    assert_int_equal(load("-", "\n  \n", &res, &s), FW_OK);
    assert_int_equal(res.bad_docs, 1);
    assert_non_null(strstr(s.text, "0: no documents"));
    free(whole);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
