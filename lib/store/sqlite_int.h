/*
** Private to the SQLite backend: the handle and the cached statements
** shared by its two parts, store_sqlite.c (the database, records, log and
** checkpoints) and store_sqlite_stats.c (the statistics index's ledger and
** its snapshots), and the helpers each part gives the other.  Like the
** backend, it depends only on store_int.h.
*/
#ifndef FW_SQLITE_INT_H
#define FW_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store_int.h"

/* The cached statements, prepared when the database is opened. */
enum {
    ST_HEAD,
    ST_INSERT_LOG,
    ST_INSERT_RECORD,
    ST_INSERT_INDEX,
    ST_INSERT_STATS,
    ST_STATS_PREV,
    ST_INSERT_LEDGER,
    ST_LEDGER_SINCE,
    ST_STATS_SCAN,
    ST_LATEST_SCAN,
    ST_GET_LATEST,
    ST_GET_VERSION,
    ST_HISTORY,
    ST_LIST,
    ST_IDS_WITH_PREFIX,
    ST_LOG_SIZE,
    ST_LOG_LEAF,
    ST_LOG_SCAN,
    ST_RECORD_SCAN,
    ST_CKPT_LATEST,
    ST_CKPT_INSERT,
    ST_SETTING_GET,
    ST_SETTING_PUT,
    ST_CKPT_SCAN,
    ST_LEDGER_ALL,
    ST_DERIVED_INDEX,
    ST_DERIVED_STATS,
    ST_COUNT
};

typedef struct sqlite_backend {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[ST_COUNT];
    fw_buf ledger;     /* statistics ledger entries of the open write transaction */
    bool ledger_written; /* the open transaction has appended ledger rows */
    /* Since the latest snapshot: ledger rows and their bytes, and that snapshot's
    ** bytes, as this handle last knew them (rows -1: ask the database). */
    int64_t since_rows, since_bytes, snapshot_bytes;
} sqlite_backend;

/* ---- store_sqlite.c ---- */

/* FW_ERR_STORE with "what: <the database's message>". */
fw_rc fw_sqlite_db_error(sqlite_backend *b, fw_error *err, const char *what);
/* Run sql (any number of statements) with no result rows. */
fw_rc fw_sqlite_exec(sqlite_backend *b, const char *sql, fw_error *err);
/* Set the page cache to kib, or to the size the store was opened with (0). */
fw_rc fw_sqlite_set_cache(fw_store *s, size_t kib, fw_error *err);
/* Cached statement `which` (ST_*), reset and its bindings cleared. */
sqlite3_stmt *fw_sqlite_stmt(sqlite_backend *b, int which);
/* Step st once, expecting no row; reset it. */
fw_rc fw_sqlite_step_done(sqlite_backend *b, sqlite3_stmt *st, fw_error *err, const char *what);

/* ---- store_sqlite_stats.c ---- */

/* Register the SQL functions migration 4 calls (fw_stats_facts, by up's
** facts_of_body, and fw_stats_pack); up is borrowed while the database is open. */
fw_rc fw_sqlite_stats_functions(sqlite_backend *b, const fw_store_upgrade *up, fw_error *err);
/* An incident version's statistics: its index row and ledger entries (the
** previous version's taken back, this one's added), inside the write. */
fw_rc fw_sqlite_stats_append(sqlite_backend *b, const fw_store_write *w, fw_error *err);
/* At commit: the transaction's last ledger entries, and a snapshot when due. */
fw_rc fw_sqlite_stats_flush(fw_store *s, sqlite_backend *b, fw_error *err);
/* The ledger from its latest snapshot on (fw_store_ops.stats_scan). */
fw_rc fw_sqlite_stats_scan(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err);
/* As of a moment (fw_store_ops.stats_scan_before, latest_scan_before). */
fw_rc fw_sqlite_stats_scan_before(fw_store *s, const char *before, fw_stats_index_cb cb,
                                  void *arg, fw_error *err);
fw_rc fw_sqlite_latest_scan_before(fw_store *s, const char *type, const char *before,
                                   fw_record_cb cb, void *arg, fw_error *err);
/* The ledger's first row and every row that is not a snapshot (fw_store_ops.ledger_scan_all). */
fw_rc fw_sqlite_ledger_scan_all(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err);

#endif
