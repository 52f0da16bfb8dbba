/*
** The log's key files: the signing key, read (its first line) or created
** readable by its owner only and never over an existing file; the pinned
** verifier key (DB.pub), written once by init and read by verify; the
** default origin and paths a database's keys get; and binding a database to
** the verifier key its log is signed with (the setting "verifier_key").  The
** signing key's text is wiped from memory once written.
*/
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/str.h"
#include "log/keyfile.h"

#include "base/banned.h"

void fw_keyfile_default_origin(const char *db, char *out, size_t n)
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

fw_rc fw_keyfile_default_path(const char *db, char *out, size_t n)
{
    return fw_snprintf(out, n, "%s.key", db) == FW_OK ? FW_OK : FW_ERR_LIMIT;
}

fw_rc fw_keyfile_read(const char *path, fw_note_signer *s, fw_error *err)
{
    FILE *f = fopen(path, "r");
    char text[512];
    fw_error perr;
    fw_rc rc = FW_OK;
    bool ok;

    struct stat st;

    if (!f)
        return fw_error_set(err, FW_ERR_NOTFOUND, "no signing key at %s", path);
    /* A key others can read is a key others may have: refuse it, as ssh does. */
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
        fclose(f);
        return fw_error_set(err, FW_ERR_INVALID,
                            "%s: permissions %04o let others read the signing key "
                            "(chmod 600 %s)",
                            path, (unsigned)(st.st_mode & 07777), path);
    }
    ok = fgets(text, sizeof text, f) != NULL;
    fclose(f);
    if (!ok)
        rc = fw_error_set(err, FW_ERR_INVALID, "%s: empty file", path);
    else if (fw_note_signer_parse(text, s, &perr) != FW_OK)
        rc = fw_error_set(err, FW_ERR_INVALID, "%s: %s", path, perr.msg);
    sodium_memzero(text, sizeof text);
    return rc;
}

fw_rc fw_keyfile_write(const char *path, const fw_note_signer *s, fw_error *err)
{
    fw_buf text;
    fw_rc rc = FW_OK;
    int fd = -1;
    ssize_t w;

    fw_buf_init(&text, 4096);
    /* A key cut short would be written as if whole: checked first. */
    if (fw_note_signer_format(s, &text) != FW_OK || fw_buf_addc(&text, '\n') != FW_OK) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "cannot format the signing key: %s",
                          fw_strerror(fw_buf_error(&text) ? fw_buf_error(&text) : FW_ERR_NOMEM));
        goto done;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        rc = fw_error_set(err, FW_ERR_IO, "cannot create %s: %s", path, strerror(errno));
        goto done;
    }
    w = write(fd, text.data, text.len);
    if (w != (ssize_t)text.len || fsync(fd) != 0)
        rc = fw_error_set(err, FW_ERR_IO, "cannot write %s", path);
done:
    if (fd >= 0)
        close(fd);
    if (text.data)
        sodium_memzero(text.data, text.len);
    fw_buf_release(&text);
    return rc;
}

fw_rc fw_keyfile_bind(fw_store *st, const fw_note_signer *s, const char *key_name, fw_buf *vkey,
                      fw_error *err)
{
    fw_buf stored;
    fw_rc rc;

    fw_buf_init(&stored, 4096);
    if ((rc = fw_note_verifier_format(s, vkey)) != FW_OK) {
        fw_error_set(err, rc, "cannot format the verifier key: %s", fw_strerror(rc));
        goto done;
    }
    rc = fw_store_setting(st, "verifier_key", &stored, err);
    if (rc == FW_ERR_NOTFOUND) {
        if ((rc = fw_store_begin(st, err)) != FW_OK)
            goto done;
        if ((rc = fw_store_setting_put(st, "verifier_key", fw_buf_str(vkey), err)) != FW_OK ||
            (rc = fw_store_commit(st, err)) != FW_OK)
            fw_store_rollback(st);
    } else if (rc == FW_OK && strcmp(fw_buf_str(&stored), fw_buf_str(vkey)) != 0) {
        rc = fw_error_set(err, FW_ERR_INVALID,
                          "%s is not the key this database's log is signed with (%s)", key_name,
                          fw_buf_str(&stored));
    }
done:
    fw_buf_release(&stored);
    return rc;
}

fw_rc fw_keyfile_default_pub_path(const char *db, char *out, size_t n)
{
    return fw_snprintf(out, n, "%s.pub", db) == FW_OK ? FW_OK : FW_ERR_LIMIT;
}

/* The first line of path, without its newline, into out (n bytes). */
static fw_rc first_line(const char *path, char *out, size_t n, fw_error *err)
{
    FILE *f = fopen(path, "r");
    bool ok;
    if (!f)
        return fw_error_set(err, FW_ERR_NOTFOUND, "no verifier key at %s", path);
    ok = fgets(out, (int)n, f) != NULL;
    fclose(f);
    if (!ok)
        return fw_error_set(err, FW_ERR_INVALID, "%s: empty file", path);
    out[strcspn(out, "\r\n")] = '\0';
    return FW_OK;
}

fw_rc fw_keyfile_read_verifier(const char *path, fw_note_verifier *v, fw_error *err)
{
    char text[512];
    fw_error perr;
    fw_rc rc = first_line(path, text, sizeof text, err);
    if (rc)
        return rc;
    if (fw_note_verifier_parse(text, v, &perr) != FW_OK)
        return fw_error_set(err, FW_ERR_INVALID, "%s: %s", path, perr.msg);
    return FW_OK;
}

fw_rc fw_keyfile_pin(const char *path, const char *vkey, fw_error *err)
{
    char text[512];
    fw_error rerr;
    fw_rc rc = FW_OK;
    size_t len = strlen(vkey);
    int fd;

    if (first_line(path, text, sizeof text, &rerr) == FW_OK)
        return strcmp(text, vkey) == 0
                   ? FW_OK
                   : fw_error_set(err, FW_ERR_INVALID,
                                  "%s holds another verifier key than this database's (%s): "
                                  "not replaced", path, vkey);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return fw_error_set(err, FW_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    if (write(fd, vkey, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) != 0)
        rc = fw_error_set(err, FW_ERR_IO, "cannot write %s", path);
    close(fd);
    return rc;
}

fw_rc fw_keyfile_verifier(const char *key, const char *db, fw_note_verifier *v, char *source,
                          size_t n, fw_error *err)
{
    char pub[4096];
    fw_error perr;
    fw_rc rc;

    if (key) {
        rc = fw_keyfile_read_verifier(key, v, err);
        if (rc != FW_ERR_NOTFOUND) {
            snprintf(source, n, "--key %s", key);
            return rc;
        }
        /* Not a file: the key's text itself. */
        if (fw_note_verifier_parse(key, v, &perr) != FW_OK)
            return fw_error_set(err, FW_ERR_INVALID,
                                "--key: neither a verifier key file nor a verifier key: %s",
                                perr.msg);
        snprintf(source, n, "--key");
        return FW_OK;
    }
    if (fw_keyfile_default_pub_path(db, pub, sizeof pub) != FW_OK)
        return fw_error_set(err, FW_ERR_LIMIT, "--db: a path too long for its verifier key file");
    rc = fw_keyfile_read_verifier(pub, v, err);
    if (rc == FW_ERR_NOTFOUND)
        return fw_error_set(err, FW_ERR_NOTFOUND,
                            "no verifier key from outside the database: no --key and no %s",
                            pub);
    if (!rc)
        snprintf(source, n, "%s", pub);
    return rc;
}
