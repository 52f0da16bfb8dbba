/*
** Unit tests of the log's key file and proofs over a store: the default
** origin and path, reading a missing, empty, foreign or good key file,
** writing one 0600 and never over an existing file, binding a database to
** its verifier key (and refusing another key), and inclusion and consistency
** proofs that verify, with their range refusals and text form.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forcewatch.h"
#include "log/keyfile.h"
#include "log/merkle.h"
#include "log/proof.h"

typedef struct fixture {
    char dir[64], db[128], key[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/fw-keyfile-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
    snprintf(f->key, sizeof f->key, "%s/t.db.key", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    assert_int_equal(chmod(path, 0600), 0);
}

static void test_defaults(void **state)
{
    char out[FW_NOTE_NAME_MAX], small[8];
    (void)state;
    fw_keyfile_default_origin("/var/lib/fw/city police.db", out, sizeof out);
    assert_string_equal(out, "forcewatch.local/city-police");
    fw_keyfile_default_origin("a+b", out, sizeof out);
    assert_string_equal(out, "forcewatch.local/a-b");
    assert_int_equal(fw_keyfile_default_path("x.db", out, sizeof out), FW_OK);
    assert_string_equal(out, "x.db.key");
    assert_int_equal(fw_keyfile_default_path("long-name.db", small, sizeof small), FW_ERR_LIMIT);
}

static void test_read_write(void **state)
{
    fixture *f = *state;
    fw_note_signer s, back;
    fw_error err;
    struct stat st;

    assert_int_equal(fw_keyfile_read(f->key, &back, &err), FW_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, "no signing key at "));
    assert_int_equal(fw_note_generate("test.example/log", &s, &err), FW_OK);
    assert_int_equal(fw_keyfile_write(f->key, &s, &err), FW_OK);
    assert_int_equal(stat(f->key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(fw_keyfile_read(f->key, &back, &err), FW_OK);
    assert_string_equal(back.name, s.name);
    assert_memory_equal(&back, &s, sizeof s);
    /* Never over an existing file. */
    assert_int_equal(fw_keyfile_write(f->key, &s, &err), FW_ERR_IO);
    assert_non_null(strstr(err.msg, "cannot create "));
    /* Empty, and not a key. */
    write_text(f->db, "");
    assert_int_equal(fw_keyfile_read(f->db, &back, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, ": empty file"));
    write_text(f->db, "not a key\n");
    assert_int_equal(fw_keyfile_read(f->db, &back, &err), FW_ERR_INVALID);
    assert_int_equal(strncmp(err.msg, f->db, strlen(f->db)), 0);
    /* A key others may read is refused, whatever it holds. */
    assert_int_equal(chmod(f->key, 0644), 0);
    assert_int_equal(fw_keyfile_read(f->key, &back, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "permissions 0644 let others read the signing key"));
    assert_int_equal(chmod(f->key, 0600), 0);
    assert_int_equal(fw_keyfile_read(f->key, &back, &err), FW_OK);
}

static fw_store *open_store(const char *path, unsigned flags, const fw_note_signer *s)
{
    fw_store_opts o;
    fw_store *st = NULL;
    fw_error err;
    memset(&o, 0, sizeof o);
    o.flags = flags;
    o.signer = s;
    if (fw_store_open(path, &o, &st, &err) != FW_OK)
        fail_msg("open %s: %s", path, err.msg);
    return st;
}

static void test_bind(void **state)
{
    fixture *f = *state;
    fw_note_signer s, other;
    fw_store *st;
    fw_buf vkey, stored;
    fw_error err;

    assert_int_equal(fw_note_generate("test.example/log", &s, &err), FW_OK);
    assert_int_equal(fw_note_generate("test.example/log", &other, &err), FW_OK);
    st = open_store(f->db, FW_STORE_CREATE, NULL);
    fw_buf_init(&vkey, 4096);
    fw_buf_init(&stored, 4096);
    assert_int_equal(fw_keyfile_bind(st, &s, "k", &vkey, &err), FW_OK);
    assert_int_equal(fw_store_setting(st, "verifier_key", &stored, &err), FW_OK);
    assert_string_equal(fw_buf_str(&stored), fw_buf_str(&vkey));
    /* The same key again: nothing to do. */
    fw_buf_reset(&vkey);
    assert_int_equal(fw_keyfile_bind(st, &s, "k", &vkey, &err), FW_OK);
    /* Another key is refused, naming the key file and the stored key. */
    fw_buf_reset(&vkey);
    assert_int_equal(fw_keyfile_bind(st, &other, "other.key", &vkey, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "other.key is not the key"));
    assert_non_null(strstr(err.msg, fw_buf_str(&stored)));
    fw_buf_release(&vkey);
    fw_buf_release(&stored);
    fw_store_close(st);
}

static void add_incidents(fw_store *st, int from, int to)
{
    fw_error err;
    fw_diag d;
    int i;
    assert_int_equal(fw_store_begin(st, &err), FW_OK);
    fw_diag_init(&d, 5);
    for (i = from; i < to; i++) {
        char text[1024];
        fw_doc *doc = NULL;
        fw_put_result r;
        snprintf(text, sizeof text,
                 "{\"id\":\"p-%d\",\"agency\":\"a\",\"occurred_at\":\"2025-01-02\","
                 "\"officers\":[{\"id\":\"o1\",\"role\":\"applied_force\"}],"
                 "\"subjects\":[{\"id\":\"s1\"}],\"accounts\":[{\"id\":\"a\",\"kind\":"
                 "\"officer_report\",\"source\":\"r\",\"events\":[{\"t\":0,\"type\":\"force\","
                 "\"actor\":\"o1\",\"kind\":\"ecd\",\"target\":\"s1\"}]}]}", i);
        fw_diag_reset(&d);
        assert_int_equal(fw_doc_parse(text, strlen(text), NULL, &doc, &d), FW_OK);
        assert_int_equal(fw_store_put(st, doc, "test", &r, &err), FW_OK);
        fw_doc_free(doc);
    }
    fw_diag_release(&d);
    assert_int_equal(fw_store_commit(st, &err), FW_OK);
}

static void test_proofs(void **state)
{
    fixture *f = *state;
    fw_note_signer s;
    fw_store *st;
    fw_log_proof p;
    fw_error err;
    fw_buf text;
    uint64_t size = 3;
    char first[64];

    assert_int_equal(fw_note_generate("test.example/log", &s, &err), FW_OK);
    st = open_store(f->db, FW_STORE_CREATE, &s);
    add_incidents(st, 0, 5);   /* the checkpoint: 5 leaves */
    fw_store_close(st);
    st = open_store(f->db, 0, NULL);
    add_incidents(st, 5, 7);   /* no signer: the log has 7, the checkpoint still 5 */

    /* By default, in the latest checkpoint's tree. */
    assert_int_equal(fw_log_prove_inclusion(st, 2, NULL, &p, &err), FW_OK);
    assert_true(p.inclusion);
    assert_int_equal(p.first, 2);
    assert_int_equal(p.second, 5);
    assert_true(fw_merkle_verify_inclusion(2, 5, p.leaf, p.path, p.len, p.root1));
    assert_int_equal(fw_log_prove_inclusion(st, 5, NULL, &p, &err), FW_ERR_NOTFOUND);
    assert_string_equal(err.msg, "no leaf 5 in a tree of size 5 (the log has 7)");
    /* At a size asked for, up to the log's. */
    assert_int_equal(fw_log_prove_inclusion(st, 6, &(uint64_t){7}, &p, &err), FW_OK);
    assert_true(fw_merkle_verify_inclusion(6, 7, p.leaf, p.path, p.len, p.root1));
    assert_int_equal(fw_log_prove_inclusion(st, 0, &(uint64_t){8}, &p, &err), FW_ERR_NOTFOUND);
    assert_int_equal(fw_log_prove_inclusion(st, 1, &size, &p, &err), FW_OK);

    assert_int_equal(fw_log_prove_consistency(st, 3, 7, &p, &err), FW_OK);
    assert_false(p.inclusion);
    assert_true(fw_merkle_verify_consistency(3, 7, p.root1, p.root2, p.path, p.len));
    assert_int_equal(fw_log_prove_consistency(st, 0, 7, &p, &err), FW_ERR_INVALID);
    assert_string_equal(err.msg, "need 0 < OLD <= NEW <= 7");
    assert_int_equal(fw_log_prove_consistency(st, 4, 3, &p, &err), FW_ERR_INVALID);
    assert_int_equal(fw_log_prove_consistency(st, 4, 8, &p, &err), FW_ERR_INVALID);

    /* The text form: four named lines, then one line per hash. */
    assert_int_equal(fw_log_prove_consistency(st, 3, 7, &p, &err), FW_OK);
    fw_buf_init(&text, 1 << 16);
    assert_int_equal(fw_log_proof_text(&p, &text), FW_OK);
    assert_int_equal(strncmp(fw_buf_str(&text), "old_size 3\nnew_size 7\nold_root ", 31), 0);
    snprintf(first, sizeof first, "proof ");
    assert_non_null(strstr(fw_buf_str(&text), first));
    fw_buf_release(&text);
    fw_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test_setup_teardown(test_read_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_proofs, setup, teardown),
    };
    return cmocka_run_group_tests_name("keyfile", tests, NULL, NULL);
}
