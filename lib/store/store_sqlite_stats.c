/*
** The SQLite backend's statistics (see sqlite_int.h and docs/statistics.md):
** the statistics index row of every incident version, and the ledger, rows
** of packed entries (+1 for a version that counts, -1 taking back the one
** before it) that sum to the latest version of every incident not
** withdrawn; the snapshots that keep counting from reading the whole
** ledger; counting as of a moment (the published statistics' schedule);
** and the SQL functions migration 4 uses to backfill both.
*/
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "store/sqlite_int.h"
#include "base/banned.h"

#define LEDGER_ROW_BYTES (1024 * 1024)

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

/*
** The ledger's rows from the latest snapshot on, each read in pieces through
** an incremental blob handle into one small buffer: a row can be tens of
** megabytes, and materialising it costs more in page faults than counting.
*/
#define LEDGER_CHUNK (256 * 1024)
#define LEDGER_ENTRY_MAX (1 + FW_STATS_FACTS_BYTES + 1 + 255 + 1 + 255)

static fw_rc ledger_scan(fw_store *s, int which, fw_stats_index_cb cb, void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st = fw_sqlite_stmt(b, which);
    uint8_t *buf = malloc(LEDGER_CHUNK + LEDGER_ENTRY_MAX);
    int rc = SQLITE_OK, stop = 0;
    fw_rc frc = FW_OK;

    if (!buf)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    /* The rows' pages are read once: a small page cache recycles its
    ** memory instead of faulting in tens of megabytes. */
    fw_sqlite_set_cache(s, 2048, NULL);
    while (!stop && !frc && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        int len = sqlite3_column_int(st, 1), off = 0;
        size_t have = 0, used;
        sqlite3_blob *blob;
        if (sqlite3_blob_open(b->db, "main", "stats_ledger", "entries", seq, 0, &blob) !=
            SQLITE_OK) {
            frc = fw_sqlite_db_error(b, err, "cannot read the statistics ledger");
            break;
        }
        while (!stop && off < len) {
            int n = len - off < LEDGER_CHUNK ? len - off : LEDGER_CHUNK;
            if (sqlite3_blob_read(blob, buf + have, n, off) != SQLITE_OK) {
                frc = fw_sqlite_db_error(b, err, "cannot read the statistics ledger");
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
    fw_sqlite_set_cache(s, 0, NULL);
    free(buf);
    if (!frc && !stop && rc != SQLITE_DONE)
        frc = fw_sqlite_db_error(b, err, "cannot read the statistics ledger");
    return frc;
}

fw_rc fw_sqlite_stats_scan(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err)
{
    return ledger_scan(s, ST_STATS_SCAN, cb, arg, err);
}

fw_rc fw_sqlite_ledger_scan_all(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err)
{
    return ledger_scan(s, ST_LEDGER_ALL, cb, arg, err);
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
    uint64_t h = fw_hash_fnv1a(id, len);
    size_t i;
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
    rc = fw_sqlite_stats_scan(s, snapshot_entry, &sn, err);
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
        st = fw_sqlite_stmt(b, ST_INSERT_LEDGER);
        sqlite3_bind_int(st, 1, 1);
        sqlite3_bind_blob64(st, 2, out.data ? out.data : "", out.len, SQLITE_STATIC);
        rc = fw_sqlite_step_done(b, st, err, "cannot store a statistics snapshot");
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
    st = fw_sqlite_stmt(b, ST_INSERT_LEDGER);
    sqlite3_bind_int(st, 1, 0);
    sqlite3_bind_blob64(st, 2, b->ledger.data, b->ledger.len, SQLITE_STATIC);
    rc = fw_sqlite_step_done(b, st, err, "cannot append to the statistics ledger");
    if (b->since_rows >= 0) {
        b->since_rows++;
        b->since_bytes += (int64_t)b->ledger.len;
    }
    fw_buf_reset(&b->ledger);
    b->ledger_written = true;
    return rc;
}

/* Append the transaction's last ledger entries, and a snapshot when due. */
fw_rc fw_sqlite_stats_flush(fw_store *s, sqlite_backend *b, fw_error *err)
{
    sqlite3_stmt *st;
    int64_t since;
    fw_rc rc;
    if ((rc = ledger_append(b, err)))
        return rc;
    if (!b->ledger_written)
        return FW_OK;
    if (b->since_rows < 0) {
        st = fw_sqlite_stmt(b, ST_LEDGER_SINCE);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            return fw_sqlite_db_error(b, err, "cannot read the statistics ledger");
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
fw_rc fw_sqlite_stats_functions(sqlite_backend *b, const fw_store_upgrade *up, fw_error *err)
{
    if (sqlite3_create_function(b->db, "fw_stats_facts", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                (void *)up, sql_stats_facts, NULL, NULL) != SQLITE_OK)
        return fw_sqlite_db_error(b, err, "cannot register fw_stats_facts");
    if (sqlite3_create_function(b->db, "fw_stats_pack", 3, SQLITE_UTF8, NULL, NULL,
                                sql_pack_step, sql_pack_final) != SQLITE_OK)
        return fw_sqlite_db_error(b, err, "cannot register fw_stats_pack");
    return FW_OK;
}

fw_rc fw_sqlite_stats_append(sqlite_backend *b, const fw_store_write *w, fw_error *err)
{
    sqlite3_stmt *st;
    fw_rc rc;

    st = fw_sqlite_stmt(b, ST_INSERT_STATS);
    sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, w->version);
    sqlite3_bind_text(st, 3, w->agency, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, w->withdrawn);
    sqlite3_bind_blob(st, 5, w->stats, FW_STATS_FACTS_BYTES, SQLITE_STATIC);
    if ((rc = fw_sqlite_step_done(b, st, err, "cannot index the incident's statistics")))
        return rc;

    /* The ledger takes back the previous version's entry and adds this one's. */
    if (w->version > 1) {
        int src;
        st = fw_sqlite_stmt(b, ST_STATS_PREV);
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
            return fw_sqlite_db_error(b, err, "cannot read the previous statistics");
    }
    if (!rc && !w->withdrawn)
        rc = ledger_entry(&b->ledger, 1, w->stats, FW_STATS_FACTS_BYTES, w->id, w->agency);
    if (rc)
        return fw_error_set(err, rc, "cannot add to the statistics ledger");
    /* A large transaction (an import) writes its entries in rows of about
    ** LEDGER_ROW_BYTES, so they are never all held in memory at once. */
    return b->ledger.len >= LEDGER_ROW_BYTES ? ledger_append(b, err) : FW_OK;
}

/*
** As of a moment (fw_store_stats_scan_before, fw_store_latest_scan_before):
** the records stored before it are the log's records up to the last one
** stamped earlier than it, so the answer depends on the database alone and
** never moves once that moment is past.  Counting as of then is counting
** now, with the incidents written since set aside and their versions of
** then counted instead: a day's writes are read, not the whole ledger twice.
*/

/* A statement of its own, prepared for one use (these run once a request). */
static fw_rc prepare(sqlite_backend *b, const char *sql, sqlite3_stmt **st, fw_error *err)
{
    if (sqlite3_prepare_v2(b->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return fw_sqlite_db_error(b, err, "cannot prepare a statement");
    }
    return FW_OK;
}

/* The log position as of before: 1 + the log seq of the last record stamped
** earlier than before (0: none), and whether any record comes after it. */
static fw_rc position_before(sqlite_backend *b, const char *before, int64_t *pos, bool *later,
                             fw_error *err)
{
    sqlite3_stmt *st;
    int rc;
    fw_rc frc;
    *pos = 0;
    *later = false;
    if ((frc = prepare(b, "SELECT log_seq, created_at < ?1 FROM records ORDER BY log_seq DESC",
                       &st, err)))
        return frc;
    sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int(st, 1)) {
            *pos = sqlite3_column_int64(st, 0) + 1;
            break;
        }
        *later = true;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        frc = fw_sqlite_db_error(b, err, "cannot read the records");
    sqlite3_finalize(st);
    return frc;
}

typedef struct before_scan {
    fw_hset later;          /* incidents with a version at or after the position */
    fw_stats_index_cb cb;
    void *arg;
} before_scan;

static int skip_later(void *arg, const fw_stats_index_row *r)
{
    before_scan *bs = arg;
    size_t i;
    if (fw_hset_find(&bs->later, r->id, r->id_len, &i))
        return 0;
    return bs->cb(bs->arg, r);
}

fw_rc fw_sqlite_stats_scan_before(fw_store *s, const char *before, fw_stats_index_cb cb,
                                  void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *ids = NULL, *then = NULL;
    before_scan bs;
    int64_t pos;
    bool later;
    size_t i, n;
    int rc, stop = 0;
    fw_rc frc;

    if ((frc = position_before(b, before, &pos, &later, err)))
        return frc;
    if (!later)
        return fw_sqlite_stats_scan(s, cb, arg, err);
    if (pos == 0)
        return FW_OK; /* nothing was stored before */
    memset(&bs, 0, sizeof bs);
    fw_hset_init(&bs.later);
    bs.cb = cb;
    bs.arg = arg;
    if ((frc = prepare(b, "SELECT DISTINCT id FROM records WHERE log_seq >= ?1 AND "
                          "type = 'incident'", &ids, err)))
        goto done;
    sqlite3_bind_int64(ids, 1, pos);
    while ((rc = sqlite3_step(ids)) == SQLITE_ROW) {
        size_t at;
        bool added;
        if (fw_hset_add(&bs.later, sqlite3_column_blob(ids, 0),
                        (size_t)sqlite3_column_bytes(ids, 0), &at, &added) != FW_OK) {
            frc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    if (rc != SQLITE_DONE) {
        frc = fw_sqlite_db_error(b, err, "cannot read the records");
        goto done;
    }
    /* Every incident not written since counts as it does now... */
    if ((frc = fw_sqlite_stats_scan(s, skip_later, &bs, err)))
        goto done;
    /* ...and those written since as their latest version before the position. */
    if ((frc = prepare(b, "SELECT agency, withdrawn, facts FROM stats_index WHERE id = ?1 AND "
                          "version = (SELECT max(version) FROM records WHERE type = 'incident' "
                          "AND id = ?1 AND log_seq < ?2)", &then, err)))
        goto done;
    n = fw_hset_count(&bs.later);
    for (i = 0; i < n && !stop; i++) {
        size_t len;
        const char *id = fw_hset_key(&bs.later, i, &len);
        sqlite3_reset(then);
        sqlite3_bind_text(then, 1, id, (int)len, SQLITE_STATIC);
        sqlite3_bind_int64(then, 2, pos);
        rc = sqlite3_step(then);
        if (rc == SQLITE_ROW && sqlite3_column_int(then, 1) == 0) {
            fw_stats_index_row r;
            r.id = id;
            r.id_len = len;
            r.agency = (const char *)sqlite3_column_text(then, 0);
            r.agency_len = (size_t)sqlite3_column_bytes(then, 0);
            r.sign = 1;
            r.facts = sqlite3_column_blob(then, 2);
            r.facts_len = (size_t)sqlite3_column_bytes(then, 2);
            if (!r.agency || r.facts_len != FW_STATS_FACTS_BYTES || len > 255 ||
                r.agency_len > 255) {
                frc = fw_error_set(err, FW_ERR_STORE, "the statistics index is malformed");
                goto done;
            }
            stop = cb(arg, &r);
        } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            frc = fw_sqlite_db_error(b, err, "cannot read the statistics index");
            goto done;
        }
    }
done:
    sqlite3_finalize(ids);
    sqlite3_finalize(then);
    fw_hset_release(&bs.later);
    return frc;
}

fw_rc fw_sqlite_latest_scan_before(fw_store *s, const char *type, const char *before,
                                   fw_record_cb cb, void *arg, fw_error *err)
{
    sqlite_backend *b = s->backend;
    sqlite3_stmt *st;
    fw_record_row r;
    int64_t pos;
    bool later;
    int rc, stop = 0;
    fw_rc frc;

    if ((frc = position_before(b, before, &pos, &later, err)))
        return frc;
    if ((frc = prepare(b, "SELECT id, version, body FROM records r WHERE type = ?1 AND "
                          "log_seq < ?2 AND version = (SELECT max(version) FROM records s "
                          "WHERE s.type = ?1 AND s.id = r.id AND s.log_seq < ?2) ORDER BY id",
                       &st, err)))
        return frc;
    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, pos);
    memset(&r, 0, sizeof r);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        r.type = type;
        r.id = (const char *)sqlite3_column_text(st, 0);
        r.version = sqlite3_column_int64(st, 1);
        r.body = sqlite3_column_blob(st, 2);
        r.body_len = (size_t)sqlite3_column_bytes(st, 2);
        if (!r.id) {
            frc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
            break;
        }
        stop = cb(arg, &r);
    }
    if (!frc && !stop && rc != SQLITE_DONE)
        frc = fw_sqlite_db_error(b, err, "cannot read the records");
    sqlite3_finalize(st);
    return frc;
}
