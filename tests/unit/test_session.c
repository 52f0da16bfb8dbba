/*
** Unit tests of sign-in and sessions (lib/access/session.h): sessions made,
** found, expired and ended; the bounded table; the CSRF rule by method;
** sign-in with its failure limit; bearer tokens, their cache and its
** clearing on revocation; the cookie text.
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

typedef struct fixture {
    char dir[64];
    char path[128];
    fw_store *st;
    int borrowed;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fw_store_opts o;
    fw_user u;
    fw_error err;
    char generated[33];
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-session-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_CREATE;
    if (fw_store_open(f->path, &o, &f->st, &err) != FW_OK)
        return -1;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "alice");
    u.role = FW_ROLE_INVESTIGATOR;
    snprintf(u.agency, sizeof u.agency, "A1");
    if (fw_user_create(f->st, &u, "correct horse battery", generated, "test", &err) != FW_OK)
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

static fw_user someone(const char *name)
{
    fw_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = FW_ROLE_SUPERVISOR;
    return u;
}

static void test_create_find_end(void **state)
{
    fw_sessions *s = fw_sessions_new(8, 0);
    fw_user u = someone("bob");
    fw_session a, b, got;
    fw_error err;
    (void)state;
    assert_non_null(s);
    assert_int_equal(fw_session_create(s, &u, 100, &a, &err), FW_OK);
    assert_int_equal(fw_session_create(s, &u, 100, &b, &err), FW_OK);
    assert_int_equal(strlen(a.id), FW_SESSION_ID_LEN);
    assert_int_equal(strlen(a.csrf), FW_SESSION_ID_LEN);
    assert_string_not_equal(a.id, b.id);
    assert_string_not_equal(a.id, a.csrf);
    assert_int_equal(fw_session_find(s, a.id, "GET", NULL, 101, &got, &err), FW_OK);
    assert_string_equal(got.user.name, "bob");
    assert_string_equal(got.csrf, a.csrf);
    /* Unknown, malformed or absent cookies are anonymous, not errors. */
    assert_int_equal(fw_session_find(s, NULL, "GET", NULL, 101, &got, &err), FW_ERR_NOTFOUND);
    assert_int_equal(fw_session_find(s, "short", "GET", NULL, 101, &got, &err), FW_ERR_NOTFOUND);
    assert_int_equal(fw_session_find(s, a.csrf, "GET", NULL, 101, &got, &err), FW_ERR_NOTFOUND);
    /* Expiry: alive to the last second of its lifetime. */
    assert_int_equal(fw_session_find(s, a.id, "GET", NULL, 100 + FW_SESSION_SECONDS, &got, &err),
                     FW_OK);
    assert_int_equal(fw_session_find(s, a.id, "GET", NULL, 101 + FW_SESSION_SECONDS, &got, &err),
                     FW_ERR_NOTFOUND);
    /* Ending one leaves the other. */
    fw_session_end(s, a.id);
    fw_session_end(s, "not a session");
    assert_int_equal(fw_session_find(s, a.id, "GET", NULL, 102, &got, &err), FW_ERR_NOTFOUND);
    assert_int_equal(fw_session_find(s, b.id, "GET", NULL, 102, &got, &err), FW_OK);
    fw_sessions_free(s);
}

/* One user signing in again and again cannot fill the table: past
** FW_SESSIONS_PER_USER, their oldest session ends for the new one. */
static void test_per_user_cap(void **state)
{
    fw_sessions *s = fw_sessions_new(FW_SESSIONS_PER_USER + 1, 0);
    fw_user u = someone("bob"), v = someone("eve");
    fw_session first, last, other, got;
    fw_error err;
    int k;
    (void)state;
    assert_int_equal(fw_session_create(s, &u, 10, &first, &err), FW_OK);
    for (k = 1; k < 3 * FW_SESSIONS_PER_USER; k++)
        assert_int_equal(fw_session_create(s, &u, 10 + k, &last, &err), FW_OK);
    assert_int_equal(fw_session_find(s, first.id, "GET", NULL, 100, &got, &err), FW_ERR_NOTFOUND);
    assert_int_equal(fw_session_find(s, last.id, "GET", NULL, 100, &got, &err), FW_OK);
    /* Someone else still finds a slot. */
    assert_int_equal(fw_session_create(s, &v, 100, &other, &err), FW_OK);
    assert_int_equal(fw_session_find(s, other.id, "GET", NULL, 101, &got, &err), FW_OK);
    assert_string_equal(got.user.name, "eve");
    fw_sessions_free(s);
}

static void test_bounded_table(void **state)
{
    fw_sessions *s = fw_sessions_new(2, 0);
    fw_user u = someone("bob");
    fw_session a, b, c;
    fw_error err;
    (void)state;
    assert_int_equal(fw_session_create(s, &u, 10, &a, &err), FW_OK);
    assert_int_equal(fw_session_create(s, &u, 10, &b, &err), FW_OK);
    assert_int_equal(fw_session_create(s, &u, 10, &c, &err), FW_ERR_NOMEM);
    assert_string_equal(err.msg, "too many sessions");
    /* An ended session's slot is taken again. */
    fw_session_end(s, a.id);
    assert_int_equal(fw_session_create(s, &u, 11, &c, &err), FW_OK);
    assert_int_equal(fw_session_find(s, c.id, "GET", NULL, 12, &a, &err), FW_OK);
    /* So is an expired one's. */
    assert_int_equal(fw_session_create(s, &u, 10 + FW_SESSION_SECONDS, &c, &err), FW_ERR_NOMEM);
    assert_int_equal(fw_session_create(s, &u, 11 + FW_SESSION_SECONDS, &c, &err), FW_OK);
    fw_sessions_free(s);
}

static void test_csrf(void **state)
{
    fw_sessions *s = fw_sessions_new(4, 0);
    fw_user u = someone("bob");
    fw_session a, got;
    fw_error err;
    char wrong[FW_SESSION_ID_LEN + 1];
    (void)state;
    assert_int_equal(fw_session_create(s, &u, 1, &a, &err), FW_OK);
    /* Reads need no token. */
    assert_int_equal(fw_session_find(s, a.id, "GET", NULL, 2, &got, &err), FW_OK);
    assert_int_equal(fw_session_find(s, a.id, "HEAD", NULL, 2, &got, &err), FW_OK);
    /* Changes need the session's own token. */
    assert_int_equal(fw_session_find(s, a.id, "POST", a.csrf, 2, &got, &err), FW_OK);
    assert_int_equal(fw_session_find(s, a.id, "POST", NULL, 2, &got, &err), FW_ERR_DENIED);
    assert_string_equal(got.user.name, "bob");   /* who it was is still told */
    memcpy(wrong, a.csrf, sizeof wrong);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    assert_int_equal(fw_session_find(s, a.id, "DELETE", wrong, 2, &got, &err), FW_ERR_DENIED);
    assert_int_equal(fw_session_find(s, a.id, "DELETE", "abc", 2, &got, &err), FW_ERR_DENIED);
    assert_int_equal(fw_session_find(s, a.id, "POST", a.id, 2, &got, &err), FW_ERR_DENIED);
    fw_sessions_free(s);
}

static void test_sign_in_and_limit(void **state)
{
    fixture *f = *state;
    fw_sessions *s = fw_sessions_new(4, 0);
    fw_session a, got;
    fw_error err;
    int i;
    assert_int_equal(fw_session_sign_in(s, f->st, "alice", "correct horse battery", "10.0.0.1", 1, &a, &err),
                     FW_OK);
    assert_string_equal(a.user.name, "alice");
    assert_int_equal(a.user.role, FW_ROLE_INVESTIGATOR);
    assert_int_equal(fw_session_find(s, a.id, "GET", NULL, 2, &got, &err), FW_OK);
    /* Wrong passwords and unknown names read the same. */
    assert_int_equal(fw_session_sign_in(s, f->st, "alice", "wrong", "10.0.0.1", 2, &a, &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "wrong username or password");
    assert_int_equal(fw_session_sign_in(s, f->st, "nobody", "wrong", "10.0.0.1", 2, &a, &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "wrong username or password");
    for (i = 0; i < FW_SIGNIN_MAX_FAILURES - 1; i++)
        assert_int_equal(fw_session_sign_in(s, f->st, "alice", "wrong", "10.0.0.1", 3, &a, &err),
                         FW_ERR_INVALID);
    /* Locked: even the right password is not tried. */
    assert_int_equal(fw_session_sign_in(s, f->st, "alice", "correct horse battery", "10.0.0.1", 4, &a, &err),
                     FW_ERR_LIMIT);
    assert_string_equal(err.msg, "too many failed sign-ins; wait a minute");
    assert_int_equal(fw_session_sign_in(s, f->st, "alice", "correct horse battery", "10.0.0.1",
                                        3 + FW_SIGNIN_WINDOW + 1, &a, &err),
                     FW_OK);
    fw_sessions_free(s);
}

/* An address trying many names is stopped before any password is hashed. */
static void test_address_limit(void **state)
{
    fixture *f = *state;
    fw_sessions *s = fw_sessions_new(4, 0);
    fw_session a;
    fw_error err;
    char name[32];
    int i;
    for (i = 0; i < FW_SIGNIN_ADDRESS_MAX_FAILURES; i++) {
        snprintf(name, sizeof name, "random-%d", i);
        assert_int_equal(fw_session_sign_in(s, f->st, name, "x", "10.0.0.9", 5, &a, &err),
                         FW_ERR_INVALID);
    }
    assert_int_equal(fw_session_sign_in(s, f->st, "alice", "correct horse battery", "10.0.0.9", 6,
                                        &a, &err),
                     FW_ERR_LIMIT);
    assert_int_equal(fw_session_sign_in(s, f->st, "alice", "correct horse battery", "10.0.0.8", 6,
                                        &a, &err),
                     FW_OK);
    fw_sessions_free(s);
}

static fw_store *lend(void *arg)
{
    fixture *f = arg;
    f->borrowed++;
    return f->st;
}

static void take_back(void *arg, fw_store *st)
{
    fixture *f = arg;
    assert_ptr_equal(st, f->st);
}

static void test_tokens(void **state)
{
    fixture *f = *state;
    fw_sessions *cached = fw_sessions_new(4, 5), *uncached = fw_sessions_new(4, 0);
    char token[96], id[17];
    fw_user u;
    fw_error err;

    assert_null(fw_session_bearer(NULL));
    assert_null(fw_session_bearer("Basic abc"));
    assert_null(fw_session_bearer("bearer abc"));
    assert_string_equal(fw_session_bearer("Bearer abc"), "abc");

    assert_int_equal(fw_token_create(f->st, "alice", "test", token, id, &err), FW_OK);
    f->borrowed = 0;
    assert_int_equal(fw_session_token(cached, token, 10, lend, take_back, f, &u, &err), FW_OK);
    assert_string_equal(u.name, "alice");
    assert_int_equal(fw_session_token(cached, token, 11, lend, take_back, f, &u, &err), FW_OK);
    assert_int_equal(f->borrowed, 1);                       /* the second from the cache */
    assert_int_equal(fw_session_token(uncached, token, 11, lend, take_back, f, &u, &err), FW_OK);
    assert_int_equal(fw_session_token(uncached, token, 11, lend, take_back, f, &u, &err), FW_OK);
    assert_int_equal(f->borrowed, 3);                       /* 0 seconds: never cached */

    assert_int_equal(fw_token_revoke(f->st, id, NULL, "test", &err), FW_OK);
    /* Trusted until the cache's time is up, or until told of a change. */
    assert_int_equal(fw_session_token(cached, token, 12, lend, take_back, f, &u, &err), FW_OK);
    assert_int_equal(fw_session_token(cached, token, 16, lend, take_back, f, &u, &err),
                     FW_ERR_INVALID);
    assert_int_equal(fw_session_token(uncached, token, 12, lend, take_back, f, &u, &err),
                     FW_ERR_INVALID);
    assert_string_equal(u.name, "");

    assert_int_equal(fw_token_create(f->st, "alice", "test", token, id, &err), FW_OK);
    assert_int_equal(fw_session_token(cached, token, 20, lend, take_back, f, &u, &err), FW_OK);
    assert_int_equal(fw_token_revoke(f->st, id, NULL, "test", &err), FW_OK);
    fw_sessions_auth_changed(cached);
    assert_int_equal(fw_session_token(cached, token, 21, lend, take_back, f, &u, &err),
                     FW_ERR_INVALID);
    assert_int_equal(fw_session_token(cached, "fwt_nope_nope", 21, lend, take_back, f, &u, &err),
                     FW_ERR_INVALID);
    fw_sessions_free(cached);
    fw_sessions_free(uncached);
}

static void test_cookie(void **state)
{
    char out[256], small[16];
    (void)state;
    assert_true(fw_session_cookie("abc", out, sizeof out));
    assert_string_equal(out, "fw_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200");
    assert_true(fw_session_cookie(NULL, out, sizeof out));
    assert_string_equal(out, "fw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    assert_false(fw_session_cookie("abc", small, sizeof small));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_find_end),
        cmocka_unit_test(test_per_user_cap),
        cmocka_unit_test(test_bounded_table),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_sign_in_and_limit),
        cmocka_unit_test(test_address_limit),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_cookie),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
