/*
** The storage front: picks a backend from the location string, and turns a
** validated document into the bytes, hash and version a backend stores (see
** store.h and store_int.h).  The record log's leaves, tree and checkpoints
** are the log writer's (log/log.h), which store.c drives in step with its
** transactions through an fw_log_io over the backend.
*/
#include "store/store_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "log/log.h"
#include "base/clock.h"
#include "record/canon.h"
#include "record/facts.h"
#include "store/agency.h"
#include "store/officers.h"
#include "base/banned.h"

static const struct {
    const char *prefix;
    const fw_store_ops *ops;
} backends[] = {
    {"sqlite:", &fw_store_sqlite_ops},
};

/* What a backend may need from outside the store, given when it opens. */
static const fw_store_upgrade upgrade = {
    .facts_of_body = fw_stats_facts_of_body,
};

int fw_store_schema_latest(void)
{
    return fw_store_sqlite_ops.schema_latest();
}

/* ---- the log's I/O, over the backend ---------------------------------------- */

static fw_rc log_io_size(void *arg, int64_t *size, fw_error *err)
{
    fw_store *s = arg;
    return s->ops->log_size(s, size, err);
}

static fw_rc log_io_append(void *arg, int64_t seq, const void *leaf, size_t len, fw_error *err)
{
    fw_store *s = arg;
    return s->ops->log_append(s, seq, leaf, len, err);
}

static fw_rc log_io_scan(void *arg, int64_t from, fw_log_leaf_cb cb, void *cbarg,
                         fw_error *err)
{
    fw_store *s = arg;
    return s->ops->log_scan(s, from, cb, cbarg, err);
}

static fw_rc log_io_checkpoint_latest(void *arg, int64_t *size, fw_buf *note, fw_buf *state,
                                      fw_error *err)
{
    fw_store *s = arg;
    return s->ops->checkpoint_latest(s, size, note, state, err);
}

static fw_rc log_io_checkpoint_append(void *arg, int64_t size, const char *note,
                                      const void *state, size_t state_len,
                                      const char *created_at, fw_error *err)
{
    fw_store *s = arg;
    return s->ops->checkpoint_append(s, size, note, state, state_len, created_at, err);
}

/* The store clock's time now, as the log and the records write it. */
static void now_utc(const fw_store *s, char out[32])
{
    time_t t = s->opts.clock.now ? s->opts.clock.now(s->opts.clock.arg) : fw_clock_wall_seconds();
    fw_time_format_utc(t, out, 32);
}

/*
** A log is signed with one key: a signer whose public half is not the
** verifier key stored at init would sign checkpoints no reader trusts, so it
** is refused before anything can be written.  A database with no verifier
** key yet (being initialized) takes any.
*/
static fw_rc signer_matches(fw_store *s, fw_error *err)
{
    fw_buf stored, mine;
    fw_rc rc;

    fw_buf_init(&stored, 4096);
    fw_buf_init(&mine, 4096);
    rc = s->ops->setting_get(s, "verifier_key", &stored, err);
    if (rc == FW_ERR_NOTFOUND) {
        rc = FW_OK;
    } else if (rc == FW_OK) {
        if ((rc = fw_note_verifier_format(s->opts.signer, &mine)) != FW_OK)
            rc = fw_error_set(err, rc, "cannot format the verifier key: %s", fw_strerror(rc));
        else if (strcmp(fw_buf_str(&mine), fw_buf_str(&stored)) != 0)
            rc = fw_error_set(err, FW_ERR_INVALID,
                              "the signing key %s is not this database's: its public half %s "
                              "is not the verifier key the log is signed with (%s); nothing "
                              "was written",
                              s->opts.signer_path ? s->opts.signer_path : "given",
                              fw_buf_str(&mine), fw_buf_str(&stored));
    }
    fw_buf_release(&stored);
    fw_buf_release(&mine);
    return rc;
}

fw_rc fw_store_open(const char *location, const fw_store_opts *opts, fw_store **out,
                    fw_error *err)
{
    const fw_store_ops *ops = &fw_store_sqlite_ops;
    const char *path = location;
    fw_store *s;
    size_t i;
    fw_rc rc;

    *out = NULL;
    if (!location || !*location)
        return fw_error_set(err, FW_ERR_USAGE, "no database location given");
    if (strstr(location, "://"))
        return fw_error_set(err, FW_ERR_USAGE, "unsupported database location '%s'", location);
    for (i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        size_t n = strlen(backends[i].prefix);
        if (strncmp(location, backends[i].prefix, n) == 0) {
            ops = backends[i].ops;
            path = location + n;
        }
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    s->ops = ops;
    if (opts)
        s->opts = *opts;
    if (s->opts.busy_timeout_ms <= 0)
        s->opts.busy_timeout_ms = 5000;
    rc = ops->open(s, path, &upgrade, err);
    if (rc) {
        free(s);
        return rc;
    }
    if (s->opts.signer && !(s->opts.flags & FW_STORE_READONLY) &&
        (rc = signer_matches(s, err)) != FW_OK) {
        ops->close(s);
        free(s);
        return rc;
    }
    fw_log_init(&s->log,
                &(fw_log_io){.arg = s,
                             .size = log_io_size,
                             .append = log_io_append,
                             .scan = log_io_scan,
                             .checkpoint_latest = log_io_checkpoint_latest,
                             .checkpoint_append = log_io_checkpoint_append},
                s->opts.signer);
    *out = s;
    return FW_OK;
}

void fw_store_close(fw_store *s)
{
    if (!s)
        return;
    if (s->in_write)
        fw_store_rollback(s);
    s->ops->close(s);
    free(s);
}

const char *fw_store_backend(const fw_store *s)
{
    return s->ops->name;
}

int fw_store_schema_version(const fw_store *s)
{
    return s->schema_version;
}

double fw_store_log_seconds(const fw_store *s)
{
    return fw_log_seconds(&s->log);
}

fw_rc fw_store_begin(fw_store *s, fw_error *err)
{
    fw_rc rc;
    if (s->in_write)
        return fw_error_set(err, FW_ERR_USAGE, "a write transaction is already open");
    if (s->opts.flags & FW_STORE_READONLY)
        return fw_error_set(err, FW_ERR_USAGE, "the store was opened read-only");
    rc = s->ops->begin(s, true, err);
    if (rc)
        return rc;
    if (!s->opts.signer) {
        /* A log that has a verifier key is signed: a commit without its
        ** checkpoint would leave leaves no signature covers. */
        fw_buf vkey;
        fw_buf_init(&vkey, 4096);
        if (s->ops->setting_get(s, "verifier_key", &vkey, NULL) == FW_OK)
            rc = fw_error_set(err, FW_ERR_USAGE,
                              "writing to a signed log needs its signing key: every commit "
                              "stores a signed checkpoint");
        fw_buf_release(&vkey);
    }
    if (!rc)
        rc = fw_log_begin(&s->log, err);
    if (rc) {
        s->ops->rollback(s);
        return rc;
    }
    s->in_write = true;
    s->failed = false;
    return FW_OK;
}

fw_rc fw_store_commit(fw_store *s, fw_error *err)
{
    char now[32];
    fw_rc rc;
    if (!s->in_write)
        return fw_error_set(err, FW_ERR_USAGE, "no write transaction is open");
    if (s->failed) {
        rc = fw_error_set(err, FW_ERR_USAGE, "a write in this transaction failed: roll it back");
        fw_log_abort(&s->log);
    } else {
        now_utc(s, now);
        rc = fw_log_commit(&s->log, now, err);
    }
    if (!rc)
        rc = s->ops->commit(s, err);
    if (rc)
        s->ops->rollback(s);
    s->in_write = false;
    return rc;
}

void fw_store_rollback(fw_store *s)
{
    if (!s->in_write)
        return;
    s->ops->rollback(s);
    fw_log_abort(&s->log);
    s->in_write = false;
}

fw_rc fw_store_begin_read(fw_store *s, fw_error *err)
{
    return s->ops->begin(s, false, err);
}

void fw_store_end_read(fw_store *s)
{
    s->ops->rollback(s);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct force kinds of every account, sorted, comma-separated. */
static fw_rc force_kinds(const fw_doc *doc, fw_buf *out, int64_t *nevents)
{
    const char **kinds;
    size_t n = 0, total = 0, i, k;
    fw_rc rc = FW_OK;
    bool first = true;

    for (i = 0; i < doc->naccounts; i++)
        total += doc->accounts[i].nevents;
    *nevents = (int64_t)total;
    kinds = malloc((total ? total : 1) * sizeof *kinds);
    if (!kinds)
        return FW_ERR_NOMEM;
    for (i = 0; i < doc->naccounts; i++) {
        const fw_account *a = &doc->accounts[i];
        for (k = 0; k < a->nevents; k++) {
            const json_t *kind;
            if (!a->events[k].type || strcmp(a->events[k].type_name, "force") != 0)
                continue;
            kind = json_object_get(a->events[k].obj, "kind");
            if (json_is_string(kind))
                kinds[n++] = json_string_value(kind);
        }
    }
    qsort(kinds, n, sizeof *kinds, str_cmp);
    for (i = 0; i < n && !rc; i++) {
        if (i && strcmp(kinds[i], kinds[i - 1]) == 0)
            continue;
        if (!first)
            rc = fw_buf_addc(out, ',');
        if (!rc)
            rc = fw_buf_adds(out, kinds[i]);
        first = false;
    }
    if (!rc)
        rc = fw_buf_addc(out, '\0');
    free(kinds);
    return rc;
}

/* Append s and its NUL to b; the offset it starts at into *off. */
static fw_rc add_string(fw_buf *b, const char *s, size_t *off)
{
    *off = b->len;
    return fw_buf_add(b, s ? s : "", strlen(s ? s : "") + 1);
}

/* fw_prepare, and without the body (fw_prepare_columns) when body is false. */
static fw_rc prepare(const fw_doc *doc, fw_prepared *p, bool body)
{
    size_t o_id, o_agency = 0, o_occ = 0, o_enc = 0, o_kinds = 0, o_body;
    uint8_t digest[FW_SHA256_BYTES];
    fw_rc rc;

    memset(p, 0, sizeof *p);
    fw_buf_init(&p->strings, FW_BUF_UNLIMITED);
    p->type = doc->type;
    /* The body goes first so that it is the one run hashed. */
    o_body = 0;
    if (body) {
        rc = fw_doc_canonical(doc, &p->strings);
        if (rc)
            return rc;
        p->body_len = p->strings.len;
        fw_sha256(p->strings.data, p->body_len, digest);
        fw_hex(digest, sizeof digest, p->sha256);
    }
    if ((rc = fw_buf_addc(&p->strings, '\0')) || (rc = add_string(&p->strings, doc->id, &o_id)))
        return rc;
    if (doc->type == FW_RECORD_INCIDENT) {
        if ((rc = add_string(&p->strings, doc->agency, &o_agency)) ||
            (rc = add_string(&p->strings, doc->occurred_at, &o_occ)) ||
            (rc = add_string(&p->strings, doc->encounter, &o_enc)))
            return rc;
        o_kinds = p->strings.len;
        if ((rc = force_kinds(doc, &p->strings, &p->nevents)))
            return rc;
        p->naccounts = (int64_t)doc->naccounts;
        p->withdrawn = json_is_true(json_object_get(doc->root, "withdrawn"));
        fw_stats_facts facts;
        fw_stats_facts_of(doc, &facts);
        fw_stats_facts_encode(&facts, p->stats);
    }
    /* Pointers only now: the buffer no longer moves. */
    p->body = p->strings.data + o_body;
    p->id = p->strings.data + o_id;
    if (doc->type == FW_RECORD_INCIDENT) {
        p->agency = p->strings.data + o_agency;
        p->occurred_at = p->strings.data + o_occ;
        p->encounter = p->strings.data + o_enc;
        p->force_kinds = p->strings.data + o_kinds;
    }
    return FW_OK;
}

fw_rc fw_prepare(const fw_doc *doc, fw_prepared *p)
{
    return prepare(doc, p, true);
}

fw_rc fw_prepare_columns(const fw_doc *doc, fw_prepared *p)
{
    return prepare(doc, p, false);
}

fw_rc fw_prepare_json(fw_record_type type, const char *id, const json_t *body, fw_prepared *p)
{
    uint8_t digest[FW_SHA256_BYTES];
    size_t o_id;
    fw_rc rc;

    memset(p, 0, sizeof *p);
    fw_buf_init(&p->strings, FW_BUF_UNLIMITED);
    p->type = type;
    if ((rc = fw_canon_write(body, &p->strings)))
        return rc;
    p->body_len = p->strings.len;
    fw_sha256(p->strings.data, p->body_len, digest);
    fw_hex(digest, sizeof digest, p->sha256);
    if ((rc = fw_buf_addc(&p->strings, '\0')) || (rc = add_string(&p->strings, id, &o_id)))
        return rc;
    p->body = p->strings.data;
    p->id = p->strings.data + o_id;
    return FW_OK;
}

void fw_prepared_release(fw_prepared *p)
{
    fw_buf_release(&p->strings);
}

fw_rc fw_store_put(fw_store *s, const fw_doc *doc, const char *actor, fw_put_result *res,
                   fw_error *err)
{
    fw_prepared p;
    fw_rc rc = fw_prepare(doc, &p);
    if (rc)
        rc = fw_error_set(err, rc, "cannot prepare %s %s: %s", fw_record_type_name(doc->type),
                          doc->id, fw_strerror(rc));
    else
        rc = fw_store_put_prepared(s, &p, actor, res, err);
    fw_prepared_release(&p);
    return rc;
}

/* An agency version's parent_id names a stored agency, with no cycle (store/agency.h). */
static fw_rc check_agency(fw_store *s, const fw_prepared *p, fw_error *err)
{
    json_t *root = json_loadb(p->body, p->body_len, 0, NULL);
    fw_rc rc;
    if (!root)
        return fw_error_set(err, FW_ERR_INVALID, "agency %s is not JSON", p->id);
    rc = fw_agency_check_parent(s, p->id,
                                json_string_value(json_object_get(root, "parent_id")), err);
    json_decref(root);
    return rc;
}

fw_rc fw_store_put_prepared(fw_store *s, const fw_prepared *p, const char *actor,
                            fw_put_result *res, fw_error *err)
{
    fw_store_write w;
    char head_hex[65], now[32];
    int64_t head = 0;
    fw_rc rc;

    if (!s->in_write)
        return fw_error_set(err, FW_ERR_USAGE, "storing a record needs a write transaction");
    if (s->failed)
        return fw_error_set(err, FW_ERR_USAGE, "a write in this transaction failed: roll it back");
    memset(&w, 0, sizeof w);
    if (p->type == FW_RECORD_AGENCY && (rc = check_agency(s, p, err)) != FW_OK)
        return rc;
    /* An incident's links to registry officers (store/officers.h), on every path. */
    if (p->type == FW_RECORD_INCIDENT &&
        (rc = fw_officer_links_check_body(s, p->body, p->body_len, err)) != FW_OK)
        return rc;

    rc = s->ops->head(s, fw_record_type_name(p->type), p->id, &head, head_hex, err);
    if (rc == FW_ERR_NOTFOUND) {
        head = 0;
        fw_error_clear(err);
    } else if (rc) {
        return rc;
    } else if (strcmp(head_hex, p->sha256) == 0) {
        res->action = FW_PUT_UNCHANGED;
        res->version = head;
        res->log_seq = -1;
        return FW_OK;
    }

    now_utc(s, now);
    w.type = fw_record_type_name(p->type);
    w.id = p->id;
    w.version = head + 1;
    w.body = p->body;
    w.body_len = p->body_len;
    w.sha256 = p->sha256;
    w.created_at = now;
    w.actor = actor && *actor ? actor : "unknown";
    if (p->type == FW_RECORD_INCIDENT) {
        w.agency = p->agency;
        w.occurred_at = p->occurred_at;
        w.encounter = p->encounter;
        w.force_kinds = p->force_kinds;
        w.naccounts = p->naccounts;
        w.nevents = p->nevents;
        w.withdrawn = p->withdrawn;
        w.stats = p->stats;
    }
    /* The leaf first: the version refers to it. */
    rc = fw_log_append(&s->log, now, w.actor, w.type, w.id, w.version, p->sha256, &w.log_seq,
                       err);
    if (rc)
        return rc;
    rc = s->ops->append(s, &w, err);
    if (rc) {
        /* Its leaf is in the log: only a rollback takes it back. */
        s->failed = true;
        return rc;
    }
    res->action = head ? FW_PUT_UPDATED : FW_PUT_CREATED;
    res->version = w.version;
    res->log_seq = w.log_seq;
    return FW_OK;
}

fw_rc fw_store_get(fw_store *s, fw_record_type type, const char *id, int64_t version,
                   fw_buf *body, fw_record_info *info, fw_error *err)
{
    fw_record_info tmp;
    return s->ops->get(s, fw_record_type_name(type), id, version, body, info ? info : &tmp,
                       err);
}

fw_rc fw_store_head(fw_store *s, fw_record_type type, const char *id, int64_t *version,
                    char sha256[65], fw_error *err)
{
    fw_rc rc = s->ops->head(s, fw_record_type_name(type), id, version, sha256, err);
    if (rc == FW_ERR_NOTFOUND)
        fw_error_set(err, rc, "no %s with id %s", fw_record_type_name(type), id);
    return rc;
}

fw_rc fw_store_history(fw_store *s, fw_record_type type, const char *id, fw_meta_cb cb,
                       void *arg, fw_error *err)
{
    return s->ops->history(s, fw_record_type_name(type), id, cb, arg, err);
}

void fw_put_tally_add(fw_put_tally *t, const fw_put_result *res)
{
    switch (res->action) {
    case FW_PUT_CREATED:
        t->created++;
        break;
    case FW_PUT_UPDATED:
        t->updated++;
        break;
    case FW_PUT_UNCHANGED:
        t->unchanged++;
        break;
    }
}

fw_rc fw_store_list(fw_store *s, const fw_list_filter *filter, fw_incident_cb cb, void *arg,
                    fw_error *err)
{
    fw_list_filter none;
    if (!filter) {
        memset(&none, 0, sizeof none);
        filter = &none;
    }
    return s->ops->list(s, filter, cb, arg, err);
}

fw_rc fw_store_ids_with_prefix(fw_store *s, const char *prefix, fw_id_cb cb, void *arg,
                               fw_error *err)
{
    assert(prefix && *prefix);
    return s->ops->ids_with_prefix(s, prefix, cb, arg, err);
}

fw_rc fw_store_log_size(fw_store *s, int64_t *size, fw_error *err)
{
    return s->ops->log_size(s, size, err);
}

fw_rc fw_store_log_leaf(fw_store *s, int64_t seq, fw_buf *leaf, fw_error *err)
{
    return s->ops->log_leaf(s, seq, leaf, err);
}

fw_rc fw_store_log_scan(fw_store *s, int64_t from, fw_leaf_cb cb, void *arg, fw_error *err)
{
    return s->ops->log_scan(s, from, cb, arg, err);
}

fw_rc fw_store_record_scan(fw_store *s, fw_record_cb cb, void *arg, fw_error *err)
{
    return s->ops->record_scan(s, cb, arg, err);
}

fw_rc fw_store_stats_scan(fw_store *s, fw_stats_index_cb cb, void *arg, fw_error *err)
{
    return s->ops->stats_scan(s, cb, arg, err);
}

fw_rc fw_store_latest_scan(fw_store *s, fw_record_type type, fw_record_cb cb, void *arg,
                           fw_error *err)
{
    return s->ops->latest_scan(s, fw_record_type_name(type), cb, arg, err);
}

fw_rc fw_store_stats_scan_before(fw_store *s, const char *before, fw_stats_index_cb cb,
                                 void *arg, fw_error *err)
{
    return s->ops->stats_scan_before(s, before, cb, arg, err);
}

fw_rc fw_store_latest_scan_before(fw_store *s, fw_record_type type, const char *before,
                                  fw_record_cb cb, void *arg, fw_error *err)
{
    return s->ops->latest_scan_before(s, fw_record_type_name(type), before, cb, arg, err);
}

fw_rc fw_store_synchronous(fw_store *s, int *level, fw_error *err)
{
    return s->ops->synchronous(s, level, err);
}

fw_rc fw_store_checkpoint(fw_store *s, int64_t *size, fw_buf *note, fw_error *err)
{
    return s->ops->checkpoint_latest(s, size, note, NULL, err);
}

fw_rc fw_store_checkpoint_scan(fw_store *s, fw_checkpoint_cb cb, void *arg, fw_error *err)
{
    return s->ops->checkpoint_scan(s, cb, arg, err);
}

fw_rc fw_store_setting(fw_store *s, const char *key, fw_buf *value, fw_error *err)
{
    return s->ops->setting_get(s, key, value, err);
}

fw_rc fw_store_setting_put(fw_store *s, const char *key, const char *value, fw_error *err)
{
    return s->ops->setting_put(s, key, value, err);
}

fw_rc fw_store_put_access(fw_store *s, const char *prefix, json_t *rec, const char *paths,
                          const char *actor, const char *reason, fw_error *err)
{
    json_t *fields = json_array();
    fw_put_result res;
    const char *p, *comma;
    char rid[256];
    int64_t seq = 0;
    fw_rc rc;

    if (reason && strlen(reason) > FW_ACCESS_REASON_MAX) {
        rc = fw_error_set(err, FW_ERR_INVALID, "reason: longer than %d bytes",
                          FW_ACCESS_REASON_MAX);
        goto done;
    }
    if (reason && fw_utf8_check(reason, strlen(reason)) != strlen(reason)) {
        rc = fw_error_set(err, FW_ERR_INVALID, "reason: not valid UTF-8");
        goto done;
    }
    for (p = paths; *p; p = comma ? comma + 1 : p + strlen(p)) {
        comma = strchr(p, ',');
        json_array_append_new(fields, json_stringn(p, comma ? (size_t)(comma - p) : strlen(p)));
    }
    if (json_object_set(rec, "fields", fields) || json_object_set_new(rec, "reader", json_string(actor)) ||
        (reason && json_object_set_new(rec, "reason", json_string(reason)))) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = fw_store_begin(s, err)) != FW_OK)
        goto done;
    if ((rc = fw_store_log_size(s, &seq, err)) == FW_OK) {
        snprintf(rid, sizeof rid, "%s:read:%lld", prefix, (long long)seq);
        rc = fw_store_put_json(s, FW_RECORD_ACCESS, rid, rec, actor, &res, err);
    }
    if (rc)
        fw_store_rollback(s);
    else
        rc = fw_store_commit(s, err);
done:
    json_decref(fields);
    return rc;
}

fw_rc fw_store_log_access(fw_store *s, const char *id, int64_t version, const char *paths,
                          const char *actor, const char *reason, fw_error *err)
{
    json_t *rec = json_pack("{s:s, s:s, s:s, s:I}", "action", "read", "record_type", "incident",
                            "record_id", id, "version", (json_int_t)version);
    fw_rc rc;

    if (!rec)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    rc = fw_store_put_access(s, id, rec, paths, actor, reason, err);
    json_decref(rec);
    return rc;
}

fw_rc fw_store_put_json(fw_store *s, fw_record_type type, const char *id, const json_t *body,
                        const char *actor, fw_put_result *res, fw_error *err)
{
    fw_prepared prep;
    fw_put_result ignored;
    fw_rc rc = fw_prepare_json(type, id, body, &prep);
    if (rc)
        fw_error_set(err, rc, "cannot prepare %s %s", fw_record_type_name(type), id);
    else
        rc = fw_store_put_prepared(s, &prep, actor, res ? res : &ignored, err);
    fw_prepared_release(&prep);
    return rc;
}
