/*
** The record log's commands: `init` (the database and the log's signing
** key), `verify`, and `log` (checkpoint, leaf, inclusion and consistency
** proofs printed for checking with any RFC 9162 implementation).
*/
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "log/merkle.h"
#include "log/note.h"
#include "log/verify.h"
#include "base/str.h"

#include "base/banned.h"

/* forcewatch.local/NAME from the database's file name, with only name-safe characters. */
static void default_origin(const char *db, char *out, size_t n)
{
    const char *base = strrchr(db, '/');
    size_t i, len;
    base = base ? base + 1 : db;
    len = (size_t)snprintf(out, n, "forcewatch.local/%s", base);
    if (len >= 3 && len < n && strcmp(out + len - 3, ".db") == 0)
        out[len - 3] = '\0';
    for (i = 0; out[i]; i++)
        if ((unsigned char)out[i] <= ' ' || out[i] == '+' || out[i] == 0x7f)
            out[i] = '-';
}

/* Write a new key file, readable by its owner only, never over an existing one. */
static bool write_key(const char *path, const fw_note_signer *s)
{
    fw_buf text;
    int fd;
    ssize_t w;
    bool ok;

    fw_buf_init(&text, 4096);
    /* A key cut short would be written as if whole: checked first. */
    if (fw_note_signer_format(s, &text) != FW_OK || fw_buf_addc(&text, '\n') != FW_OK) {
        cli_fail(EXIT_RUNTIME, "cannot format the signing key: %s",
                 fw_strerror(fw_buf_error(&text) ? fw_buf_error(&text) : FW_ERR_NOMEM));
        if (text.data)
            sodium_memzero(text.data, text.len);
        fw_buf_release(&text);
        return false;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        cli_fail(EXIT_RUNTIME, "cannot create %s: %s", path, strerror(errno));
        sodium_memzero(text.data, text.len);
        fw_buf_release(&text);
        return false;
    }
    w = write(fd, text.data, text.len);
    ok = w == (ssize_t)text.len && fsync(fd) == 0;
    close(fd);
    sodium_memzero(text.data, text.len);
    fw_buf_release(&text);
    if (!ok)
        cli_fail(EXIT_RUNTIME, "cannot write %s", path);
    return ok;
}

int cmd_init(cli_args *a)
{
    const char *key = cli_key_path(a), *origin = cli_value(a, "origin");
    char name[FW_NOTE_NAME_MAX];
    fw_buf vkey, stored;
    fw_store *s;
    fw_error err;
    fw_rc frc;
    int rc = EXIT_OK;
    FILE *f;

    if (origin) {
        if (fw_strlcpy(name, origin, sizeof name))
            return cli_usage_error("--origin: at most %zu bytes", sizeof name - 1);
    } else {
        default_origin(a->db, name, sizeof name);
    }
    if (!key)
        return EXIT_USAGE;
    f = fopen(key, "r");
    if (f) {
        char text[512];
        bool ok = fgets(text, sizeof text, f) != NULL;
        fclose(f);
        if (!ok || fw_note_signer_parse(text, &a->signer, &err) != FW_OK)
            return cli_fail(EXIT_RUNTIME, "%s: %s", key, ok ? err.msg : "empty file");
    } else {
        if (fw_note_generate(name, &a->signer, &err) != FW_OK)
            return cli_fail(EXIT_USAGE, "--origin: %s", err.msg);
        if (!write_key(key, &a->signer))
            return EXIT_RUNTIME;
        fprintf(stderr, "created the signing key %s (keep it secret; mode 0600)\n", key);
    }
    s = cli_open_store(a, FW_STORE_CREATE);
    if (!s)
        return EXIT_RUNTIME;
    fw_buf_init(&vkey, 4096);
    fw_buf_init(&stored, 4096);
    fw_note_verifier_format(&a->signer, &vkey);
    frc = fw_store_setting(s, "verifier_key", &stored, &err);
    if (frc == FW_ERR_NOTFOUND) {
        if (fw_store_begin(s, &err) || fw_store_setting_put(s, "verifier_key", fw_buf_str(&vkey), &err) ||
            fw_store_commit(s, &err))
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else if (frc) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else if (strcmp(fw_buf_str(&stored), fw_buf_str(&vkey)) != 0) {
        rc = cli_fail(EXIT_RUNTIME, "%s is not the key this database's log is signed with (%s)",
                      key, fw_buf_str(&stored));
    }
    if (rc == EXIT_OK)
        printf("%s: forcewatch database, schema version %d (%s)\nverifier key: %s\n", a->db,
               fw_store_schema_version(s), fw_store_backend(s), fw_buf_str(&vkey));
    fw_buf_release(&vkey);
    fw_buf_release(&stored);
    fw_store_close(s);
    return rc;
}

int cmd_verify(cli_args *a)
{
    fw_store *s;
    fw_verify_result r;
    fw_note_verifier v;
    fw_buf old;
    fw_error err;
    const char *key = cli_value(a, "key"), *ck = cli_value(a, "checkpoint");
    char root[65];
    fw_rc frc;
    int rc = EXIT_OK;

    if (key && fw_note_verifier_parse(key, &v, &err) != FW_OK)
        return cli_usage_error("--key: %s", err.msg);
    if (cli_value(a, "export")) {
        if (ck)
            return cli_usage_error("--export carries its own checkpoint: no --checkpoint with it");
        return cmd_verify_export(a, cli_value(a, "export"));
    }
    fw_buf_init(&old, 1 << 20);
    if (ck && !cli_read_file(ck, &old)) {
        fw_buf_release(&old);
        return EXIT_RUNTIME;
    }
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s) {
        fw_buf_release(&old);
        return EXIT_RUNTIME;
    }
    frc = fw_verify(s, key ? &v : NULL, ck ? fw_buf_str(&old) : NULL, old.len, &r, &err);
    if (frc == FW_ERR_INVALID && !r.problem[0]) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else if (frc == FW_ERR_INVALID) {
        if (r.bad_seq >= 0)
            fprintf(stderr, "verify: FAILED at seq %lld: %s\n", (long long)r.bad_seq, r.problem);
        else
            fprintf(stderr, "verify: FAILED: %s\n", r.problem);
        rc = EXIT_VERIFY;
    } else if (frc) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else {
        fw_hex(r.root, 32, root);
        printf("verified %lld leaves and %lld records (%.1f MB hashed)\n", (long long)r.leaves,
               (long long)r.records, r.bytes / 1e6);
        printf("tree size %lld, root %s\n", (long long)r.leaves, root);
        if (r.checkpoint_size >= 0)
            printf("latest signed checkpoint (size %lld) matches the log\n",
                   (long long)r.checkpoint_size);
        if (r.old_size >= 0)
            printf("the older checkpoint (size %lld) is a prefix of today's log\n",
                   (long long)r.old_size);
    }
    fw_store_close(s);
    fw_buf_release(&old);
    return rc;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return !errno && !*end;
}

static void b64(const uint8_t h[32], char out[64])
{
    sodium_bin2base64(out, 64, h, 32, sodium_base64_VARIANT_ORIGINAL);
}

static int log_proof(cli_args *a, fw_store *s)
{
    fw_hash *hashes = NULL, proof[FW_MERKLE_MAX_PROOF];
    uint64_t n = 0, x, y, i;
    size_t len;
    uint8_t r1[32], r2[32];
    char e1[64], e2[64];
    fw_error err;
    int64_t cksize;
    const char *size_opt = cli_value(a, "size");
    bool incl;

    if (a->npos < 3 || (strcmp(a->pos[1], "inclusion") && strcmp(a->pos[1], "consistency")))
        return cli_usage_error("expected 'log proof inclusion SEQ' or 'log proof consistency OLD NEW'");
    incl = strcmp(a->pos[1], "inclusion") == 0;
    if ((incl && a->npos != 3) || (!incl && a->npos != 4))
        return cli_usage_error("wrong number of arguments for 'log proof %s'", a->pos[1]);
    if (!parse_u64(a->pos[2], &x) || (!incl && !parse_u64(a->pos[3], &y)))
        return cli_usage_error("sequence numbers and sizes are whole numbers");
    if (fw_log_hashes(s, &hashes, &n, &err) != FW_OK)
        return cli_fail(EXIT_RUNTIME, "%s", err.msg);
    if (incl) {
        if (size_opt) {
            if (!parse_u64(size_opt, &y)) {
                free(hashes);
                return cli_usage_error("--size needs a whole number");
            }
        } else if (fw_store_checkpoint(s, &cksize, NULL, &err) == FW_OK) {
            y = (uint64_t)cksize;
        } else {
            y = n;
        }
        if (y > n || x >= y) {
            free(hashes);
            return cli_fail(EXIT_RUNTIME, "no leaf %llu in a tree of size %llu (the log has %llu)",
                            (unsigned long long)x, (unsigned long long)y, (unsigned long long)n);
        }
        fw_merkle_inclusion_proof(hashes, y, x, proof, &len);
        fw_merkle_root(hashes, y, r1);
        b64(hashes[x], e1);
        b64(r1, e2);
        printf("leaf_index %llu\ntree_size %llu\nleaf_hash %s\nroot_hash %s\n",
               (unsigned long long)x, (unsigned long long)y, e1, e2);
    } else {
        if (x == 0 || x > y || y > n) {
            free(hashes);
            return cli_fail(EXIT_RUNTIME, "need 0 < OLD <= NEW <= %llu", (unsigned long long)n);
        }
        fw_merkle_consistency_proof(hashes, y, x, proof, &len);
        fw_merkle_root(hashes, x, r1);
        fw_merkle_root(hashes, y, r2);
        b64(r1, e1);
        b64(r2, e2);
        printf("old_size %llu\nnew_size %llu\nold_root %s\nnew_root %s\n", (unsigned long long)x,
               (unsigned long long)y, e1, e2);
    }
    for (i = 0; i < len; i++) {
        b64(proof[i], e1);
        printf("proof %s\n", e1);
    }
    free(hashes);
    return EXIT_OK;
}

int cmd_log(cli_args *a)
{
    const char *sub = a->pos[0];
    fw_store *s;
    fw_buf b;
    fw_error err;
    int64_t size;
    uint64_t seq;
    int rc = EXIT_OK;

    if (strcmp(sub, "checkpoint") && strcmp(sub, "leaf") && strcmp(sub, "proof"))
        return cli_usage_error("unknown log command '%s'", sub);
    if (strcmp(sub, "checkpoint") == 0 && a->npos != 1)
        return cli_usage_error("'log checkpoint' takes no arguments");
    if (strcmp(sub, "leaf") == 0 && (a->npos != 2 || !parse_u64(a->pos[1], &seq)))
        return cli_usage_error("expected 'log leaf SEQ'");
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    fw_buf_init(&b, 1 << 20);
    if (strcmp(sub, "checkpoint") == 0) {
        if (fw_store_checkpoint(s, &size, &b, &err) != FW_OK)
            rc = cli_fail(EXIT_RUNTIME, "no checkpoint yet (the log is empty)");
        else
            fputs(fw_buf_str(&b), stdout);
    } else if (strcmp(sub, "leaf") == 0) {
        if (fw_store_log_leaf(s, (int64_t)seq, &b, &err) != FW_OK)
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        else
            printf("%s\n", fw_buf_str(&b));
    } else {
        rc = log_proof(a, s);
    }
    fw_buf_release(&b);
    fw_store_close(s);
    return rc;
}
