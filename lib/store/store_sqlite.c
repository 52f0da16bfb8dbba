/*
** The embedded SQLite backend of the store (see store_int.h): one database
** file in WAL mode, so readers never block the writer; foreign keys on;
** schema versions in PRAGMA user_version with forward-only migrations; and
** triggers that make every table append-only, so even a bug in forcewatch
** cannot update or delete a stored version or a log leaf.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

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
    ST_COUNT
};

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

/* A ledger entry: sign (1 or 0xff), the facts, then the incident id and
** the agency id, each a length byte and the bytes. */
static fw_rc ledger_entry_n(fw_buf *b, int sign, const void *facts, size_t flen, const char *id,
                            size_t il, const char *agency, size_t al)
{
    fw_rc rc;
    if (flen != FW_STATS_FACTS_BYTES || il > 255 || al > 255)
        return FW_ERR_INVALID;
    if ((rc = fw_buf_addc(b, (char)(sign > 0 ? 1 : 0xff))) || (rc = fw_buf_add(b, facts, flen)) ||
        (rc = fw_buf_addc(b, (char)il)) || (rc = fw_buf_add(b, id, il)) ||
        (rc = fw_buf_addc(b, (char)al)) || (rc = fw_buf_add(b, agency, al)))
        return rc;
    return FW_OK;
}

static fw_rc ledger_entry(fw_buf *b, int sign, const void *facts, size_t flen, const char *id,
                          const char *agency)
{
    return ledger_entry_n(b, sign, facts, flen, id, strlen(id), agency, strlen(agency));
}

/* Walk the whole entries at the start of p[0..n); a non-zero return from cb
** stops.  *used is how many bytes they took (an entry cut off at n is left
** for the next call).  Returns -1 if the bytes are not ledger entries. */
static int ledger_walk(const uint8_t *p, size_t n, fw_stats_index_cb cb, void *arg, size_t *used)
{
    size_t at = 0;
    *used = 0;
    while (at < n) {
        fw_stats_index_row r;
        size_t il, al;
        int stop;
        if (p[at] != 1 && p[at] != 0xff)
            return -1;
        if (n - at < 1 + FW_STATS_FACTS_BYTES + 1)
            return 0;
        r.sign = p[at] == 1 ? 1 : -1;
        r.facts = p + at + 1;
        r.facts_len = FW_STATS_FACTS_BYTES;
        at += 1 + FW_STATS_FACTS_BYTES;
        il = p[at++];
        if (n - at < il + 1)
            return 0;
        r.id = (const char *)p + at;
        r.id_len = il;
        at += il;
        al = p[at++];
        if (n - at < al)
            return 0;
        r.agency = (const char *)p + at;
        r.agency_len = al;
        at += al;
        *used = at;
        if ((stop = cb(arg, &r)) != 0)
            return stop;
    }
    return 0;
}

static fw_rc db_error(sqlite_backend *b, fw_error *err, const char *what)
{
    return fw_error_set(err, FW_ERR_STORE, "%s: %s", what, sqlite3_errmsg(b->db));
}

static fw_rc exec(sqlite_backend *b, const char *sql, fw_error *err)
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
static fw_rc set_cache(fw_store *s, size_t kib, fw_error *err)
{
    char pragma[64];
    if (!kib)
        kib = s->opts.cache_kib ? s->opts.cache_kib : (size_t)65536;
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%zu", kib);
    return exec(s->backend, pragma, err);
}

static fw_rc pragma_int(sqlite_backend *b, const char *sql, int *out, fw_error *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(b->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_error(b, err, b->path);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(b, err, b->path);
    return FW_OK;
}

/* fw_stats_facts(body): the statistics facts of a stored incident, for the
** backfill in migration 4, by the function the store gave open. */
static void sql_stats_facts(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const fw_store_upgrade *up = sqlite3_user_data(ctx);
    uint8_t facts[FW_STATS_FACTS_BYTES];
    (void)argc;
    if (up->facts_of_body(sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]),
                          facts) != FW_OK) {
        sqlite3_result_error(ctx, "a stored incident does not parse", -1);
        return;
    }
    sqlite3_result_blob(ctx, facts, sizeof facts, SQLITE_TRANSIENT);
}

/* fw_stats_pack(id, agency, facts): the +1 ledger entries of the rows
** aggregated, for the snapshot in migration 4. */
static void sql_pack_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    fw_buf *b = sqlite3_aggregate_context(ctx, sizeof *b);
    (void)argc;
    if (!b) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!b->max)
        fw_buf_init(b, FW_BUF_UNLIMITED);
    if (ledger_entry(b, 1, sqlite3_value_blob(argv[2]), (size_t)sqlite3_value_bytes(argv[2]),
                     (const char *)sqlite3_value_text(argv[0]),
                     (const char *)sqlite3_value_text(argv[1])) != FW_OK)
        sqlite3_result_error(ctx, "cannot pack a statistics entry", -1);
}

static void sql_pack_final(sqlite3_context *ctx)
{
    fw_buf *b = sqlite3_aggregate_context(ctx, 0);
    if (!b || !b->data) {
        sqlite3_result_null(ctx);
    } else {
        sqlite3_result_blob64(ctx, b->data, b->len, SQLITE_TRANSIENT);
    }
    if (b)
        fw_buf_release(b);
}

static fw_rc migrate(fw_store *s, sqlite_backend *b, int from, fw_error *err)
{
    char sql[128];
    int v;
    fw_rc rc;

    for (v = from; v < NMIGRATIONS; v++) {
        rc = exec(b, "BEGIN IMMEDIATE", err);
        if (rc)
            return rc;
        rc = exec(b, migrations[v], err);
        if (!rc) {
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
                     v + 1, APPLICATION_ID);
            rc = exec(b, sql, err);
        }
        if (!rc)
            rc = exec(b, "COMMIT", err);
        if (rc) {
            exec(b, "ROLLBACK", NULL);
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
    if (create && !readonly)
        flags |= SQLITE_OPEN_CREATE;
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
        if ((rc = exec(b, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err)))
            goto fail;
        if (sqlite3_create_function(b->db, "fw_stats_facts", 1,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)up,
                                    sql_stats_facts,
                                    NULL, NULL) != SQLITE_OK) {
            rc = db_error(b, err, "cannot register fw_stats_facts");
            goto fail;
        }
        if (sqlite3_create_function(b->db, "fw_stats_pack", 3, SQLITE_UTF8, NULL, NULL,
                                    sql_pack_step, sql_pack_final) != SQLITE_OK) {
            rc = db_error(b, err, "cannot register fw_stats_pack");
            goto fail;
        }
        if (version < NMIGRATIONS && (rc = migrate(s, b, version, err)))
            goto fail;
    }
    if ((rc = exec(b, "PRAGMA foreign_keys = ON", err)) || (rc = set_cache(s, 0, err)))
        goto fail;
    for (i = 0; i < ST_COUNT; i++) {
        if (sqlite3_prepare_v3(b->db, statement_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &b->st[i], NULL) != SQLITE_OK) {
            rc = db_error(b, err, "cannot prepare a statement");
            goto fail;
        }
    }
    return FW_OK;
fail:
    sqlite_close(s);
    return rc;
}

static fw_rc ledger_flush(fw_store *s, sqlite_backend *b, fw_error *err);
static fw_rc ledger_append(sqlite_backend *b, fw_error *err);
#define LEDGER_ROW_BYTES (1024 * 1024)

static fw_rc sqlite_begin(fw_store *s, bool write, fw_error *err)
{
    sqlite_backend *b = s->backend;
    fw_buf_reset(&b->ledger);
    b->ledger_written = false;
    return exec(b, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

static fw_rc sqlite_commit(fw_store *s, fw_error *err)
{
    sqlite_backend *b = s->backend;
    fw_rc rc = ledger_flush(s, b, err);
    fw_buf_reset(&b->ledger);
    return rc ? rc : exec(b, "COMMIT", err);
}

static void sqlite_rollback(fw_store *s)
{
    sqlite_backend *b = s->backend;
    fw_buf_reset(&b->ledger);
    b->since_rows = -1; /* rows it counted are gone */
    if (!sqlite3_get_autocommit(b->db))
        exec(b, "ROLLBACK", NULL);
}

/* Reset a cached statement for its next use. */
static sqlite3_stmt *stmt(sqlite_backend *b, int which)
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
    sqlite3_stmt *st = stmt(b, ST_HEAD);
    int rc;

    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return FW_ERR_NOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return db_error(b, err, "cannot read the latest version");
    *version = sqlite3_column_int64(st, 0);
    snprintf(sha256, 65, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    return FW_OK;
}

static fw_rc step_done(sqlite_backend *b, sqlite3_stmt *st, fw_error *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_error(b, err, what);
    return FW_OK;
}

static fw_rc sqlite_log_append(fw_store *s, int64_t seq, const void *leaf, size_t len,
                               fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_INSERT_LOG);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_blob(st, 2, leaf, (int)len, SQLITE_STATIC);
    return step_done(b, st, err, "cannot append to the record log");
}

static fw_rc sqlite_append(fw_store *s, const fw_store_write *w, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st;
    fw_rc rc;

    st = stmt(b, ST_INSERT_RECORD);
    sqlite3_bind_text(st, 1, w->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, w->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, w->version);
    sqlite3_bind_blob(st, 4, w->body, (int)w->body_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, w->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, w->created_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, w->actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, w->log_seq);
    if ((rc = step_done(b, st, err, "cannot store the record")))
        return rc;

    if (!w->agency)
        return FW_OK;
    st = stmt(b, ST_INSERT_INDEX);
    sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, w->version);
    sqlite3_bind_text(st, 3, w->agency, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, w->occurred_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, w->encounter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, w->force_kinds, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, w->naccounts);
    sqlite3_bind_int64(st, 8, w->nevents);
    sqlite3_bind_int(st, 9, w->withdrawn);
    if ((rc = step_done(b, st, err, "cannot index the incident")))
        return rc;

    st = stmt(b, ST_INSERT_STATS);
    sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, w->version);
    sqlite3_bind_text(st, 3, w->agency, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, w->withdrawn);
    sqlite3_bind_blob(st, 5, w->stats, FW_STATS_FACTS_BYTES, SQLITE_STATIC);
    if ((rc = step_done(b, st, err, "cannot index the incident's statistics")))
        return rc;

    /* The ledger takes back the previous version's entry and adds this one's. */
    if (w->version > 1) {
        int src;
        st = stmt(b, ST_STATS_PREV);
        sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, w->version - 1);
        src = sqlite3_step(st);
        if (src == SQLITE_ROW && sqlite3_column_int(st, 1) == 0) {
            const char *prev_agency = (const char *)sqlite3_column_text(st, 0);
            rc = ledger_entry(&b->ledger, -1, sqlite3_column_blob(st, 2),
                              (size_t)sqlite3_column_bytes(st, 2), w->id,
                              prev_agency ? prev_agency : "");
        }
        sqlite3_reset(st);
        if (src != SQLITE_ROW && src != SQLITE_DONE)
            return db_error(b, err, "cannot read the previous statistics");
    }
    if (!rc && !w->withdrawn)
        rc = ledger_entry(&b->ledger, 1, w->stats, FW_STATS_FACTS_BYTES, w->id, w->agency);
    if (rc)
        return fw_error_set(err, rc, "cannot add to the statistics ledger");
    /* A large transaction (an import) writes its entries in rows of about
    ** LEDGER_ROW_BYTES, so they are never all held in memory at once. */
    return b->ledger.len >= LEDGER_ROW_BYTES ? ledger_append(b, err) : FW_OK;
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
    sqlite3_stmt *st = stmt(b, version ? ST_GET_VERSION : ST_GET_LATEST);
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
        return db_error(b, err, "cannot read the record");
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
    sqlite3_stmt *st = stmt(b, ST_HISTORY);
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
        return db_error(b, err, "cannot read the history");
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
    sqlite3_stmt *st = stmt(b, ST_LIST);
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
        return db_error(b, err, "cannot list incidents");
    return FW_OK;
}

static fw_rc sqlite_ids_with_prefix(fw_store *s, const char *prefix, fw_id_cb cb, void *arg,
                                    fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_IDS_WITH_PREFIX);
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
        return db_error(b, err, "cannot list incident ids");
    return FW_OK;
}

static fw_rc sqlite_log_size(fw_store *s, int64_t *size, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_LOG_SIZE);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return db_error(b, err, "cannot read the log size");
    }
    *size = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return FW_OK;
}

static fw_rc sqlite_log_leaf(fw_store *s, int64_t seq, fw_buf *leaf, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_LOG_LEAF);
    int rc;
    fw_rc frc;

    sqlite3_bind_int64(st, 1, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return fw_error_set(err, FW_ERR_NOTFOUND, "no log leaf %lld", (long long)seq);
    }
    if (rc != SQLITE_ROW)
        return db_error(b, err, "cannot read the log");
    frc = fw_buf_add(leaf, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_reset(st);
    return frc ? fw_error_set(err, frc, "out of memory") : FW_OK;
}

static fw_rc sqlite_log_scan(fw_store *s, int64_t from, fw_leaf_cb cb, void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_LOG_SCAN);
    int rc, stop = 0;

    sqlite3_bind_int64(st, 1, from);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = cb(arg, sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
                  (size_t)sqlite3_column_bytes(st, 1));
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return db_error(b, err, "cannot read the log");
    return FW_OK;
}

static fw_rc sqlite_record_scan(fw_store *s, fw_record_cb cb, void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_RECORD_SCAN);
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
        return db_error(b, err, "cannot read the records");
    return FW_OK;
}

/*
** The ledger's rows from the latest snapshot on, each read in pieces through
** an incremental blob handle into one small buffer: a row can be tens of
** megabytes, and materialising it costs more in page faults than counting.
*/
#define LEDGER_CHUNK (256 * 1024)
#define LEDGER_ENTRY_MAX (1 + FW_STATS_FACTS_BYTES + 1 + 255 + 1 + 255)

static fw_rc sqlite_stats_scan(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_STATS_SCAN);
    uint8_t *buf = malloc(LEDGER_CHUNK + LEDGER_ENTRY_MAX);
    int rc = SQLITE_OK, stop = 0;
    fw_rc frc = FW_OK;

    if (!buf)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    /* The rows' pages are read once: a small page cache recycles its
    ** memory instead of faulting in tens of megabytes. */
    set_cache(s, 2048, NULL);
    while (!stop && !frc && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        int len = sqlite3_column_int(st, 1), off = 0;
        size_t have = 0, used;
        sqlite3_blob *blob;
        if (sqlite3_blob_open(b->db, "main", "stats_ledger", "entries", seq, 0, &blob) !=
            SQLITE_OK) {
            frc = db_error(b, err, "cannot read the statistics ledger");
            break;
        }
        while (!stop && off < len) {
            int n = len - off < LEDGER_CHUNK ? len - off : LEDGER_CHUNK;
            if (sqlite3_blob_read(blob, buf + have, n, off) != SQLITE_OK) {
                frc = db_error(b, err, "cannot read the statistics ledger");
                break;
            }
            off += n;
            have += (size_t)n;
            stop = ledger_walk(buf, have, cb, arg, &used);
            memmove(buf, buf + used, have - used);
            have -= used;
        }
        sqlite3_blob_close(blob);
        if (!frc && (stop < 0 || (!stop && have))) {
            frc = fw_error_set(err, FW_ERR_STORE, "the statistics ledger is malformed");
            break;
        }
    }
    sqlite3_reset(st);
    set_cache(s, 0, NULL);
    free(buf);
    if (!frc && !stop && rc != SQLITE_DONE)
        frc = db_error(b, err, "cannot read the statistics ledger");
    return frc;
}

/*
** Snapshots.  Counting reads the ledger from its latest snapshot on, so that
** a database written one incident at a time is not read in a million small
** rows: after STATS_SNAPSHOT_ROWS rows since the last snapshot, a commit
** also appends a new one, the entries that still count (each incident's
** latest +1 not taken back), in the same transaction.
*/
#define STATS_SNAPSHOT_ROWS 1024

typedef struct net_entry {
    uint32_t off;        /* into the snapshot buffer, + 1; 0 = empty slot */
    int count;
} net_entry;

typedef struct snapshot {
    fw_buf entries;      /* every +1 entry seen, in order */
    net_entry *slots;
    size_t cap, n;
    fw_rc rc;
} snapshot;

static size_t id_slot(const snapshot *sn, const char *id, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)id[i]) * 1099511628211ull;
    for (i = (size_t)h & (sn->cap - 1);; i = (i + 1) & (sn->cap - 1)) {
        const uint8_t *e;
        if (!sn->slots[i].off)
            return i;
        e = (const uint8_t *)sn->entries.data + sn->slots[i].off - 1 + 1 +
            FW_STATS_FACTS_BYTES;
        if (e[0] == len && memcmp(e + 1, id, len) == 0)
            return i;
    }
}

static int snapshot_entry(void *arg, const fw_stats_index_row *r)
{
    snapshot *sn = arg;
    size_t i;
    if ((sn->n + 1) * 2 > sn->cap) {
        net_entry *old = sn->slots;
        size_t oldcap = sn->cap, j;
        sn->cap = oldcap ? oldcap * 2 : 1024;
        sn->slots = calloc(sn->cap, sizeof *sn->slots);
        if (!sn->slots) {
            sn->slots = old;
            sn->cap = oldcap;
            sn->rc = FW_ERR_NOMEM;
            return 1;
        }
        for (j = 0; j < oldcap; j++)
            if (old[j].off) {
                const uint8_t *e = (const uint8_t *)sn->entries.data + old[j].off - 1 + 1 +
                                   FW_STATS_FACTS_BYTES;
                sn->slots[id_slot(sn, (const char *)e + 1, e[0])] = old[j];
            }
        free(old);
    }
    i = id_slot(sn, r->id, r->id_len);
    if (r->sign > 0) {
        /* The entry that counts for this incident now. */
        size_t off = sn->entries.len;
        if (off >= UINT32_MAX ||
            (sn->rc = ledger_entry_n(&sn->entries, 1, r->facts, r->facts_len, r->id, r->id_len,
                                     r->agency, r->agency_len)))
            return 1;
        if (!sn->slots[i].off)
            sn->n++;
        sn->slots[i].off = (uint32_t)off + 1;
    }
    sn->slots[i].count += r->sign;
    return 0;
}

/* Store a snapshot row; its size in *bytes. */
static fw_rc write_snapshot(fw_store *s, sqlite_backend *b, int64_t *bytes, fw_error *err)
{
    snapshot sn;
    fw_buf out;
    sqlite3_stmt *st;
    size_t i;
    fw_rc rc;

    memset(&sn, 0, sizeof sn);
    fw_buf_init(&sn.entries, FW_BUF_UNLIMITED);
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    rc = sqlite_stats_scan(s, snapshot_entry, &sn, err);
    if (!rc && sn.rc)
        rc = fw_error_set(err, sn.rc, "cannot build a statistics snapshot");
    /* In the order the entries were written, so snapshots are reproducible. */
    for (i = 0; !rc && i < sn.cap; i++) {
        if (sn.slots[i].off && sn.slots[i].count != 0 && sn.slots[i].count != 1)
            rc = fw_error_set(err, FW_ERR_STORE,
                              "the statistics ledger counts an incident %d times",
                              sn.slots[i].count);
    }
    if (!rc) {
        const uint8_t *p = (const uint8_t *)sn.entries.data;
        size_t at = 0;
        while (at < sn.entries.len && !rc) {
            size_t len = 1 + FW_STATS_FACTS_BYTES, il = p[at + len], slot;
            len += 1 + il;
            len += 1 + p[at + len];
            slot = id_slot(&sn, (const char *)p + at + 1 + FW_STATS_FACTS_BYTES + 1, il);
            if (sn.slots[slot].count == 1 && sn.slots[slot].off == at + 1)
                rc = fw_buf_add(&out, p + at, len);
            at += len;
        }
        if (rc)
            rc = fw_error_set(err, rc, "out of memory");
    }
    if (!rc) {
        st = stmt(b, ST_INSERT_LEDGER);
        sqlite3_bind_int(st, 1, 1);
        sqlite3_bind_blob64(st, 2, out.data ? out.data : "", out.len, SQLITE_STATIC);
        rc = step_done(b, st, err, "cannot store a statistics snapshot");
        *bytes = (int64_t)out.len;
    }
    free(sn.slots);
    fw_buf_release(&sn.entries);
    fw_buf_release(&out);
    return rc;
}

/* Append the entries gathered so far as a ledger row. */
static fw_rc ledger_append(sqlite_backend *b, fw_error *err)
{
    sqlite3_stmt *st;
    fw_rc rc;
    if (!b->ledger.len)
        return FW_OK;
    st = stmt(b, ST_INSERT_LEDGER);
    sqlite3_bind_int(st, 1, 0);
    sqlite3_bind_blob64(st, 2, b->ledger.data, b->ledger.len, SQLITE_STATIC);
    rc = step_done(b, st, err, "cannot append to the statistics ledger");
    if (b->since_rows >= 0) {
        b->since_rows++;
        b->since_bytes += (int64_t)b->ledger.len;
    }
    fw_buf_reset(&b->ledger);
    b->ledger_written = true;
    return rc;
}

/* Append the transaction's last ledger entries, and a snapshot when due. */
static fw_rc ledger_flush(fw_store *s, sqlite_backend *b, fw_error *err)
{
    sqlite3_stmt *st;
    int64_t since;
    fw_rc rc;
    if ((rc = ledger_append(b, err)))
        return rc;
    if (!b->ledger_written)
        return FW_OK;
    if (b->since_rows < 0) {
        st = stmt(b, ST_LEDGER_SINCE);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            return db_error(b, err, "cannot read the statistics ledger");
        }
        b->since_rows = sqlite3_column_int64(st, 0);
        b->since_bytes = sqlite3_column_int64(st, 1);
        b->snapshot_bytes = sqlite3_column_int64(st, 2);
        sqlite3_reset(st);
    }
    /* A snapshot costs its whole size, so it waits until the rows since the last one
    ** are both many (each is a read) and an eighth of its bytes: its cost per entry
    ** written stays constant however large the database grows. */
    if (b->since_rows < STATS_SNAPSHOT_ROWS || b->since_bytes * 8 < b->snapshot_bytes)
        return FW_OK;
    if ((rc = write_snapshot(s, b, &since, err)))
        return rc;
    b->since_rows = b->since_bytes = 0;
    b->snapshot_bytes = since;
    return FW_OK;
}

static fw_rc sqlite_latest_scan(fw_store *s, const char *type, fw_record_cb cb, void *arg,
                                fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_LATEST_SCAN);
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
        return db_error(b, err, "cannot read the records");
    return FW_OK;
}

static fw_rc sqlite_checkpoint_latest(fw_store *s, int64_t *size, fw_buf *note, fw_buf *state,
                                      fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_CKPT_LATEST);
    int rc = sqlite3_step(st);
    fw_rc frc = FW_OK;

    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return FW_ERR_NOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return db_error(b, err, "cannot read the checkpoints");
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
    sqlite3_stmt *st = stmt(b, ST_CKPT_INSERT);
    sqlite3_bind_int64(st, 1, size);
    sqlite3_bind_text(st, 2, note, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, state, (int)state_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, created_at, -1, SQLITE_STATIC);
    return step_done(b, st, err, "cannot store the checkpoint");
}

static fw_rc sqlite_setting_get(fw_store *s, const char *key, fw_buf *value, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_SETTING_GET);
    int rc;
    fw_rc frc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return FW_ERR_NOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return db_error(b, err, "cannot read the settings");
    frc = fw_buf_add(value, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_reset(st);
    return frc ? fw_error_set(err, frc, "out of memory") : FW_OK;
}

static fw_rc sqlite_setting_put(fw_store *s, const char *key, const char *value, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = stmt(b, ST_SETTING_PUT);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return step_done(b, st, err, "cannot store the setting");
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
    .stats_scan = sqlite_stats_scan,
    .latest_scan = sqlite_latest_scan,
    .checkpoint_latest = sqlite_checkpoint_latest,
    .checkpoint_append = sqlite_checkpoint_append,
    .setting_get = sqlite_setting_get,
    .setting_put = sqlite_setting_put,
    .schema_latest = sqlite_schema_latest,
};
