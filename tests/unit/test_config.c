/*
** Unit tests of the configuration table: defaults, setting keys in and out
** of range, and a file's problems reported by line while its good lines
** still apply.
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

#include "base/config.h"

typedef struct conf {
    char name[8];
    long count;
} conf;

static const fw_config_key keys[] = {
    {"name", offsetof(conf, name), true, 0, 0, 0, "dflt", "a name", sizeof ((conf *)0)->name},
    {"count", offsetof(conf, count), false, 3, 1, 10, NULL, "a count", 0},
};
#define NK (sizeof keys / sizeof keys[0])

static char problems[1024];

static void problem(void *arg, const char *where, const char *msg)
{
    size_t n = strlen(problems);
    (void)arg;
    snprintf(problems + n, sizeof problems - n, "%s: %s\n", strrchr(where, ':') + 1, msg);
}

static void test_defaults_and_set(void **state)
{
    conf c;
    fw_error err;
    (void)state;
    fw_config_defaults(keys, NK, &c, sizeof c);
    assert_string_equal(c.name, "dflt");
    assert_int_equal(c.count, 3);
    assert_int_equal(fw_config_set(&keys[1], &c, "10", &err), FW_OK);
    assert_int_equal(c.count, 10);
    assert_int_equal(fw_config_set(&keys[1], &c, "11", &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "count: expected a whole number from 1 to 10, not '11'");
    assert_int_equal(c.count, 10);
    assert_int_equal(fw_config_set(&keys[0], &c, "eightchr", &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "name: value too long");
    assert_ptr_equal(fw_config_find(keys, NK, "count"), &keys[1]);
    assert_null(fw_config_find(keys, NK, "nope"));
}

static void test_file(void **state)
{
    char path[] = "/tmp/fw-config-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    conf c;
    fw_error err;
    fw_buf help;
    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("# a comment\n  name = abc  # trailing\n\ncount=lots\nbogus\nwho = 1\ncount = 7\n", f);
    fclose(f);
    fw_config_defaults(keys, NK, &c, sizeof c);
    problems[0] = '\0';
    assert_int_equal(fw_config_load_file(keys, NK, &c, path, problem, NULL, &err), FW_ERR_INVALID);
    assert_string_equal(problems, "4: count: expected a whole number from 1 to 10, not 'lots'\n"
                                  "5: expected 'key = value'\n6: unknown key 'who'\n");
    assert_string_equal(c.name, "abc");
    assert_int_equal(c.count, 7);
    unlink(path);
    assert_int_equal(fw_config_load_file(keys, NK, &c, path, problem, NULL, &err), FW_ERR_IO);
    fw_buf_init(&help, FW_BUF_UNLIMITED);
    assert_int_equal(fw_config_help(keys, NK, &help), FW_OK);
    assert_non_null(strstr(help.data, "| `count` | 3 | 1 to 10 | a count |"));
    fw_buf_release(&help);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_set),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
