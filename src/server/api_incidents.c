/*
** API handlers for incidents: storing, listing with a cursor, reading a
** version (through the server's cache of served versions), the version
** history, and adding an account.  Also who may see an incident, and
** loading the latest version for the other handlers.
*/
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "api_int.h"
#include "base/cache.h"
#include "record/canon.h"

void api_create_incident(request *r)
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
    if (!fw_authz_may_see(&r->user, doc)) {
        reply_error(r, 403, "forbidden", "agency", "you may not write incidents of agency %s",
                    doc->agency);
        goto done;
    }
    st = r->store;
    {
        /* Replacing a record needs the right to see the one it replaces. */
        fw_buf prior;
        fw_diag pd;
        fw_doc *old = NULL;
        bool denied = false;
        fw_buf_init(&prior, FW_BUF_UNLIMITED);
        fw_diag_init(&pd, 1);
        if (fw_store_get(st, FW_RECORD_INCIDENT, doc->id, 0, &prior, NULL, NULL) == FW_OK &&
            fw_doc_parse(prior.data, prior.len, NULL, &old, &pd) == FW_OK &&
            !fw_authz_may_see(&r->user, old))
            denied = true;
        fw_doc_free(old);
        fw_diag_release(&pd);
        fw_buf_release(&prior);
        if (denied) {
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

void api_list_incidents(request *r)
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
    st = r->store;
    if (fw_store_list(st, &f, list_row, &ls, &err) != FW_OK) {
        json_decref(ls.items);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        return;
    }
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
    fw_store *st = r->store;
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
    if (!fw_authz_may_see(&r->user, si->doc)) {
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
    fw_cache_release(cache, held);
    if (owned)
        api_served_incident_free(si);
}

void api_get_incident(request *r)
{
    get_incident_version(r, r->params[0], 0);
}

void api_get_version(request *r)
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

void api_list_versions(request *r)
{
    fw_store *st = r->store;
    json_t *items = json_array();
    fw_error err;
    fw_doc *doc = load_doc(r, st, r->params[0]);
    fw_rc rc;
    if (!doc) {
        json_decref(items);
        return;
    }
    fw_doc_free(doc);
    rc = fw_store_history(st, FW_RECORD_INCIDENT, r->params[0], version_row, items, &err);
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

/* The latest version of incident id, or NULL after answering 404/503. */
fw_doc *load_doc(request *r, fw_store *st, const char *id)
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
    else if (!fw_authz_may_see(&r->user, doc)) {
        reply_error(r, 404, "not_found", "id", "no incident with id %s", id);
        fw_doc_free(doc);
        doc = NULL;
    }
    fw_buf_release(&body);
    fw_diag_release(&diag);
    return doc;
}

/* Add an account (a witness statement, an officer's report...) to an
** incident: a new version of the whole incident, validated as a whole. */
void api_add_account(request *r)
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
    st = r->store;
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
    fw_doc_free(doc);
    fw_doc_free(next);
    json_decref(root);
    json_decref(acc);
    fw_diag_release(&diag);
}
