/*
** API v1 handlers and their route table (see api.h).  Each handler reads
** its request, calls the library, and answers JSON; bad input gets a 4xx
** {error, message, field} and changes nothing.
*/
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "base/cache.h"
#include "record/canon.h"
#include "workflow/cases.h"
#include "workflow/duties.h"
#include "data/export.h"
#include "log/log_cache.h"
#include "log/merkle.h"
#include "cli/policyset.h"
#include "policy/review.h"
#include "data/stats_run.h"
#include "log/verify.h"

/* The actor recorded for a change: the user's name. */
#define API_ACTOR (r->user.name[0] ? r->user.name : "api")

#define R(x) FW_ROLE_BIT(FW_ROLE_##x)
#define ANYONE FW_ROLES_ALL
#define SIGNED_IN FW_ROLES_SIGNED_IN
#define READERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD) | R(AUDITOR) | R(ANALYST))
#define WRITERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR))

static fw_doc *load_doc(request *r, fw_store *st, const char *id);

/*
** Whether the caller may see this incident: a user who belongs to an agency
** sees incidents of that agency (its own or one it took part in); an officer
** sees only incidents in which they are a party.
*/
static bool may_see(const request *r, const fw_doc *doc)
{
    if (r->user.agency[0]) {
        const json_t *others = json_object_get(doc->root, "other_agencies");
        bool ok = strcmp(doc->agency, r->user.agency) == 0;
        size_t i;
        for (i = 0; !ok && i < json_array_size(others); i++)
            ok = strcmp(json_string_value(json_array_get(others, i)), r->user.agency) == 0;
        if (!ok)
            return false;
    }
    if (r->user.role == FW_ROLE_OFFICER) {
        const fw_party *p = r->user.officer[0] ? fw_doc_party(doc, r->user.officer) : NULL;
        if (!p || p->kind != FW_REF_OFFICER)
            return false;
    }
    return true;
}

static void health(request *r)
{
    reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static void metrics(request *r)
{
    server_metrics(r);
}

/* "path: message" → the field is the path, when there is one. */
static void reply_invalid(request *r, const fw_diag *d)
{
    const char *msg = d->n ? d->msgs[0] : "invalid document";
    const char *colon = strstr(msg, ": ");
    char field[256] = "";
    json_t *all = json_array();
    size_t i;

    /* A path has no spaces; "invalid JSON at line 1, ..." names no field. */
    if (colon && (size_t)(colon - msg) < sizeof field &&
        memchr(msg, ' ', (size_t)(colon - msg)) == NULL)
        snprintf(field, sizeof field, "%.*s", (int)(colon - msg), msg);
    for (i = 0; i < d->n; i++)
        json_array_append_new(all, json_string(d->msgs[i]));
    reply_json(r, 422, json_pack("{s:s, s:s, s:s?, s:o}", "error", "invalid", "message", msg,
                                 "field", *field ? field : NULL, "problems", all));
}

static void create_incident(request *r)
{
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_store *st;
    fw_put_result res;
    fw_error err;

    fw_diag_init(&diag, 100);
    if (r->body.len == 0) {
        reply_error(r, 400, "invalid", "body", "expected an incident document as the body");
        goto done;
    }
    if (fw_doc_parse(r->body.data, r->body.len, NULL, &doc, &diag) != FW_OK) {
        reply_invalid(r, &diag);
        goto done;
    }
    if (doc->type != FW_RECORD_INCIDENT) {
        reply_error(r, 422, "invalid", "record", "this route takes incidents");
        goto done;
    }
    if (!may_see(r, doc)) {
        reply_error(r, 403, "forbidden", "agency", "you may not write incidents of agency %s",
                    doc->agency);
        goto done;
    }
    st = request_store(r);
    {
        /* Replacing a record needs the right to see the one it replaces. */
        fw_buf prior;
        fw_diag pd;
        fw_doc *old = NULL;
        bool denied = false;
        fw_buf_init(&prior, FW_BUF_UNLIMITED);
        fw_diag_init(&pd, 1);
        if (fw_store_get(st, FW_RECORD_INCIDENT, doc->id, 0, &prior, NULL, NULL) == FW_OK &&
            fw_doc_parse(prior.data, prior.len, NULL, &old, &pd) == FW_OK && !may_see(r, old))
            denied = true;
        fw_doc_free(old);
        fw_diag_release(&pd);
        fw_buf_release(&prior);
        if (denied) {
            server_store_return(r, st);
            reply_error(r, 403, "forbidden", "id", "you may not replace incident %s", doc->id);
            goto done;
        }
    }
    if (fw_store_begin(st, &err) || fw_store_put(st, doc, API_ACTOR, &res, &err) ||
        fw_store_commit(st, &err)) {
        fw_store_rollback(st);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else {
        reply_json(r, res.action == FW_PUT_CREATED ? 201 : 200,
                   json_pack("{s:s, s:I, s:s, s:I}", "id", doc->id, "version",
                             (json_int_t)res.version, "action",
                             res.action == FW_PUT_CREATED   ? "created"
                             : res.action == FW_PUT_UPDATED ? "updated"
                                                            : "unchanged",
                             "log_seq", (json_int_t)res.log_seq));
    }
    server_store_return(r, st);
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
}

/* The cursor is base64url of "OCCURRED\nID": opaque to clients. */
static bool decode_cursor(const char *c, char *occ, size_t on, char *id, size_t idn)
{
    unsigned char bin[256];
    size_t len;
    char *nl;
    if (sodium_base642bin(bin, sizeof bin - 1, c, strlen(c), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return false;
    bin[len] = '\0';
    nl = strchr((char *)bin, '\n');
    if (!nl || (size_t)(nl - (char *)bin) >= on || strlen(nl + 1) >= idn || !nl[1])
        return false;
    *nl = '\0';
    memcpy(occ, bin, (size_t)(nl - (char *)bin) + 1);   /* lengths checked above */
    memcpy(id, nl + 1, strlen(nl + 1) + 1);
    return true;
}

typedef struct list_state {
    json_t *items;
    char last_occ[64], last_id[80];
} list_state;

static int list_row(void *arg, const fw_incident_row *row)
{
    list_state *ls = arg;
    json_array_append_new(ls->items,
                          json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s, s:I, s:I}", "id", row->id,
                                    "version", (json_int_t)row->version, "agency", row->agency,
                                    "occurred_at", row->occurred_at, "encounter",
                                    *row->encounter ? row->encounter : NULL, "force_kinds",
                                    row->force_kinds, "accounts", (json_int_t)row->naccounts,
                                    "events", (json_int_t)row->nevents));
    snprintf(ls->last_occ, sizeof ls->last_occ, "%s", row->occurred_at);
    snprintf(ls->last_id, sizeof ls->last_id, "%s", row->id);
    return 0;
}

static bool check_enum_arg(request *r, const char *name, const char *en, const char *v)
{
    if (v && fw_enum_index(fw_enum_find(en), v) < 0) {
        reply_error(r, 400, "invalid", name, "unknown value '%s'", v);
        return false;
    }
    return true;
}

static bool check_date_arg(request *r, const char *name, const char *v)
{
    fw_time t;
    if (v && (strlen(v) != 10 || !fw_time_parse(v, &t))) {
        reply_error(r, 400, "invalid", name, "expected a date YYYY-MM-DD, not '%s'", v);
        return false;
    }
    return true;
}

static void list_incidents(request *r)
{
    fw_list_filter f;
    list_state ls;
    fw_store *st;
    fw_error err;
    const char *limit = query_arg(r, "limit"), *cursor = query_arg(r, "cursor");
    char occ[64], id[80], *end;
    long n = 100;
    json_t *page;

    memset(&f, 0, sizeof f);
    f.agency = query_arg(r, "agency");
    /* A user who belongs to an agency sees that agency's incidents only. */
    if (r->user.agency[0]) {
        if (f.agency && strcmp(f.agency, r->user.agency) != 0) {
            reply_json(r, 200, json_pack("{s:[]}", "incidents"));
            return;
        }
        f.agency = r->user.agency;
    }
    f.since = query_arg(r, "since");
    f.until = query_arg(r, "until");
    f.encounter = query_arg(r, "encounter");
    f.force_kind = query_arg(r, "force_kind");
    if (!check_date_arg(r, "since", f.since) || !check_date_arg(r, "until", f.until) ||
        !check_enum_arg(r, "encounter", "encounter", f.encounter) ||
        !check_enum_arg(r, "force_kind", "force_kind", f.force_kind))
        return;
    if (limit) {
        errno = 0;
        n = strtol(limit, &end, 10);
        if (errno || *end || end == limit || n < 1 || n > 1000) {
            reply_error(r, 400, "invalid", "limit", "expected 1 to 1000, not '%s'", limit);
            return;
        }
    }
    if (cursor) {
        if (!decode_cursor(cursor, occ, sizeof occ, id, sizeof id)) {
            reply_error(r, 400, "invalid", "cursor", "not a cursor this server gave");
            return;
        }
        f.after_occurred = occ;
        f.after_id = id;
    }
    f.limit = n + 1; /* one more tells whether there is a next page */
    memset(&ls, 0, sizeof ls);
    ls.items = json_array();
    st = request_store(r);
    if (fw_store_list(st, &f, list_row, &ls, &err) != FW_OK) {
        server_store_return(r, st);
        json_decref(ls.items);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        return;
    }
    server_store_return(r, st);
    page = json_pack("{s:o}", "incidents", ls.items);
    if ((long)json_array_size(ls.items) > n) {
        json_t *last = json_array_get(ls.items, (size_t)n - 1);
        char raw[160], enc[256];
        snprintf(raw, sizeof raw, "%s\n%s", json_string_value(json_object_get(last, "occurred_at")),
                 json_string_value(json_object_get(last, "id")));
        sodium_bin2base64(enc, sizeof enc, (const unsigned char *)raw, strlen(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        json_array_remove(ls.items, (size_t)n);
        json_object_set_new(page, "next_cursor", json_string(enc));
    }
    reply_json(r, 200, page);
}

/* The analyst role sees incidents without their personal fields. */
static void deidentify(json_t *incident)
{
    fw_incident_deidentify(incident);
}

static bool parse_version(request *r, const char *s, int64_t *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    if (errno || *end || end == s || *v < 1) {
        reply_error(r, 400, "invalid", "version", "expected a version number, not '%s'", s);
        return false;
    }
    return true;
}

/*
** A stored incident version as served.  Stored versions never change, so
** this is built once per version (parsed for the visibility checks,
** serialized whole and de-identified, its personal fields listed) and kept
** in the server's cache; only which version is the latest is asked of the
** database on every read.
*/
typedef struct served_incident {
    fw_doc *doc;
    char *full, *deid;         /* the "incident" member of the answer */
    char *paths;               /* personal fields, comma-separated */
    size_t npersonal;
    fw_record_info info;       /* of this version (its "latest" is not used) */
} served_incident;

void api_served_incident_free(void *p)
{
    served_incident *si = p;
    if (!si)
        return;
    fw_doc_free(si->doc);
    free(si->full);
    free(si->deid);
    free(si->paths);
    free(si);
}

#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17))

/* Build the served form of version of incident id, or NULL after answering. */
static served_incident *load_served(request *r, fw_store *st, const char *id, int64_t version,
                                    size_t *cost)
{
    served_incident *si = calloc(1, sizeof *si);
    fw_buf body, paths;
    fw_error err;
    fw_diag diag;
    json_t *j = NULL, *deid = NULL;
    fw_rc rc;

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_buf_init(&paths, 1 << 16);
    fw_diag_init(&diag, 2);
    if (!si) {
        reply_error(r, 503, "busy", NULL, "out of memory");
        goto done;
    }
    rc = fw_store_get(st, FW_RECORD_INCIDENT, id, version, &body, &si->info, &err);
    if (rc == FW_ERR_NOTFOUND) {
        reply_error(r, 404, "not_found", "id", "%s", err.msg);
        goto fail;
    }
    if (rc) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto fail;
    }
    if (fw_doc_parse(body.data, body.len, NULL, &si->doc, &diag) != FW_OK) {
        reply_error(r, 500, "store", NULL, "stored incident %s no longer validates", id);
        goto fail;
    }
    j = json_loadb(body.data, body.len, 0, NULL);
    deid = json_deep_copy(j);
    deidentify(deid);
    si->npersonal = fw_doc_personal_fields(si->doc, &paths);
    si->full = j ? json_dumps(j, DUMP_FLAGS) : NULL;
    si->deid = deid ? json_dumps(deid, DUMP_FLAGS) : NULL;
    si->paths = fw_buf_detach(&paths);
    if (!si->full || !si->deid || (!si->paths && si->npersonal)) {
        reply_error(r, 503, "busy", NULL, "out of memory");
        goto fail;
    }
    /* The parsed document is about ten times its bytes. */
    *cost = sizeof *si + 10 * body.len + strlen(si->full) + strlen(si->deid) +
            (si->paths ? strlen(si->paths) : 0);
    goto done;
fail:
    api_served_incident_free(si);
    si = NULL;
done:
    json_decref(j);
    json_decref(deid);
    fw_diag_release(&diag);
    fw_buf_release(&body);
    fw_buf_release(&paths);
    return si;
}

static void get_incident_version(request *r, const char *id, int64_t version)
{
    fw_store *st = request_store(r);
    fw_cache *cache = server_incident_cache(r);
    fw_cache_entry *held = NULL;
    served_incident *si = NULL;
    bool owned = false;
    char key[256], head_sha[65];
    int keylen;
    int64_t latest, asked;
    size_t cost = 0;
    fw_error err;
    fw_rc rc;

    rc = fw_store_head(st, FW_RECORD_INCIDENT, id, &latest, head_sha, &err);
    if (rc == FW_ERR_NOTFOUND) {
        reply_error(r, 404, "not_found", "id", "no incident with id %s", id);
        goto done;
    }
    if (rc) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto done;
    }
    /* A version past the latest is told apart from a missing incident only
    ** to those who may see the incident: so load the latest to ask. */
    asked = version;
    if (version == 0 || version > latest)
        version = latest;
    keylen = snprintf(key, sizeof key, "%s%c%lld", id, 0, (long long)version);
    if (keylen > 0 && (size_t)keylen < sizeof key)
        si = fw_cache_get(cache, key, (size_t)keylen, server_clock(), &held);
    if (si && version == latest && strcmp(si->info.sha256, head_sha) != 0) {
        fw_cache_release(cache, held); /* not what the database holds: build it again */
        held = NULL;
        si = NULL;
    }
    if (!si) {
        if (!(si = load_served(r, st, id, version, &cost)))
            goto done;
        owned = !(keylen > 0 && (size_t)keylen < sizeof key &&
                  fw_cache_put(cache, key, (size_t)keylen, si, cost, INFINITY, server_clock(), &held));
    }
    if (!may_see(r, si->doc)) {
        reply_error(r, 404, "not_found", "id", "no incident with id %s", id);
        goto done;
    }
    if (asked > latest) {
        reply_error(r, 404, "not_found", "version", "incident %s has no version %lld", id,
                    (long long)asked);
        goto done;
    }
    /* Reading personal data is logged first; if it cannot be, it is not shown. */
    if (r->user.role != FW_ROLE_ANALYST && si->npersonal > 0 &&
        (rc = fw_store_log_access(st, id, si->info.version, si->paths, API_ACTOR,
                                  query_arg(r, "reason"), &err)) != FW_OK) {
        if (rc == FW_ERR_INVALID)
            reply_error(r, 400, "invalid", "reason", "%s", err.msg);
        else
            reply_error(r, 503, "store", NULL, "the read could not be logged: %s", err.msg);
        goto done;
    }
    /* The answer, in the order JSON_SORT_KEYS gives the other routes'. */
    {
        const char *incident = r->user.role == FW_ROLE_ANALYST ? si->deid : si->full;
        size_t n = strlen(incident);
        fw_buf_reset(&r->text);
        fw_buf_reserve(&r->text, n + 512);
        fw_buf_adds(&r->text, "{\"incident\":");
        fw_buf_add(&r->text, incident, n);
    }
    fw_buf_printf(&r->text, ",\"latest\":%lld,\"sha256\":", (long long)latest);
    fw_canon_string(si->info.sha256, strlen(si->info.sha256), &r->text);
    fw_buf_adds(&r->text, ",\"stored_at\":");
    fw_canon_string(si->info.created_at, strlen(si->info.created_at), &r->text);
    fw_buf_adds(&r->text, ",\"stored_by\":");
    fw_canon_string(si->info.actor, strlen(si->info.actor), &r->text);
    if (fw_buf_printf(&r->text, ",\"version\":%lld}", (long long)si->info.version) != FW_OK) {
        reply_error(r, 503, "busy", NULL, "out of memory");
        goto done;
    }
    r->status = 200;
    r->content_type = "application/json";
done:
    server_store_return(r, st);
    fw_cache_release(cache, held);
    if (owned)
        api_served_incident_free(si);
}

static void get_incident(request *r)
{
    get_incident_version(r, r->params[0], 0);
}

static void get_version(request *r)
{
    int64_t v;
    if (parse_version(r, r->params[1], &v))
        get_incident_version(r, r->params[0], v);
}

static int version_row(void *arg, const fw_record_meta *m)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:I, s:s}", "version",
                                         (json_int_t)m->version, "stored_at", m->created_at,
                                         "stored_by", m->actor, "log_seq", (json_int_t)m->log_seq,
                                         "sha256", m->sha256));
    return 0;
}

static void list_versions(request *r)
{
    fw_store *st = request_store(r);
    json_t *items = json_array();
    fw_error err;
    fw_doc *doc = load_doc(r, st, r->params[0]);
    fw_rc rc;
    if (!doc) {
        server_store_return(r, st);
        json_decref(items);
        return;
    }
    fw_doc_free(doc);
    rc = fw_store_history(st, FW_RECORD_INCIDENT, r->params[0], version_row, items, &err);
    server_store_return(r, st);
    if (rc == FW_ERR_NOTFOUND) {
        json_decref(items);
        reply_error(r, 404, "not_found", "id", "%s", err.msg);
    } else if (rc) {
        json_decref(items);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else {
        reply_json(r, 200, json_pack("{s:s, s:o}", "id", r->params[0], "versions", items));
    }
}

static void checkpoint(request *r)
{
    fw_store *st = request_store(r);
    int64_t size;
    fw_error err;
    if (fw_store_checkpoint(st, &size, &r->text, &err) != FW_OK) {
        reply_error(r, 404, "not_found", NULL, "the log has no checkpoint yet");
    } else {
        r->status = 200;
        r->content_type = "text/plain; charset=utf-8";
    }
    server_store_return(r, st);
}

static bool u64_arg(request *r, const char *name, uint64_t *out, bool required)
{
    const char *v = query_arg(r, name);
    char *end;
    if (!v) {
        if (required)
            reply_error(r, 400, "invalid", name, "'%s' is required", name);
        return !required;
    }
    errno = 0;
    *out = strtoull(v, &end, 10);
    if (errno || *end || end == v || *v == '-') {
        reply_error(r, 400, "invalid", name, "expected a whole number, not '%s'", v);
        return false;
    }
    return true;
}

static json_t *b64(const uint8_t h[32])
{
    char s[64];
    sodium_bin2base64(s, sizeof s, h, 32, sodium_base64_VARIANT_ORIGINAL);
    return json_string(s);
}

/*
** Proofs come from the server's cached tree (lib/log/log_cache.h), never for a
** size beyond the latest signed checkpoint: that is the default size, and
** a larger one is not found.
*/
static void proof(request *r, bool inclusion)
{
    fw_log_cache *cache = server_log_cache(r);
    const fw_merkle_tree *t = NULL;
    fw_store *st;
    fw_hash path[FW_MERKLE_MAX_PROOF];
    uint64_t ck = 0, a = 0, b = 0;
    size_t len, i;
    uint8_t r1[32], r2[32];
    bool reading = false;
    fw_error err;
    fw_rc rc;
    json_t *arr;

    if (!server_log_admit(r))
        return;
    if (inclusion ? !u64_arg(r, "seq", &a, true) : !u64_arg(r, "old", &a, true))
        return;
    st = request_store(r);
    if ((rc = fw_store_begin_read(st, &err)) == FW_OK) {
        reading = true;
        rc = fw_log_cache_acquire(cache, st, &t, &ck, &err);
    }
    if (rc == FW_ERR_NOTFOUND) {
        reply_error(r, 404, "not_found", NULL, "the log has no signed checkpoint yet");
        goto done;
    }
    if (rc) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto done;
    }
    b = ck;
    if (inclusion) {
        if (!u64_arg(r, "size", &b, false))
            goto done;
        if (b > ck || a >= b) {
            reply_error(r, 404, "not_found", "seq",
                        "no leaf %llu in a signed tree of size %llu (the latest is %llu)",
                        (unsigned long long)a, (unsigned long long)b, (unsigned long long)ck);
            goto done;
        }
        fw_merkle_tree_inclusion_proof(t, b, a, path, &len);
        fw_merkle_tree_root(t, b, r1);
        arr = json_array();
        for (i = 0; i < len; i++)
            json_array_append_new(arr, b64(path[i]));
        reply_json(r, 200, json_pack("{s:I, s:I, s:o, s:o, s:o}", "leaf_index", (json_int_t)a,
                                     "tree_size", (json_int_t)b, "leaf_hash", b64(t->level[0][a]),
                                     "root_hash", b64(r1), "proof", arr));
    } else {
        if (!u64_arg(r, "new", &b, false))
            goto done;
        if (a == 0 || a > b || b > ck) {
            reply_error(r, 400, "invalid", "old", "need 0 < old <= new <= %llu (the latest "
                        "signed checkpoint)", (unsigned long long)ck);
            goto done;
        }
        fw_merkle_tree_consistency_proof(t, b, a, path, &len);
        fw_merkle_tree_root(t, a, r1);
        fw_merkle_tree_root(t, b, r2);
        arr = json_array();
        for (i = 0; i < len; i++)
            json_array_append_new(arr, b64(path[i]));
        reply_json(r, 200, json_pack("{s:I, s:I, s:o, s:o, s:o}", "old_size", (json_int_t)a,
                                     "new_size", (json_int_t)b, "old_root", b64(r1), "new_root",
                                     b64(r2), "proof", arr));
    }
done:
    if (t)
        fw_log_cache_release(cache);
    if (reading)
        fw_store_end_read(st);
    server_store_return(r, st);
}

static void inclusion_proof(request *r)
{
    proof(r, true);
}

static void consistency_proof(request *r)
{
    proof(r, false);
}

/* ---- sign-in, users, tokens ------------------------------------------------- */

static json_t *body_json(request *r)
{
    json_error_t e;
    json_t *j;
    if (fw_utf8_check(r->body.data ? r->body.data : "", r->body.len) < r->body.len) {
        reply_error(r, 400, "invalid", "body", "invalid UTF-8");
        return NULL;
    }
    j = r->body.len ? json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &e) : NULL;
    if (!json_is_object(j)) {
        json_decref(j);
        reply_error(r, 400, "invalid", "body", "expected a JSON object");
        return NULL;
    }
    return j;
}

/* A string member of j, or NULL after answering 400 naming it. */
static const char *member(request *r, json_t *j, const char *name, bool required)
{
    json_t *v = json_object_get(j, name);
    if (!v && !required)
        return NULL;
    if (!json_is_string(v) || json_string_length(v) > 256) {
        reply_error(r, 400, "invalid", name, "expected a string of at most 256 bytes");
        return NULL;
    }
    return json_string_value(v);
}

static bool only_members(request *r, json_t *j, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        size_t i;
        for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
            ;
        if (!allowed[i]) {
            reply_error(r, 400, "invalid", key, "unknown field");
            return false;
        }
    }
    return true;
}

static json_t *user_json(const fw_user *u)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "name", u->name, "role", fw_role_name(u->role),
                     "agency", u->agency, "officer", u->officer);
}

static void sign_in(request *r)
{
    static const char *const allowed[] = {"username", "password", NULL};
    json_t *j = body_json(r);
    const char *name, *pw;
    fw_store *st;
    fw_user u;
    fw_error err;
    char csrf[65];
    fw_rc rc;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(name = member(r, j, "username", true)) ||
        !(pw = member(r, j, "password", true)))
        goto done;
    if (!server_signin_allowed(r, name)) {
        reply_error(r, 429, "rate_limited", "username", "too many failed sign-ins; wait a minute");
        goto done;
    }
    st = request_store(r);
    rc = fw_user_authenticate(st, name, pw, &u, &err);
    server_store_return(r, st);
    if (rc) {
        server_signin_failed(r, name);
        reply_error(r, 401, "unauthorized", "password", "wrong username or password");
    } else if (!server_session_new(r, &u, csrf)) {
        reply_error(r, 503, "busy", NULL, "too many sessions");
    } else {
        reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_json(&u), "csrf_token", csrf));
    }
done:
    json_decref(j);
}

/* A browser that reloads learns its CSRF token here again (the cookie is
** HttpOnly, and only pages of the same origin can read this answer). */
static void whoami(request *r)
{
    json_t *j = json_pack("{s:o}", "user", user_json(&r->user));
    if (r->via_cookie)
        json_object_set_new(j, "csrf_token", json_string(r->csrf));
    reply_json(r, 200, j);
}

static void sign_out(request *r)
{
    server_session_end(r);
    reply_json(r, 200, json_pack("{s:s}", "status", "signed out"));
}

static void create_user(request *r)
{
    static const char *const allowed[] = {"username", "role", "agency", "officer", "password", NULL};
    json_t *j = body_json(r);
    const char *name, *role, *agency, *officer, *pw;
    char generated[33] = "";
    fw_store *st;
    fw_user u;
    fw_error err;
    fw_rc rc;
    int ri;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(name = member(r, j, "username", true)) ||
        !(role = member(r, j, "role", true)))
        goto done;
    agency = member(r, j, "agency", false);
    officer = member(r, j, "officer", false);
    pw = member(r, j, "password", false);
    if (r->status)
        goto done;
    if ((ri = fw_role_parse(role)) < 0) {
        reply_error(r, 400, "invalid", "role", "unknown role '%s'", role);
        goto done;
    }
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = (fw_role)ri;
    snprintf(u.agency, sizeof u.agency, "%s", agency ? agency : "");
    snprintf(u.officer, sizeof u.officer, "%s", officer ? officer : "");
    st = request_store(r);
    rc = fw_user_create(st, &u, pw, generated, API_ACTOR, &err);
    server_store_return(r, st);
    if (rc == FW_ERR_EXISTS)
        reply_error(r, 409, "exists", "username", "%s", err.msg);
    else if (rc == FW_ERR_INVALID)
        reply_error(r, 400, "invalid", strncmp(err.msg, "password", 8) ? "username" : "password",
                    "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 201, json_pack("{s:o, s:s?}", "user", user_json(&u), "password",
                                     pw ? NULL : generated));
done:
    json_decref(j);
}

static void get_user(request *r)
{
    fw_store *st = request_store(r);
    fw_user u;
    fw_error err;
    fw_rc rc = fw_user_get(st, r->params[0], &u, &err);
    server_store_return(r, st);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "name", "no user %s", r->params[0]);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 200, json_pack("{s:o}", "user", user_json(&u)));
}

static void create_token(request *r)
{
    fw_store *st = request_store(r);
    char token[96], id[17];
    fw_error err;
    fw_rc rc = fw_token_create(st, r->user.name, API_ACTOR, token, id, &err);
    server_store_return(r, st);
    if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 201, json_pack("{s:s, s:s, s:s}", "id", id, "token", token, "note",
                                     "shown once: only its hash is kept"));
}

static void revoke_token(request *r)
{
    fw_store *st = request_store(r);
    fw_error err;
    fw_rc rc = fw_token_revoke(st, r->params[0],
                               r->user.role == FW_ROLE_ADMIN ? NULL : r->user.name, API_ACTOR,
                               &err);
    server_store_return(r, st);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "id", "no token %s", r->params[0]);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else {
        server_auth_changed(r);
        reply_json(r, 200, json_pack("{s:s, s:b}", "id", r->params[0], "revoked", 1));
    }
}

/* ---- cases, duties, training ----------------------------------------------- */

/* The latest version of incident id, or NULL after answering 404/503. */
static fw_doc *load_doc(request *r, fw_store *st, const char *id)
{
    fw_buf body;
    fw_diag diag;
    fw_error err;
    fw_doc *doc = NULL;
    fw_rc rc;
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_diag_init(&diag, 2);
    rc = fw_store_get(st, FW_RECORD_INCIDENT, id, 0, &body, NULL, &err);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "id", "%s", err.msg);
    else if (rc || fw_doc_parse(body.data, body.len, NULL, &doc, &diag) != FW_OK)
        reply_error(r, 503, "store", NULL, "cannot read incident %s", id);
    else if (!may_see(r, doc)) {
        reply_error(r, 404, "not_found", "id", "no incident with id %s", id);
        fw_doc_free(doc);
        doc = NULL;
    }
    fw_buf_release(&body);
    fw_diag_release(&diag);
    return doc;
}

static void get_case(request *r)
{
    fw_store *st = request_store(r);
    fw_doc *doc = load_doc(r, st, r->params[0]);
    json_t *c = NULL;
    fw_error err;
    if (doc && fw_case_get(st, doc, &c, &err) == FW_OK)
        reply_json(r, 200, c);
    else if (doc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    server_store_return(r, st);
    fw_doc_free(doc);
}

static void move_case(request *r)
{
    static const char *const allowed[] = {"to", "finding", "note", NULL};
    json_t *j = body_json(r), *c = NULL;
    const char *to, *finding, *note;
    fw_store *st;
    fw_doc *doc;
    fw_error err;
    fw_rc rc;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(to = member(r, j, "to", true))) {
        json_decref(j);
        return;
    }
    finding = member(r, j, "finding", false);
    note = member(r, j, "note", false);
    if (r->status) {
        json_decref(j);
        return;
    }
    st = request_store(r);
    doc = load_doc(r, st, r->params[0]);
    if (doc) {
        rc = fw_case_transition(st, doc, to, finding, note, API_ACTOR, server_now(r), &c, &err);
        if (rc == FW_ERR_INVALID)
            reply_error(r, 409, "illegal_transition",
                        strncmp(err.msg, "finding", 7) == 0 ? "finding" : "to", "%s", err.msg);
        else if (rc)
            reply_error(r, 503, "store", NULL, "%s", err.msg);
        else
            reply_json(r, 200, c);
    }
    server_store_return(r, st);
    fw_doc_free(doc);
    json_decref(j);
}

typedef struct duty_walk {
    request *r;
    fw_store *st;
    json_t *training, *items;
    double now;
    fw_buf body;
} duty_walk;

static void doc_duties(duty_walk *w, fw_doc *doc)
{
    const policy_set *ps = server_policies(w->r);
    fw_review reviews[32];
    fw_error err;
    size_t i, n = 0;
    for (i = 0; i < ps->n && n < 32; i++)
        if (fw_policy_in_effect(ps->items[i].policy, doc->occurred_at) &&
            fw_review_run(doc, ps->items[i].policy, NULL, NULL, &reviews[n], &err) == FW_OK)
            n++;
    fw_duties(doc, reviews, n, w->training, w->now, NULL, w->items);
    for (i = 0; i < n; i++)
        fw_review_release(&reviews[i]);
}

static int duty_row(void *arg, const fw_incident_row *row)
{
    duty_walk *w = arg;
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_buf_reset(&w->body);
    fw_diag_init(&diag, 2);
    if (fw_store_get(w->st, FW_RECORD_INCIDENT, row->id, row->version, &w->body, NULL, NULL) ==
            FW_OK &&
        fw_doc_parse(w->body.data, w->body.len, NULL, &doc, &diag) == FW_OK && may_see(w->r, doc))
        doc_duties(w, doc);
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return 0;
}

static void list_duties(request *r)
{
    duty_walk w;
    fw_error err;
    const char *incident = query_arg(r, "incident"), *officer = query_arg(r, "officer");
    json_t *shown;
    size_t i;

    memset(&w, 0, sizeof w);
    w.r = r;
    w.now = server_now(r);
    w.items = json_array();
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    w.st = request_store(r);
    if (fw_training_all(w.st, &w.training, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else if (incident) {
        fw_doc *doc = load_doc(r, w.st, incident);
        if (doc)
            doc_duties(&w, doc);
        fw_doc_free(doc);
    } else {
        fw_store_list(w.st, NULL, duty_row, &w, &err);
    }
    server_store_return(r, w.st);
    if (!r->status) {
        shown = json_array();
        for (i = 0; i < json_array_size(w.items); i++) {
            json_t *it = json_array_get(w.items, i);
            const char *o = json_string_value(json_object_get(it, "officer"));
            if (!officer || (o && strcmp(o, officer) == 0))
                json_array_append(shown, it);
        }
        reply_json(r, 200, json_pack("{s:o}", "duties", shown));
    }
    json_decref(w.items);
    json_decref(w.training);
    fw_buf_release(&w.body);
}

static void add_training(request *r)
{
    static const char *const allowed[] = {"course", "completed", "expires", NULL};
    json_t *j = body_json(r);
    const char *course, *completed, *expires;
    fw_store *st;
    fw_error err;
    fw_rc rc;

    if (!j)
        return;
    if (!only_members(r, j, allowed) || !(course = member(r, j, "course", true)) ||
        !(completed = member(r, j, "completed", true))) {
        json_decref(j);
        return;
    }
    expires = member(r, j, "expires", false);
    if (!r->status) {
        st = request_store(r);
        rc = fw_training_add(st, r->params[0], course, completed, expires, API_ACTOR, &err);
        server_store_return(r, st);
        if (rc == FW_ERR_INVALID) {
            char field[32];
            snprintf(field, sizeof field, "%.*s", (int)strcspn(err.msg, ":"), err.msg);
            reply_error(r, 400, "invalid", field, "%s", err.msg);
        } else if (rc) {
            reply_error(r, 503, "store", NULL, "%s", err.msg);
        } else {
            reply_json(r, 201, json_pack("{s:s, s:s}", "officer", r->params[0], "course", course));
        }
    }
    json_decref(j);
}

static void get_training(request *r)
{
    fw_store *st = request_store(r);
    fw_buf body;
    fw_error err;
    fw_buf_init(&body, 1 << 20);
    if (fw_store_get(st, FW_RECORD_TRAINING, r->params[0], 0, &body, NULL, &err) == FW_OK)
        reply_json(r, 200, json_loadb(body.data, body.len, 0, NULL));
    else
        reply_error(r, 404, "not_found", "id", "no training record for %s", r->params[0]);
    server_store_return(r, st);
    fw_buf_release(&body);
}

/* ---- accounts and reviews ------------------------------------------------------ */

/* Add an account (a witness statement, an officer's report...) to an
** incident: a new version of the whole incident, validated as a whole. */
static void add_account(request *r)
{
    json_t *acc = body_json(r), *root = NULL, *accounts;
    fw_store *st;
    fw_doc *doc = NULL, *next = NULL;
    fw_diag diag;
    fw_put_result res;
    fw_error err;
    const char *author, *kind;
    size_t i;

    if (!acc)
        return;
    fw_diag_init(&diag, 100);
    st = request_store(r);
    doc = load_doc(r, st, r->params[0]);
    if (!doc)
        goto done;
    author = json_string_value(json_object_get(acc, "author"));
    kind = json_string_value(json_object_get(acc, "kind"));
    if (r->user.role == FW_ROLE_OFFICER) {
        /* Officers file their own statements, on incidents they were part of. */
        const fw_party *p = fw_doc_party(doc, r->user.officer);
        if (!p || p->kind != FW_REF_OFFICER) {
            reply_error(r, 404, "not_found", "id", "no incident with id %s", r->params[0]);
            goto done;
        }
        if (!author || strcmp(author, r->user.officer) != 0) {
            reply_error(r, 403, "forbidden", "author", "officers file only their own statements");
            goto done;
        }
        if (!kind || (strcmp(kind, "officer_report") && strcmp(kind, "witness_officer_statement"))) {
            reply_error(r, 403, "forbidden", "kind",
                        "officers file officer_report or witness_officer_statement accounts");
            goto done;
        }
    }
    root = json_deep_copy(doc->root);
    accounts = json_object_get(root, "accounts");
    for (i = 0; i < json_array_size(accounts); i++)
        if (json_equal(json_object_get(json_array_get(accounts, i), "id"), json_object_get(acc, "id"))) {
            reply_error(r, 409, "exists", "id", "the incident already has an account with that id");
            goto done;
        }
    json_array_append(accounts, acc);
    if (fw_doc_from_json(root, NULL, &next, &diag) != FW_OK) {
        reply_invalid(r, &diag);
        goto done;
    }
    if (fw_store_begin(st, &err) || fw_store_put(st, next, API_ACTOR, &res, &err) ||
        fw_store_commit(st, &err)) {
        fw_store_rollback(st);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto done;
    }
    reply_json(r, 201, json_pack("{s:s, s:I, s:I}", "id", next->id, "version",
                                 (json_int_t)res.version, "accounts",
                                 (json_int_t)next->naccounts));
done:
    server_store_return(r, st);
    fw_doc_free(doc);
    fw_doc_free(next);
    json_decref(root);
    json_decref(acc);
    fw_diag_release(&diag);
}

/* The loaded policy named name (a version, or a family's version in effect on date). */
static const loaded_policy *pick_policy(request *r, const char *name, const char *date)
{
    const policy_set *ps = server_policies(r);
    size_t i;
    for (i = 0; i < ps->n; i++)
        if (strcmp(fw_policy_fullname(ps->items[i].policy), name) == 0)
            return &ps->items[i];
    for (i = 0; i < ps->n; i++)
        if (strcmp(fw_policy_name(ps->items[i].policy), name) == 0 &&
            (fw_policy_in_effect(ps->items[i].policy, date) ||
             strcmp(fw_policy_kind(ps->items[i].policy), "adopted") != 0))
            return &ps->items[i];
    return NULL;
}

/* Run a review of an incident under one policy and store it (a new version
** only if it changed). */
static void run_review(request *r)
{
    json_t *body = r->body.len ? body_json(r) : json_object(), *j = NULL;
    const char *name;
    const loaded_policy *lp;
    fw_store *st;
    fw_doc *doc = NULL;
    fw_review rv;
    fw_record_info info;
    fw_buf raw;
    fw_prepared prep;
    fw_put_result res;
    fw_error err;
    char rid[200];

    if (!body)
        return;
    memset(&prep, 0, sizeof prep);
    fw_buf_init(&raw, FW_BUF_UNLIMITED);
    name = member(r, body, "policy", true);
    st = request_store(r);
    if (!name)
        goto done;
    doc = load_doc(r, st, r->params[0]);
    if (!doc)
        goto done;
    lp = pick_policy(r, name, doc->occurred_at);
    if (!lp) {
        reply_error(r, 400, "invalid", "policy", "no policy %s in effect on %.10s", name,
                    doc->occurred_at);
        goto done;
    }
    if (fw_review_run(doc, lp->policy, NULL, NULL, &rv, &err) != FW_OK) {
        reply_error(r, 503, "review", NULL, "%s", err.msg);
        goto done;
    }
    j = fw_review_json(&rv);
    fw_review_release(&rv);
    fw_store_get(st, FW_RECORD_INCIDENT, doc->id, 0, &raw, &info, NULL);
    json_object_set_new(j, "incident_version", json_integer(info.version));
    json_object_set_new(j, "incident_sha256", json_string(info.sha256));
    json_object_set_new(j, "policy_sha256", json_string(lp->sha256));
    snprintf(rid, sizeof rid, "%s:%s", doc->id, fw_policy_fullname(lp->policy));
    if (fw_prepare_json(FW_RECORD_REVIEW, rid, j, &prep) || fw_store_begin(st, &err) ||
        fw_store_put_prepared(st, &prep, API_ACTOR, &res, &err) || fw_store_commit(st, &err)) {
        fw_store_rollback(st);
        reply_error(r, 503, "store", NULL, "cannot store the review");
        goto done;
    }
    json_object_set_new(j, "review_version", json_integer(res.version));
    reply_json(r, 200, j);
    j = NULL;
done:
    server_store_return(r, st);
    fw_prepared_release(&prep);
    fw_buf_release(&raw);
    fw_doc_free(doc);
    json_decref(j);
    json_decref(body);
}

static void get_review(request *r)
{
    fw_store *st = request_store(r);
    fw_buf body;
    fw_record_info info;
    fw_error err;
    char rid[200];
    json_t *j;
    fw_doc *doc = load_doc(r, st, r->params[0]);

    if (!doc) {
        server_store_return(r, st);
        return;
    }
    fw_doc_free(doc);

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    snprintf(rid, sizeof rid, "%s:%s", r->params[0], r->params[1]);
    if (fw_store_get(st, FW_RECORD_REVIEW, rid, 0, &body, &info, &err) != FW_OK) {
        reply_error(r, 404, "not_found", "policy", "no stored review %s (POST one first)", rid);
    } else {
        j = json_loadb(body.data, body.len, 0, NULL);
        json_object_set_new(j, "review_version", json_integer(info.version));
        reply_json(r, 200, j);
    }
    server_store_return(r, st);
    fw_buf_release(&body);
}

/* What-if: how many force applications a policy would flag, by rule. */
typedef struct whatif {
    request *r;
    fw_store *st;
    const loaded_policy *lp;
    size_t incidents, applications, out_apps;
    size_t *out, *undetermined;
    json_t *flagged;           /* per rule: incident ids (first 100) */
    fw_buf body;
} whatif;

static int whatif_row(void *arg, const fw_incident_row *row)
{
    whatif *w = arg;
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_review rv;
    fw_error err;
    size_t i, k, n = fw_policy_nrules(w->lp->policy);

    w->incidents++;
    if (!*row->force_kinds)
        return 0;
    fw_buf_reset(&w->body);
    fw_diag_init(&diag, 2);
    if (fw_store_get(w->st, FW_RECORD_INCIDENT, row->id, row->version, &w->body, NULL, NULL) ==
            FW_OK &&
        fw_doc_parse(w->body.data, w->body.len, NULL, &doc, &diag) == FW_OK && may_see(w->r, doc) &&
        fw_review_run(doc, w->lp->policy, NULL, NULL, &rv, &err) == FW_OK) {
        for (i = 0; i < rv.nitems; i++) {
            w->applications++;
            w->out_apps += fw_review_item_outcome(&rv, i) == FW_OUT;
            for (k = 0; k < n; k++) {
                json_t *ids = json_array_get(w->flagged, k);
                if (rv.items[i].results[k].outcome == FW_OUT) {
                    w->out[k]++;
                    const char *last = json_string_value(
                        json_array_get(ids, json_array_size(ids) ? json_array_size(ids) - 1 : 0));
                    if (json_array_size(ids) < 100 && (!last || strcmp(last, doc->id) != 0))
                        json_array_append_new(ids, json_string(doc->id));
                } else if (rv.items[i].results[k].outcome == FW_UNDETERMINED) {
                    w->undetermined[k]++;
                }
            }
        }
        fw_review_release(&rv);
    }
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return 0;
}

static void what_if(request *r)
{
    const char *name = query_arg(r, "policy");
    const policy_set *ps = server_policies(r);
    whatif w;
    fw_error err;
    json_t *rules;
    size_t i, n;

    memset(&w, 0, sizeof w);
    for (i = 0; name && i < ps->n && !w.lp; i++)
        if (strcmp(fw_policy_fullname(ps->items[i].policy), name) == 0)
            w.lp = &ps->items[i];
    for (i = ps->n; name && !w.lp && i-- > 0;)
        if (strcmp(fw_policy_name(ps->items[i].policy), name) == 0)
            w.lp = &ps->items[i];
    if (!w.lp) {
        reply_error(r, 400, "invalid", "policy", "no policy '%s'", name ? name : "");
        return;
    }
    n = fw_policy_nrules(w.lp->policy);
    w.r = r;
    w.out = calloc(n + 1, sizeof *w.out);
    w.undetermined = calloc(n + 1, sizeof *w.undetermined);
    w.flagged = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(w.flagged, json_array());
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    w.st = request_store(r);
    if (!w.out || !w.undetermined || fw_store_list(w.st, NULL, whatif_row, &w, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "cannot review the incidents");
    } else {
        rules = json_array();
        for (i = 0; i < n; i++) {
            fw_rule_info info;
            fw_policy_rule(w.lp->policy, i, &info);
            json_array_append_new(rules, json_pack("{s:s, s:s, s:I, s:I, s:O}", "rule", info.id,
                                                   "cite", info.cite, "out", (json_int_t)w.out[i],
                                                   "undetermined", (json_int_t)w.undetermined[i],
                                                   "incidents", json_array_get(w.flagged, i)));
        }
        reply_json(r, 200, json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "policy",
                                     fw_policy_fullname(w.lp->policy), "kind",
                                     fw_policy_kind(w.lp->policy), "incidents",
                                     (json_int_t)w.incidents, "applications",
                                     (json_int_t)w.applications, "out_of_policy",
                                     (json_int_t)w.out_apps, "rules", rules));
    }
    server_store_return(r, w.st);
    free(w.out);
    free(w.undetermined);
    json_decref(w.flagged);
    fw_buf_release(&w.body);
}

/*
** Statistics.  Signed-in readers get exact counts (a user who belongs to an
** agency counts that agency's incidents only); anyone gets the public table:
** no filter, at most two dimensions, every value under k suppressed with
** complementary suppression (docs/statistics.md).
*/
static void stats(request *r, bool public)
{
    static const char *const exact_args[] = {"by", "where", NULL};
    static const char *const public_args[] = {"by", NULL};
    const char *field, *other = query_other_arg(r, public ? public_args : exact_args);
    fw_stats_query q;
    fw_stats_table *t = NULL;
    fw_store *st;
    fw_error err;

    if (other) {
        if (public)
            reply_error(r, 400, "invalid", other,
                        "public statistics take only 'by': they are not filtered, and never "
                        "show names, addresses or dates");
        else
            reply_error(r, 400, "invalid", other, "unknown parameter (by and where are known)");
        return;
    }
    if (fw_stats_query_parse(query_arg(r, "by"), query_arg(r, "where"), &q, &field, &err)) {
        reply_error(r, 400, "invalid", field, "%s", err.msg);
        return;
    }
    if (public && q.nby > 2) {
        reply_error(r, 400, "invalid", "by", "public statistics group by at most two dimensions");
        return;
    }
    st = request_store(r);
    if (fw_stats_run(st, &q, public || !r->user.agency[0] ? NULL : r->user.agency, &t, &err)) {
        server_store_return(r, st);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        return;
    }
    server_store_return(r, st);
    if (public && fw_stats_suppress(t, server_public_stats_k(r), &err)) {
        fw_stats_table_free(t);
        reply_error(r, 500, "internal", NULL, "%s", err.msg);
        return;
    }
    reply_json(r, 200, fw_stats_json(t));
    fw_stats_table_free(t);
}

static void exact_stats(request *r)
{
    stats(r, false);
}

static void public_stats(request *r)
{
    stats(r, true);
}

/* ---- open data: exports and checking checkpoints ----------------------------- */

typedef struct export_job {
    fw_export_opts o;
    char agency[65], since[11], until[11], encounter[33], force_kind[33];
} export_job;

static fw_rc write_fd(void *arg, const char *data, size_t len)
{
    int fd = *(const int *)arg;
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return FW_ERR_IO;
        data += w;
        len -= (size_t)w;
    }
    return FW_OK;
}

/* On the stream's thread: the export goes out as it is read.  A failure
** midway cuts the answer short of its end line, which verification reports. */
static void export_stream(void *arg, fw_store *st, int fd)
{
    export_job *j = arg;
    int64_t n;
    fw_error err;
    if (fw_export_run(st, &j->o, write_fd, &fd, &n, &err) != FW_OK) {
        json_t *line = json_pack("{s:s, s:s}", "export", "cut short", "message", err.msg);
        char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
        if (text)
            fprintf(stderr, "%s\n", text);
        free(text);
        json_decref(line);
    }
}

/* A query argument copied into dst (n bytes); false after answering 400. */
static bool copy_arg(request *r, const char *name, char *dst, size_t n, const char **into)
{
    const char *v = query_arg(r, name);
    *into = NULL;
    if (!v)
        return true;
    if (strlen(v) >= n || !*v) {
        reply_error(r, 400, "invalid", name, "expected a value of 1 to %zu bytes", n - 1);
        return false;
    }
    memcpy(dst, v, strlen(v) + 1);
    *into = dst;
    return true;
}

static bool bool_arg(request *r, const char *name, bool *out)
{
    const char *v = query_arg(r, name);
    *out = false;
    if (!v)
        return true;
    if (strcmp(v, "true") && strcmp(v, "false")) {
        reply_error(r, 400, "invalid", name, "expected true or false, not '%s'", v);
        return false;
    }
    *out = strcmp(v, "true") == 0;
    return true;
}

static void free_job(void *arg)
{
    free(arg);
}

static void export_records(request *r)
{
    const char *format = query_arg(r, "format");
    export_job *j = calloc(1, sizeof *j);
    fw_export_layout *l = NULL;
    fw_list_filter *f;
    fw_store *st;
    fw_error err;
    int64_t size;
    int fmt;
    fw_rc rc;

    if (!j) {
        reply_error(r, 503, "busy", NULL, "out of memory");
        return;
    }
    f = &j->o.filter;
    fmt = format ? fw_export_format_parse(format) : FW_EXPORT_CSV;
    if (fmt < 0) {
        reply_error(r, 400, "invalid", "format", "expected csv, json or nufdc, not '%s'", format);
        goto fail;
    }
    j->o.format = (fw_export_format)fmt;
    if (!copy_arg(r, "agency", j->agency, sizeof j->agency, &f->agency) ||
        !copy_arg(r, "since", j->since, sizeof j->since, &f->since) ||
        !copy_arg(r, "until", j->until, sizeof j->until, &f->until) ||
        !copy_arg(r, "encounter", j->encounter, sizeof j->encounter, &f->encounter) ||
        !copy_arg(r, "force_kind", j->force_kind, sizeof j->force_kind, &f->force_kind) ||
        !check_date_arg(r, "since", f->since) || !check_date_arg(r, "until", f->until) ||
        !check_enum_arg(r, "encounter", "encounter", f->encounter) ||
        !check_enum_arg(r, "force_kind", "force_kind", f->force_kind) ||
        !bool_arg(r, "withdrawn", &f->include_withdrawn) ||
        !bool_arg(r, "deidentify", &j->o.deidentify))
        goto fail;
    /* A user who belongs to an agency exports that agency's incidents only. */
    if (r->user.agency[0]) {
        if (f->agency && strcmp(f->agency, r->user.agency) != 0) {
            reply_error(r, 403, "forbidden", "agency", "you may export incidents of agency %s only",
                        r->user.agency);
            goto fail;
        }
        snprintf(j->agency, sizeof j->agency, "%s", r->user.agency);
        f->agency = j->agency;
    }
    if (r->user.role == FW_ROLE_ANALYST)
        j->o.deidentify = true;
    if (fw_export_layout_new(j->o.format, j->o.deidentify, &l) != FW_OK) {
        reply_error(r, 503, "busy", NULL, "out of memory");
        goto fail;
    }
    st = request_store(r);
    rc = fw_store_checkpoint(st, &size, NULL, &err);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", NULL, "the log has no checkpoint yet: nothing to export");
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    /* Reading personal data is logged first; if it cannot be, nothing is sent. */
    else if (fw_export_personal(l) &&
             (rc = fw_export_log_access(st, &j->o, API_ACTOR, query_arg(r, "reason"), &err)) !=
                 FW_OK) {
        if (rc == FW_ERR_INVALID)
            reply_error(r, 400, "invalid", "reason", "%s", err.msg);
        else
            reply_error(r, 503, "store", NULL, "the export could not be logged: %s", err.msg);
    }
    server_store_return(r, st);
    fw_export_layout_free(l);
    if (r->status)
        goto fail;
    if (!reply_stream(r, 200, j->o.format == FW_EXPORT_JSON ? "application/x-ndjson"
                                                            : "text/csv; charset=utf-8",
                      export_stream, j, free_job))
        reply_error(r, 503, "busy", NULL, "too many exports running; try again shortly");
    return;
fail:
    free(j);
}

#define MAX_CHECKPOINT_BODY 16384

/* Whether a saved checkpoint (or an export's stamp) is a prefix of today's log. */
static void verify_log(request *r)
{
    fw_export_stamp *stamp = NULL;
    fw_checkpoint_check cc;
    const char *note = r->body.data;
    size_t len = r->body.len;
    fw_store *st;
    bool log_fault = false;
    fw_error err;
    fw_rc rc;

    if (!server_log_admit(r))
        return;
    if (len == 0) {
        reply_error(r, 400, "invalid", "body", "expected a signed checkpoint note or an export's "
                                               "stamp as the body");
        return;
    }
    if (len > MAX_CHECKPOINT_BODY) {
        reply_error(r, 413, "too_large", "body", "a checkpoint or stamp is at most %d bytes",
                    MAX_CHECKPOINT_BODY);
        return;
    }
    if (fw_utf8_check(note, len) < len) {
        reply_error(r, 400, "invalid", "body", "invalid UTF-8");
        return;
    }
    if (note[0] == '{' || (len > 2 && note[0] == '#' && note[1] == ' ')) {
        stamp = malloc(sizeof *stamp);
        if (!stamp) {
            reply_error(r, 503, "busy", NULL, "out of memory");
            return;
        }
        if (fw_export_stamp_parse(note, len, stamp, &err) != FW_OK) {
            reply_error(r, 400, "invalid", "body", "%s", err.msg);
            free(stamp);
            return;
        }
        note = stamp->note;
        len = stamp->note_len;
    }
    st = request_store(r);
    if ((rc = fw_store_begin_read(st, &err)) == FW_OK) {
        const fw_merkle_tree *t;
        uint64_t ck;
        rc = fw_log_cache_acquire(server_log_cache(r), st, &t, &ck, &err);
        if (rc == FW_OK) {
            rc = fw_verify_checkpoint_tree(st, NULL, note, len, t, &cc, &err);
            fw_log_cache_release(server_log_cache(r));
        } else if (rc != FW_ERR_NOTFOUND) {
            log_fault = true;
        } else {
            /* No checkpoint today: fw_verify_checkpoint_tree says so, needing no tree. */
            fw_merkle_tree empty;
            fw_merkle_tree_init(&empty);
            rc = fw_verify_checkpoint_tree(st, NULL, note, len, &empty, &cc, &err);
        }
        fw_store_end_read(st);
    }
    server_store_return(r, st);
    if (log_fault) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else if (rc == FW_ERR_INVALID) {
        reply_error(r, 400, "invalid", "body", "%s", err.msg);
    } else if (rc) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else {
        if (stamp && cc.consistent) {
            char b64root[64];
            uint8_t root[32];
            char origin[FW_NOTE_NAME_MAX];
            uint64_t size = 0;
            const char *blank = strstr(stamp->note, "\n\n");
            sodium_bin2base64(b64root, sizeof b64root, stamp->root, 32,
                              sodium_base64_VARIANT_ORIGINAL);
            if (!blank ||
                fw_checkpoint_parse(stamp->note, (size_t)(blank - stamp->note) + 1, origin, &size,
                                    root, NULL) != FW_OK ||
                size != stamp->size || memcmp(root, stamp->root, 32) != 0) {
                cc.consistent = false;
                snprintf(cc.reason, sizeof cc.reason,
                         "the stamp's size or root (%s) is not its signed checkpoint's", b64root);
            }
        }
        reply_json(r, 200, json_pack("{s:b, s:I, s:I, s:s}", "consistent", cc.consistent, "size",
                                     (json_int_t)cc.size, "current_size",
                                     (json_int_t)cc.current_size, "reason", cc.reason));
    }
    free(stamp);
}

#define OVERSIGHT (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD) | R(AUDITOR))
#define CASE_MOVERS (R(ADMIN) | R(SUPERVISOR) | R(INVESTIGATOR) | R(BOARD))

/* ---- for the dashboard ----------------------------------------------------------- */

/* The policies loaded, for choosing one (what-if, reviews). */
static void list_policies(request *r)
{
    const policy_set *ps = server_policies(r);
    json_t *items = json_array();
    size_t i;
    for (i = 0; i < ps->n; i++) {
        const fw_policy *p = ps->items[i].policy;
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:s}", "name",
                             fw_policy_name(p), "version", fw_policy_fullname(p), "title",
                             fw_policy_title(p), "kind", fw_policy_kind(p), "effective",
                             fw_policy_effective(p), "until", fw_policy_until(p), "rules",
                             (json_int_t)fw_policy_nrules(p), "sha256", ps->items[i].sha256));
    }
    reply_json(r, 200, json_pack("{s:o}", "policies", items));
}

/* An incident judged under every adopted policy in effect on its date (or
** the one ?policy= names), computed and not stored: reading findings is not
** a change, so every reader may see them. */
static void incident_findings(request *r)
{
    const policy_set *ps = server_policies(r);
    const char *name = query_arg(r, "policy");
    fw_store *st = request_store(r);
    fw_doc *doc = load_doc(r, st, r->params[0]);
    json_t *reviews;
    fw_review rv;
    fw_error err;
    size_t i;

    server_store_return(r, st);
    if (!doc)
        return;
    reviews = json_array();
    for (i = 0; i < ps->n; i++) {
        const loaded_policy *lp = &ps->items[i];
        if (name ? lp != pick_policy(r, name, doc->occurred_at)
                 : !fw_policy_in_effect(lp->policy, doc->occurred_at))
            continue;
        if (fw_review_run(doc, lp->policy, NULL, NULL, &rv, &err) != FW_OK) {
            json_decref(reviews);
            reply_error(r, 503, "review", NULL, "%s", err.msg);
            goto done;
        }
        json_array_append_new(reviews, fw_review_json(&rv));
        fw_review_release(&rv);
    }
    if (name && json_array_size(reviews) == 0) {
        json_decref(reviews);
        reply_error(r, 400, "invalid", "policy", "no policy %s in effect on %.10s", name,
                    doc->occurred_at);
        goto done;
    }
    reply_json(r, 200, json_pack("{s:s, s:o}", "incident", doc->id, "reviews", reviews));
done:
    fw_doc_free(doc);
}

/* The review queue: cases in one state (or all), oldest incident first, each
** with its deadline. */
typedef struct case_walk {
    request *r;
    fw_store *st;
    const char *state;
    long limit;
    bool more;
    double now;
    json_t *items;
    fw_buf body;
} case_walk;

static int case_row(void *arg, const fw_incident_row *row)
{
    case_walk *w = arg;
    json_t *c = NULL;
    fw_doc *doc = NULL;
    fw_diag diag;
    fw_error err;
    const char *state;
    double due;

    if ((long)json_array_size(w->items) == w->limit) {
        w->more = true;
        return 1;
    }
    fw_buf_reset(&w->body);
    fw_diag_init(&diag, 2);
    if (fw_store_get(w->st, FW_RECORD_CASE, row->id, 0, &w->body, NULL, NULL) == FW_OK) {
        c = json_loadb(w->body.data, w->body.len, 0, NULL);
    } else if (!w->state || strcmp(w->state, "reported") == 0) {
        /* No move yet: "reported", and whether review is mandatory needs the incident. */
        if (fw_store_get(w->st, FW_RECORD_INCIDENT, row->id, row->version, &w->body, NULL,
                         NULL) == FW_OK &&
            fw_doc_parse(w->body.data, w->body.len, NULL, &doc, &diag) == FW_OK)
            fw_case_get(w->st, doc, &c, &err);
    }
    state = json_string_value(json_object_get(c, "state"));
    if (state && (!w->state || strcmp(state, w->state) == 0)) {
        json_object_set_new(c, "agency", json_string(row->agency));
        json_object_set_new(c, "occurred_at", json_string(row->occurred_at));
        json_object_set_new(c, "force_kinds", json_string(row->force_kinds));
        if (fw_case_due(c, row->occurred_at, &due)) {
            char at[32];
            fw_time_format_utc((time_t)due, at, sizeof at);
            json_object_set_new(c, "due", json_string(at));
            json_object_set_new(c, "overdue", json_boolean(due < w->now));
        }
        json_array_append(w->items, c);
    }
    json_decref(c);
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return 0;
}

static void list_cases(request *r)
{
    const char *limit = query_arg(r, "limit");
    fw_list_filter f;
    case_walk w;
    fw_error err;
    char *end;

    memset(&w, 0, sizeof w);
    memset(&f, 0, sizeof f);
    w.r = r;
    w.limit = 100;
    w.state = query_arg(r, "state");
    if (w.state && !fw_case_state_known(w.state)) {
        reply_error(r, 400, "invalid", "state", "unknown case state '%s'", w.state);
        return;
    }
    if (limit) {
        errno = 0;
        w.limit = strtol(limit, &end, 10);
        if (errno || *end || end == limit || w.limit < 1 || w.limit > 1000) {
            reply_error(r, 400, "invalid", "limit", "expected 1 to 1000, not '%s'", limit);
            return;
        }
    }
    f.agency = r->user.agency[0] ? r->user.agency : query_arg(r, "agency");
    w.now = server_now(r);
    w.items = json_array();
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    w.st = request_store(r);
    if (fw_store_list(w.st, &f, case_row, &w, &err) != FW_OK) {
        json_decref(w.items);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    } else {
        reply_json(r, 200, json_pack("{s:o, s:b}", "cases", w.items, "more", w.more));
    }
    server_store_return(r, w.st);
    fw_buf_release(&w.body);
}

const api_route api_routes[] = {
    {"GET", "/healthz", health, ANYONE, "liveness: 200 while the server runs"},
    {"GET", "/metrics", metrics, R(ADMIN) | R(AUDITOR), "metrics in the Prometheus text format"},
    {"POST", "/api/v1/session", sign_in, ANYONE, "sign in: a session cookie and a CSRF token"},
    {"GET", "/api/v1/session", whoami, SIGNED_IN, "who is signed in"},
    {"DELETE", "/api/v1/session", sign_out, SIGNED_IN, "sign out"},
    {"POST", "/api/v1/users", create_user, R(ADMIN), "create a user"},
    {"GET", "/api/v1/users/{name}", get_user, R(ADMIN), "one user"},
    {"POST", "/api/v1/tokens", create_token, SIGNED_IN, "a new API token for the caller"},
    {"DELETE", "/api/v1/tokens/{id}", revoke_token, SIGNED_IN, "revoke a token"},
    {"POST", "/api/v1/incidents", create_incident, WRITERS, "store an incident (a new version if the id exists)"},
    {"GET", "/api/v1/incidents", list_incidents, READERS, "list incidents, with filters and a cursor"},
    {"GET", "/api/v1/incidents/{id}", get_incident, READERS | R(OFFICER), "the latest version of an incident"},
    {"GET", "/api/v1/incidents/{id}/versions", list_versions, READERS, "every stored version"},
    {"GET", "/api/v1/incidents/{id}/versions/{version}", get_version, READERS | R(OFFICER), "one version"},
    {"POST", "/api/v1/incidents/{id}/accounts", add_account, WRITERS | R(OFFICER), "add an account (a statement) to an incident"},
    {"POST", "/api/v1/incidents/{id}/reviews", run_review, CASE_MOVERS, "review an incident under a policy, and store the review"},
    {"GET", "/api/v1/incidents/{id}/reviews/{policy}", get_review, READERS, "a stored review"},
    {"GET", "/api/v1/whatif", what_if, READERS, "how many force applications a policy would flag, by rule"},
    {"GET", "/api/v1/policies", list_policies, READERS, "the policies loaded"},
    {"GET", "/api/v1/incidents/{id}/findings", incident_findings, READERS, "an incident judged under the policies in effect, not stored"},
    {"GET", "/api/v1/cases", list_cases, OVERSIGHT, "the review queue: cases by state, with deadlines"},
    {"GET", "/api/v1/stats", exact_stats, READERS, "incident counts grouped by dimensions, exact"},
    {"GET", "/public/stats", public_stats, ANYONE, "incident counts for the public, small cells suppressed"},
    {"GET", "/api/v1/cases/{id}", get_case, OVERSIGHT, "an incident's review case"},
    {"POST", "/api/v1/cases/{id}/transitions", move_case, CASE_MOVERS, "move a case (finding when closing)"},
    {"GET", "/api/v1/duties", list_duties, OVERSIGHT, "duty items, per incident or officer"},
    {"GET", "/api/v1/officers/{id}/training", get_training, OVERSIGHT, "an officer's training record"},
    {"POST", "/api/v1/officers/{id}/training", add_training, R(ADMIN) | R(SUPERVISOR), "record a completed course"},
    {"GET", "/api/v1/log/checkpoint", checkpoint, ANYONE, "the latest signed checkpoint"},
    {"GET", "/api/v1/log/proof/inclusion", inclusion_proof, ANYONE, "an RFC 9162 inclusion proof"},
    {"GET", "/api/v1/log/proof/consistency", consistency_proof, ANYONE, "an RFC 9162 consistency proof"},
    {"POST", "/api/v1/log/verify", verify_log, ANYONE, "whether a saved checkpoint (or an export's stamp) is a prefix of today's log"},
    {"GET", "/api/v1/export", export_records, READERS, "open-data export (csv, json, nufdc), stamped with the log's checkpoint"},
    {NULL, NULL, NULL, 0, NULL},
};
