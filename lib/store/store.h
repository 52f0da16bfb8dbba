/*
** The store: where records live, as append-only versions, each change
** logged.  Callers see only this interface; the backends behind it
** (store_sqlite.c today, PostgreSQL later) are chosen by the location string
** and plug in through a table of functions (store_int.h), as curl's TLS
** backends do.
**
** Every write goes through fw_store_put, which appends the record's new
** version and its record-log leaf in the same transaction; there is no other
** write path, so nothing can be stored without being logged.  Nothing is ever
** updated in place or deleted.
**
** Ownership: an fw_store is created by fw_store_open and freed by
** fw_store_close.  Strings in callback rows are valid only during the call.
*/
#ifndef FW_STORE_H
#define FW_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "base/error.h"
#include "record/facts.h"
#include "record/model.h"
#include "log/log.h"
#include "log/note.h"

typedef struct fw_store fw_store;

typedef struct fw_clock {
    /* Current time; NULL means the wall clock (fw_clock_wall_seconds).  Tests inject a fixed clock. */
    time_t (*now)(void *arg);
    void *arg;
} fw_clock;

enum {
    FW_STORE_CREATE = 1,   /* create and initialize the database if missing */
    FW_STORE_READONLY = 2
};

typedef struct fw_store_opts {
    unsigned flags;
    fw_clock clock;
    int busy_timeout_ms;   /* how long a writer waits for another; default 5000 */
    /* The log's signing key.  With one, every commit that adds leaves also
    ** stores a signed checkpoint of the new tree, in the same transaction. */
    const fw_note_signer *signer;
    size_t cache_kib;      /* the backend's page cache; 0: 65536 (64 MiB) */
    /* Where the signer was read from, named in the error when it is refused (may be NULL). */
    const char *signer_path;
} fw_store_opts;

/*
** Open the store at location: a file path or "sqlite:PATH" for the embedded
** SQLite backend.  Without FW_STORE_CREATE the database must exist and have
** been initialized.  opts may be NULL.  Opened for writing (not
** FW_STORE_READONLY) with a signer, the signer's public half must be the
** database's verifier key (the setting "verifier_key", when set): otherwise
** FW_ERR_INVALID naming opts->signer_path, and nothing is opened, so nothing
** can be written under a key readers would not trust.
*/
fw_rc fw_store_open(const char *location, const fw_store_opts *opts, fw_store **out,
                    fw_error *err);
void fw_store_close(fw_store *s);

/* The backend's name ("sqlite") and the schema version of the open store. */
const char *fw_store_backend(const fw_store *s);
int fw_store_schema_version(const fw_store *s);

/* Latest schema version this build knows. */
int fw_store_schema_latest(void);

/*
** Transactions.  Writes must happen inside fw_store_begin / fw_store_commit;
** fw_store_rollback discards them all.  fw_store_begin_read takes a
** consistent snapshot for a series of reads (a writer committing meanwhile
** is not seen until fw_store_end_read).
*/
fw_rc fw_store_begin(fw_store *s, fw_error *err);
fw_rc fw_store_commit(fw_store *s, fw_error *err);
void fw_store_rollback(fw_store *s);
fw_rc fw_store_begin_read(fw_store *s, fw_error *err);
void fw_store_end_read(fw_store *s);

typedef enum fw_put_action {
    FW_PUT_CREATED,     /* a new record, version 1 */
    FW_PUT_UPDATED,     /* a new version of an existing record */
    FW_PUT_UNCHANGED    /* identical to the latest version: nothing written */
} fw_put_action;

typedef struct fw_put_result {
    fw_put_action action;
    int64_t version;
    int64_t log_seq;    /* the leaf appended, or -1 if unchanged */
} fw_put_result;

/* What a series of puts did, for a summary line ("3 created, 1 updated, 0 unchanged"). */
typedef struct fw_put_tally {
    size_t created, updated, unchanged;
} fw_put_tally;

/* Count one put's result in t. */
void fw_put_tally_add(fw_put_tally *t, const fw_put_result *res);

/* Store doc as a new version of its record (inside a transaction). */
fw_rc fw_store_put(fw_store *s, const fw_doc *doc, const char *actor, fw_put_result *res,
                   fw_error *err);

/*
** A document made ready to store: its canonical bytes, their SHA-256 and the
** columns the store indexes, copied so the document itself can be freed.
** fw_prepare is pure and may run on any thread, so bulk loads can prepare
** documents in parallel and store them in order with fw_store_put_prepared.
*/
typedef struct fw_prepared {
    fw_record_type type;
    const char *id, *agency, *occurred_at, *encounter, *force_kinds; /* into strings */
    const char *body;            /* canonical JSON, body_len bytes, into strings */
    size_t body_len;
    char sha256[65];
    int64_t naccounts, nevents;
    bool withdrawn;
    uint8_t stats[FW_STATS_FACTS_BYTES]; /* incidents: the statistics facts (record/facts.h) */
    fw_buf strings;              /* owns the text the pointers above point into */
} fw_prepared;

fw_rc fw_prepare(const fw_doc *doc, fw_prepared *p);
/* The same without the body (body "", body_len 0, sha256 ""): only the columns the store
** derives from a document, for checking them (store/verify_derived.h). */
fw_rc fw_prepare_columns(const fw_doc *doc, fw_prepared *p);
/* The same for a record that is not a document (a review): its canonical
** form is written from body. */
fw_rc fw_prepare_json(fw_record_type type, const char *id, const json_t *body, fw_prepared *p);
void fw_prepared_release(fw_prepared *p);

/* Store body (not consumed) as a new version of record (type, id), inside
** the caller's transaction: prepare and put in one call. */
fw_rc fw_store_put_json(fw_store *s, fw_record_type type, const char *id, const json_t *body,
                        const char *actor, fw_put_result *res, fw_error *err);
fw_rc fw_store_put_prepared(fw_store *s, const fw_prepared *p, const char *actor,
                            fw_put_result *res, fw_error *err);

typedef struct fw_record_meta {
    const char *type;
    const char *id;
    int64_t version;
    const char *created_at;
    const char *actor;
    const char *sha256;   /* hex */
    int64_t log_seq;
} fw_record_meta;

/* The stored canonical bytes of one version (0 = the latest) into body
** (appended), and its metadata copied to the buffers of meta_out if non-NULL.
** FW_ERR_NOTFOUND if there is no such record or version. */
typedef struct fw_record_info {
    int64_t version;
    int64_t latest;
    char created_at[32];
    char actor[128];
    char sha256[65];
    int64_t log_seq;
} fw_record_info;

fw_rc fw_store_get(fw_store *s, fw_record_type type, const char *id, int64_t version,
                   fw_buf *body, fw_record_info *info, fw_error *err);

/* The latest version of a record and its SHA-256 (hex) without its bytes:
** one index lookup, for callers that cache immutable versions.
** FW_ERR_NOTFOUND ("no TYPE with id ID") if there is no such record. */
fw_rc fw_store_head(fw_store *s, fw_record_type type, const char *id, int64_t *version,
                    char sha256[65], fw_error *err);

/* Every version of a record, oldest first.  A non-zero return from cb stops
** the walk and is returned. */
typedef int (*fw_meta_cb)(void *arg, const fw_record_meta *meta);
fw_rc fw_store_history(fw_store *s, fw_record_type type, const char *id, fw_meta_cb cb,
                       void *arg, fw_error *err);

typedef struct fw_list_filter {
    const char *agency;       /* exact agency id */
    const char *since;        /* occurred on or after this date (YYYY-MM-DD) */
    const char *until;        /* occurred on or before this date */
    const char *encounter;    /* exact encounter kind */
    const char *force_kind;   /* any account applied this kind of force */
    int64_t limit;            /* 0 = no limit */
    const char *after_occurred, *after_id;  /* keyset cursor: rows after this one */
    bool include_withdrawn;   /* also incidents their source withdrew */
    /* Any of the incident's agencies (agency or other_agencies) is stored as an agency
    ** record of this type (its latest version). */
    const char *agency_type;
    bool with_agencies;       /* fill each row's other_agencies */
} fw_list_filter;

typedef struct fw_incident_row {
    const char *id;
    int64_t version;
    const char *agency;
    const char *occurred_at;
    const char *encounter;     /* "" if none */
    const char *force_kinds;   /* comma-separated, sorted, distinct */
    int64_t naccounts;
    int64_t nevents;
    const char *other_agencies; /* comma-separated; "" unless the filter asked for them */
} fw_incident_row;

/* Latest versions of incidents matching filter, by occurrence then id. */
typedef int (*fw_incident_cb)(void *arg, const fw_incident_row *row);
fw_rc fw_store_list(fw_store *s, const fw_list_filter *filter, fw_incident_cb cb, void *arg,
                    fw_error *err);

/* The ids, in byte order, of the incidents whose id starts with prefix (non-empty) and whose
** latest version is not withdrawn: what an import of a dataset compares its ids against,
** without fw_store_list's columns and sort.  cb returns nonzero to stop; the id is valid
** only during the call. */
typedef int (*fw_id_cb)(void *arg, const char *id);
fw_rc fw_store_ids_with_prefix(fw_store *s, const char *prefix, fw_id_cb cb, void *arg,
                               fw_error *err);

/*
** The statistics ledger (docs/statistics.md): entries whose sum is the
** latest version of every incident not withdrawn.  Each stored incident
** version adds an entry of sign +1 (unless it is withdrawn) and one of sign
** -1 repeating its previous version's (if that counted).  id and agency
** are not NUL-terminated, and valid only during the call.
*/
typedef struct fw_stats_index_row {
    const char *id;
    size_t id_len;
    const char *agency;
    size_t agency_len;
    int sign;                 /* +1 or -1 */
    const void *facts;
    size_t facts_len;
} fw_stats_index_row;
typedef int (*fw_stats_index_cb)(void *arg, const fw_stats_index_row *row);
fw_rc fw_store_stats_scan(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err);

/*
** As of a moment (the published statistics, docs/statistics.md): before is
** a UTC time as records are stamped ("YYYY-MM-DDThh:mm:ssZ", the store
** clock's), and the records stored before it are those up to the last one,
** in log order, stamped earlier than before.  fw_store_stats_scan_before
** gives entries whose sum counts the latest version of each incident among
** them that is not withdrawn (in no particular order); what was written
** since changes nothing it gives.  Run both inside fw_store_begin_read.
*/
fw_rc fw_store_stats_scan_before(fw_store *s, const char *before, fw_stats_index_cb cb,
                                 void *arg, fw_error *err);

/*
** Record a read of personal data: an access record (reader, the incident id
** and version, the field paths, why) stored in its own transaction, and so
** logged.  paths is comma-separated; reason may be NULL.  FW_ERR_INVALID
** (message "reason: ...") if reason is not valid UTF-8 or longer than
** FW_ACCESS_REASON_MAX bytes; nothing is stored then.
*/
#define FW_ACCESS_REASON_MAX 500
fw_rc fw_store_log_access(fw_store *s, const char *id, int64_t version, const char *paths,
                          const char *actor, const char *reason, fw_error *err);

/*
** The shared part of every access record: rec (not consumed) gets
** "fields" (paths, comma-separated), "reader" (actor) and "reason" (if not
** NULL, checked as above), and is stored as record PREFIX:read:SEQ in a
** transaction of its own.
*/
fw_rc fw_store_put_access(fw_store *s, const char *prefix, json_t *rec, const char *paths,
                          const char *actor, const char *reason, fw_error *err);

/* Seconds this handle has spent keeping the record log (building leaves,
** appending them, the tree, signing checkpoints): its share of write time. */
double fw_store_log_seconds(const fw_store *s);

/* Number of leaves in the record log. */
fw_rc fw_store_log_size(fw_store *s, int64_t *size, fw_error *err);

/* One leaf of the record log (its canonical JSON appended to leaf). */
fw_rc fw_store_log_leaf(fw_store *s, int64_t seq, fw_buf *leaf, fw_error *err);

/* Every leaf from seq `from` on, in the order of their sequence numbers.
** (The leaf's format: fw_log_leaf in log/log.h.) */
typedef fw_log_leaf_cb fw_leaf_cb;
fw_rc fw_store_log_scan(fw_store *s, int64_t from, fw_leaf_cb cb, void *arg, fw_error *err);

/* Every stored version of every record, in log order, as stored. */
typedef struct fw_record_row {
    const char *type, *id, *sha256, *created_at, *actor;
    int64_t version, log_seq;
    const void *body;
    size_t body_len;
} fw_record_row;
typedef int (*fw_record_cb)(void *arg, const fw_record_row *row);
fw_rc fw_store_record_scan(fw_store *s, fw_record_cb cb, void *arg, fw_error *err);

/* The latest version of every record of one type, by id (only id, version,
** body and body_len of the row are set). */
fw_rc fw_store_latest_scan(fw_store *s, fw_record_type type, fw_record_cb cb, void *arg,
                           fw_error *err);
/* The same among the records stored before a moment (fw_store_stats_scan_before). */
fw_rc fw_store_latest_scan_before(fw_store *s, fw_record_type type, const char *before,
                                  fw_record_cb cb, void *arg, fw_error *err);

/* How durable this handle's commits are: SQLite's synchronous level in *level
** (0 off, 1 normal, 2 full, 3 extra).  A handle that writes uses full: an
** acknowledged write survives a power cut. */
fw_rc fw_store_synchronous(fw_store *s, int *level, fw_error *err);

/* The latest signed checkpoint (the note text appended to note) and the
** tree size it covers; FW_ERR_NOTFOUND if the log has none yet. */
fw_rc fw_store_checkpoint(fw_store *s, int64_t *size, fw_buf *note, fw_error *err);

/* Every stored checkpoint, smallest tree first: its size column, its note
** (note_len bytes) and the accumulator state saved with it.  Valid only
** during the call; a non-zero return from cb stops the walk. */
typedef struct fw_checkpoint_row {
    int64_t size;
    const char *note;
    size_t note_len;
    const void *state;
    size_t state_len;
} fw_checkpoint_row;
typedef int (*fw_checkpoint_cb)(void *arg, const fw_checkpoint_row *row);
fw_rc fw_store_checkpoint_scan(fw_store *s, fw_checkpoint_cb cb, void *arg, fw_error *err);

/* Write-once settings (the log's verifier key). */
fw_rc fw_store_setting(fw_store *s, const char *key, fw_buf *value, fw_error *err);
fw_rc fw_store_setting_put(fw_store *s, const char *key, const char *value, fw_error *err);

#endif
