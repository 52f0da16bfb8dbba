/*
** API v1 handlers and their route table (see api.h).  Each handler reads
** its request, calls the library, and answers JSON; bad input gets a 4xx
** {error, message, field} and changes nothing.
*/
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "merkle.h"
#include "verify.h"

#define API_ACTOR "api"

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
    st = request_store(r);
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

static void get_incident_version(request *r, const char *id, int64_t version)
{
    fw_store *st = request_store(r);
    fw_buf body, paths;
    fw_record_info info;
    fw_error err;
    fw_diag diag;
    fw_doc *doc = NULL;
    json_t *j;
    fw_rc rc;

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_buf_init(&paths, 1 << 16);
    fw_diag_init(&diag, 2);
    rc = fw_store_get(st, FW_RECORD_INCIDENT, id, version, &body, &info, &err);
    if (rc == FW_ERR_NOTFOUND) {
        reply_error(r, 404, "not_found", "id", "%s", err.msg);
        goto done;
    }
    if (rc) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto done;
    }
    /* Reading personal data is logged first; if it cannot be, it is not shown. */
    if (fw_doc_parse(body.data, body.len, NULL, &doc, &diag) == FW_OK &&
        fw_doc_personal_fields(doc, &paths) > 0 &&
        fw_store_log_access(st, id, info.version, fw_buf_str(&paths), API_ACTOR,
                            query_arg(r, "reason"), &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "the read could not be logged: %s", err.msg);
        goto done;
    }
    j = json_loadb(body.data, body.len, 0, NULL);
    reply_json(r, 200, json_pack("{s:o, s:I, s:I, s:s, s:s, s:s}", "incident", j, "version",
                                 (json_int_t)info.version, "latest", (json_int_t)info.latest,
                                 "sha256", info.sha256, "stored_at", info.created_at,
                                 "stored_by", info.actor));
done:
    server_store_return(r, st);
    fw_doc_free(doc);
    fw_diag_release(&diag);
    fw_buf_release(&body);
    fw_buf_release(&paths);
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
    fw_rc rc = fw_store_history(st, FW_RECORD_INCIDENT, r->params[0], version_row, items, &err);
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

static void proof(request *r, bool inclusion)
{
    fw_store *st = request_store(r);
    fw_hash *hashes = NULL, path[FW_MERKLE_MAX_PROOF];
    uint64_t n = 0, a = 0, b = 0;
    int64_t ck = 0;
    size_t len, i;
    uint8_t r1[32], r2[32];
    fw_error err;
    json_t *arr;

    if (fw_log_hashes(st, &hashes, &n, &err) != FW_OK) {
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        goto done;
    }
    if (fw_store_checkpoint(st, &ck, NULL, &err) == FW_OK)
        b = (uint64_t)ck;
    else
        b = n;
    if (inclusion) {
        if (!u64_arg(r, "seq", &a, true) || !u64_arg(r, "size", &b, false))
            goto done;
        if (b > n || a >= b) {
            reply_error(r, 404, "not_found", "seq", "no leaf %llu in a tree of size %llu",
                        (unsigned long long)a, (unsigned long long)b);
            goto done;
        }
        fw_merkle_inclusion_proof(hashes, b, a, path, &len);
        fw_merkle_root(hashes, b, r1);
        arr = json_array();
        for (i = 0; i < len; i++)
            json_array_append_new(arr, b64(path[i]));
        reply_json(r, 200, json_pack("{s:I, s:I, s:o, s:o, s:o}", "leaf_index", (json_int_t)a,
                                     "tree_size", (json_int_t)b, "leaf_hash", b64(hashes[a]),
                                     "root_hash", b64(r1), "proof", arr));
    } else {
        if (!u64_arg(r, "old", &a, true) || !u64_arg(r, "new", &b, false))
            goto done;
        if (a == 0 || a > b || b > n) {
            reply_error(r, 400, "invalid", "old", "need 0 < old <= new <= %llu",
                        (unsigned long long)n);
            goto done;
        }
        fw_merkle_consistency_proof(hashes, b, a, path, &len);
        fw_merkle_root(hashes, a, r1);
        fw_merkle_root(hashes, b, r2);
        arr = json_array();
        for (i = 0; i < len; i++)
            json_array_append_new(arr, b64(path[i]));
        reply_json(r, 200, json_pack("{s:I, s:I, s:o, s:o, s:o}", "old_size", (json_int_t)a,
                                     "new_size", (json_int_t)b, "old_root", b64(r1), "new_root",
                                     b64(r2), "proof", arr));
    }
done:
    free(hashes);
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

const api_route api_routes[] = {
    {"GET", "/healthz", health, "liveness: 200 while the server runs"},
    {"GET", "/metrics", metrics, "metrics in the Prometheus text format"},
    {"POST", "/api/v1/incidents", create_incident, "store an incident (a new version if the id exists)"},
    {"GET", "/api/v1/incidents", list_incidents, "list incidents, with filters and a cursor"},
    {"GET", "/api/v1/incidents/{id}", get_incident, "the latest version of an incident"},
    {"GET", "/api/v1/incidents/{id}/versions", list_versions, "every stored version"},
    {"GET", "/api/v1/incidents/{id}/versions/{version}", get_version, "one version"},
    {"GET", "/api/v1/log/checkpoint", checkpoint, "the latest signed checkpoint"},
    {"GET", "/api/v1/log/proof/inclusion", inclusion_proof, "an RFC 9162 inclusion proof"},
    {"GET", "/api/v1/log/proof/consistency", consistency_proof, "an RFC 9162 consistency proof"},
    {NULL, NULL, NULL, NULL},
};
