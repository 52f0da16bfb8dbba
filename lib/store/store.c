/*
** The storage front: picks a backend from the location string, and turns a
** validated document into the bytes, hash, version and log leaf a backend
** stores (see store.h and store_int.h).
*/
#include "store/store_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "data/stats.h"

_Static_assert(FW_STATS_FACTS_BYTES == sizeof ((fw_prepared *)0)->stats,
               "the prepared document holds the statistics facts");

static const struct {
    const char *prefix;
    const fw_store_ops *ops;
} backends[] = {
    {"sqlite:", &fw_store_sqlite_ops},
};

int fw_store_schema_latest(void)
{
    return fw_store_sqlite_schema_latest();
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
    rc = ops->open(s, path, err);
    if (rc) {
        free(s);
        return rc;
    }
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

double fw_store_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double fw_store_log_seconds(const fw_store *s)
{
    return s->log_seconds;
}

static int push_leaf(void *arg, int64_t seq, const void *leaf, size_t len)
{
    fw_store *s = arg;
    uint8_t h[32];
    if ((uint64_t)seq != s->acc.size)
        return 1; /* a gap: verify will say where */
    fw_merkle_leaf_hash(leaf, len, h);
    fw_merkle_acc_push(&s->acc, h);
    return 0;
}

/* The tree as of the latest checkpoint, brought up to the log's size. */
static fw_rc load_tree(fw_store *s, fw_error *err)
{
    fw_buf state;
    fw_rc rc;

    fw_buf_init(&state, 1 << 16);
    fw_merkle_acc_init(&s->acc);
    s->checkpointed = 0;
    rc = s->ops->checkpoint_latest(s, &s->checkpointed, NULL, &state, err);
    if (rc == FW_ERR_NOTFOUND) {
        rc = FW_OK;
    } else if (!rc && fw_merkle_acc_load(&s->acc, (const uint8_t *)state.data, state.len)) {
        rc = fw_error_set(err, FW_ERR_STORE, "the latest checkpoint's tree state is corrupt");
    }
    fw_buf_release(&state);
    if (!rc && (int64_t)s->acc.size < s->next_seq)
        rc = s->ops->log_scan(s, (int64_t)s->acc.size, push_leaf, s, err);
    if (!rc && (int64_t)s->acc.size != s->next_seq)
        rc = fw_error_set(err, FW_ERR_STORE,
                          "the record log has a gap at %llu: run 'forcewatch verify'",
                          (unsigned long long)s->acc.size);
    s->tree = rc == FW_OK;
    return rc;
}

/* Sign and store a checkpoint of the tree as it now is. */
static fw_rc write_checkpoint(fw_store *s, fw_error *err)
{
    fw_buf text, note;
    uint8_t root[32], state[8 + 64 * 32];
    size_t state_len;
    char now[32];
    time_t t;
    fw_rc rc;

    fw_buf_init(&text, 4096);
    fw_buf_init(&note, 4096);
    fw_merkle_acc_root(&s->acc, root);
    rc = fw_checkpoint_text(s->opts.signer->name, s->acc.size, root, &text);
    if (!rc)
        rc = fw_note_sign(s->opts.signer, text.data, text.len, &note, err);
    if (!rc) {
        t = s->opts.clock.now ? s->opts.clock.now(s->opts.clock.arg) : time(NULL);
        fw_time_format_utc(t, now, sizeof now);
        state_len = fw_merkle_acc_save(&s->acc, state);
        rc = s->ops->checkpoint_append(s, (int64_t)s->acc.size, fw_buf_str(&note), state,
                                       state_len, now, err);
    }
    fw_buf_release(&text);
    fw_buf_release(&note);
    return rc;
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
    rc = s->ops->log_size(s, &s->next_seq, err);
    if (!rc && s->opts.signer) {
        rc = load_tree(s, err);
    } else if (!rc) {
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
    if (rc) {
        s->ops->rollback(s);
        return rc;
    }
    s->in_write = true;
    return FW_OK;
}

fw_rc fw_store_commit(fw_store *s, fw_error *err)
{
    fw_rc rc;
    if (!s->in_write)
        return fw_error_set(err, FW_ERR_USAGE, "no write transaction is open");
    rc = FW_OK;
    if (s->tree && (int64_t)s->acc.size > s->checkpointed) {
        double t0 = fw_store_clock();
        rc = write_checkpoint(s, err);
        s->log_seconds += fw_store_clock() - t0;
    }
    if (!rc)
        rc = s->ops->commit(s, err);
    if (rc)
        s->ops->rollback(s);
    s->in_write = false;
    s->tree = false;
    return rc;
}

void fw_store_rollback(fw_store *s)
{
    if (!s->in_write)
        return;
    s->ops->rollback(s);
    s->in_write = false;
    s->tree = false;
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

fw_rc fw_prepare(const fw_doc *doc, fw_prepared *p)
{
    size_t o_id, o_agency = 0, o_occ = 0, o_enc = 0, o_kinds = 0, o_body;
    uint8_t digest[FW_SHA256_BYTES];
    fw_rc rc;

    memset(p, 0, sizeof *p);
    fw_buf_init(&p->strings, FW_BUF_UNLIMITED);
    p->type = doc->type;
    /* The body goes first so that it is the one run hashed. */
    o_body = 0;
    rc = fw_doc_canonical(doc, &p->strings);
    if (rc)
        return rc;
    p->body_len = p->strings.len;
    fw_sha256(p->strings.data, p->body_len, digest);
    fw_hex(digest, sizeof digest, p->sha256);
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

fw_rc fw_log_leaf(int64_t seq, const char *time, const char *actor, const char *type,
                  const char *id, int64_t version, const char *sha256, fw_buf *out)
{
    /* Written directly in canonical form (keys in byte order), as fw_canon_write would
    ** write the object: this runs once for every record stored. */
    fw_rc rc = fw_buf_adds(out, version == 1 ? "{\"action\":\"create\",\"actor\":"
                                             : "{\"action\":\"update\",\"actor\":");
    if (!rc)
        rc = fw_canon_string(actor, strlen(actor), out);
    if (!rc)
        rc = fw_buf_add(out, ",\"record_id\":", 13);
    if (!rc)
        rc = fw_canon_string(id, strlen(id), out);
    if (!rc)
        rc = fw_buf_add(out, ",\"record_type\":", 15);
    if (!rc)
        rc = fw_canon_string(type, strlen(type), out);
    if (!rc)
        rc = fw_buf_adds(out, ",\"seq\":");
    if (!rc)
        rc = fw_canon_int((long long)seq, out);
    if (!rc)
        rc = fw_buf_adds(out, ",\"sha256\":");
    if (!rc)
        rc = fw_canon_string(sha256, strlen(sha256), out);
    if (!rc)
        rc = fw_buf_add(out, ",\"time\":", 8);
    if (!rc)
        rc = fw_canon_string(time, strlen(time), out);
    if (!rc)
        rc = fw_buf_adds(out, ",\"version\":");
    if (!rc)
        rc = fw_canon_int((long long)version, out);
    if (!rc)
        rc = fw_buf_addc(out, '}');
    return rc;
}

fw_rc fw_store_put_prepared(fw_store *s, const fw_prepared *p, const char *actor,
                            fw_put_result *res, fw_error *err)
{
    fw_buf leaf;
    fw_store_write w;
    char head_hex[65], now[32];
    int64_t head = 0;
    double t0;
    time_t t;
    fw_rc rc;

    if (!s->in_write)
        return fw_error_set(err, FW_ERR_USAGE, "storing a record needs a write transaction");
    fw_buf_init(&leaf, FW_BUF_UNLIMITED);
    memset(&w, 0, sizeof w);

    rc = s->ops->head(s, fw_record_type_name(p->type), p->id, &head, head_hex, err);
    if (rc == FW_ERR_NOTFOUND) {
        head = 0;
        fw_error_clear(err);
    } else if (rc) {
        goto done;
    } else if (strcmp(head_hex, p->sha256) == 0) {
        res->action = FW_PUT_UNCHANGED;
        res->version = head;
        res->log_seq = -1;
        goto done;
    }

    t = s->opts.clock.now ? s->opts.clock.now(s->opts.clock.arg) : time(NULL);
    fw_time_format_utc(t, now, sizeof now);
    w.type = fw_record_type_name(p->type);
    w.id = p->id;
    w.version = head + 1;
    w.body = p->body;
    w.body_len = p->body_len;
    w.sha256 = p->sha256;
    w.created_at = now;
    w.actor = actor && *actor ? actor : "unknown";
    w.log_seq = s->next_seq;

    t0 = fw_store_clock();
    if (fw_log_leaf(w.log_seq, now, w.actor, w.type, w.id, w.version, p->sha256, &leaf)) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "cannot build the log leaf");
        goto done;
    }
    w.leaf = leaf.data;
    w.leaf_len = leaf.len;
    s->log_seconds += fw_store_clock() - t0;
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
    rc = s->ops->append(s, &w, err);
    if (rc)
        goto done;
    s->next_seq++;
    if (s->tree) {
        uint8_t h[32];
        t0 = fw_store_clock();
        fw_merkle_leaf_hash(leaf.data, leaf.len, h);
        fw_merkle_acc_push(&s->acc, h);
        s->log_seconds += fw_store_clock() - t0;
    }
    res->action = head ? FW_PUT_UPDATED : FW_PUT_CREATED;
    res->version = w.version;
    res->log_seq = w.log_seq;
done:
    fw_buf_release(&leaf);
    return rc;
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

fw_rc fw_store_stats_facts(const void *body, size_t len, uint8_t out[FW_STATS_FACTS_BYTES])
{
    fw_stats_facts facts;
    fw_doc *doc = NULL;
    fw_diag d;
    fw_rc rc;
    fw_diag_init(&d, 1);
    rc = fw_doc_parse(body, len, NULL, &doc, &d);
    fw_diag_release(&d);
    if (rc)
        return rc;
    fw_stats_facts_of(doc, &facts);
    fw_stats_facts_encode(&facts, out);
    fw_doc_free(doc);
    return FW_OK;
}

fw_rc fw_store_checkpoint(fw_store *s, int64_t *size, fw_buf *note, fw_error *err)
{
    return s->ops->checkpoint_latest(s, size, note, NULL, err);
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
