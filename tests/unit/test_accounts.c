/*
** Unit tests of accounts (lib/access/auth.h, session.h): the password rule
** and the name of each part in its error; one-time passwords marking the
** user must_change and the first-sign-in gate; changing a password; tokens
** expiring (made and checked at a given time), listed without secrets;
** sessions ended on a password change; the Secure cookie.
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

#include "access/session.h"
#include "record/canon.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    fw_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fw_store_opts o;
    fw_error err;
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-accounts-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    if (fw_store_open(f->path, &o, &f->st, &err) != FW_OK)
        return -1;
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

/* Whether password fails with the rule named rule ("length"...), or passes (rule NULL). */
static void expect_rule(const char *password, const char *name, const char *rule)
{
    fw_error err;
    char want[64];
    fw_rc rc = fw_password_check(password, name, &err);
    if (!rule) {
        assert_int_equal(rc, FW_OK);
        return;
    }
    assert_int_equal(rc, FW_ERR_INVALID);
    snprintf(want, sizeof want, "(rule: %s)", rule);
    if (!strstr(err.msg, want))
        print_error("%s: got '%s'\n", rule, err.msg);
    assert_non_null(strstr(err.msg, want));
    assert_memory_equal(err.msg, "password: ", 10);
}

static void test_password_rule(void **state)
{
    char big[FW_PASSWORD_MAX_BYTES + 8];
    (void)state;
    expect_rule("            ", NULL, "whitespace");
    expect_rule(" \t \t \t \t \t \t", NULL, "whitespace");
    expect_rule("\t\n\r\v\f       ", NULL, "whitespace");
    expect_rule("short", NULL, "length");
    expect_rule("elevenchars", NULL, "length");
    /* Characters, not bytes: eleven two-byte letters are too short. */
    expect_rule("\xc3\xa9\xc3\xa0\xc3\xa8\xc3\xb9\xc3\xa2\xc3\xaa\xc3\xae\xc3\xb4\xc3\xbb\xc3\xa7\xc3\xab",
                NULL, "length");
    expect_rule("aaaaaaaaaaaaaaaa", NULL, "distinct");
    expect_rule("abababababababab", NULL, "distinct");
    expect_rule("121212121212", NULL, "distinct");
    expect_rule("abcdabcdabcd", NULL, "distinct");
    expect_rule("correct horse battery", "correct horse battery", "username");
    expect_rule("bell\a in a password", NULL, "control");
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[0] = 'a', big[1] = 'b', big[2] = 'c', big[3] = 'd';
    expect_rule(big, NULL, "max_length");
    expect_rule("abcdeabcdeab", NULL, NULL);
    expect_rule("correct horse battery", "alice", NULL);
    expect_rule("\xc3\xa9t\xc3\xa9 \xc3\xa0 la plage!", NULL, NULL);
}

static fw_user someone(const char *name, fw_role role)
{
    fw_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = role;
    return u;
}

static void test_weak_password_refused_at_create(void **state)
{
    fixture *f = *state;
    fw_user u = someone("spaces", FW_ROLE_BOARD), got;
    fw_error err;
    assert_int_equal(fw_user_create(f->st, &u, "            ", NULL, "test", &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "rule: whitespace"));
    assert_int_equal(fw_user_get(f->st, "spaces", &got, &err), FW_ERR_NOTFOUND);
}

static void test_one_time_password(void **state)
{
    fixture *f = *state;
    fw_user u = someone("newbie", FW_ROLE_SUPERVISOR), got;
    char generated[33];
    fw_error err;

    assert_int_equal(fw_user_create(f->st, &u, NULL, generated, "test", &err), FW_OK);
    assert_int_equal(fw_user_authenticate(f->st, "newbie", generated, &got, &err), FW_OK);
    assert_true(got.must_change);
    /* The gate: only the session's own routes until the password is changed. */
    assert_true(fw_session_gate(&got, FW_ACTION_USE_SESSION));
    assert_true(fw_session_gate(&got, FW_ACTION_PUBLIC));
    assert_false(fw_session_gate(&got, FW_ACTION_MANAGE_TOKENS));
    assert_false(fw_session_gate(&got, FW_ACTION_LIST_INCIDENTS));
    assert_false(fw_session_gate(&got, FW_ACTION_WRITE_INCIDENT));

    assert_int_equal(fw_user_change_password(f->st, "newbie", "not the one-time", "a fine new password",
                                             &err),
                     FW_ERR_DENIED);
    assert_int_equal(fw_user_change_password(f->st, "newbie", generated, "            ", &err),
                     FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "new password:"));
    assert_int_equal(fw_user_change_password(f->st, "newbie", generated, generated, &err),
                     FW_ERR_INVALID);
    assert_int_equal(fw_user_change_password(f->st, "newbie", generated, "a fine new password",
                                             &err),
                     FW_OK);
    assert_int_equal(fw_user_authenticate(f->st, "newbie", generated, &got, &err), FW_ERR_INVALID);
    assert_int_equal(fw_user_authenticate(f->st, "newbie", "a fine new password", &got, &err),
                     FW_OK);
    assert_false(got.must_change);
    assert_true(fw_session_gate(&got, FW_ACTION_WRITE_INCIDENT));

    /* A reset by an administrator makes a new one-time password. */
    assert_int_equal(fw_user_set_password(f->st, "newbie", NULL, false, generated, "admin", &err),
                     FW_OK);
    assert_int_equal(fw_user_authenticate(f->st, "newbie", generated, &got, &err), FW_OK);
    assert_true(got.must_change);
    /* A chosen password (the CLI's --password-stdin) need not be changed. */
    assert_int_equal(fw_user_set_password(f->st, "newbie", "chosen with care", false, NULL, "admin",
                                          &err),
                     FW_OK);
    assert_int_equal(fw_user_authenticate(f->st, "newbie", "chosen with care", &got, &err), FW_OK);
    assert_false(got.must_change);
    assert_int_equal(fw_user_set_password(f->st, "nobody", "chosen with care", false, NULL, "admin",
                                          &err),
                     FW_ERR_NOTFOUND);
}

static void test_agency_not_cut(void **state)
{
    fixture *f = *state;
    fw_user u = someone("scoped", FW_ROLE_SUPERVISOR);
    fw_error err;
    memset(u.agency, 'a', sizeof u.agency);   /* unterminated: would be cut */
    assert_int_equal(fw_user_create(f->st, &u, "correct horse battery", NULL, "test", &err),
                     FW_ERR_INVALID);
    assert_memory_equal(err.msg, "agency:", 7);
}

struct seen {
    int n;
    fw_token_info last;
};

static int count_token(void *arg, const fw_token_info *t)
{
    struct seen *s = arg;
    s->n++;
    s->last = *t;
    return 0;
}

static void test_token_expiry_and_list(void **state)
{
    fixture *f = *state;
    fw_user u = someone("tok", FW_ROLE_ANALYST), got;
    char token[96], id[17], other[96], oid[17];
    time_t now = 1780000000, expires;
    struct seen s = {0};
    fw_error err;

    assert_int_equal(fw_user_create(f->st, &u, NULL, NULL, "test", &err), FW_OK);
    assert_int_equal(fw_token_create_at(f->st, "tok", 0, now, "test", token, id, NULL, &err),
                     FW_ERR_INVALID);
    assert_int_equal(fw_token_create_at(f->st, "tok", FW_TOKEN_DAYS_MAX + 1, now, "test", token,
                                        id, NULL, &err),
                     FW_ERR_INVALID);
    assert_int_equal(fw_token_create_at(f->st, "tok", 2, now, "test", token, id, &expires, &err),
                     FW_OK);
    assert_int_equal((long)expires, (long)(now + 2 * 86400));
    assert_int_equal(fw_token_check_at(f->st, token, now + 1, &got, &err), FW_OK);
    assert_string_equal(got.name, "tok");
    /* A token's user is not held at the first-sign-in gate. */
    assert_false(got.must_change);
    assert_int_equal(fw_token_check_at(f->st, token, now + 2 * 86400 - 1, &got, &err), FW_OK);
    assert_int_equal(fw_token_check_at(f->st, token, now + 2 * 86400, &got, &err), FW_ERR_INVALID);
    assert_int_equal(fw_token_check_at(f->st, token, now + 90 * 86400, &got, &err), FW_ERR_INVALID);

    /* The default: 90 days from the wall clock. */
    assert_int_equal(fw_token_create(f->st, "tok", "test", other, oid, &err), FW_OK);
    assert_int_equal(fw_token_check(f->st, other, &got, &err), FW_OK);

    assert_int_equal(fw_token_list(f->st, "tok", count_token, &s, &err), FW_OK);
    assert_int_equal(s.n, 2);
    s.n = 0;
    assert_int_equal(fw_token_list(f->st, "someone-else", count_token, &s, &err), FW_OK);
    assert_int_equal(s.n, 0);
    assert_int_equal(fw_token_revoke(f->st, oid, "someone-else", "test", &err), FW_ERR_NOTFOUND);
    assert_int_equal(fw_token_revoke(f->st, oid, "tok", "test", &err), FW_OK);
    assert_int_equal(fw_token_check(f->st, other, &got, &err), FW_ERR_INVALID);
    s.n = 0;
    assert_int_equal(fw_token_list(f->st, NULL, count_token, &s, &err), FW_OK);
    assert_int_equal(s.n, 2);
}

/* A token stored before expiry existed (no created_at, no expires_at)
** expires FW_TOKEN_DAYS_DEFAULT days after its record was first stored. */
static void test_legacy_token_expires(void **state)
{
    fixture *f = *state;
    fw_user u = someone("old", FW_ROLE_BOARD), got;
    /* SHA-256 of 64 'a's, the secret of the token below. */
    const char *token = "fwt_00000000000000aa_"
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    char sha[65];
    uint8_t d[FW_SHA256_BYTES];
    json_t *body;
    time_t now = time(NULL);
    struct seen s = {0};
    fw_error err;
    size_t i;

    assert_int_equal(fw_user_create(f->st, &u, NULL, NULL, "test", &err), FW_OK);
    fw_sha256(token + 21, 64, d);
    for (i = 0; i < sizeof d; i++)
        snprintf(sha + 2 * i, 3, "%02x", d[i]);
    body = json_pack("{s:s, s:s, s:s, s:b}", "id", "00000000000000aa", "user", "old",
                     "secret_sha256", sha, "revoked", 0);
    assert_int_equal(fw_store_begin(f->st, &err), FW_OK);
    assert_int_equal(fw_store_put_json(f->st, FW_RECORD_TOKEN, "00000000000000aa", body, "test",
                                       NULL, &err),
                     FW_OK);
    assert_int_equal(fw_store_commit(f->st, &err), FW_OK);
    json_decref(body);
    assert_int_equal(fw_token_check_at(f->st, token, now + 60, &got, &err), FW_OK);
    assert_int_equal(fw_token_check_at(f->st, token, now + (FW_TOKEN_DAYS_DEFAULT + 1) * 86400L,
                                       &got, &err),
                     FW_ERR_INVALID);
    assert_int_equal(fw_token_list(f->st, "old", count_token, &s, &err), FW_OK);
    assert_int_equal(s.n, 1);
    assert_true(s.last.expires - s.last.created == FW_TOKEN_DAYS_DEFAULT * 86400L);
}

static void test_password_change_ends_other_sessions(void **state)
{
    fw_sessions *s = fw_sessions_new(16, 0);
    fw_user u = someone("carol", FW_ROLE_BOARD), v = someone("dave", FW_ROLE_BOARD);
    fw_session a, b, c, got;
    fw_error err;
    (void)state;
    u.must_change = true;
    assert_int_equal(fw_session_create(s, &u, 10, &a, &err), FW_OK);
    assert_int_equal(fw_session_create(s, &u, 10, &b, &err), FW_OK);
    assert_int_equal(fw_session_create(s, &v, 10, &c, &err), FW_OK);
    fw_session_password_changed(s, "carol", a.id);
    assert_int_equal(fw_session_find(s, a.id, "GET", NULL, 11, &got, &err), FW_OK);
    assert_false(got.user.must_change);
    assert_int_equal(fw_session_find(s, b.id, "GET", NULL, 11, &got, &err), FW_ERR_NOTFOUND);
    assert_int_equal(fw_session_find(s, c.id, "GET", NULL, 11, &got, &err), FW_OK);
    fw_session_password_changed(s, "carol", NULL);
    assert_int_equal(fw_session_find(s, a.id, "GET", NULL, 11, &got, &err), FW_ERR_NOTFOUND);
    fw_sessions_free(s);
}

static void test_secure_cookie(void **state)
{
    char out[256];
    (void)state;
    assert_true(fw_session_cookie_secure("abc", true, out, sizeof out));
    assert_string_equal(out, "fw_session=abc; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=43200");
    assert_true(fw_session_cookie_secure(NULL, true, out, sizeof out));
    assert_string_equal(out, "fw_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    assert_true(fw_session_cookie_secure("abc", false, out, sizeof out));
    assert_null(strstr(out, "Secure"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_rule),
        cmocka_unit_test_setup_teardown(test_weak_password_refused_at_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_time_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agency_not_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_expiry_and_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_token_expires, setup, teardown),
        cmocka_unit_test(test_password_change_ends_other_sessions),
        cmocka_unit_test(test_secure_cookie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
