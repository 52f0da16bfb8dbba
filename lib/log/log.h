/*
** The record log's writer: it builds each stored version's leaf (the
** canonical JSON docs/record-log.md defines), appends it, keeps the Merkle
** accumulator over the log while a write is open and, when it has a signing
** key, signs a checkpoint of the new tree at commit.  It owns the log's
** rules; where the leaves and checkpoints are kept is not its business: it
** reads and writes them through a small I/O interface (fw_log_io), which
** the store implements over its backend, and a test over memory.
**
** A write session is fw_log_begin, any number of fw_log_append, then
** fw_log_commit (before the caller commits its transaction, so the
** checkpoint is stored with the leaves) or fw_log_abort.
**
** Ownership: an fw_log is the caller's (usually inside another struct);
** it holds no heap memory, and the io's arg and the signer are borrowed.
*/
#ifndef FW_LOG_H
#define FW_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "log/merkle.h"
#include "log/note.h"

/* One leaf of a log scan; a nonzero return stops the scan. */
typedef int (*fw_log_leaf_cb)(void *arg, int64_t seq, const void *leaf, size_t len);

/*
** Where the log lives.  Every function gets arg first and returns FW_OK or
** an error with err filled.
**   size: the number of leaves (the next leaf's seq);
**   append: store leaf number seq (always the current size);
**   scan: every leaf from seq `from` on, in order;
**   checkpoint_latest: the latest stored checkpoint's tree size, its note
**     and its saved accumulator (note and state may be NULL; each appended
**     to); FW_ERR_NOTFOUND, without a message, if there is none;
**   checkpoint_append: store a checkpoint (size, signed note, accumulator
**     state, time written).
*/
typedef struct fw_log_io {
    void *arg;
    fw_rc (*size)(void *arg, int64_t *size, fw_error *err);
    fw_rc (*append)(void *arg, int64_t seq, const void *leaf, size_t len, fw_error *err);
    fw_rc (*scan)(void *arg, int64_t from, fw_log_leaf_cb cb, void *cbarg, fw_error *err);
    fw_rc (*checkpoint_latest)(void *arg, int64_t *size, fw_buf *note, fw_buf *state,
                               fw_error *err);
    fw_rc (*checkpoint_append)(void *arg, int64_t size, const char *note, const void *state,
                               size_t state_len, const char *created_at, fw_error *err);
} fw_log_io;

typedef struct fw_log {
    fw_log_io io;
    const fw_note_signer *signer; /* NULL: leaves are appended, no tree, no checkpoint */
    bool open;                    /* between fw_log_begin and fw_log_commit/abort */
    int64_t next_seq;             /* the next leaf's seq, while open */
    bool tree;                    /* acc is kept (there is a signer) */
    fw_merkle_acc acc;
    int64_t checkpointed;         /* tree size of the latest stored checkpoint */
    double seconds;               /* time spent keeping the log, all sessions */
} fw_log;

/* Set up log over io (copied); signer (borrowed, may be NULL) signs checkpoints. */
void fw_log_init(fw_log *log, const fw_log_io *io, const fw_note_signer *signer);

/*
** Start a write session: read the log's size and, with a signer, load the
** tree as of the latest checkpoint and bring it up to the log's size.
** FW_ERR_STORE if the log has a gap or the checkpoint's state is corrupt.
*/
fw_rc fw_log_begin(fw_log *log, fw_error *err);

/*
** Build the leaf of one stored version (see fw_log_leaf), append it as the
** next leaf and add it to the tree.  Its seq into *seq.  On error nothing
** is counted: the caller rolls its transaction back.
*/
fw_rc fw_log_append(fw_log *log, const char *time, const char *actor, const char *type,
                    const char *id, int64_t version, const char *sha256, int64_t *seq,
                    fw_error *err);

/* The seq the next fw_log_append will use (only while open). */
int64_t fw_log_next_seq(const fw_log *log);

/*
** End the session.  With a signer and leaves added since the latest
** checkpoint, sign and store a checkpoint of the tree (created_at, the
** time to record, "YYYY-MM-DDThh:mm:ssZ").  The session is closed either
** way; on error the caller rolls back.
*/
fw_rc fw_log_commit(fw_log *log, const char *created_at, fw_error *err);
/* End the session without a checkpoint (the caller rolls back). */
void fw_log_abort(fw_log *log);

/* Seconds spent keeping the log (building leaves, appending them, the
** tree, signing checkpoints) over every session. */
double fw_log_seconds(const fw_log *log);

/* The canonical JSON of the log leaf for one stored version (docs/record-log.md),
** appended to out: what verification recomputes from the records. */
fw_rc fw_log_leaf(int64_t seq, const char *time, const char *actor, const char *type,
                  const char *id, int64_t version, const char *sha256, fw_buf *out);

#endif
