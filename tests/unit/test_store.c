/*
** Unit tests of the store through its public interface, on the SQLite
** backend: versions, history, the record log written with every change,
** rollback, append-only enforcement, filters, schema checks, and readers
** that keep a consistent snapshot while a writer commits.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forcewatch.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    fw_store *s;
} fixture;

static time_t fixed_now(void *arg)
{
    (void)arg;
    return 1767800220; /* 2026-01-07T15:37:00Z */
}

static fw_store *open_store(const char *path, unsigned flags)
{
    fw_store_opts o;
    fw_store *s = NULL;
    fw_error err;
    memset(&o, 0, sizeof o);
    o.flags = flags;
    o.clock.now = fixed_now;
    if (fw_store_open(path, &o, &s, &err) != FW_OK)
        fail_msg("open %s: %s", path, err.msg);
    return s;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-store-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
    f->s = open_store(f->path, FW_STORE_CREATE);
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

static fw_doc *incident(const char *id, const char *agency, const char *date, const char *kind,
                        const char *summary)
{
    char text[2048];
    fw_diag d;
    fw_doc *doc = NULL;
    snprintf(text, sizeof text,
             "{\"id\":\"%s\",\"agency\":\"%s\",\"occurred_at\":\"%s\",\"encounter\":\"arrest\","
             "\"summary\":\"%s\",\"officers\":[{\"id\":\"o1\",\"role\":\"applied_force\"}],"
             "\"subjects\":[{\"id\":\"s1\"}],\"accounts\":[{\"id\":\"a\",\"kind\":\"officer_report\","
             "\"source\":\"report\",\"events\":[{\"t\":0,\"type\":\"force\",\"actor\":\"o1\","
             "\"kind\":\"%s\",\"target\":\"s1\"}]}]}",
             id, agency, date, summary, kind);
    fw_diag_init(&d, 5);
    if (fw_doc_parse(text, strlen(text), NULL, &doc, &d) != FW_OK)
        fail_msg("test document invalid: %s", d.msgs[0]);
    fw_diag_release(&d);
    return doc;
}

static fw_put_result put(fw_store *s, fw_doc *doc)
{
    fw_put_result r;
    fw_error err;
    if (fw_store_put(s, doc, "test", &r, &err) != FW_OK)
        fail_msg("put: %s", err.msg);
    fw_doc_free(doc);
    return r;
}

static void begin(fw_store *s)
{
    fw_error err;
    if (fw_store_begin(s, &err) != FW_OK)
        fail_msg("begin: %s", err.msg);
}

static void commit(fw_store *s)
{
    fw_error err;
    if (fw_store_commit(s, &err) != FW_OK)
        fail_msg("commit: %s", err.msg);
}

static int64_t get_version(fw_store *s, const char *id, int64_t version, fw_buf *body)
{
    fw_record_info info;
    fw_error err;
    fw_buf_reset(body);
    if (fw_store_get(s, FW_RECORD_INCIDENT, id, version, body, &info, &err) != FW_OK)
        fail_msg("get %s: %s", id, err.msg);
    return info.version;
}

static void test_versions_and_history(void **state)
{
    fixture *f = *state;
    fw_put_result r;
    fw_buf body;
    fw_record_info info;
    fw_error err;
    int64_t n;
    uint8_t digest[32];
    char hex[65];

    begin(f->s);
    r = put(f->s, incident("i-1", "ag", "2020-01-02", "ecd", "first"));
    assert_int_equal(r.action, FW_PUT_CREATED);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.log_seq, 0);
    r = put(f->s, incident("i-1", "ag", "2020-01-02", "ecd", "first"));
    assert_int_equal(r.action, FW_PUT_UNCHANGED);
    assert_int_equal(r.log_seq, -1);
    r = put(f->s, incident("i-1", "ag", "2020-01-02", "ecd", "second"));
    assert_int_equal(r.action, FW_PUT_UPDATED);
    assert_int_equal(r.version, 2);
    assert_int_equal(r.log_seq, 1);
    commit(f->s);

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    assert_int_equal(get_version(f->s, "i-1", 0, &body), 2);
    assert_non_null(strstr(fw_buf_str(&body), "\"summary\":\"second\""));
    assert_int_equal(get_version(f->s, "i-1", 1, &body), 1);
    assert_non_null(strstr(fw_buf_str(&body), "\"summary\":\"first\""));

    /* The stored hash is the SHA-256 of the stored bytes. */
    fw_buf_reset(&body);
    assert_int_equal(fw_store_get(f->s, FW_RECORD_INCIDENT, "i-1", 1, &body, &info, &err), FW_OK);
    fw_sha256(body.data, body.len, digest);
    fw_hex(digest, 32, hex);
    assert_string_equal(hex, info.sha256);
    assert_int_equal(info.latest, 2);
    assert_string_equal(info.created_at, "2026-01-07T15:37:00Z");
    assert_string_equal(info.actor, "test");

    assert_int_equal(fw_store_get(f->s, FW_RECORD_INCIDENT, "i-1", 3, &body, &info, &err),
                     FW_ERR_NOTFOUND);
    assert_string_equal(err.msg, "incident i-1 has no version 3");
    assert_int_equal(fw_store_get(f->s, FW_RECORD_INCIDENT, "nope", 0, &body, &info, &err),
                     FW_ERR_NOTFOUND);
    assert_string_equal(err.msg, "no incident with id nope");

    /* Every stored version has its leaf, which names the version and hash. */
    assert_int_equal(fw_store_log_size(f->s, &n, &err), FW_OK);
    assert_int_equal(n, 2);
    fw_buf_reset(&body);
    assert_int_equal(fw_store_log_leaf(f->s, 1, &body, &err), FW_OK);
    assert_non_null(strstr(fw_buf_str(&body), "\"action\":\"update\""));
    assert_non_null(strstr(fw_buf_str(&body), "\"record_id\":\"i-1\""));
    assert_non_null(strstr(fw_buf_str(&body), "\"seq\":1"));
    assert_non_null(strstr(fw_buf_str(&body), "\"version\":2"));
    assert_non_null(strstr(fw_buf_str(&body), "\"time\":\"2026-01-07T15:37:00Z\""));
    fw_buf_release(&body);
}

static int count_cb(void *arg, const fw_record_meta *m)
{
    int64_t *expect = arg;
    assert_int_equal(m->version, *expect);
    assert_int_equal(m->log_seq, *expect - 1);
    assert_int_equal(strlen(m->sha256), 64);
    (*expect)++;
    return 0;
}

static void test_history_walk(void **state)
{
    fixture *f = *state;
    int64_t next = 1;
    fw_error err;
    int i;
    char summary[16];

    begin(f->s);
    for (i = 0; i < 5; i++) {
        snprintf(summary, sizeof summary, "v%d", i);
        put(f->s, incident("i-h", "ag", "2021-03-04", "takedown", summary));
    }
    commit(f->s);
    assert_int_equal(fw_store_history(f->s, FW_RECORD_INCIDENT, "i-h", count_cb, &next, &err),
                     FW_OK);
    assert_int_equal(next, 6);
    assert_int_equal(fw_store_history(f->s, FW_RECORD_INCIDENT, "none", count_cb, &next, &err),
                     FW_ERR_NOTFOUND);
}

static void test_rollback_stores_nothing(void **state)
{
    fixture *f = *state;
    fw_buf body;
    fw_error err;
    int64_t n;

    begin(f->s);
    put(f->s, incident("i-r", "ag", "2020-01-02", "ecd", "x"));
    fw_store_rollback(f->s);
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    assert_int_equal(fw_store_get(f->s, FW_RECORD_INCIDENT, "i-r", 0, &body, NULL, &err),
                     FW_ERR_NOTFOUND);
    assert_int_equal(fw_store_log_size(f->s, &n, &err), FW_OK);
    assert_int_equal(n, 0);
    fw_buf_release(&body);
    /* A write needs a transaction. */
    {
        fw_doc *d = incident("i-r", "ag", "2020-01-02", "ecd", "x");
        fw_put_result r;
        assert_int_equal(fw_store_put(f->s, d, "t", &r, &err), FW_ERR_USAGE);
        fw_doc_free(d);
    }
}

/* Once the log has a verifier key, writing without the signing key is
** refused: a commit would leave leaves no signed checkpoint covers. */
static void test_signed_log_needs_key(void **state)
{
    fixture *f = *state;
    fw_error err;
    int64_t n;

    begin(f->s);
    put(f->s, incident("i-k", "ag", "2020-01-02", "ecd", "x"));
    assert_int_equal(fw_store_commit(f->s, &err), FW_OK);  /* an unsigned log: allowed */
    begin(f->s);
    assert_int_equal(fw_store_setting_put(f->s, "verifier_key", "test+00000000+AAAA", &err), FW_OK);
    assert_int_equal(fw_store_commit(f->s, &err), FW_OK);
    assert_int_equal(fw_store_begin(f->s, &err), FW_ERR_USAGE);
    assert_non_null(strstr(err.msg, "needs its signing key"));
    {
        fw_doc *d = incident("i-k2", "ag", "2020-01-02", "ecd", "x");
        fw_put_result r;
        assert_int_equal(fw_store_put(f->s, d, "t", &r, &err), FW_ERR_USAGE);
        fw_doc_free(d);
    }
    assert_int_equal(fw_store_log_size(f->s, &n, &err), FW_OK);
    assert_int_equal(n, 1);
}

static void test_append_only_enforced(void **state)
{
    fixture *f = *state;
    sqlite3 *db;
    char *msg = NULL;

    begin(f->s);
    put(f->s, incident("i-a", "ag", "2020-01-02", "ecd", "x"));
    commit(f->s);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE records SET body = 'x'", NULL, NULL, &msg),
                         SQLITE_OK);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM log", NULL, NULL, &msg), SQLITE_OK);
    sqlite3_free(msg);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM incident_index", NULL, NULL, &msg),
                         SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
}

typedef struct listed {
    char ids[16][32];
    int n;
} listed;

static int list_cb(void *arg, const fw_incident_row *r)
{
    listed *l = arg;
    snprintf(l->ids[l->n++], 32, "%s@%lld", r->id, (long long)r->version);
    return 0;
}

static void test_list_filters(void **state)
{
    fixture *f = *state;
    fw_list_filter flt;
    listed l;
    fw_error err;

    begin(f->s);
    put(f->s, incident("c", "ag-1", "2021-06-01", "ecd", "x"));
    put(f->s, incident("a", "ag-1", "2019-01-01", "chokehold", "x"));
    put(f->s, incident("b", "ag-2", "2020-05-05T10:00:00-05:00", "firearm_discharge", "x"));
    put(f->s, incident("a", "ag-2", "2019-01-01", "chokehold", "moved"));
    commit(f->s);

    memset(&flt, 0, sizeof flt);
    memset(&l, 0, sizeof l);
    assert_int_equal(fw_store_list(f->s, &flt, list_cb, &l, &err), FW_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.ids[0], "a@2");   /* latest version only, by date */
    assert_string_equal(l.ids[1], "b@1");
    assert_string_equal(l.ids[2], "c@1");

    memset(&l, 0, sizeof l);
    flt.agency = "ag-1";                    /* "a" moved to ag-2 in version 2 */
    fw_store_list(f->s, &flt, list_cb, &l, &err);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.ids[0], "c@1");

    memset(&flt, 0, sizeof flt);
    memset(&l, 0, sizeof l);
    flt.since = "2020-05-05";
    flt.until = "2020-12-31";
    fw_store_list(f->s, &flt, list_cb, &l, &err);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.ids[0], "b@1");

    memset(&flt, 0, sizeof flt);
    memset(&l, 0, sizeof l);
    flt.force_kind = "chokehold";
    fw_store_list(f->s, &flt, list_cb, &l, &err);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.ids[0], "a@2");

    memset(&flt, 0, sizeof flt);
    memset(&l, 0, sizeof l);
    flt.encounter = "vehicle_stop";
    fw_store_list(f->s, &flt, list_cb, &l, &err);
    assert_int_equal(l.n, 0);

    memset(&flt, 0, sizeof flt);
    memset(&l, 0, sizeof l);
    flt.limit = 2;
    fw_store_list(f->s, &flt, list_cb, &l, &err);
    assert_int_equal(l.n, 2);
}

static void test_snapshot_reader_while_writer_commits(void **state)
{
    fixture *f = *state;
    fw_store *reader;
    fw_buf body;
    fw_error err;

    begin(f->s);
    put(f->s, incident("i-s", "ag", "2020-01-02", "ecd", "v1"));
    commit(f->s);

    reader = open_store(f->path, FW_STORE_READONLY);
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    assert_int_equal(fw_store_begin_read(reader, &err), FW_OK);
    assert_int_equal(get_version(reader, "i-s", 0, &body), 1);

    begin(f->s);   /* the writer is not blocked by the open reader (WAL) */
    put(f->s, incident("i-s", "ag", "2020-01-02", "ecd", "v2"));
    commit(f->s);

    assert_int_equal(get_version(reader, "i-s", 0, &body), 1);  /* same snapshot */
    fw_store_end_read(reader);
    assert_int_equal(get_version(reader, "i-s", 0, &body), 2);  /* now sees the commit */
    fw_buf_release(&body);
    fw_store_close(reader);
}

typedef struct race {
    const char *path;
    int rounds;
    int inconsistent;
    int64_t last_seen;
} race;

/* Reads the latest version over and over; every read must be whole and
** versions must never go backwards. */
static void *reader_thread(void *arg)
{
    race *r = arg;
    fw_store_opts o;
    fw_store *s;
    fw_buf body;
    fw_record_info info;
    uint8_t d[32];
    char hex[65];
    int i;

    memset(&o, 0, sizeof o);
    o.flags = FW_STORE_READONLY;
    if (fw_store_open(r->path, &o, &s, NULL) != FW_OK) {
        r->inconsistent++;
        return NULL;
    }
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    for (i = 0; i < r->rounds * 4; i++) {
        fw_buf_reset(&body);
        if (fw_store_get(s, FW_RECORD_INCIDENT, "i-t", 0, &body, &info, NULL) != FW_OK)
            continue;
        fw_sha256(body.data, body.len, d);
        fw_hex(d, 32, hex);
        if (strcmp(hex, info.sha256) != 0 || info.version < r->last_seen)
            r->inconsistent++;
        r->last_seen = info.version;
    }
    fw_buf_release(&body);
    fw_store_close(s);
    return NULL;
}

static void test_concurrent_reader(void **state)
{
    fixture *f = *state;
    race r = {f->path, 40, 0, 0};
    pthread_t t;
    char summary[16];
    int i;

    begin(f->s);
    put(f->s, incident("i-t", "ag", "2020-01-02", "ecd", "v0"));
    commit(f->s);
    assert_int_equal(pthread_create(&t, NULL, reader_thread, &r), 0);
    for (i = 1; i <= r.rounds; i++) {
        snprintf(summary, sizeof summary, "v%d", i);
        begin(f->s);
        put(f->s, incident("i-t", "ag", "2020-01-02", "ecd", summary));
        commit(f->s);
    }
    pthread_join(t, NULL);
    assert_int_equal(r.inconsistent, 0);
    assert_true(r.last_seen >= 1);
}

static void test_open_errors(void **state)
{
    fixture *f = *state;
    fw_store *s = NULL;
    fw_error err;
    sqlite3 *db;
    char path[160];
    (void)state;

    snprintf(path, sizeof path, "%s/missing.db", f->dir);
    assert_int_equal(fw_store_open(path, NULL, &s, &err), FW_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, "no database at"));
    assert_null(s);

    snprintf(path, sizeof path, "%s/other.db", f->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fw_store_open(path, NULL, &s, &err), FW_ERR_STORE);
    assert_non_null(strstr(err.msg, "is not a forcewatch database"));

    fw_store_close(f->s);
    f->s = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fw_store_open(f->path, NULL, &s, &err), FW_ERR_STORE);
    assert_non_null(strstr(err.msg, "schema version 99, newer than"));

    assert_int_equal(fw_store_open("postgresql://x", NULL, &s, &err), FW_ERR_USAGE);
}

static void test_schema_version(void **state)
{
    fixture *f = *state;
    assert_int_equal(fw_store_schema_version(f->s), fw_store_schema_latest());
    assert_string_equal(fw_store_backend(f->s), "sqlite");
}

/* fw_log_leaf writes its object directly: the bytes must be the object's canonical form. */
static void test_log_leaf_is_canonical(void **state)
{
    static const char *const actors[] = {"cli:ana", "a\"b\\c\n\x01\xc3\xa9", "", NULL};
    size_t i;
    (void)state;
    for (i = 0; actors[i]; i++) {
        fw_buf direct, canon;
        json_t *obj = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "seq", (json_int_t)42,
                                "time", "2026-01-07T09:37:00Z", "actor", actors[i], "action",
                                i == 1 ? "create" : "update", "record_type", "incident",
                                "record_id", "demo-0007", "version", (json_int_t)(i == 1 ? 1 : 7),
                                "sha256", "ab12");
        fw_buf_init(&direct, FW_BUF_UNLIMITED);
        fw_buf_init(&canon, FW_BUF_UNLIMITED);
        assert_int_equal(fw_log_leaf(42, "2026-01-07T09:37:00Z", actors[i], "incident", "demo-0007",
                                     i == 1 ? 1 : 7, "ab12", &direct), FW_OK);
        assert_int_equal(fw_canon_write(obj, &canon), FW_OK);
        assert_int_equal(direct.len, canon.len);
        assert_memory_equal(direct.data, canon.data, canon.len);
        fw_buf_release(&direct);
        fw_buf_release(&canon);
        json_decref(obj);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_leaf_is_canonical),
        cmocka_unit_test_setup_teardown(test_versions_and_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_only_enforced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signed_log_needs_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_reader_while_writer_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_version, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
