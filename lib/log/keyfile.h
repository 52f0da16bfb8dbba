/*
** The log's keys on disk: the signing key file beside a database (DB.key by
** default), read, or created readable by its owner only and never over an
** existing one; the pinned verifier key file (DB.pub), the public half kept
** outside the database so verification need not trust the key stored inside
** it; the origin a new log is named by; and binding a database to the
** verifier key its log is signed with.  Never prints: problems come back in
** fw_error, with the file's path in the message.
*/
#ifndef FW_KEYFILE_H
#define FW_KEYFILE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "log/note.h"
#include "store/store.h"

/* "forcewatch.local/NAME" from the database's file name (without ".db"), with every
** character a note's name may not hold (space, control, '+') made '-'.  Cut to n. */
void fw_keyfile_default_origin(const char *db, char *out, size_t n);

/* The default key file of a database: "DB.key".  FW_ERR_LIMIT if it does not fit n. */
fw_rc fw_keyfile_default_path(const char *db, char *out, size_t n);

/*
** Read the signing key from the first line of path into s.  FW_ERR_NOTFOUND if the file
** cannot be opened (err: "no signing key at PATH"); FW_ERR_INVALID if it is empty or not
** a key (err: "PATH: why").
*/
fw_rc fw_keyfile_read(const char *path, fw_note_signer *s, fw_error *err);

/*
** Write s as a new key file at path, mode 0600, created exclusively (an existing file is
** never replaced: FW_ERR_IO, "cannot create PATH: File exists") and synced.  The key's
** text is wiped from memory afterwards.
*/
fw_rc fw_keyfile_write(const char *path, const fw_note_signer *s, fw_error *err);

/*
** Bind the store to the signer's verifier key: stored as the setting "verifier_key" if the
** database has none yet (in a transaction of its own), else compared with the stored one.
** vkey receives the signer's verifier key text.  FW_ERR_INVALID if the database's log is
** signed with another key (err names key_name, the key file, and the stored key).
*/
fw_rc fw_keyfile_bind(fw_store *st, const fw_note_signer *s, const char *key_name, fw_buf *vkey,
                      fw_error *err);

/* The default pinned verifier key file of a database: "DB.pub".  FW_ERR_LIMIT if it does not
** fit n. */
fw_rc fw_keyfile_default_pub_path(const char *db, char *out, size_t n);

/*
** Pin the verifier key vkey (its text) at path: a new file of one line, mode 0644 (it is
** public), synced.  An existing file holding the same key is left as it is (FW_OK); one
** holding another key or none is never replaced: FW_ERR_INVALID ("PATH holds another
** verifier key ...").
*/
fw_rc fw_keyfile_pin(const char *path, const char *vkey, fw_error *err);

/*
** Read a verifier key from the first line of the file at path.  FW_ERR_NOTFOUND if it
** cannot be opened (err: "no verifier key at PATH"); FW_ERR_INVALID if it is not a key
** (err: "PATH: why").
*/
fw_rc fw_keyfile_read_verifier(const char *path, fw_note_verifier *v, fw_error *err);

/*
** The verifier key to trust for the database db, from outside it: key, if not NULL, names a
** verifier key file (or is the key's text itself); else the pinned file DB.pub, if it
** exists.  source (n bytes) says where it came from ("--key FILE", "DB.pub").
** FW_ERR_NOTFOUND (err says so) if there is neither: the caller may fall back to the key
** stored in the database, and must say so loudly.  FW_ERR_INVALID if key or the pinned file
** is not a verifier key (err names it).
*/
fw_rc fw_keyfile_verifier(const char *key, const char *db, fw_note_verifier *v, char *source,
                          size_t n, fw_error *err);

#endif
