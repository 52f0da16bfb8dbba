/*
** Unit tests of signed notes and checkpoints: a published example note
** verifies (interoperability, not only self-consistency), keys round-trip
** through their text forms, and any change to a note, its signature or the
** key is refused.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "forcewatch.h"
#include "log/note.h"

/* The example of the Go reference implementation's note package. */
static const char example_vkey[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char example_note[] =
    "This is an example message.\n"
    "\n"
    "\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

static void test_published_example(void **state)
{
    fw_note_verifier v;
    fw_buf text;
    fw_error err;
    char bad[sizeof example_note];
    (void)state;

    assert_int_equal(fw_note_verifier_parse(example_vkey, &v, &err), FW_OK);
    assert_int_equal(v.id, 0x530d903a);
    fw_buf_init(&text, 4096);
    assert_int_equal(fw_note_open(example_note, strlen(example_note), &v, &text, &err), FW_OK);
    assert_string_equal(fw_buf_str(&text), "This is an example message.\n");
    /* One changed letter of the text breaks it. */
    memcpy(bad, example_note, sizeof bad);
    bad[5] = 'I';
    fw_buf_reset(&text);
    assert_int_equal(fw_note_open(bad, strlen(bad), &v, &text, &err), FW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "bad signature"));
    fw_buf_release(&text);
}

static void test_sign_and_open(void **state)
{
    fw_note_signer s, s2, other;
    fw_note_verifier v, v2;
    fw_buf key, note, text;
    fw_error err;
    uint8_t root[32], root2[32];
    char origin[FW_NOTE_NAME_MAX];
    uint64_t size;
    (void)state;

    memset(root, 7, 32);
    assert_int_equal(fw_note_generate("test.example/log", &s, &err), FW_OK);
    fw_buf_init(&key, 4096);
    fw_buf_init(&note, 4096);
    fw_buf_init(&text, 4096);
    /* The private key's text form loads back to the same key. */
    assert_int_equal(fw_note_signer_format(&s, &key), FW_OK);
    assert_true(strncmp(fw_buf_str(&key), "PRIVATE+KEY+test.example/log+", 29) == 0);
    assert_int_equal(fw_note_signer_parse(fw_buf_str(&key), &s2, &err), FW_OK);
    assert_memory_equal(s.pk, s2.pk, 32);
    fw_buf_reset(&key);
    assert_int_equal(fw_note_verifier_format(&s, &key), FW_OK);
    assert_int_equal(fw_note_verifier_parse(fw_buf_str(&key), &v, &err), FW_OK);

    assert_int_equal(fw_checkpoint_text("test.example/log", 42, root, &text), FW_OK);
    assert_int_equal(fw_note_sign(&s, text.data, text.len, &note, &err), FW_OK);
    fw_buf_reset(&text);
    assert_int_equal(fw_note_open(note.data, note.len, &v, &text, &err), FW_OK);
    assert_int_equal(fw_checkpoint_parse(text.data, text.len, origin, &size, root2, &err), FW_OK);
    assert_string_equal(origin, "test.example/log");
    assert_int_equal(size, 42);
    assert_memory_equal(root, root2, 32);

    /* Another key with the same name does not verify it. */
    assert_int_equal(fw_note_generate("test.example/log", &other, &err), FW_OK);
    fw_note_verifier_of(&other, &v2);
    fw_buf_reset(&text);
    assert_int_equal(fw_note_open(note.data, note.len, &v2, &text, &err), FW_ERR_INVALID);
    /* A changed tree size does not verify. */
    note.data[strlen("test.example/log\n")] = '9';
    assert_int_equal(fw_note_open(note.data, note.len, &v, &text, &err), FW_ERR_INVALID);

    assert_int_equal(fw_note_sign(&s, "no newline", 10, &note, &err), FW_ERR_INVALID);
    assert_int_equal(fw_note_sign(&s, "a\n\nb\n", 5, &note, &err), FW_ERR_INVALID);
    fw_buf_release(&key);
    fw_buf_release(&note);
    fw_buf_release(&text);
}

/* Base64 holds '+', the separator of key texts: keys with one must round-trip. */
static void test_keys_with_plus(void **state)
{
    fw_note_signer s, s2;
    fw_note_verifier v;
    fw_buf key, vkey;
    fw_error err;
    int tries, seen = 0;
    (void)state;
    fw_buf_init(&key, 4096);
    fw_buf_init(&vkey, 4096);
    for (tries = 0; tries < 400 && seen < 3; tries++) {
        fw_buf_reset(&key);
        fw_buf_reset(&vkey);
        assert_int_equal(fw_note_generate("a.example/log", &s, &err), FW_OK);
        fw_note_signer_format(&s, &key);
        fw_note_verifier_format(&s, &vkey);
        /* The base64 starts after "a.example/log+ID+" (23 bytes) or
        ** "PRIVATE+KEY+a.example/log+ID+" (35 bytes). */
        assert_true(vkey.len > 23 && key.len > 35);
        if (!strchr(vkey.data + 23, '+') && !strchr(key.data + 35, '+'))
            continue;
        seen++;
        assert_int_equal(fw_note_signer_parse(fw_buf_str(&key), &s2, &err), FW_OK);
        assert_memory_equal(s.pk, s2.pk, 32);
        assert_int_equal(fw_note_verifier_parse(fw_buf_str(&vkey), &v, &err), FW_OK);
        assert_memory_equal(s.pk, v.pk, 32);
    }
    assert_true(seen > 0);
    fw_buf_release(&key);
    fw_buf_release(&vkey);
}

static void test_malformed(void **state)
{
    fw_note_verifier v;
    fw_note_signer s;
    fw_buf text;
    fw_error err;
    uint8_t root[32];
    char origin[FW_NOTE_NAME_MAX];
    uint64_t size;
    (void)state;
    fw_buf_init(&text, 4096);
    assert_int_equal(fw_note_verifier_parse("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", &v, &err), FW_ERR_INVALID);
    assert_int_equal(fw_note_verifier_parse("nonsense", &v, &err), FW_ERR_INVALID);
    assert_int_equal(fw_note_signer_parse("PRIVATE+KEY+x+00000000+AAAA", &s, &err), FW_ERR_INVALID);
    assert_int_equal(fw_note_generate("has space", &s, &err), FW_ERR_INVALID);
    assert_int_equal(fw_note_verifier_parse(example_vkey, &v, &err), FW_OK);
    assert_int_equal(fw_note_open("text only\n", 10, &v, &text, &err), FW_ERR_INVALID);
    assert_int_equal(fw_note_open("t\n\n- x y\n", 9, &v, &text, &err), FW_ERR_INVALID);
    assert_int_equal(fw_checkpoint_parse("o\n01\nAAAA\n", 10, origin, &size, root, &err), FW_ERR_INVALID);
    assert_int_equal(fw_checkpoint_parse("o\n1\nnot base64\n", 15, origin, &size, root, &err), FW_ERR_INVALID);
    fw_buf_release(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_example),
        cmocka_unit_test(test_sign_and_open),
        cmocka_unit_test(test_keys_with_plus),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests_name("note", tests, NULL, NULL);
}
