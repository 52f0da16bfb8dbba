/*
** The record log's commands: `init` (the database and the log's signing
** key), `verify`, and `log` (checkpoint, leaf, inclusion and consistency
** proofs printed for checking with any RFC 9162 implementation).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log/keyfile.h"
#include "log/note.h"
#include "log/proof.h"
#include "log/verify.h"
#include "store/verify_derived.h"
#include "base/str.h"

#include "base/banned.h"

int cmd_init(cli_args *a)
{
    const char *key = cli_key_path(a), *origin = cli_value(a, "origin");
    char name[FW_NOTE_NAME_MAX], pub[4096];
    fw_buf vkey;
    fw_store *s;
    fw_error err;
    fw_rc frc;
    int rc = EXIT_OK;

    if (origin) {
        if (fw_strlcpy(name, origin, sizeof name))
            return cli_usage_error("--origin: at most %zu bytes", sizeof name - 1);
    } else {
        fw_keyfile_default_origin(a->db, name, sizeof name);
    }
    if (!key)
        return EXIT_USAGE;
    frc = fw_keyfile_read(key, &a->signer, &err);
    if (frc == FW_ERR_NOTFOUND) {
        if (fw_note_generate(name, &a->signer, &err) != FW_OK)
            return cli_fail(EXIT_USAGE, "--origin: %s", err.msg);
        if (fw_keyfile_write(key, &a->signer, &err) != FW_OK)
            return cli_fail(EXIT_RUNTIME, "%s", err.msg);
        fprintf(stderr, "created the signing key %s (keep it secret; mode 0600)\n", key);
    } else if (frc) {
        return cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    s = cli_open_store(a, FW_STORE_CREATE);
    if (!s)
        return EXIT_RUNTIME;
    fw_buf_init(&vkey, 4096);
    if (fw_keyfile_bind(s, &a->signer, key, &vkey, &err) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    else if (fw_keyfile_default_pub_path(a->db, pub, sizeof pub) != FW_OK)
        rc = cli_usage_error("--db: a path too long for its verifier key file");
    else if (fw_keyfile_pin(pub, fw_buf_str(&vkey), &err) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    else
        printf("%s: forcewatch database, schema version %d (%s)\nverifier key: %s\n"
               "pinned verifier key: %s (verify trusts it; publish it)\n", a->db,
               fw_store_schema_version(s), fw_store_backend(s), fw_buf_str(&vkey), pub);
    fw_buf_release(&vkey);
    fw_store_close(s);
    return rc;
}

int cli_verifier(cli_args *a, fw_note_verifier *v, bool *outside, char *source, size_t n)
{
    const char *key = cli_value(a, "key");
    fw_error err;
    fw_rc frc = fw_keyfile_verifier(key, a->db, v, source, n, &err);

    *outside = frc == FW_OK;
    if (frc == FW_ERR_NOTFOUND) {
        snprintf(source, n, "the key stored inside the database (not independent)");
        fprintf(stderr,
                "forcewatch: WARNING: %s: trusting the verifier key stored inside the database "
                "being checked, which anyone able to edit the database can replace; give --key "
                "FILE, or pin the key with 'forcewatch init'\n", err.msg);
        return 0;
    }
    if (frc && key)
        return cli_usage_error("%s", err.msg);
    if (frc)
        return cli_fail(EXIT_RUNTIME, "%s", err.msg);
    return 0;
}

int cmd_verify(cli_args *a)
{
    fw_store *s;
    fw_verify_result r;
    fw_note_verifier v;
    fw_buf old;
    const char *ck = cli_value(a, "checkpoint");
    char root[65], source[4200];
    fw_error err;
    fw_rc frc;
    bool outside;
    int rc = EXIT_OK, i;

    if (cli_value(a, "export")) {
        if (ck)
            return cli_usage_error("--export carries its own checkpoint: no --checkpoint with it");
        return cmd_verify_export(a, cli_value(a, "export"));
    }
    if ((rc = cli_verifier(a, &v, &outside, source, sizeof source)) != 0)
        return rc;
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
    frc = fw_verify(s, outside ? &v : NULL, ck ? fw_buf_str(&old) : NULL, old.len, &r, &err);
    if (frc == FW_ERR_INVALID && !r.problem[0]) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else if (frc == FW_ERR_INVALID) {
        if (r.bad_seq >= 0)
            fprintf(stderr, "verify: FAILED at seq %lld: %s\n", (long long)r.bad_seq, r.problem);
        else
            fprintf(stderr, "verify: FAILED: %s\n", r.problem);
        fprintf(stderr, "verifier key: %s\n", source);
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
        printf("%lld stored checkpoints verified, each matching the log at its size\n",
               (long long)r.checkpoints);
        printf("derived tables match their records (%lld rows and entries):",
               (long long)r.derived_rows);
        for (i = 0; fw_derived_tables[i]; i++)
            printf(" %s", fw_derived_tables[i]);
        printf("\nverifier key: %s\n", source);
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

static int log_proof(cli_args *a, fw_store *s)
{
    fw_log_proof p;
    fw_buf out;
    fw_error err;
    uint64_t x, y;
    const char *size_opt = cli_value(a, "size");
    bool incl;
    fw_rc frc;
    int rc = EXIT_OK;

    if (a->npos < 3 || (strcmp(a->pos[1], "inclusion") && strcmp(a->pos[1], "consistency")))
        return cli_usage_error("expected 'log proof inclusion SEQ' or 'log proof consistency OLD NEW'");
    incl = strcmp(a->pos[1], "inclusion") == 0;
    if ((incl && a->npos != 3) || (!incl && a->npos != 4))
        return cli_usage_error("wrong number of arguments for 'log proof %s'", a->pos[1]);
    if (!parse_u64(a->pos[2], &x) || (!incl && !parse_u64(a->pos[3], &y)))
        return cli_usage_error("sequence numbers and sizes are whole numbers");
    if (incl && size_opt && !parse_u64(size_opt, &y))
        return cli_usage_error("--size needs a whole number");
    frc = incl ? fw_log_prove_inclusion(s, x, size_opt ? &y : NULL, &p, &err)
               : fw_log_prove_consistency(s, x, y, &p, &err);
    if (frc)
        return cli_fail(EXIT_RUNTIME, "%s", err.msg);
    fw_buf_init(&out, 1 << 16);
    if (fw_log_proof_text(&p, &out) == FW_OK)
        fputs(fw_buf_str(&out), stdout);
    else
        rc = cli_fail(EXIT_RUNTIME, "out of memory");
    fw_buf_release(&out);
    return rc;
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
