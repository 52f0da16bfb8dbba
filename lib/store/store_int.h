/*
** Private to the store: the table of functions a storage backend provides
** (its contract, below), and the handle shared by store.c and the backends.
** A backend stores bytes it is given; deciding versions, hashing, building
** log leaves, the tree and checkpoints are store.c's and the log's
** (log/log.h) job, so every backend logs the same way.  A backend includes
** only this header (and its own private ones): it never calls back into
** store.c; what it needs from outside is passed in the call.
*/
#ifndef FW_STORE_INT_H
#define FW_STORE_INT_H

#include "log/log.h"
#include "record/facts.h"
#include "store/store.h"

/* Everything one record version stores besides its log leaf, prepared by store.c. */
typedef struct fw_store_write {
    const char *type;
    const char *id;
    int64_t version;
    const char *body;
    size_t body_len;
    const char *sha256;         /* hex of SHA-256(body) */
    const char *created_at;
    const char *actor;
    int64_t log_seq;            /* the leaf already appended for it (log_append) */
    /* Index columns (incidents only; NULL for other types). */
    const char *agency;
    const char *occurred_at;
    const char *encounter;
    const char *force_kinds;
    int64_t naccounts, nevents;
    bool withdrawn;
    const uint8_t *stats;       /* FW_STATS_FACTS_BYTES of statistics facts */
} fw_store_write;

/*
** What a backend may need from outside the store when it opens a database:
** upgrading an old schema can mean deriving data from stored bodies.
** facts_of_body gives the statistics facts of a stored incident body
** (FW_ERR_INVALID if it does not parse).
*/
typedef struct fw_store_upgrade {
    fw_rc (*facts_of_body)(const void *body, size_t len, uint8_t out[FW_STATS_FACTS_BYTES]);
} fw_store_upgrade;

/*
** The tables a backend derives from the records (see verify_derived.h), read
** back for verification: each row with the log seq of the record version it
** derives from (-1 if no stored version matches its id and version) and its
** columns as bytes (integers as decimal text), in the order fw_verify_derived
** rebuilds them.
*/
typedef enum fw_derived_table {
    FW_DERIVED_INCIDENT_INDEX, /* id, version, agency, occurred_at, encounter, force_kinds,
                                  naccounts, nevents, withdrawn */
    FW_DERIVED_STATS_INDEX     /* id, version, agency, withdrawn, facts */
} fw_derived_table;
#define FW_DERIVED_MAX_COLS 12
typedef struct fw_derived_col {
    const void *data;
    size_t len;
} fw_derived_col;
typedef int (*fw_derived_cb)(void *arg, int64_t log_seq, const fw_derived_col *cols,
                             size_t ncols);

/*
** The backend contract.
**
** Handle: open sets s->backend (its own state) and s->schema_version, and
** reads s->opts (flags, busy timeout, cache size); close frees what open
** made, and is called exactly once after a successful open.  A backend
** never frees s.
**
** Errors: every function returns FW_OK or an fw_rc with err filled, except
** that head, checkpoint_latest and setting_get return FW_ERR_NOTFOUND
** without a message when there is nothing (store.c words it).  err may be
** NULL.
**
** Transactions: begin(write) starts a write transaction (one writer at a
** time, waiting up to opts.busy_timeout_ms) or a read snapshot (write
** false); commit makes a write durable; rollback discards the open write
** or ends the read snapshot, and is harmless with none open.  Writes
** (log_append, append, checkpoint_append, setting_put) happen only inside
** a write transaction, and are visible to reads in the same transaction.
**
** Append-only: nothing stored is ever updated or deleted.  store.c calls,
** for each record version, log_append (its leaf, seq = the log's size) and
** then append (the version, with the same log_seq); the two are atomic
** only through the transaction: after an error store.c rolls back.
**
** Callbacks: rows handed to a callback are valid only during the call; a
** nonzero return stops the walk, and the function then returns FW_OK.
**
** Ordering: history oldest first; list by occurred_at then id;
** ids_with_prefix, latest_scan by id (byte order); log_scan, record_scan
** by log seq; stats_scan in ledger order (from the latest snapshot on);
** checkpoint_scan by size.
*/
typedef struct fw_store_ops {
    const char *name;
    fw_rc (*open)(fw_store *s, const char *location, const fw_store_upgrade *up,
                  fw_error *err);
    void (*close)(fw_store *s);
    fw_rc (*begin)(fw_store *s, bool write, fw_error *err);
    fw_rc (*commit)(fw_store *s, fw_error *err);
    void (*rollback)(fw_store *s);
    /* Latest version and hash of a record; FW_ERR_NOTFOUND if none. */
    fw_rc (*head)(fw_store *s, const char *type, const char *id, int64_t *version,
                  char sha256[65], fw_error *err);
    /* Append leaf number seq (the log's current size) to the record log. */
    fw_rc (*log_append)(fw_store *s, int64_t seq, const void *leaf, size_t len, fw_error *err);
    /* Store the record version and, for incidents, its index and statistics rows. */
    fw_rc (*append)(fw_store *s, const fw_store_write *w, fw_error *err);
    /* One version (0: the latest) appended to body, its metadata into info;
    ** FW_ERR_NOTFOUND with a message if there is no such record or version. */
    fw_rc (*get)(fw_store *s, const char *type, const char *id, int64_t version,
                 fw_buf *body, fw_record_info *info, fw_error *err);
    /* FW_ERR_NOTFOUND with a message if the record has no version. */
    fw_rc (*history)(fw_store *s, const char *type, const char *id, fw_meta_cb cb, void *arg,
                     fw_error *err);
    fw_rc (*list)(fw_store *s, const fw_list_filter *f, fw_incident_cb cb, void *arg,
                  fw_error *err);
    /* Ids, in byte order, of the incidents with this id prefix whose latest version is not
    ** withdrawn; cb returns nonzero to stop. */
    fw_rc (*ids_with_prefix)(fw_store *s, const char *prefix, fw_id_cb cb, void *arg,
                             fw_error *err);
    fw_rc (*log_size)(fw_store *s, int64_t *size, fw_error *err);
    fw_rc (*log_leaf)(fw_store *s, int64_t seq, fw_buf *leaf, fw_error *err);
    fw_rc (*log_scan)(fw_store *s, int64_t from, fw_leaf_cb cb, void *arg, fw_error *err);
    fw_rc (*record_scan)(fw_store *s, fw_record_cb cb, void *arg, fw_error *err);
    fw_rc (*stats_scan)(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err);
    fw_rc (*latest_scan)(fw_store *s, const char *type, fw_record_cb cb, void *arg,
                         fw_error *err);
    /* As of a moment (fw_store_stats_scan_before). */
    fw_rc (*stats_scan_before)(fw_store *s, const char *before, fw_stats_index_cb cb, void *arg,
                               fw_error *err);
    fw_rc (*latest_scan_before)(fw_store *s, const char *type, const char *before,
                                fw_record_cb cb, void *arg, fw_error *err);
    fw_rc (*synchronous)(fw_store *s, int *level, fw_error *err);
    /* The latest checkpoint; FW_ERR_NOTFOUND if none.  note/state may be NULL. */
    fw_rc (*checkpoint_latest)(fw_store *s, int64_t *size, fw_buf *note, fw_buf *state,
                               fw_error *err);
    fw_rc (*checkpoint_append)(fw_store *s, int64_t size, const char *note, const void *state,
                               size_t state_len, const char *created_at, fw_error *err);
    /* Every stored checkpoint, by size. */
    fw_rc (*checkpoint_scan)(fw_store *s, fw_checkpoint_cb cb, void *arg, fw_error *err);
    /* Every entry the statistics ledger ever added, in ledger order: its first row and
    ** every later row that is not a snapshot. */
    fw_rc (*ledger_scan_all)(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err);
    /* Every row of a derived table, in no particular order. */
    fw_rc (*derived_scan)(fw_store *s, fw_derived_table table, fw_derived_cb cb, void *arg,
                          fw_error *err);
    /* FW_ERR_NOTFOUND if the key was never set. */
    fw_rc (*setting_get)(fw_store *s, const char *key, fw_buf *value, fw_error *err);
    fw_rc (*setting_put)(fw_store *s, const char *key, const char *value, fw_error *err);
    /* Schema version this backend migrates to. */
    int (*schema_latest)(void);
} fw_store_ops;

struct fw_store {
    const fw_store_ops *ops;
    void *backend;             /* the backend's own state */
    fw_store_opts opts;
    int schema_version;
    bool in_write;             /* inside fw_store_begin */
    bool failed;               /* a write failed after its leaf was appended: roll back */
    fw_log log;                /* the record log's writer, over the backend */
};

extern const fw_store_ops fw_store_sqlite_ops;

#endif
