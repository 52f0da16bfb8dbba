/*
** What a user may read and write of incidents in a store (see
** incident_access.h): visibility through access/authz, the checks before
** a write, the officer's rules for adding an account, and the served form
** of a stored version, built once per version and cached.
*/
#include "access/incident_access.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/authz.h"
#include "record/canon.h"
#include "store/officers.h"
#include "base/banned.h"

#define SET_FIELD(f) do { if (field) *field = (f); } while (0)

fw_rc fw_incident_load_visible(fw_store *st, const fw_user *u, const char *id, fw_doc **out,
                               fw_error *err)
{
    fw_buf body;
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_rc rc;

    *out = NULL;
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_diag_init(&diag, 2);
    rc = fw_store_get(st, FW_RECORD_INCIDENT, id, 0, &body, NULL, err);
    if (rc == FW_ERR_NOTFOUND)
        goto done;
    if (rc || fw_doc_parse(body.data, body.len, NULL, &doc, &diag) != FW_OK) {
        rc = fw_error_set(err, FW_ERR_STORE, "cannot read incident %s", id);
        goto done;
    }
    if (!fw_authz_may_see(u, doc)) {
        fw_doc_free(doc);
        rc = fw_error_set(err, FW_ERR_NOTFOUND, "no incident with id %s", id);
        goto done;
    }
    *out = doc;
done:
    fw_buf_release(&body);
    fw_diag_release(&diag);
    return rc;
}

fw_rc fw_incident_load_writable(fw_store *st, const fw_user *u, const char *id, fw_doc **out,
                                fw_error *err)
{
    fw_rc rc = fw_incident_load_visible(st, u, id, out, err);
    if (rc != FW_OK)
        return rc;
    if (fw_authz_check_write(u, *out, NULL) != FW_OK) {
        fw_doc_free(*out);
        *out = NULL;
        return fw_error_set(err, FW_ERR_DENIED, "you may not change incident %s of agency %s",
                            id, u->agency);
    }
    return FW_OK;
}

fw_rc fw_incident_check_write(fw_store *st, const fw_user *u, const fw_doc *doc,
                              const char **field, fw_error *err)
{
    fw_buf prior;
    fw_diag pd;
    fw_doc *old = NULL;
    fw_rc rc = FW_OK;

    if (doc->type != FW_RECORD_INCIDENT) {
        SET_FIELD("record");
        return fw_error_set(err, FW_ERR_INVALID, "this route takes incidents");
    }
    /* The new document first, so that the answer says nothing of what is stored. */
    if (fw_authz_check_write(u, NULL, doc) != FW_OK) {
        SET_FIELD("agency");
        return fw_error_set(err, FW_ERR_DENIED, "you may not write incidents of agency %s",
                            doc->agency);
    }
    /* Links to registry officers: the store checks them too; here they are named. */
    if ((rc = fw_officer_links_check(st, doc, err)) != FW_OK) {
        SET_FIELD("officers");
        return rc;
    }
    /* Replacing a record needs the right to write the one it replaces; one the
    ** user may not see is answered as a read of it is: not found. */
    fw_buf_init(&prior, FW_BUF_UNLIMITED);
    fw_diag_init(&pd, 1);
    if (fw_store_get(st, FW_RECORD_INCIDENT, doc->id, 0, &prior, NULL, NULL) == FW_OK &&
        fw_doc_parse(prior.data, prior.len, NULL, &old, &pd) == FW_OK) {
        rc = fw_authz_check_write(u, old, NULL);
        if (rc != FW_OK)
            SET_FIELD("id");
        if (rc == FW_ERR_NOTFOUND)
            fw_error_set(err, rc, "no incident with id %s", doc->id);
        else if (rc != FW_OK)
            fw_error_set(err, rc, "you may not replace incident %s", doc->id);
    }
    fw_doc_free(old);
    fw_diag_release(&pd);
    fw_buf_release(&prior);
    return rc;
}

fw_rc fw_incident_store(fw_store *st, const fw_doc *doc, const char *actor,
                        fw_put_result *res, fw_error *err)
{
    fw_rc rc;
    if ((rc = fw_store_begin(st, err)) != FW_OK)
        goto fail;
    if ((rc = fw_store_put(st, doc, actor, res, err)) != FW_OK ||
        (rc = fw_store_commit(st, err)) != FW_OK)
        goto fail;
    return FW_OK;
fail:
    fw_store_rollback(st);
    return rc;
}

fw_rc fw_incident_add_account(const fw_doc *doc, const fw_user *u, json_t *acc, fw_doc **next,
                              fw_diag *diag, const char **field, fw_error *err)
{
    const char *author = json_string_value(json_object_get(acc, "author"));
    const char *kind = json_string_value(json_object_get(acc, "kind"));
    json_t *root = NULL, *accounts;
    fw_rc rc = FW_OK;
    size_t i;

    *next = NULL;
    if (u->role != FW_ROLE_OFFICER && fw_authz_check_write(u, doc, NULL) != FW_OK) {
        /* An account is a new version of the incident: a write of it. */
        SET_FIELD("id");
        return fw_error_set(err, FW_ERR_DENIED, "you may not change incident %s of agency %s",
                            doc->id, u->agency);
    }
    if (u->role == FW_ROLE_OFFICER) {
        /* Officers file their own statements, on incidents they were part of. */
        const fw_party *p = u->officer[0] ? fw_doc_officer_linked(doc, u->officer) : NULL;
        if (!p) {
            SET_FIELD("id");
            return fw_error_set(err, FW_ERR_NOTFOUND, "no incident with id %s", doc->id);
        }
        /* The author is the incident's officer linked to them: their label in this incident. */
        if (!author || strcmp(author, p->id) != 0) {
            SET_FIELD("author");
            return fw_error_set(err, FW_ERR_DENIED,
                                "officers file only their own statements (author %s)", p->id);
        }
        if (!kind || (strcmp(kind, "officer_report") && strcmp(kind, "witness_officer_statement"))) {
            SET_FIELD("kind");
            return fw_error_set(err, FW_ERR_DENIED, "officers file officer_report or "
                                                    "witness_officer_statement accounts");
        }
    }
    root = json_deep_copy(doc->root);
    accounts = json_object_get(root, "accounts");
    for (i = 0; i < json_array_size(accounts); i++)
        if (json_equal(json_object_get(json_array_get(accounts, i), "id"),
                       json_object_get(acc, "id"))) {
            SET_FIELD("id");
            rc = fw_error_set(err, FW_ERR_EXISTS, "the incident already has an account with that id");
            goto done;
        }
    json_array_append(accounts, acc);
    if (fw_doc_from_json(root, NULL, next, diag) != FW_OK) {
        SET_FIELD(NULL);
        rc = fw_error_set(err, FW_ERR_INVALID, "%s", diag->n ? diag->msgs[0] : "invalid document");
    }
done:
    json_decref(root);
    return rc;
}

const char *fw_incident_list_agency(const fw_user *u, const char *asked, bool *none)
{
    *none = false;
    /* A user who belongs to an agency sees that agency's incidents only. */
    if (!u->agency[0])
        return asked;
    if (asked && strcmp(asked, u->agency) != 0)
        *none = true;
    return u->agency;
}

/* ---- served versions ------------------------------------------------------ */

/*
** A stored incident version as served: parsed for the visibility checks,
** serialized whole and de-identified, its personal fields listed.  Only
** which version is the latest is asked of the store on every read.
*/
typedef struct served {
    fw_doc *doc;
    char *full, *deid;         /* the "incident" member of the answer */
    char *paths;               /* personal fields, comma-separated */
    size_t npersonal;
    fw_record_info info;       /* of this version (its "latest" is not used) */
} served;

static void served_free(void *p)
{
    served *si = p;
    if (!si)
        return;
    fw_doc_free(si->doc);
    free(si->full);
    free(si->deid);
    free(si->paths);
    free(si);
}

fw_cache *fw_served_cache_new(size_t slots, size_t max_cost)
{
    return fw_cache_new(slots, max_cost, served_free);
}

#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17))

/* The served form of version of incident id into *out, and its cost. */
static fw_rc load_served(fw_store *st, const char *id, int64_t version, served **out,
                         size_t *cost, fw_error *err)
{
    served *si = calloc(1, sizeof *si);
    fw_buf body, paths;
    fw_diag diag;
    json_t *j = NULL, *deid = NULL;
    fw_rc rc;

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_buf_init(&paths, 1 << 16);
    fw_diag_init(&diag, 2);
    if (!si) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    rc = fw_store_get(st, FW_RECORD_INCIDENT, id, version, &body, &si->info, err);
    if (rc)
        goto done;
    if (fw_doc_parse(body.data, body.len, NULL, &si->doc, &diag) != FW_OK) {
        rc = fw_error_set(err, FW_ERR_INTERNAL, "stored incident %s no longer validates", id);
        goto done;
    }
    j = json_loadb(body.data, body.len, 0, NULL);
    deid = json_deep_copy(j);
    fw_incident_deidentify(deid);
    si->npersonal = fw_doc_personal_fields(si->doc, &paths);
    si->full = j ? json_dumps(j, DUMP_FLAGS) : NULL;
    si->deid = deid ? json_dumps(deid, DUMP_FLAGS) : NULL;
    si->paths = fw_buf_detach(&paths);
    if (!si->full || !si->deid || (!si->paths && si->npersonal)) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* The parsed document is about ten times its bytes. */
    *cost = sizeof *si + 10 * body.len + strlen(si->full) + strlen(si->deid) +
            (si->paths ? strlen(si->paths) : 0);
    *out = si;
    si = NULL;
done:
    served_free(si);
    json_decref(j);
    json_decref(deid);
    fw_diag_release(&diag);
    fw_buf_release(&body);
    fw_buf_release(&paths);
    return rc;
}

fw_rc fw_served_read(fw_cache *cache, fw_store *st, const fw_user *u, const char *id,
                     int64_t version, const char *actor, const char *reason, double now,
                     fw_buf *out, const char **field, fw_error *err)
{
    fw_cache_entry *held = NULL;
    served *si = NULL;
    bool owned = false;
    char key[256], head_sha[65];
    int keylen;
    int64_t latest, asked = version;
    size_t cost = 0;
    fw_rc rc;

    SET_FIELD(NULL);
    rc = fw_store_head(st, FW_RECORD_INCIDENT, id, &latest, head_sha, err);
    if (rc == FW_ERR_NOTFOUND) {
        SET_FIELD("id");
        rc = fw_error_set(err, rc, "no incident with id %s", id);
        goto done;
    }
    if (rc)
        goto done;
    /* A version past the latest is told apart from a missing incident only
    ** to those who may see the incident: so load the latest to ask. */
    if (version == 0 || version > latest)
        version = latest;
    keylen = snprintf(key, sizeof key, "%s%c%lld", id, 0, (long long)version);
    if (!cache || keylen <= 0 || (size_t)keylen >= sizeof key)
        keylen = 0;
    if (keylen)
        si = fw_cache_get(cache, key, (size_t)keylen, now, &held);
    if (si && version == latest && strcmp(si->info.sha256, head_sha) != 0) {
        fw_cache_release(cache, held); /* not what the store holds: build it again */
        held = NULL;
        si = NULL;
    }
    if (!si) {
        if ((rc = load_served(st, id, version, &si, &cost, err)) != FW_OK) {
            if (rc == FW_ERR_NOTFOUND)
                SET_FIELD("id");
            goto done;
        }
        owned = !(keylen && fw_cache_put(cache, key, (size_t)keylen, si, cost, INFINITY, now,
                                         &held));
    }
    if (!fw_authz_may_see(u, si->doc)) {
        SET_FIELD("id");
        rc = fw_error_set(err, FW_ERR_NOTFOUND, "no incident with id %s", id);
        goto done;
    }
    if (asked > latest) {
        SET_FIELD("version");
        rc = fw_error_set(err, FW_ERR_NOTFOUND, "incident %s has no version %lld", id,
                          (long long)asked);
        goto done;
    }
    /* Reading personal data is logged first; if it cannot be, it is not shown. */
    if (u->role != FW_ROLE_ANALYST && si->npersonal > 0 &&
        (rc = fw_store_log_access(st, id, si->info.version, si->paths, actor, reason, err)) !=
            FW_OK) {
        if (rc == FW_ERR_INVALID)
            SET_FIELD("reason");
        else {
            char why[FW_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err->msg);
            rc = fw_error_set(err, FW_ERR_STORE, "the read could not be logged: %s", why);
        }
        goto done;
    }
    /* The answer, in the order JSON_SORT_KEYS gives the other routes'. */
    {
        const char *incident = u->role == FW_ROLE_ANALYST ? si->deid : si->full;
        size_t n = strlen(incident);
        fw_buf_reserve(out, n + 512);
        fw_buf_adds(out, "{\"incident\":");
        fw_buf_add(out, incident, n);
    }
    fw_buf_printf(out, ",\"latest\":%lld,\"sha256\":", (long long)latest);
    fw_canon_string(si->info.sha256, strlen(si->info.sha256), out);
    fw_buf_adds(out, ",\"stored_at\":");
    fw_canon_string(si->info.created_at, strlen(si->info.created_at), out);
    fw_buf_adds(out, ",\"stored_by\":");
    fw_canon_string(si->info.actor, strlen(si->info.actor), out);
    if (fw_buf_printf(out, ",\"version\":%lld}", (long long)si->info.version) != FW_OK)
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
done:
    if (cache)
        fw_cache_release(cache, held);
    if (owned)
        served_free(si);
    return rc;
}
