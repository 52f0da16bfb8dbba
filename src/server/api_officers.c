/*
** API handlers for the officer registry: the listing (paged, filtered by
** agency) and one officer's profile (workflow/officers.h, the same the
** command line's `officer show` prints).  Who may see which officer is
** lib/access's (fw_authz_may_see_officer); an officer the user may not see
** is answered as one that does not exist.
*/
#include <string.h>

#include "access/authz.h"
#include "api_int.h"
#include "access/incident_access.h"
#include "store/agency.h"
#include "store/officers.h"
#include "store/page.h"
#include "workflow/officers.h"
#include "base/banned.h"

#define CURSOR_TAG "officer" /* the cursor's first part: the listing is by id alone */

typedef struct list_ctx {
    fw_store *store;
    const fw_user *u;
    json_t *items;
    bool nomem;   /* a row could not be made: the listing is not answered short */
} list_ctx;

static int list_one(void *arg, const fw_doc *o)
{
    list_ctx *c = arg;
    const json_t *root = o->root;
    json_t *row, *v;
    const char *key;
    void *tmp;
    if (!fw_authz_may_see_officer(c->u, o))
        return 0;
    row = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:b}", "id", o->id, "agency",
                    o->agency, "name", json_string_value(json_object_get(root, "name")),
                    "badge", json_string_value(json_object_get(root, "badge")), "rank",
                    json_string_value(json_object_get(root, "rank")), "unit",
                    json_string_value(json_object_get(root, "unit")), "status",
                    json_string_value(json_object_get(root, "status")), "withdrawn",
                    json_is_true(json_object_get(root, "withdrawn")));
    /* Fields the record does not give are left out, not null. */
    json_object_foreach_safe(row, tmp, key, v)
        if (json_is_null(v))
            json_object_del(row, key);
    fw_agency_name_set(c->store, row, o->agency);
    if (!row || json_array_append_new(c->items, row) != 0) {
        c->nomem = true;
        return 1;
    }
    return 0;
}

/*
** An officer user's listing: their own record alone (if it is on this page),
** never more and never a cursor.  The agency asked (if any) is honoured.
*/
static fw_rc list_self(request *r, list_ctx *c, const char *agency, const char *after,
                       fw_error *err)
{
    fw_doc *o = NULL;
    fw_rc rc;
    if (!r->user.officer[0] || (after && strcmp(r->user.officer, after) <= 0))
        return FW_OK;
    rc = fw_officer_get(r->store, r->user.officer, &o, err);
    if (rc == FW_ERR_NOTFOUND)
        return FW_OK;
    if (rc == FW_OK && (!agency || strcmp(o->agency, agency) == 0))
        list_one(c, o);
    fw_doc_free(o);
    return rc;
}

void api_list_officers(request *r)
{
    const char *cursor = query_arg(r, "cursor"), *agency;
    char tag[16], after[80], enc[256];
    fw_error err;
    list_ctx c = {r->store, &r->user, NULL, false};
    bool none, more = false;
    json_t *page;
    long n;

    agency = fw_incident_list_agency(&r->user, query_arg(r, "agency"), &none);
    if (none) {
        reply_json(r, 200, json_pack("{s:[]}", "officers"));
        return;
    }
    if (fw_page_limit(query_arg(r, "limit"), &n, &err) != FW_OK) {
        reply_error(r, 400, "invalid", "limit", "%s", err.msg);
        return;
    }
    if (cursor && (fw_page_cursor_decode(cursor, tag, sizeof tag, after, sizeof after, &err) !=
                       FW_OK ||
                   strcmp(tag, CURSOR_TAG) != 0)) {
        reply_error(r, 400, "invalid", "cursor", "not a cursor of this listing");
        return;
    }
    c.items = json_array();
    if (!c.items) {
        reply_error(r, 503, "store", NULL, "out of memory");
        return;
    }
    /* An officer user sees themself only: counting the agency's other officers
    ** toward the limit would page them out of their own listing. */
    if ((r->user.role == FW_ROLE_OFFICER
             ? list_self(r, &c, agency, cursor ? after : NULL, &err)
             : fw_officer_list(r->store, agency, cursor ? after : NULL, n, list_one, &c, &more,
                               &err)) != FW_OK ||
        c.nomem) {
        json_decref(c.items);
        reply_error(r, 503, "store", NULL, "%s", c.nomem ? "out of memory" : err.msg);
        return;
    }
    page = json_pack("{s:o}", "officers", c.items);
    if (more && json_array_size(c.items) &&
        fw_page_cursor_encode(CURSOR_TAG,
                              json_string_value(json_object_get(
                                  json_array_get(c.items, json_array_size(c.items) - 1), "id")),
                              enc, sizeof enc))
        json_object_set_new(page, "next_cursor", json_string(enc));
    reply_json(r, 200, page);
}

/* Whether the signed-in user (arg) may see doc, for the library's walks. */
static bool visible(void *user, const fw_doc *doc)
{
    return fw_authz_may_see(user, doc);
}

void api_get_officer(request *r)
{
    fw_walk_opts o = {visible, &r->user, false};
    unsigned sections = 0;
    fw_doc *officer = NULL;
    json_t *prof = NULL;
    fw_error err;
    fw_rc rc;

    rc = fw_officer_get(r->store, r->params[0], &officer, &err);
    if (rc == FW_OK && !fw_authz_may_see_officer(&r->user, officer))
        rc = FW_ERR_NOTFOUND;
    /* The sections the user's role may read elsewhere (an officer: neither). */
    if (fw_authz_may(r->user.role, FW_ACTION_READ_REVIEW))
        sections |= FW_PROFILE_FINDINGS;
    if (fw_authz_may(r->user.role, FW_ACTION_READ_DUTIES))
        sections |= FW_PROFILE_DUTIES;
    if (rc == FW_OK)
        rc = fw_officer_profile(r->store, r->params[0], server_policies(r), server_now(r), NULL,
                                &o, sections, &prof, &err);
    if (rc == FW_ERR_NOTFOUND)
        reply_error(r, 404, "not_found", "id", "no registry officer '%s'", r->params[0]);
    else if (rc)
        reply_error(r, 503, "store", NULL, "%s", err.msg);
    else
        reply_json(r, 200, prof);
    fw_doc_free(officer);
}
