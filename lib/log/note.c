/*
** Signed notes and checkpoints (see note.h), with libsodium's Ed25519,
** SHA-256 and base64.  Parsing is strict: anything not exactly in the
** format is refused with a message, because a verifier that guesses is a
** verifier that can be fooled.
*/
#include "log/note.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/str.h"

#include "base/banned.h"

#define ALG_ED25519 0x01
#define EM_DASH "\xe2\x80\x94 "

static bool valid_name(const char *name)
{
    size_t i, n = strlen(name);
    if (n == 0 || n >= FW_NOTE_NAME_MAX)
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)name[i] <= ' ' || name[i] == '+' || name[i] == 0x7f)
            return false;
    return true;
}

static uint32_t key_id(const char *name, const uint8_t pk[32])
{
    crypto_hash_sha256_state st;
    uint8_t digest[32], sep[2] = {'\n', ALG_ED25519};
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
    crypto_hash_sha256_update(&st, sep, 2);
    crypto_hash_sha256_update(&st, pk, 32);
    crypto_hash_sha256_final(&st, digest);
    return (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 | (uint32_t)digest[2] << 8 |
           digest[3];
}

static fw_rc from_seed(const char *name, const uint8_t seed[32], fw_note_signer *s)
{
    memset(s, 0, sizeof *s);
    if (fw_strlcpy(s->name, name, sizeof s->name))
        return FW_ERR_INVALID;
    if (crypto_sign_seed_keypair(s->pk, s->sk, seed) != 0)
        return FW_ERR_INTERNAL;
    s->id = key_id(name, s->pk);
    return FW_OK;
}

fw_rc fw_note_generate(const char *name, fw_note_signer *s, fw_error *err)
{
    uint8_t seed[32];
    fw_rc rc;
    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "libsodium failed to start");
    if (!valid_name(name))
        return fw_error_set(err, FW_ERR_INVALID,
                            "invalid key name '%s' (no spaces or '+', 1 to %d bytes)", name,
                            FW_NOTE_NAME_MAX - 1);
    randombytes_buf(seed, sizeof seed);
    rc = from_seed(name, seed, s);
    sodium_memzero(seed, sizeof seed);
    return rc ? fw_error_set(err, rc, "cannot make a key") : FW_OK;
}

/* Decode standard base64 of exactly n bytes. */
static bool b64_decode(const char *text, size_t len, uint8_t *out, size_t n)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, n, text, len, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) !=
        0)
        return false;
    return got == n && end == text + len;
}

static fw_rc b64_encode(const uint8_t *bin, size_t n, fw_buf *out)
{
    size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *tmp = malloc(len);
    fw_rc rc;
    if (!tmp)
        return FW_ERR_NOMEM;
    sodium_bin2base64(tmp, len, bin, n, sodium_base64_VARIANT_ORIGINAL);
    rc = fw_buf_adds(out, tmp);
    free(tmp);
    return rc;
}

/* Split "a+b+c" into exactly max fields at the first max-1 '+' (base64 may
** hold '+' itself, so the last field takes the rest); returns the count. */
static int split_plus(char *s, char **fields, int max)
{
    int n = 0;
    char *p = s;
    fields[n++] = p;
    while (n < max && (p = strchr(p, '+')) != NULL) {
        *p++ = '\0';
        fields[n++] = p;
    }
    return n;
}

static bool parse_hex32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;
    if (strlen(s) != 8)
        return false;
    v = strtoul(s, &end, 16);
    if (*end)
        return false;
    *out = (uint32_t)v;
    return true;
}

fw_rc fw_note_signer_parse(const char *text, fw_note_signer *s, fw_error *err)
{
    char copy[512], *f[6];
    uint8_t key[33];
    uint32_t id;
    fw_rc rc;

    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "libsodium failed to start");
    if (strcspn(text, "\r\n") >= sizeof copy)
        return fw_error_set(err, FW_ERR_INVALID, "not a signing key (a line too long)");
    fw_strlcpy(copy, text, sizeof copy);   /* fits up to the line's end */
    copy[strcspn(copy, "\r\n")] = '\0';
    if (split_plus(copy, f, 5) != 5 || strcmp(f[0], "PRIVATE") || strcmp(f[1], "KEY"))
        return fw_error_set(err, FW_ERR_INVALID,
                            "not a signing key (expected PRIVATE+KEY+NAME+ID+KEY)");
    if (!valid_name(f[2]) || !parse_hex32(f[3], &id) ||
        !b64_decode(f[4], strlen(f[4]), key, sizeof key) || key[0] != ALG_ED25519)
        return fw_error_set(err, FW_ERR_INVALID, "malformed signing key");
    rc = from_seed(f[2], key + 1, s);
    sodium_memzero(key, sizeof key);
    sodium_memzero(copy, sizeof copy);
    if (rc)
        return fw_error_set(err, rc, "cannot load the signing key");
    if (s->id != id)
        return fw_error_set(err, FW_ERR_INVALID, "signing key id does not match its key");
    return FW_OK;
}

fw_rc fw_note_signer_format(const fw_note_signer *s, fw_buf *out)
{
    uint8_t key[33];
    fw_rc rc;
    key[0] = ALG_ED25519;
    memcpy(key + 1, s->sk, 32); /* libsodium's secret key begins with the seed */
    rc = fw_buf_printf(out, "PRIVATE+KEY+%s+%08x+", s->name, (unsigned)s->id);
    if (!rc)
        rc = b64_encode(key, sizeof key, out);
    sodium_memzero(key, sizeof key);
    return rc;
}

void fw_note_verifier_of(const fw_note_signer *s, fw_note_verifier *v)
{
    memset(v, 0, sizeof *v);
    memcpy(v->name, s->name, sizeof v->name);
    v->id = s->id;
    memcpy(v->pk, s->pk, 32);
}

fw_rc fw_note_verifier_format(const fw_note_signer *s, fw_buf *out)
{
    uint8_t key[33];
    fw_rc rc;
    key[0] = ALG_ED25519;
    memcpy(key + 1, s->pk, 32);
    rc = fw_buf_printf(out, "%s+%08x+", s->name, (unsigned)s->id);
    return rc ? rc : b64_encode(key, sizeof key, out);
}

fw_rc fw_note_verifier_parse(const char *text, fw_note_verifier *v, fw_error *err)
{
    char copy[512], *f[4];
    uint8_t key[33];

    if (sodium_init() < 0)
        return fw_error_set(err, FW_ERR_INTERNAL, "libsodium failed to start");
    memset(v, 0, sizeof *v);
    if (strcspn(text, "\r\n") >= sizeof copy)
        return fw_error_set(err, FW_ERR_INVALID, "not a verifier key (a line too long)");
    fw_strlcpy(copy, text, sizeof copy);   /* fits up to the line's end */
    copy[strcspn(copy, "\r\n")] = '\0';
    if (split_plus(copy, f, 3) != 3 || !valid_name(f[0]) || !parse_hex32(f[1], &v->id) ||
        !b64_decode(f[2], strlen(f[2]), key, sizeof key) || key[0] != ALG_ED25519)
        return fw_error_set(err, FW_ERR_INVALID,
                            "malformed verifier key (expected NAME+ID+BASE64KEY)");
    memcpy(v->name, f[0], strlen(f[0]) + 1); /* valid_name bounded it */
    memcpy(v->pk, key + 1, 32);
    if (key_id(v->name, v->pk) != v->id)
        return fw_error_set(err, FW_ERR_INVALID, "verifier key id does not match its key");
    return FW_OK;
}

static bool valid_text(const char *text, size_t len)
{
    size_t i;
    if (len == 0 || text[len - 1] != '\n')
        return false;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\n') || (c == '\n' && i + 1 < len && text[i + 1] == '\n'))
            return false;
    }
    return true;
}

fw_rc fw_note_sign(const fw_note_signer *s, const char *text, size_t len, fw_buf *out,
                   fw_error *err)
{
    uint8_t sig[4 + 64];
    fw_rc rc;

    if (!valid_text(text, len))
        return fw_error_set(err, FW_ERR_INVALID,
                            "a note's text must end in a newline and hold no blank line");
    sig[0] = (uint8_t)(s->id >> 24);
    sig[1] = (uint8_t)(s->id >> 16);
    sig[2] = (uint8_t)(s->id >> 8);
    sig[3] = (uint8_t)s->id;
    crypto_sign_detached(sig + 4, NULL, (const uint8_t *)text, len, s->sk);
    rc = fw_buf_add(out, text, len);
    if (!rc)
        rc = fw_buf_printf(out, "\n" EM_DASH "%s ", s->name);
    if (!rc)
        rc = b64_encode(sig, sizeof sig, out);
    if (!rc)
        rc = fw_buf_addc(out, '\n');
    return rc ? fw_error_set(err, rc, "out of memory") : FW_OK;
}

fw_rc fw_note_open(const char *note, size_t len, const fw_note_verifier *v, fw_buf *text,
                   fw_error *err)
{
    const char *sep = NULL, *p, *end = note + len;
    size_t textlen, i;
    int lines = 0;

    if (len > 1 << 20)
        return fw_error_set(err, FW_ERR_INVALID, "note larger than 1 MiB");
    /* The text ends at the last blank line. */
    for (i = 0; i + 1 < len; i++)
        if (note[i] == '\n' && note[i + 1] == '\n')
            sep = note + i;
    if (!sep || len == 0 || note[len - 1] != '\n')
        return fw_error_set(err, FW_ERR_INVALID, "not a signed note (no blank line before signatures)");
    textlen = (size_t)(sep - note) + 1;
    if (!valid_text(note, textlen))
        return fw_error_set(err, FW_ERR_INVALID, "malformed note text");
    for (p = sep + 2; p < end; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *sp;
        size_t nlen = strlen(v->name);
        uint8_t sig[4 + 64];
        uint32_t id;

        if (lines >= 100)
            return fw_error_set(err, FW_ERR_INVALID, "more than 100 signatures");
        if (!nl || (size_t)(nl - p) < 4 || memcmp(p, EM_DASH, 4) != 0)
            return fw_error_set(err, FW_ERR_INVALID, "malformed signature line %d", lines + 1);
        sp = memchr(p + 4, ' ', (size_t)(nl - p - 4));
        if (!sp)
            return fw_error_set(err, FW_ERR_INVALID, "malformed signature line %d", lines + 1);
        if ((size_t)(sp - p - 4) == nlen && memcmp(p + 4, v->name, nlen) == 0 &&
            b64_decode(sp + 1, (size_t)(nl - sp - 1), sig, sizeof sig)) {
            id = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
            if (id == v->id) {
                if (crypto_sign_verify_detached(sig + 4, (const uint8_t *)note, textlen, v->pk) !=
                    0)
                    return fw_error_set(err, FW_ERR_INVALID,
                                        "bad signature by %s: the note was altered or forged",
                                        v->name);
                return fw_buf_add(text, note, textlen) ? fw_error_set(err, FW_ERR_NOMEM, "out of memory")
                                                       : FW_OK;
            }
        }
        p = nl + 1;
    }
    return fw_error_set(err, FW_ERR_INVALID, "no signature by %s+%08x", v->name, (unsigned)v->id);
}

fw_rc fw_checkpoint_text(const char *origin, uint64_t size, const uint8_t root[32], fw_buf *out)
{
    fw_rc rc = fw_buf_printf(out, "%s\n%llu\n", origin, (unsigned long long)size);
    if (!rc)
        rc = b64_encode(root, 32, out);
    return rc ? rc : fw_buf_addc(out, '\n');
}

fw_rc fw_checkpoint_parse(const char *text, size_t len, char origin[FW_NOTE_NAME_MAX],
                          uint64_t *size, uint8_t root[32], fw_error *err)
{
    const char *l1 = memchr(text, '\n', len), *l2, *l3, *end = text + len;
    char num[32];
    char *e;

    if (!l1 || (size_t)(l1 - text) >= FW_NOTE_NAME_MAX || l1 == text)
        return fw_error_set(err, FW_ERR_INVALID, "checkpoint: bad origin line");
    memcpy(origin, text, (size_t)(l1 - text));
    origin[l1 - text] = '\0';
    l2 = memchr(l1 + 1, '\n', (size_t)(end - l1 - 1));
    if (!l2 || l2 - l1 - 1 < 1 || l2 - l1 - 1 > 20)
        return fw_error_set(err, FW_ERR_INVALID, "checkpoint: bad tree size line");
    memcpy(num, l1 + 1, (size_t)(l2 - l1 - 1));
    num[l2 - l1 - 1] = '\0';
    if (num[0] < '0' || num[0] > '9' || (num[0] == '0' && num[1]))
        return fw_error_set(err, FW_ERR_INVALID, "checkpoint: bad tree size '%s'", num);
    *size = strtoull(num, &e, 10);
    if (*e)
        return fw_error_set(err, FW_ERR_INVALID, "checkpoint: bad tree size '%s'", num);
    l3 = memchr(l2 + 1, '\n', (size_t)(end - l2 - 1));
    if (!l3 || !b64_decode(l2 + 1, (size_t)(l3 - l2 - 1), root, 32))
        return fw_error_set(err, FW_ERR_INVALID, "checkpoint: bad root hash line");
    return FW_OK;
}
