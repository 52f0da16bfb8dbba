/*
** Verification of the record log (docs/record-log.md): every leaf is
** recomputed from the stored records and compared with the log; the tree
** over the log is checked against every stored checkpoint (its signature,
** its root at its size and the tree state saved with it); an older
** checkpoint (one a reader saved) is checked to be a prefix of today's log;
** and every derived table is rebuilt from the records and compared
** (store/verify_derived.h).  Reads the store; writes nothing.
*/
#ifndef FW_VERIFY_H
#define FW_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "log/merkle.h"
#include "log/note.h"
#include "store/store.h"

typedef struct fw_verify_result {
    int64_t leaves;            /* leaves in the log */
    int64_t records;           /* stored versions */
    uint64_t bytes;            /* record and leaf bytes hashed */
    int64_t checkpoint_size;   /* size of the latest checkpoint checked, or -1 */
    int64_t old_size;          /* size of the older checkpoint proven a prefix, or -1 */
    int64_t bad_seq;           /* the first bad sequence number, or -1 */
    int64_t checkpoints;       /* stored checkpoints whose signature and root were checked */
    int64_t derived_rows;      /* derived table rows and ledger entries compared */
    char table[32];            /* the derived table found wrong, "" if none (or the log was) */
    char problem[512];         /* what is wrong, "" if nothing */
    uint8_t root[32];          /* the tree hash of the whole log */
} fw_verify_result;

/*
** Verify the store.  v is the verifier key to trust, from outside the
** database (a pinned key file, log/keyfile.h); NULL means the one stored in
** the database, which whoever can edit the database can replace.  Given v,
** a stored verifier key that is not v is a failure too.  old_note (may be NULL) is an older signed
** checkpoint to prove consistent.  Returns FW_OK if everything holds,
** FW_ERR_INVALID if a check failed (r->problem says which, r->bad_seq where),
** another code if the store could not be read.
*/
fw_rc fw_verify(fw_store *s, const fw_note_verifier *v, const char *old_note, size_t old_len,
                fw_verify_result *r, fw_error *err);

/* Whether a saved checkpoint is a prefix of today's log (fw_verify_checkpoint). */
typedef struct fw_checkpoint_check {
    bool consistent;
    uint64_t size;             /* the saved checkpoint's tree size */
    int64_t current_size;      /* today's latest signed checkpoint's, or the log's */
    char reason[512];          /* why not, or what was proven */
} fw_checkpoint_check;

/*
** Check a saved signed checkpoint note (len bytes) against today's log: its
** signature by v (NULL: the store's verifier key), today's latest signed
** checkpoint, and an RFC 9162 consistency proof from the saved tree to
** today's, computed from the log's leaves.  FW_ERR_INVALID (err says why) if
** note is not a checkpoint note at all; otherwise FW_OK with r->consistent
** and r->reason.  fw_verify_checkpoint takes its own read snapshot;
** fw_verify_checkpoint_in uses the caller's, with the log's leaf hashes;
** fw_verify_checkpoint_tree the caller's, with the log's tree (every leaf of
** the snapshot in it; a server's cache, lib/log/log_cache.h).
*/
fw_rc fw_verify_checkpoint(fw_store *s, const fw_note_verifier *v, const char *note, size_t len,
                           fw_checkpoint_check *r, fw_error *err);
fw_rc fw_verify_checkpoint_in(fw_store *s, const fw_note_verifier *v, const char *note,
                              size_t len, const fw_hash *hashes, uint64_t n,
                              fw_checkpoint_check *r, fw_error *err);

fw_rc fw_verify_checkpoint_tree(fw_store *s, const fw_note_verifier *v, const char *note,
                                size_t len, const fw_merkle_tree *t, fw_checkpoint_check *r,
                                fw_error *err);

/* Every leaf hash of the log, for proofs; *hashes is freed by the caller. */
fw_rc fw_log_hashes(fw_store *s, fw_hash **hashes, uint64_t *n, fw_error *err);

/*
** Push onto t the leaves of the log after its first t->size (those it
** already holds are taken to be the log's own).  FW_ERR_INVALID for a gap in
** the log, FW_ERR_NOMEM; t keeps the leaves pushed before an error.
*/
fw_rc fw_log_tree_extend(fw_store *s, fw_merkle_tree *t, fw_error *err);

#endif
