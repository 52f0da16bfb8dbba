/*
** Private to the store: the table of functions a storage backend provides,
** and the handle shared by store.c and the backends.  A backend stores bytes
** it is given; deciding versions, hashing and building log leaves is
** store.c's job, so every backend logs the same way.
*/
#ifndef FW_STORE_INT_H
#define FW_STORE_INT_H

#include "log/merkle.h"
#include "store/store.h"

/* Everything one write stores, prepared by store.c. */
typedef struct fw_store_write {
    const char *type;
    const char *id;
    int64_t version;
    const char *body;
    size_t body_len;
    const char *sha256;         /* hex of SHA-256(body) */
    const char *created_at;
    const char *actor;
    int64_t log_seq;
    const char *leaf;           /* canonical JSON of the log leaf */
    size_t leaf_len;
    /* Index columns (incidents only; NULL for other types). */
    const char *agency;
    const char *occurred_at;
    const char *encounter;
    const char *force_kinds;
    int64_t naccounts, nevents;
    bool withdrawn;
    const uint8_t *stats;       /* FW_STATS_FACTS_BYTES of statistics facts */
} fw_store_write;

typedef struct fw_store_ops {
    const char *name;
    fw_rc (*open)(fw_store *s, const char *location, fw_error *err);
    void (*close)(fw_store *s);
    fw_rc (*begin)(fw_store *s, bool write, fw_error *err);
    fw_rc (*commit)(fw_store *s, fw_error *err);
    void (*rollback)(fw_store *s);
    /* Latest version and hash of a record; FW_ERR_NOTFOUND if none. */
    fw_rc (*head)(fw_store *s, const char *type, const char *id, int64_t *version,
                  char sha256[65], fw_error *err);
    /* Store the record version, its index row and its leaf, all or none. */
    fw_rc (*append)(fw_store *s, const fw_store_write *w, fw_error *err);
    fw_rc (*get)(fw_store *s, const char *type, const char *id, int64_t version,
                 fw_buf *body, fw_record_info *info, fw_error *err);
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
    /* The latest checkpoint; FW_ERR_NOTFOUND if none.  note/state may be NULL. */
    fw_rc (*checkpoint_latest)(fw_store *s, int64_t *size, fw_buf *note, fw_buf *state,
                               fw_error *err);
    fw_rc (*checkpoint_append)(fw_store *s, int64_t size, const char *note, const void *state,
                               size_t state_len, const char *created_at, fw_error *err);
    fw_rc (*setting_get)(fw_store *s, const char *key, fw_buf *value, fw_error *err);
    fw_rc (*setting_put)(fw_store *s, const char *key, const char *value, fw_error *err);
} fw_store_ops;

struct fw_store {
    const fw_store_ops *ops;
    void *backend;             /* the backend's own state */
    fw_store_opts opts;
    int schema_version;
    bool in_write;             /* inside fw_store_begin */
    int64_t next_seq;          /* next leaf index, valid while in_write */
    /* The tree over the log, kept during a write when there is a signer. */
    bool tree;
    fw_merkle_acc acc;
    int64_t checkpointed;      /* size of the latest stored checkpoint */
    double log_seconds;        /* time spent keeping the log, for fw_store_log_seconds */
};

/* The statistics facts of a stored incident body, for backfilling the
** index when a database is upgraded (FW_ERR_INVALID if it does not parse). */
fw_rc fw_store_stats_facts(const void *body, size_t len, uint8_t out[22]);

/* A monotonic clock in seconds, for the log's share of write time. */
double fw_store_clock(void);

extern const fw_store_ops fw_store_sqlite_ops;

/* Schema version store_sqlite.c migrates to. */
int fw_store_sqlite_schema_latest(void);

#endif
