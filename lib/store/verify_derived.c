/*
** Verification of the derived tables (see verify_derived.h).  One pass over
** the records parses every incident version and prepares it as a write
** would (fw_prepare), keeping per log seq a digest of the incident index row
** and of the statistics index row it must have, and per incident the ledger
** entry that must count for it (its latest version, unless withdrawn).  Each
** table is then read back and compared: index rows by the log seq of the
** version they name; the ledger replayed twice, every entry it ever added
** and what counting reads (from the latest snapshot on), each entry taken
** back having to be the one counted.  Memory: 33 bytes a log leaf and about
** 50 an incident.
*/
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "record/canon.h"
#include "store/store_int.h"
#include "store/verify_derived.h"

#include "base/banned.h"

#define DIGEST 16

const char *const fw_derived_tables[] = {"incident_index", "stats_index", "stats_ledger", NULL};

enum { HAS_INCIDENT = 1, SEEN_INDEX = 2, SEEN_STATS = 4 };

typedef struct expect_seq {
    uint8_t index[DIGEST];    /* the incident_index row this version must have */
    uint8_t stats[DIGEST];    /* the stats_index row */
    uint8_t flags;
} expect_seq;

typedef struct expect_id {
    int64_t seq;              /* of the incident's latest version */
    bool counted;             /* its latest version is not withdrawn */
    uint8_t entry[DIGEST];    /* the ledger entry that must count for it */
    int count;                /* replayed: net entries */
    uint8_t cur[DIGEST];      /* replayed: the entry counted now */
} expect_id;

struct fw_derived {
    fw_store *s;
    fw_derived_check *r;
    const char *table;        /* being checked */
    int64_t n;
    expect_seq *seqs;
    fw_hset ids;
    expect_id *id;
    size_t id_cap;
    fw_buf tmp;
    fw_diag diag;
    fw_rc rc;                 /* NOMEM in a callback */
};
typedef struct fw_derived dstate;

static void problem(dstate *d, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Keep the first table's problem with the lowest seq (-1: after any seq). */
static void problem(dstate *d, int64_t seq, const char *fmt, ...)
{
    fw_derived_check *r = d->r;
    va_list ap;
    int n;
    if (r->problem[0] && (strcmp(r->table, d->table) != 0 || seq < 0 ||
                          (r->bad_seq >= 0 && r->bad_seq <= seq)))
        return;
    r->bad_seq = seq;
    snprintf(r->table, sizeof r->table, "%s", d->table);
    n = snprintf(r->problem, sizeof r->problem, "%s: ", d->table);
    va_start(ap, fmt);
    vsnprintf(r->problem + n, sizeof r->problem - (size_t)n, fmt, ap);
    va_end(ap);
}

/* The digest of columns as the backend gives them: each length-prefixed. */
static void digest_cols(const fw_derived_col *c, size_t n, fw_buf *tmp, uint8_t out[DIGEST])
{
    uint8_t full[FW_SHA256_BYTES];
    size_t i;
    fw_buf_reset(tmp);
    for (i = 0; i < n; i++) {
        uint8_t len[4] = {(uint8_t)(c[i].len >> 24), (uint8_t)(c[i].len >> 16),
                          (uint8_t)(c[i].len >> 8), (uint8_t)c[i].len};
        fw_buf_add(tmp, len, 4);
        fw_buf_add(tmp, c[i].data, c[i].len);
    }
    fw_sha256(tmp->data, tmp->len, full);
    memcpy(out, full, DIGEST);
    /* Out of memory: a digest no row has, never one that matches by accident. */
    if (fw_buf_error(tmp))
        memset(out, 0, DIGEST);
}

static fw_derived_col col_str(const char *s)
{
    fw_derived_col c = {s ? s : "", strlen(s ? s : "")};
    return c;
}

/* Room in d->id for index idx. */
static fw_rc grow_ids(dstate *d, size_t idx)
{
    size_t cap = d->id_cap ? d->id_cap : 1024;
    expect_id *more;
    if (idx < d->id_cap)
        return FW_OK;
    while (cap <= idx)
        cap *= 2;
    if (!(more = realloc(d->id, cap * sizeof *more)))
        return FW_ERR_NOMEM;
    d->id = more;
    d->id_cap = cap;
    return FW_OK;
}

static int on_record(void *arg, const fw_record_row *row)
{
    dstate *d = arg;
    fw_doc *doc = NULL;
    fw_prepared p;
    fw_derived_col c[9];
    char version[24], naccounts[24], nevents[24];
    expect_seq *e;
    expect_id *x;
    size_t idx;
    bool added;

    if (strcmp(row->type, "incident") != 0 || row->log_seq < 0 || row->log_seq >= d->n)
        return 0;
    e = &d->seqs[row->log_seq];
    fw_diag_reset(&d->diag);
    if (fw_doc_parse(row->body, row->body_len, NULL, &doc, &d->diag) != FW_OK) {
        d->table = fw_derived_tables[0];
        problem(d, row->log_seq, "seq %lld: incident %s version %lld no longer parses: %s",
                (long long)row->log_seq, row->id, (long long)row->version,
                d->diag.n ? d->diag.msgs[0] : "invalid");
        return 0;
    }
    if (fw_prepare_columns(doc, &p) != FW_OK) {
        fw_prepared_release(&p);
        fw_doc_free(doc);
        d->rc = FW_ERR_NOMEM;
        return 1;
    }
    snprintf(version, sizeof version, "%lld", (long long)row->version);
    snprintf(naccounts, sizeof naccounts, "%lld", (long long)p.naccounts);
    snprintf(nevents, sizeof nevents, "%lld", (long long)p.nevents);
    c[0] = col_str(row->id);
    c[1] = col_str(version);
    c[2] = col_str(p.agency);
    c[3] = col_str(p.occurred_at);
    c[4] = col_str(p.encounter);
    c[5] = col_str(p.force_kinds);
    c[6] = col_str(naccounts);
    c[7] = col_str(nevents);
    c[8] = col_str(p.withdrawn ? "1" : "0");
    digest_cols(c, 9, &d->tmp, e->index);
    c[3] = c[8];
    c[4].data = p.stats;
    c[4].len = FW_STATS_FACTS_BYTES;
    digest_cols(c, 5, &d->tmp, e->stats);
    e->flags |= HAS_INCIDENT;

    if (fw_hset_adds(&d->ids, row->id, &idx, &added) != FW_OK || grow_ids(d, idx) != FW_OK) {
        fw_prepared_release(&p);
        fw_doc_free(doc);
        d->rc = FW_ERR_NOMEM;
        return 1;
    }
    x = &d->id[idx];
    memset(x, 0, sizeof *x);
    /* Records come in log order: the last version seen is the latest. */
    x->seq = row->log_seq;
    x->counted = !p.withdrawn;
    c[0] = col_str(p.agency);
    c[1].data = p.stats;
    c[1].len = FW_STATS_FACTS_BYTES;
    digest_cols(c, 2, &d->tmp, x->entry);
    fw_prepared_release(&p);
    fw_doc_free(doc);
    return 0;
}

/* Name the record version of a log seq from its leaf. */
static void describe(dstate *d, int64_t seq, char *out, size_t n)
{
    fw_buf leaf;
    json_t *j = NULL;
    fw_buf_init(&leaf, 1 << 20);
    if (fw_store_log_leaf(d->s, seq, &leaf, NULL) == FW_OK)
        j = json_loadb(leaf.data, leaf.len, 0, NULL);
    if (j && json_is_string(json_object_get(j, "record_id")))
        snprintf(out, n, "incident %s version %lld",
                 json_string_value(json_object_get(j, "record_id")),
                 (long long)json_integer_value(json_object_get(j, "version")));
    else
        snprintf(out, n, "the incident version of seq %lld", (long long)seq);
    json_decref(j);
    fw_buf_release(&leaf);
}

typedef struct index_check {
    dstate *d;
    uint8_t flag;
} index_check;

static int on_derived_row(void *arg, int64_t seq, const fw_derived_col *cols, size_t n)
{
    index_check *ic = arg;
    dstate *d = ic->d;
    uint8_t h[DIGEST];
    expect_seq *e;

    d->r->rows++;
    if (n < 2)
        return 0;
    if (seq < 0 || seq >= d->n || !(d->seqs[seq].flags & HAS_INCIDENT)) {
        if (seq < 0 || seq >= d->n)
            problem(d, seq >= 0 ? seq : -1, "a row for incident %.*s version %.*s, which no "
                    "stored incident version has", (int)cols[0].len, (const char *)cols[0].data,
                    (int)cols[1].len, (const char *)cols[1].data);
        return 0;
    }
    e = &d->seqs[seq];
    if (e->flags & ic->flag) {
        problem(d, seq, "seq %lld: two rows for incident %.*s version %.*s", (long long)seq,
                (int)cols[0].len, (const char *)cols[0].data, (int)cols[1].len,
                (const char *)cols[1].data);
        return 0;
    }
    e->flags |= ic->flag;
    digest_cols(cols, n, &d->tmp, h);
    if (memcmp(h, ic->flag == SEEN_INDEX ? e->index : e->stats, DIGEST) != 0)
        problem(d, seq, "seq %lld: the row of incident %.*s version %.*s does not match the "
                "stored record (it was changed)", (long long)seq, (int)cols[0].len,
                (const char *)cols[0].data, (int)cols[1].len, (const char *)cols[1].data);
    return 0;
}

static fw_rc check_index(dstate *d, fw_derived_table table, uint8_t flag, fw_error *err)
{
    index_check ic = {d, flag};
    char what[300];
    int64_t i;
    fw_rc rc = d->s->ops->derived_scan(d->s, table, on_derived_row, &ic, err);
    if (rc)
        return rc;
    for (i = 0; i < d->n; i++)
        if ((d->seqs[i].flags & HAS_INCIDENT) && !(d->seqs[i].flags & flag)) {
            describe(d, i, what, sizeof what);
            problem(d, i, "seq %lld: %s has no row (rows were deleted)", (long long)i, what);
            break;
        }
    return FW_OK;
}

static int on_entry(void *arg, const fw_stats_index_row *row)
{
    dstate *d = arg;
    fw_derived_col c[2] = {{row->agency, row->agency_len}, {row->facts, row->facts_len}};
    uint8_t h[DIGEST];
    expect_id *x;
    size_t idx;

    d->r->rows++;
    if (!fw_hset_find(&d->ids, row->id, row->id_len, &idx)) {
        problem(d, -1, "an entry for incident %.*s, which has no stored version",
                (int)row->id_len, row->id);
        return 0;
    }
    x = &d->id[idx];
    digest_cols(c, 2, &d->tmp, h);
    if (row->sign > 0) {
        if (x->count != 0)
            problem(d, x->seq, "seq %lld: incident %.*s is counted twice", (long long)x->seq,
                    (int)row->id_len, row->id);
        memcpy(x->cur, h, DIGEST);
        x->count++;
    } else {
        if (x->count != 1 || memcmp(x->cur, h, DIGEST) != 0)
            problem(d, x->seq, "seq %lld: an entry taking back incident %.*s does not match "
                    "the one counted", (long long)x->seq, (int)row->id_len, row->id);
        x->count--;
    }
    return 0;
}

/* Replay the ledger (all of it, or what counting reads) against the latest versions. */
static fw_rc check_ledger_pass(dstate *d, bool all, fw_error *err)
{
    size_t i, len;
    fw_rc rc;
    for (i = 0; i < fw_hset_count(&d->ids); i++)
        d->id[i].count = 0;
    rc = all ? d->s->ops->ledger_scan_all(d->s, on_entry, d, err)
             : d->s->ops->stats_scan(d->s, on_entry, d, err);
    if (rc)
        return rc;
    for (i = 0; i < fw_hset_count(&d->ids); i++) {
        expect_id *x = &d->id[i];
        const char *id = fw_hset_key(&d->ids, i, &len);
        if (x->counted && x->count == 0)
            problem(d, x->seq, "seq %lld: incident %s is not counted%s (entries were deleted)",
                    (long long)x->seq, id, all ? "" : " from the latest snapshot on");
        else if (!x->counted && x->count != 0)
            problem(d, x->seq, "seq %lld: incident %s is counted, but its latest version is "
                    "withdrawn", (long long)x->seq, id);
        else if (x->counted && memcmp(x->cur, x->entry, DIGEST) != 0)
            problem(d, x->seq, "seq %lld: incident %s is counted with facts or an agency its "
                    "latest version does not have", (long long)x->seq, id);
    }
    return FW_OK;
}

fw_rc fw_derived_new(int64_t log_size, fw_derived_check *r, fw_derived **out, fw_error *err)
{
    dstate *d = calloc(1, sizeof *d);

    *out = NULL;
    memset(r, 0, sizeof *r);
    r->bad_seq = -1;
    if (!d)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    d->r = r;
    d->n = log_size;
    d->table = fw_derived_tables[0];
    fw_hset_init(&d->ids);
    fw_buf_init(&d->tmp, FW_BUF_UNLIMITED);
    fw_diag_init(&d->diag, 1);
    d->seqs = calloc((size_t)(log_size > 0 ? log_size : 1), sizeof *d->seqs);
    if (!d->seqs) {
        fw_derived_free(d);
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory for %lld leaves",
                            (long long)log_size);
    }
    *out = d;
    return FW_OK;
}

fw_rc fw_derived_record(fw_derived *d, const fw_record_row *row)
{
    on_record(d, row);
    return d->rc;
}

fw_rc fw_derived_finish(fw_derived *d, fw_store *s, fw_error *err)
{
    fw_derived_check *r = d->r;
    fw_rc rc = FW_OK;

    d->s = s;
    if (d->rc)
        return fw_error_set(err, d->rc, "out of memory rebuilding the derived tables");
    if (r->problem[0])
        return FW_OK;
    d->table = "incident_index";
    if ((rc = check_index(d, FW_DERIVED_INCIDENT_INDEX, SEEN_INDEX, err)) || r->problem[0])
        return rc;
    d->table = "stats_index";
    if ((rc = check_index(d, FW_DERIVED_STATS_INDEX, SEEN_STATS, err)) || r->problem[0])
        return rc;
    d->table = "stats_ledger";
    if ((rc = check_ledger_pass(d, true, err)) || r->problem[0])
        return rc;
    return check_ledger_pass(d, false, err);
}

void fw_derived_free(fw_derived *d)
{
    if (!d)
        return;
    free(d->seqs);
    free(d->id);
    fw_hset_release(&d->ids);
    fw_buf_release(&d->tmp);
    fw_diag_release(&d->diag);
    free(d);
}

fw_rc fw_verify_derived(fw_store *s, int64_t log_size, fw_derived_check *r, fw_error *err)
{
    fw_derived *d;
    fw_rc rc = fw_derived_new(log_size, r, &d, err);
    if (rc)
        return rc;
    rc = fw_store_record_scan(s, on_record, d, err);
    if (!rc)
        rc = fw_derived_finish(d, s, err);
    fw_derived_free(d);
    return rc;
}
