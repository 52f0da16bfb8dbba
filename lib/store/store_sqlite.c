/*
** The embedded SQLite backend of the store (see store_int.h): one database
** file in WAL mode, so readers never block the writer; foreign keys on;
** schema versions in PRAGMA user_version with forward-only migrations; and
** triggers that make every table append-only, so even a bug in forcewatch
** cannot update or delete a stored version or a log leaf.  This part opens
** and migrates the database and keeps records, the incident index, the log,
** checkpoints and settings; the statistics index and its ledger are in
** store_sqlite_stats.c (shared internals: sqlite_int.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "base/banned.h"

#define APPLICATION_ID 0x46574348 /* "FWCH" */

/* Migration N (1-based) takes the schema from version N-1 to N. */
static const char *const migrations[] = {
    /* 1: records, the record log, the incident index. */
    "CREATE TABLE log(\n"
    "  seq INTEGER PRIMARY KEY CHECK (seq >= 0),\n"
    "  leaf BLOB NOT NULL\n"
    ");\n"
    "CREATE TABLE records(\n"
    "  type TEXT NOT NULL,\n"
    "  id TEXT NOT NULL,\n"
    "  version INTEGER NOT NULL CHECK (version >= 1),\n"
    "  body BLOB NOT NULL,\n"
    "  sha256 TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL,\n"
    "  actor TEXT NOT NULL,\n"
    "  log_seq INTEGER NOT NULL UNIQUE REFERENCES log(seq),\n"
    "  UNIQUE (type, id, version)\n"
    ");\n"
    "CREATE TABLE incident_index(\n"
    "  id TEXT NOT NULL,\n"
    "  version INTEGER NOT NULL,\n"
    "  agency TEXT NOT NULL,\n"
    "  occurred_at TEXT NOT NULL,\n"
    "  encounter TEXT NOT NULL,\n"
    "  force_kinds TEXT NOT NULL,\n"
    "  naccounts INTEGER NOT NULL,\n"
    "  nevents INTEGER NOT NULL,\n"
    "  PRIMARY KEY (id, version)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX incident_index_occurred ON incident_index(occurred_at);\n"
    "CREATE TRIGGER log_no_update BEFORE UPDATE ON log\n"
    "  BEGIN SELECT RAISE(ABORT, 'the record log is append-only'); END;\n"
    "CREATE TRIGGER log_no_delete BEFORE DELETE ON log\n"
    "  BEGIN SELECT RAISE(ABORT, 'the record log is append-only'); END;\n"
    "CREATE TRIGGER records_no_update BEFORE UPDATE ON records\n"
    "  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;\n"
    "CREATE TRIGGER records_no_delete BEFORE DELETE ON records\n"
    "  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;\n"
    "CREATE TRIGGER incident_index_no_update BEFORE UPDATE ON incident_index\n"
    "  BEGIN SELECT RAISE(ABORT, 'the incident index is append-only'); END;\n"
    "CREATE TRIGGER incident_index_no_delete BEFORE DELETE ON incident_index\n"
    "  BEGIN SELECT RAISE(ABORT, 'the incident index is append-only'); END;\n",
    /* 2: signed checkpoints of the record log, and write-once settings. */
    "CREATE TABLE checkpoints(\n"
    "  size INTEGER PRIMARY KEY CHECK (size > 0),\n"
    "  note TEXT NOT NULL,\n"
    "  state BLOB NOT NULL,\n"
    "  created_at TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE settings(\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ");\n"
    "CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints\n"
    "  BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;\n"
    "CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints\n"
    "  BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;\n"
    "CREATE TRIGGER settings_no_update BEFORE UPDATE ON settings\n"
    "  BEGIN SELECT RAISE(ABORT, 'settings are written once'); END;\n"
    "CREATE TRIGGER settings_no_delete BEFORE DELETE ON settings\n"
    "  BEGIN SELECT RAISE(ABORT, 'settings are written once'); END;\n",
    /* 3: incidents their source withdrew are listed only on request. */
    "ALTER TABLE incident_index ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;\n",
    /* 4: statistics (docs/statistics.md): the index, one row per incident
    ** version, backfilled from the stored bodies by fw_stats_facts(); and the
    ** ledger, one row of packed entries per write transaction, starting
    ** with a snapshot of the latest versions not withdrawn. */
    "CREATE TABLE stats_index(\n"
    "  id TEXT NOT NULL,\n"
    "  version INTEGER NOT NULL,\n"
    "  agency TEXT NOT NULL,\n"
    "  withdrawn INTEGER NOT NULL,\n"
    "  facts BLOB NOT NULL,\n"
    "  PRIMARY KEY (id, version)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO stats_index(id, version, agency, withdrawn, facts)\n"
    "  SELECT i.id, i.version, i.agency, i.withdrawn, fw_stats_facts(r.body)\n"
    "  FROM incident_index i JOIN records r\n"
    "    ON r.type = 'incident' AND r.id = i.id AND r.version = i.version;\n"
    "CREATE TABLE stats_ledger(\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  snapshot INTEGER NOT NULL,\n"
    "  entries BLOB NOT NULL\n"
    ");\n"
    "CREATE INDEX stats_ledger_snapshots ON stats_ledger(seq) WHERE snapshot;\n"
    "INSERT INTO stats_ledger(seq, snapshot, entries)\n"
    "  SELECT 1, 1, coalesce(fw_stats_pack(id, agency, facts), x'') FROM stats_index s\n"
    "  WHERE withdrawn = 0\n"
    "    AND version = (SELECT max(version) FROM stats_index t WHERE t.id = s.id);\n"
    "CREATE TRIGGER stats_ledger_no_update BEFORE UPDATE ON stats_ledger\n"
    "  BEGIN SELECT RAISE(ABORT, 'the statistics ledger is append-only'); END;\n"
    "CREATE TRIGGER stats_ledger_no_delete BEFORE DELETE ON stats_ledger\n"
    "  BEGIN SELECT RAISE(ABORT, 'the statistics ledger is append-only'); END;\n"
    "CREATE TRIGGER stats_index_no_update BEFORE UPDATE ON stats_index\n"
    "  BEGIN SELECT RAISE(ABORT, 'the statistics index is append-only'); END;\n"
    "CREATE TRIGGER stats_index_no_delete BEFORE DELETE ON stats_index\n"
    "  BEGIN SELECT RAISE(ABORT, 'the statistics index is append-only'); END;\n",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

static const char *const statement_sql[ST_COUNT] = {
    [ST_HEAD] = "SELECT version, sha256 FROM records WHERE type = ?1 AND id = ?2 "
                "ORDER BY version DESC LIMIT 1",
    [ST_INSERT_LOG] = "INSERT INTO log(seq, leaf) VALUES (?1, ?2)",
    [ST_INSERT_RECORD] = "INSERT INTO records(type, id, version, body, sha256, created_at, "
                         "actor, log_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_INSERT_INDEX] = "INSERT INTO incident_index(id, version, agency, occurred_at, "
                        "encounter, force_kinds, naccounts, nevents, withdrawn) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_INSERT_STATS] = "INSERT INTO stats_index(id, version, agency, withdrawn, facts) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_STATS_PREV] = "SELECT agency, withdrawn, facts FROM stats_index WHERE id = ?1 AND "
                      "version = ?2",
    [ST_INSERT_LEDGER] = "INSERT INTO stats_ledger(snapshot, entries) VALUES (?1, ?2)",
    [ST_LEDGER_SINCE] = "SELECT count(*), coalesce(sum(length(entries)), 0), "
                        "(SELECT length(entries) FROM stats_ledger WHERE snapshot "
                        "ORDER BY seq DESC LIMIT 1) FROM stats_ledger WHERE seq > "
                        "(SELECT coalesce(max(seq), 0) FROM stats_ledger WHERE snapshot)",
    /* From the latest snapshot on. */
    [ST_STATS_SCAN] = "SELECT seq, length(entries) FROM stats_ledger WHERE seq >= "
                      "(SELECT coalesce(max(seq), 0) FROM stats_ledger WHERE snapshot) "
                      "ORDER BY seq",
    [ST_LATEST_SCAN] = "SELECT id, version, body FROM records r WHERE type = ?1 AND version = "
                       "(SELECT max(version) FROM records s WHERE s.type = ?1 AND s.id = r.id) "
                       "ORDER BY id",
    [ST_GET_LATEST] = "SELECT body, version, created_at, actor, sha256, log_seq, version "
                      "FROM records WHERE type = ?1 AND id = ?2 ORDER BY version DESC LIMIT 1",
    [ST_GET_VERSION] = "SELECT body, version, created_at, actor, sha256, log_seq, "
                       "(SELECT max(version) FROM records r WHERE r.type = ?1 AND r.id = ?2) "
                       "FROM records WHERE type = ?1 AND id = ?2 AND version = ?3",
    [ST_HISTORY] = "SELECT version, created_at, actor, sha256, log_seq FROM records "
                   "WHERE type = ?1 AND id = ?2 ORDER BY version",
    [ST_LIST] =
        "SELECT i.id, i.version, i.agency, i.occurred_at, i.encounter, i.force_kinds, "
        "i.naccounts, i.nevents, "
        "CASE WHEN ?11 THEN coalesce((SELECT group_concat(o.value, ',') FROM records r, "
        "  json_each(CAST(r.body AS TEXT), '$.other_agencies') o "
        "  WHERE r.type = 'incident' AND r.id = i.id AND r.version = i.version), '') "
        "ELSE '' END "
        "FROM incident_index i "
        "WHERE i.version = (SELECT max(version) FROM incident_index j WHERE j.id = i.id) "
        "AND (?1 IS NULL OR i.agency = ?1) "
        "AND (?2 IS NULL OR substr(i.occurred_at, 1, 10) >= ?2) "
        "AND (?3 IS NULL OR substr(i.occurred_at, 1, 10) <= ?3) "
        "AND (?4 IS NULL OR i.encounter = ?4) "
        "AND (?5 IS NULL OR instr(',' || i.force_kinds || ',', ',' || ?5 || ',') > 0) "
        "AND (?7 IS NULL OR (i.occurred_at, i.id) > (?7, ?8)) "
        "AND (?9 OR i.withdrawn = 0) "
        "AND (?10 IS NULL "
        "  OR ?10 = (SELECT json_extract(CAST(a.body AS TEXT), '$.type') FROM records a "
        "            WHERE a.type = 'agency' AND a.id = i.agency ORDER BY a.version DESC LIMIT 1) "
        "  OR EXISTS (SELECT 1 FROM records r, json_each(CAST(r.body AS TEXT), '$.other_agencies') o "
        "    WHERE r.type = 'incident' AND r.id = i.id AND r.version = i.version "
        "    AND ?10 = (SELECT json_extract(CAST(a.body AS TEXT), '$.type') FROM records a "
        "               WHERE a.type = 'agency' AND a.id = o.value ORDER BY a.version DESC LIMIT 1))) "
        "ORDER BY i.occurred_at, i.id LIMIT ?6",
    /* In primary-key order, no sort: the bare column withdrawn is the max version's. */
    [ST_IDS_WITH_PREFIX] = "SELECT id, withdrawn, max(version) FROM incident_index "
                           "WHERE id >= ?1 AND id < ?2 GROUP BY id",
    [ST_LOG_SIZE] = "SELECT coalesce(max(seq) + 1, 0) FROM log",
    [ST_LOG_LEAF] = "SELECT leaf FROM log WHERE seq = ?1",
    [ST_LOG_SCAN] = "SELECT seq, leaf FROM log WHERE seq >= ?1 ORDER BY seq",
    [ST_RECORD_SCAN] = "SELECT type, id, version, body, sha256, created_at, actor, log_seq "
                       "FROM records ORDER BY log_seq",
    [ST_CKPT_LATEST] = "SELECT size, note, state FROM checkpoints ORDER BY size DESC LIMIT 1",
    [ST_CKPT_INSERT] = "INSERT INTO checkpoints(size, note, state, created_at) "
                       "VALUES (?1, ?2, ?3, ?4)",
    [ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
    [ST_SETTING_PUT] = "INSERT INTO settings(key, value) VALUES (?1, ?2)",
    [ST_CKPT_SCAN] = "SELECT size, note, state FROM checkpoints ORDER BY size",
    /* Everything the ledger ever added: its first row (migration 4's snapshot) and every
    ** row written since that is not itself a snapshot. */
    [ST_LEDGER_ALL] = "SELECT seq, length(entries) FROM stats_ledger WHERE NOT snapshot OR "
                      "seq = (SELECT min(seq) FROM stats_ledger) ORDER BY seq",
    /* Derived rows with the log seq of the record version they derive from (NULL: none). */
    [ST_DERIVED_INDEX] = "SELECT r.log_seq, i.id, i.version, i.agency, i.occurred_at, "
                         "i.encounter, i.force_kinds, i.naccounts, i.nevents, i.withdrawn "
                         "FROM incident_index i LEFT JOIN records r ON r.type = 'incident' "
                         "AND r.id = i.id AND r.version = i.version",
    [ST_DERIVED_STATS] = "SELECT r.log_seq, x.id, x.version, x.agency, x.withdrawn, x.facts "
                         "FROM stats_index x LEFT JOIN records r ON r.type = 'incident' "
                         "AND r.id = x.id AND r.version = x.version",
};

fw_rc fw_sqlite_db_error(sqlite_backend *b, fw_error *err, const char *what)
{
    return fw_error_set(err, FW_ERR_STORE, "%s: %s", what, sqlite3_errmsg(b->db));
}

fw_rc fw_sqlite_exec(sqlite_backend *b, const char *sql, fw_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(b->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fw_error_set(err, FW_ERR_STORE, "%s: %s", b->path, msg ? msg : "unknown error");
        sqlite3_free(msg);
        return FW_ERR_STORE;
    }
    return FW_OK;
}

/* The page cache: kib, or the size the store was opened with (0). */
fw_rc fw_sqlite_set_cache(fw_store *s, size_t kib, fw_error *err)
{
    char pragma[64];
    if (!kib)
        kib = s->opts.cache_kib ? s->opts.cache_kib : (size_t)65536;
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%zu", kib);
    return fw_sqlite_exec(s->backend, pragma, err);
}

static fw_rc pragma_int(sqlite_backend *b, const char *sql, int *out, fw_error *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(b->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fw_sqlite_db_error(b, err, b->path);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, b->path);
    return FW_OK;
}

static fw_rc migrate(fw_store *s, sqlite_backend *b, int from, fw_error *err)
{
    char sql[128];
    int v;
    fw_rc rc;

    for (v = from; v < NMIGRATIONS; v++) {
        rc = fw_sqlite_exec(b, "BEGIN IMMEDIATE", err);
        if (rc)
            return rc;
        rc = fw_sqlite_exec(b, migrations[v], err);
        if (!rc) {
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
                     v + 1, APPLICATION_ID);
            rc = fw_sqlite_exec(b, sql, err);
        }
        if (!rc)
            rc = fw_sqlite_exec(b, "COMMIT", err);
        if (rc) {
            fw_sqlite_exec(b, "ROLLBACK", NULL);
            return rc;
        }
        s->schema_version = v + 1;
    }
    return FW_OK;
}

static void sqlite_close(fw_store *s)
{
    sqlite_backend *b = s->backend;
    int i;
    if (!b)
        return;
    for (i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(b->st[i]);
    sqlite3_close(b->db);
    fw_buf_release(&b->ledger);
    free(b->path);
    free(b);
    s->backend = NULL;
}

static fw_rc sqlite_open(fw_store *s, const char *path, const fw_store_upgrade *up,
                         fw_error *err)
{
    sqlite_backend *b;
    bool create = s->opts.flags & FW_STORE_CREATE;
    bool readonly = s->opts.flags & FW_STORE_READONLY;
    int flags, version = 0, app = 0, ntables = 0, i;
    fw_rc rc;

    b = calloc(1, sizeof *b);
    if (!b)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    b->path = strdup(path);
    fw_buf_init(&b->ledger, FW_BUF_UNLIMITED);
    b->since_rows = -1;
    s->backend = b;
    if (!b->path) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (!create && access(path, F_OK) != 0) {
        rc = fw_error_set(err, FW_ERR_NOTFOUND,
                          "no database at %s (create one with 'forcewatch init')", path);
        goto fail;
    }
    flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (create && !readonly) {
        flags |= SQLITE_OPEN_CREATE;
        /* A new database is readable by its owner only: SQLite would create it
        ** 0644 (umask permitting), and gives its WAL and shared-memory files
        ** the database file's mode. */
        if (path[0] != ':' && strncmp(path, "file:", 5) != 0 && access(path, F_OK) != 0) {
            int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0 && errno != EEXIST) {
                rc = fw_error_set(err, FW_ERR_STORE, "cannot create %s: %s", path,
                                  strerror(errno));
                goto fail;
            }
            if (fd >= 0)
                close(fd);
        }
    }
    if (sqlite3_open_v2(path, &b->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = fw_error_set(err, FW_ERR_STORE, "cannot open %s: %s", path,
                          b->db ? sqlite3_errmsg(b->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(b->db, s->opts.busy_timeout_ms);
    sqlite3_extended_result_codes(b->db, 1);

    if ((rc = pragma_int(b, "PRAGMA application_id", &app, err)) ||
        (rc = pragma_int(b, "PRAGMA user_version", &version, err)) ||
        (rc = pragma_int(b, "SELECT count(*) FROM sqlite_schema", &ntables, err)))
        goto fail;
    if (ntables > 0 && app != APPLICATION_ID) {
        rc = fw_error_set(err, FW_ERR_STORE, "%s is not a forcewatch database", path);
        goto fail;
    }
    if (version > NMIGRATIONS) {
        rc = fw_error_set(err, FW_ERR_STORE,
                          "%s has schema version %d, newer than this forcewatch knows (%d)",
                          path, version, NMIGRATIONS);
        goto fail;
    }
    if (version == 0 && !create) {
        rc = fw_error_set(err, FW_ERR_NOTFOUND,
                          "%s is not initialized (run 'forcewatch init')", path);
        goto fail;
    }
    if (readonly && version < NMIGRATIONS) {
        rc = fw_error_set(err, FW_ERR_STORE,
                          "%s has schema version %d, older than this forcewatch's (%d): "
                          "run 'forcewatch init' to upgrade it",
                          path, version, NMIGRATIONS);
        goto fail;
    }
    s->schema_version = version;
    if (!readonly) {
        /* FULL: a commit is on disk (the WAL synced) before it is acknowledged, so
        ** a power cut cannot take back a write the log has signed and published. */
        if ((rc = fw_sqlite_exec(b, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL",
                                 err)))
            goto fail;
        if ((rc = fw_sqlite_stats_functions(b, up, err)))
            goto fail;
        if (version < NMIGRATIONS && (rc = migrate(s, b, version, err)))
            goto fail;
    }
    if ((rc = fw_sqlite_exec(b, "PRAGMA foreign_keys = ON", err)) ||
        (rc = fw_sqlite_set_cache(s, 0, err)))
        goto fail;
    for (i = 0; i < ST_COUNT; i++) {
        if (sqlite3_prepare_v3(b->db, statement_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &b->st[i], NULL) != SQLITE_OK) {
            rc = fw_sqlite_db_error(b, err, "cannot prepare a statement");
            goto fail;
        }
    }
    return FW_OK;
fail:
    sqlite_close(s);
    return rc;
}

static fw_rc sqlite_begin(fw_store *s, bool write, fw_error *err)
{
    sqlite_backend *b = s->backend;
    fw_buf_reset(&b->ledger);
    b->ledger_written = false;
    return fw_sqlite_exec(b, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

static fw_rc sqlite_commit(fw_store *s, fw_error *err)
{
    sqlite_backend *b = s->backend;
    fw_rc rc = fw_sqlite_stats_flush(s, b, err);
    fw_buf_reset(&b->ledger);
    return rc ? rc : fw_sqlite_exec(b, "COMMIT", err);
}

static void sqlite_rollback(fw_store *s)
{
    sqlite_backend *b = s->backend;
    fw_buf_reset(&b->ledger);
    b->since_rows = -1; /* rows it counted are gone */
    if (!sqlite3_get_autocommit(b->db))
        fw_sqlite_exec(b, "ROLLBACK", NULL);
}

/* Reset a cached statement for its next use. */
sqlite3_stmt *fw_sqlite_stmt(sqlite_backend *b, int which)
{
    sqlite3_stmt *st = b->st[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static fw_rc sqlite_head(fw_store *s, const char *type, const char *id, int64_t *version,
                         char sha256[65], fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_HEAD);
    int rc;

    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return FW_ERR_NOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return fw_sqlite_db_error(b, err, "cannot read the latest version");
    *version = sqlite3_column_int64(st, 0);
    snprintf(sha256, 65, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    return FW_OK;
}

fw_rc fw_sqlite_step_done(sqlite_backend *b, sqlite3_stmt *st, fw_error *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, what);
    return FW_OK;
}

static fw_rc sqlite_log_append(fw_store *s, int64_t seq, const void *leaf, size_t len,
                               fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_INSERT_LOG);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_blob(st, 2, leaf, (int)len, SQLITE_STATIC);
    return fw_sqlite_step_done(b, st, err, "cannot append to the record log");
}

static fw_rc sqlite_append(fw_store *s, const fw_store_write *w, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st;
    fw_rc rc;

    st = fw_sqlite_stmt(b, ST_INSERT_RECORD);
    sqlite3_bind_text(st, 1, w->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, w->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, w->version);
    sqlite3_bind_blob(st, 4, w->body, (int)w->body_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, w->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, w->created_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, w->actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, w->log_seq);
    if ((rc = fw_sqlite_step_done(b, st, err, "cannot store the record")))
        return rc;

    if (!w->agency)
        return FW_OK;
    st = fw_sqlite_stmt(b, ST_INSERT_INDEX);
    sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, w->version);
    sqlite3_bind_text(st, 3, w->agency, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, w->occurred_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, w->encounter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, w->force_kinds, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, w->naccounts);
    sqlite3_bind_int64(st, 8, w->nevents);
    sqlite3_bind_int(st, 9, w->withdrawn);
    if ((rc = fw_sqlite_step_done(b, st, err, "cannot index the incident")))
        return rc;

    return fw_sqlite_stats_append(b, w, err);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static fw_rc sqlite_get(fw_store *s, const char *type, const char *id, int64_t version,
                        fw_buf *body, fw_record_info *info, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, version ? ST_GET_VERSION : ST_GET_LATEST);
    int rc;
    fw_rc frc;

    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    if (version)
        sqlite3_bind_int64(st, 3, version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        if (version)
            return fw_error_set(err, FW_ERR_NOTFOUND, "%s %s has no version %lld", type, id,
                                (long long)version);
        return fw_error_set(err, FW_ERR_NOTFOUND, "no %s with id %s", type, id);
    }
    if (rc != SQLITE_ROW)
        return fw_sqlite_db_error(b, err, "cannot read the record");
    frc = fw_buf_add(body, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    info->version = sqlite3_column_int64(st, 1);
    snprintf(info->created_at, sizeof info->created_at, "%s", col_text(st, 2));
    snprintf(info->actor, sizeof info->actor, "%s", col_text(st, 3));
    snprintf(info->sha256, sizeof info->sha256, "%s", col_text(st, 4));
    info->log_seq = sqlite3_column_int64(st, 5);
    info->latest = sqlite3_column_int64(st, 6);
    sqlite3_reset(st);
    if (frc)
        return fw_error_set(err, frc, "cannot hold the record: %s", fw_strerror(frc));
    return FW_OK;
}

static fw_rc sqlite_history(fw_store *s, const char *type, const char *id, fw_meta_cb cb,
                            void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_HISTORY);
    fw_record_meta m;
    int rc, n = 0, stop = 0;

    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        m.type = type;
        m.id = id;
        m.version = sqlite3_column_int64(st, 0);
        m.created_at = col_text(st, 1);
        m.actor = col_text(st, 2);
        m.sha256 = col_text(st, 3);
        m.log_seq = sqlite3_column_int64(st, 4);
        n++;
        stop = cb(arg, &m);
    }
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, "cannot read the history");
    if (n == 0)
        return fw_error_set(err, FW_ERR_NOTFOUND, "no %s with id %s", type, id);
    return FW_OK;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static fw_rc sqlite_list(fw_store *s, const fw_list_filter *f, fw_incident_cb cb, void *arg,
                         fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_LIST);
    fw_incident_row r;
    int rc, stop = 0;

    bind_opt(st, 1, f->agency);
    bind_opt(st, 2, f->since);
    bind_opt(st, 3, f->until);
    bind_opt(st, 4, f->encounter);
    bind_opt(st, 5, f->force_kind);
    sqlite3_bind_int64(st, 6, f->limit > 0 ? f->limit : -1);
    bind_opt(st, 7, f->after_occurred);
    bind_opt(st, 8, f->after_id);
    sqlite3_bind_int(st, 9, f->include_withdrawn);
    bind_opt(st, 10, f->agency_type);
    sqlite3_bind_int(st, 11, f->with_agencies);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        r.id = col_text(st, 0);
        r.version = sqlite3_column_int64(st, 1);
        r.agency = col_text(st, 2);
        r.occurred_at = col_text(st, 3);
        r.encounter = col_text(st, 4);
        r.force_kinds = col_text(st, 5);
        r.naccounts = sqlite3_column_int64(st, 6);
        r.nevents = sqlite3_column_int64(st, 7);
        r.other_agencies = col_text(st, 8);
        stop = cb(arg, &r);
    }
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, "cannot list incidents");
    return FW_OK;
}

static fw_rc sqlite_ids_with_prefix(fw_store *s, const char *prefix, fw_id_cb cb, void *arg,
                                    fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_IDS_WITH_PREFIX);
    size_t n = strlen(prefix);
    char *end = malloc(n + 1);
    int rc, stop = 0;

    if (!end)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    /* Every id with the prefix sorts before the prefix with its last byte raised (ids are
    ** UTF-8: never a byte 0xff). */
    memcpy(end, prefix, n + 1);
    end[n - 1] = (char)((unsigned char)end[n - 1] + 1);
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (!sqlite3_column_int(st, 1))
            stop = cb(arg, col_text(st, 0));
    sqlite3_reset(st);
    free(end);
    if (!stop && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, "cannot list incident ids");
    return FW_OK;
}

static fw_rc sqlite_log_size(fw_store *s, int64_t *size, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_LOG_SIZE);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return fw_sqlite_db_error(b, err, "cannot read the log size");
    }
    *size = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return FW_OK;
}

static fw_rc sqlite_log_leaf(fw_store *s, int64_t seq, fw_buf *leaf, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_LOG_LEAF);
    int rc;
    fw_rc frc;

    sqlite3_bind_int64(st, 1, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return fw_error_set(err, FW_ERR_NOTFOUND, "no log leaf %lld", (long long)seq);
    }
    if (rc != SQLITE_ROW)
        return fw_sqlite_db_error(b, err, "cannot read the log");
    frc = fw_buf_add(leaf, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_reset(st);
    return frc ? fw_error_set(err, frc, "out of memory") : FW_OK;
}

static fw_rc sqlite_log_scan(fw_store *s, int64_t from, fw_leaf_cb cb, void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_LOG_SCAN);
    int rc, stop = 0;

    sqlite3_bind_int64(st, 1, from);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = cb(arg, sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
                  (size_t)sqlite3_column_bytes(st, 1));
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, "cannot read the log");
    return FW_OK;
}

static fw_rc sqlite_record_scan(fw_store *s, fw_record_cb cb, void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_RECORD_SCAN);
    fw_record_row r;
    int rc, stop = 0;

    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        r.type = col_text(st, 0);
        r.id = col_text(st, 1);
        r.version = sqlite3_column_int64(st, 2);
        r.body = sqlite3_column_blob(st, 3);
        r.body_len = (size_t)sqlite3_column_bytes(st, 3);
        r.sha256 = col_text(st, 4);
        r.created_at = col_text(st, 5);
        r.actor = col_text(st, 6);
        r.log_seq = sqlite3_column_int64(st, 7);
        stop = cb(arg, &r);
    }
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, "cannot read the records");
    return FW_OK;
}

static fw_rc sqlite_latest_scan(fw_store *s, const char *type, fw_record_cb cb, void *arg,
                                fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_LATEST_SCAN);
    fw_record_row r;
    int rc, stop = 0;

    memset(&r, 0, sizeof r);
    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        r.type = type;
        r.id = col_text(st, 0);
        r.version = sqlite3_column_int64(st, 1);
        r.body = sqlite3_column_blob(st, 2);
        r.body_len = (size_t)sqlite3_column_bytes(st, 2);
        stop = cb(arg, &r);
    }
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, "cannot read the records");
    return FW_OK;
}

static fw_rc sqlite_synchronous(fw_store *s, int *level, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st;
    fw_rc rc = FW_OK;
    if (sqlite3_prepare_v2(b->db, "PRAGMA synchronous", -1, &st, NULL) != SQLITE_OK)
        return fw_sqlite_db_error(b, err, "cannot read the synchronous setting");
    if (sqlite3_step(st) == SQLITE_ROW)
        *level = sqlite3_column_int(st, 0);
    else
        rc = fw_sqlite_db_error(b, err, "cannot read the synchronous setting");
    sqlite3_finalize(st);
    return rc;
}

static fw_rc sqlite_checkpoint_latest(fw_store *s, int64_t *size, fw_buf *note, fw_buf *state,
                                      fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_CKPT_LATEST);
    int rc = sqlite3_step(st);
    fw_rc frc = FW_OK;

    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return FW_ERR_NOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return fw_sqlite_db_error(b, err, "cannot read the checkpoints");
    *size = sqlite3_column_int64(st, 0);
    if (note)
        frc = fw_buf_add(note, sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1));
    if (!frc && state)
        frc = fw_buf_add(state, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2));
    sqlite3_reset(st);
    return frc ? fw_error_set(err, frc, "out of memory") : FW_OK;
}

static fw_rc sqlite_checkpoint_append(fw_store *s, int64_t size, const char *note,
                                      const void *state, size_t state_len,
                                      const char *created_at, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_CKPT_INSERT);
    sqlite3_bind_int64(st, 1, size);
    sqlite3_bind_text(st, 2, note, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, state, (int)state_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, created_at, -1, SQLITE_STATIC);
    return fw_sqlite_step_done(b, st, err, "cannot store the checkpoint");
}

static fw_rc sqlite_checkpoint_scan(fw_store *s, fw_checkpoint_cb cb, void *arg,
                                    fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_CKPT_SCAN);
    fw_checkpoint_row r;
    int rc, stop = 0;

    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        r.size = sqlite3_column_int64(st, 0);
        r.note = col_text(st, 1);
        r.note_len = (size_t)sqlite3_column_bytes(st, 1);
        r.state = sqlite3_column_blob(st, 2);
        r.state_len = (size_t)sqlite3_column_bytes(st, 2);
        stop = cb(arg, &r);
    }
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, "cannot read the checkpoints");
    return FW_OK;
}

static fw_rc sqlite_derived_scan(fw_store *s, fw_derived_table table, fw_derived_cb cb,
                                 void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, table == FW_DERIVED_INCIDENT_INDEX ? ST_DERIVED_INDEX
                                                                            : ST_DERIVED_STATS);
    fw_derived_col cols[FW_DERIVED_MAX_COLS];
    int rc, stop = 0, n = sqlite3_column_count(st) - 1, i;

    if (n > FW_DERIVED_MAX_COLS)
        return fw_error_set(err, FW_ERR_STORE, "too many derived columns");
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
        for (i = 0; i < n; i++) {
            /* As bytes: an integer comes as its decimal text. */
            cols[i].data = sqlite3_column_blob(st, i + 1);
            cols[i].len = (size_t)sqlite3_column_bytes(st, i + 1);
            if (!cols[i].data)
                cols[i].data = "";
        }
        stop = cb(arg, seq, cols, (size_t)n);
    }
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return fw_sqlite_db_error(b, err, "cannot read a derived table");
    return FW_OK;
}

static fw_rc sqlite_setting_get(fw_store *s, const char *key, fw_buf *value, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_SETTING_GET);
    int rc;
    fw_rc frc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return FW_ERR_NOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return fw_sqlite_db_error(b, err, "cannot read the settings");
    frc = fw_buf_add(value, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_reset(st);
    return frc ? fw_error_set(err, frc, "out of memory") : FW_OK;
}

static fw_rc sqlite_setting_put(fw_store *s, const char *key, const char *value, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, ST_SETTING_PUT);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return fw_sqlite_step_done(b, st, err, "cannot store the setting");
}

static int sqlite_schema_latest(void)
{
    return NMIGRATIONS;
}

const fw_store_ops fw_store_sqlite_ops = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .head = sqlite_head,
    .log_append = sqlite_log_append,
    .append = sqlite_append,
    .get = sqlite_get,
    .history = sqlite_history,
    .list = sqlite_list,
    .ids_with_prefix = sqlite_ids_with_prefix,
    .log_size = sqlite_log_size,
    .log_leaf = sqlite_log_leaf,
    .log_scan = sqlite_log_scan,
    .record_scan = sqlite_record_scan,
    .stats_scan = fw_sqlite_stats_scan,
    .latest_scan = sqlite_latest_scan,
    .stats_scan_before = fw_sqlite_stats_scan_before,
    .latest_scan_before = fw_sqlite_latest_scan_before,
    .synchronous = sqlite_synchronous,
    .checkpoint_latest = sqlite_checkpoint_latest,
    .checkpoint_append = sqlite_checkpoint_append,
    .checkpoint_scan = sqlite_checkpoint_scan,
    .ledger_scan_all = fw_sqlite_ledger_scan_all,
    .derived_scan = sqlite_derived_scan,
    .setting_get = sqlite_setting_get,
    .setting_put = sqlite_setting_put,
    .schema_latest = sqlite_schema_latest,
};
