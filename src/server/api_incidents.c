/*
** API handlers for incidents: storing, listing with a cursor, reading a
** version, the version history, and adding an account.  The rules (who may
** see or write what, the officer's accounts, the served form of a version,
** paging) are lib/access/incident_access.h and lib/store/page.h; this file
** maps their answers to HTTP.
*/
#include <string.h>
#include "api_int.h"
#include "access/incident_access.h"
#include "store/page.h"
#include "store/agency.h"
#include "base/banned.h"

/* The status and error name of a refusal from lib/access/incident_access. */
static void reply_refusal(request *r, fw_rc rc, const char *field, const fw_error *err)
{
    switch (rc) {
    case FW_ERR_NOTFOUND:
        reply_error(r, 404, "not_found", field, "%s", err->msg);
        break;
    case FW_ERR_DENIED:
        reply_error(r, 403, "forbidden", field, "%s", err->msg);
        break;
    case FW_ERR_EXISTS:
        reply_error(r, 409, "exists", field, "%s", err->msg);
        break;
    case FW_ERR_INVALID:   /* of the request when it names a field, else the store's */
        if (field)
            reply_error(r, strcmp(field, "record") && strcmp(field, "officers") ? 400 : 422,
                        "invalid", field, "%s", err->msg);
        else
            reply_error(r, 503, "store", NULL, "%s", err->msg);
        break;
    case FW_ERR_NOMEM:
        reply_error(r, 503, "busy", NULL, "%s", err->msg);
        break;
    case FW_ERR_INTERNAL:
        reply_error(r, 500, "store", NULL, "%s", err->msg);
        break;
    default:
        reply_error(r, 503, "store", NULL, "%s", err->msg);
    }
}

/* The answer to a stored incident: 201 when created. */
static void reply_put(request *r, const fw_put_result *res, const char *id)
{
    reply_json(r, res->action == FW_PUT_CREATED ? 201 : 200,
               json_pack("{s:s, s:I, s:s, s:I}", "id", id, "version", (json_int_t)res->version,
                         "action",
                         res->action == FW_PUT_CREATED   ? "created"
                         : res->action == FW_PUT_UPDATED ? "updated"
                                                         : "unchanged",
                         "log_seq", (json_int_t)res->log_seq));
}

void api_create_incident(request *r)
{
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_put_result res;
    fw_error err;
    const char *field = NULL;
    fw_rc rc;

    fw_diag_init(&diag, 100);
    if (r->body.len == 0)
        reply_error(r, 400, "invalid", "body", "expected an incident document as the body");
    else if (fw_doc_parse(r->body.data, r->body.len, NULL, &doc, &diag) != FW_OK)
        reply_invalid(r, &diag);
    else if ((rc = fw_incident_check_write(r->store, &r->user, doc, &field, &err)) != FW_OK)
        reply_refusal(r, rc, field, &err);
    else if (fw_incident_store(r->store, doc, API_ACTOR, &res, &err) != FW_OK)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_put(r, &res, doc->id);
    fw_doc_free(doc);
    fw_diag_release(&diag);
}

typedef struct list_ctx {
    fw_store *st;
    json_t *items;
} list_ctx;

static int list_row(void *arg, const fw_incident_row *row)
{
    list_ctx *c = arg;
    json_t *j = json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s, s:I, s:I}", "id",
                                         row->id, "version", (json_int_t)row->version, "agency",
                                         row->agency, "occurred_at", row->occurred_at,
                                         "encounter", *row->encounter ? row->encounter : NULL,
                                         "force_kinds", row->force_kinds, "accounts",
                                         (json_int_t)row->naccounts, "events",
                                         (json_int_t)row->nevents);
    fw_agency_name_set(c->st, j, row->agency);
    json_array_append_new(c->items, j);
    return 0;
}

void api_list_incidents(request *r)
{
    fw_list_filter f;
    fw_error err;
    const char *cursor = query_arg(r, "cursor");
    char occ[64], id[80], enc[256];
    list_ctx ctx;
    bool none;
    long n;
    json_t *items, *page;

    memset(&f, 0, sizeof f);
    f.agency = fw_incident_list_agency(&r->user, query_arg(r, "agency"), &none);
    if (none) {
        reply_json(r, 200, json_pack("{s:[]}", "incidents"));
        return;
    }
    f.since = query_arg(r, "since");
    f.until = query_arg(r, "until");
    f.encounter = query_arg(r, "encounter");
    f.force_kind = query_arg(r, "force_kind");
    if (!check_date_arg(r, "since", f.since) || !check_date_arg(r, "until", f.until) ||
        !check_enum_arg(r, "encounter", "encounter", f.encounter) ||
        !check_enum_arg(r, "force_kind", "force_kind", f.force_kind))
        return;
    if (fw_page_limit(query_arg(r, "limit"), &n, &err) != FW_OK) {
        reply_error(r, 400, "invalid", "limit", "%s", err.msg);
        return;
    }
    if (cursor) {
        if (fw_page_cursor_decode(cursor, occ, sizeof occ, id, sizeof id, &err) != FW_OK) {
            reply_error(r, 400, "invalid", "cursor", "%s", err.msg);
            return;
        }
        f.after_occurred = occ;
        f.after_id = id;
    }
    f.limit = n + 1; /* one more tells whether there is a next page */
    items = json_array();
    ctx.st = r->store;
    ctx.items = items;
    if (fw_store_list(r->store, &f, list_row, &ctx, &err) != FW_OK) {
        json_decref(items);
        reply_error(r, 503, "store", NULL, "%s", err.msg);
        return;
    }
    page = json_pack("{s:o}", "incidents", items);
    if ((long)json_array_size(items) > n) {
        json_t *last = json_array_get(items, (size_t)n - 1);
        json_array_remove(items, (size_t)n);
        if (fw_page_cursor_encode(json_string_value(json_object_get(last, "occurred_at")),
                                  json_string_value(json_object_get(last, "id")), enc,
                                  sizeof enc))
            json_object_set_new(page, "next_cursor", json_string(enc));
    }
    reply_json(r, 200, page);
}

static void get_incident_version(request *r, const char *id, int64_t version)
{
    json_t *served;
    char *text;
    const char *field;
    fw_error err;
    fw_rc rc;

    fw_buf_reset(&r->text);
    rc = fw_served_read(server_incident_cache(r), r->store, &r->user, id, version, API_ACTOR,
                        query_arg(r, "reason"), server_clock(), &r->text, &field, &err);
    if (rc != FW_OK) {
        fw_buf_reset(&r->text);
        reply_refusal(r, rc, field, &err);
        return;
    }
    /* The agency's name beside the document (not part of the stored document). */
    served = json_loadb(r->text.data, r->text.len, 0, NULL);
    if (served) {
        fw_agency_name_set(r->store, served,
                           json_string_value(json_object_get(json_object_get(served, "incident"),
                                                             "agency")));
        text = json_dumps(served, JSON_COMPACT | JSON_SORT_KEYS);
        if (text) {
            fw_buf_reset(&r->text);
            fw_buf_adds(&r->text, text);
            free(text);
        }
        json_decref(served);
    }
    r->status = 200;
    r->content_type = "application/json";
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
    json_t *items;
    fw_error err;
    fw_doc *doc = load_doc(r, r->store, r->params[0]);
    fw_rc rc;
    if (!doc)
        return;
    fw_doc_free(doc);
    items = json_array();
    rc = fw_store_history(r->store, FW_RECORD_INCIDENT, r->params[0], version_row, items, &err);
    if (rc) {
        json_decref(items);
        reply_error(r, rc == FW_ERR_NOTFOUND ? 404 : 503, rc == FW_ERR_NOTFOUND ? "not_found" : "store",
                    rc == FW_ERR_NOTFOUND ? "id" : NULL, "%s", err.msg);
    } else {
        reply_json(r, 200, json_pack("{s:s, s:o}", "id", r->params[0], "versions", items));
    }
}

/* The latest version of incident id, or NULL after answering 404/503. */
fw_doc *load_doc(request *r, fw_store *st, const char *id)
{
    fw_doc *doc;
    fw_error err;
    fw_rc rc = fw_incident_load_visible(st, &r->user, id, &doc, &err);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "id", "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    return doc;
}

fw_doc *load_doc_writable(request *r, fw_store *st, const char *id)
{
    fw_doc *doc;
    fw_error err;
    fw_rc rc = fw_incident_load_writable(st, &r->user, id, &doc, &err);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "id", "%s", err.msg);
    else if (rc == FW_ERR_DENIED)
        reply_error(r, 403, "forbidden", "id", "%s", err.msg);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    return doc;
}

/* Add an account (a witness statement, an officer's report...) to an
** incident: a new version of the whole incident, validated as a whole. */
void api_add_account(request *r)
{
    json_t *acc = body_json(r);
    fw_doc *doc = NULL, *next = NULL;
    fw_diag diag;
    fw_put_result res;
    fw_error err;
    const char *field = NULL;
    fw_rc rc;

    if (!acc)
        return;
    fw_diag_init(&diag, 100);
    if (!(doc = load_doc(r, r->store, r->params[0])))
        goto done;
    rc = fw_incident_add_account(doc, &r->user, acc, &next, &diag, &field, &err);
    if (rc == FW_ERR_INVALID)
        reply_invalid(r, &diag);
    else if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "id", "no incident with id %s", r->params[0]);
    else if (rc)
        reply_refusal(r, rc, field, &err);
    else if (fw_incident_store(r->store, next, API_ACTOR, &res, &err) != FW_OK)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 201, json_pack("{s:s, s:I, s:I}", "id", next->id, "version",
                                     (json_int_t)res.version, "accounts",
                                     (json_int_t)next->naccounts));
done:
    fw_doc_free(doc);
    fw_doc_free(next);
    json_decref(acc);
    fw_diag_release(&diag);
}
