/*
** Agency chains read from the store, and the parent check at write
** (agency.h).  Reads only the latest version of each agency record.
*/
#include "store/agency.h"

#include <string.h>

#include "base/buf.h"
#include "base/banned.h"

/* Read agency id into *link: found false if it is not stored. */
static fw_rc load_link(fw_store *s, const char *id, fw_buf *body, fw_agency_link *link,
                       fw_error *err)
{
    json_t *root;
    fw_rc rc;

    fw_buf_reset(body);
    rc = fw_store_get(s, FW_RECORD_AGENCY, id, 0, body, NULL, err);
    if (rc == FW_ERR_NOTFOUND) {
        fw_error_clear(err);
        fw_agency_link_from_json(NULL, id, link);
        return FW_OK;
    }
    if (rc != FW_OK)
        return rc;
    root = json_loadb(body->data, body->len, 0, NULL);
    if (!root)
        return fw_error_set(err, FW_ERR_STORE, "stored agency %s is not JSON", id);
    fw_agency_link_from_json(root, id, link);
    json_decref(root);
    return FW_OK;
}

static bool in_chain(const fw_agency_chain *c, const char *id)
{
    size_t i;
    for (i = 0; i < c->n; i++)
        if (strcmp(c->links[i].id, id) == 0)
            return true;
    return false;
}

fw_rc fw_agency_chain_load(fw_store *s, const char *id, fw_agency_chain *out, fw_error *err)
{
    fw_buf body;
    const char *next = id;
    fw_rc rc = FW_OK;

    out->n = 0;
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    while (next && *next && out->n < FW_AGENCY_CHAIN_MAX && !in_chain(out, next)) {
        fw_agency_link *l = &out->links[out->n];
        if ((rc = load_link(s, next, &body, l, err)) != FW_OK)
            break;
        out->n++;
        next = l->found ? l->parent_id : NULL;
    }
    fw_buf_release(&body);
    return rc;
}

fw_rc fw_agency_check_parent(fw_store *s, const char *id, const char *parent_id, fw_error *err)
{
    fw_agency_chain chain;
    fw_rc rc;
    size_t i;

    if (!parent_id || !*parent_id)
        return FW_OK;
    if (strcmp(parent_id, id) == 0)
        return fw_error_set(err, FW_ERR_INVALID, "parent_id: agency %s cannot be its own parent",
                            id);
    if ((rc = fw_agency_chain_load(s, parent_id, &chain, err)) != FW_OK)
        return rc;
    if (!chain.links[0].found)
        return fw_error_set(err, FW_ERR_INVALID, "parent_id: no agency record %s is stored",
                            parent_id);
    for (i = 0; i < chain.n; i++)
        if (strcmp(chain.links[i].id, id) == 0)
            return fw_error_set(err, FW_ERR_INVALID,
                                "parent_id: %s would make a cycle: %s is already an ancestor "
                                "of %s", parent_id, id, parent_id);
    if (chain.n >= FW_AGENCY_CHAIN_MAX)
        return fw_error_set(err, FW_ERR_INVALID,
                            "parent_id: the chain of parents above %s would be longer than %d "
                            "agencies", id, FW_AGENCY_CHAIN_MAX);
    return FW_OK;
}

void fw_agency_name_set(fw_store *s, json_t *j, const char *id)
{
    fw_agency_chain chain;
    fw_error err;
    if (!j || !id || fw_agency_chain_load(s, id, &chain, &err) != FW_OK || !chain.links[0].found)
        return;
    json_object_set_new(j, "agency_name", json_string(chain.links[0].name));
    if (chain.links[0].withdrawn)
        json_object_set_new(j, "agency_withdrawn", json_true());
}
