/*
** Agency chains read from the store, and the parent check at write
** (agency.h).  Reads only the latest version of each agency record.
*/
#include "store/agency.h"

#include <stdlib.h>
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

/* The (id, parent_id) of every stored agency that has a parent. */
typedef struct parent_pairs {
    char (*id)[65], (*parent)[65];
    size_t n, cap;
    bool nomem;
} parent_pairs;

static int gather_parent(void *arg, const fw_record_row *row)
{
    parent_pairs *pp = arg;
    json_t *root = json_loadb(row->body, row->body_len, 0, NULL);
    const char *parent = json_string_value(json_object_get(root, "parent_id"));
    if (parent && *parent && strlen(row->id) < 65 && strlen(parent) < 65) {
        if (pp->n == pp->cap) {
            size_t cap = pp->cap ? pp->cap * 2 : 64;
            char (*ids)[65] = realloc(pp->id, cap * sizeof *ids);
            char (*parents)[65] = ids ? realloc(pp->parent, cap * sizeof *parents) : NULL;
            if (ids)
                pp->id = ids;
            if (parents)
                pp->parent = parents;
            if (!ids || !parents) {
                pp->nomem = true;
                json_decref(root);
                return 1;
            }
            pp->cap = cap;
        }
        memcpy(pp->id[pp->n], row->id, strlen(row->id) + 1);
        memcpy(pp->parent[pp->n], parent, strlen(parent) + 1);
        pp->n++;
    }
    json_decref(root);
    return 0;
}

/* Re-parenting id (stored, with another parent before) under a parent whose chain
** is above links long: refused if a descendant of id would then have a chain longer
** than FW_AGENCY_CHAIN_MAX, as its chain would be cut short when read. */
static fw_rc check_descendants(fw_store *s, const char *id, const char *parent_id, size_t above,
                               fw_error *err)
{
    fw_agency_chain self;
    parent_pairs pp = {NULL, NULL, 0, 0, false};
    size_t *gen = NULL, g, i, k;
    bool found = true;
    fw_rc rc;

    /* New, or the same parent as stored: no descendants, or their chains unchanged. */
    if ((rc = fw_agency_chain_load(s, id, &self, err)) != FW_OK)
        return rc;
    if (!self.links[0].found || strcmp(self.links[0].parent_id, parent_id) == 0)
        return FW_OK;
    rc = fw_store_latest_scan(s, FW_RECORD_AGENCY, gather_parent, &pp, err);
    if (pp.nomem)
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    if (!rc && pp.n && !(gen = calloc(pp.n, sizeof *gen)))
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    /* gen[i]: how many generations below id agency pp.id[i] is (0: not below it).
    ** A descendant g generations down has a chain of g + 1 + above agencies. */
    for (g = 1; !rc && found && pp.n; g++) {
        found = false;
        for (i = 0; i < pp.n; i++) {
            if (gen[i])
                continue;
            if (g == 1) {
                if (strcmp(pp.parent[i], id) == 0) {
                    gen[i] = 1;
                    found = true;
                }
                continue;
            }
            for (k = 0; k < pp.n; k++)
                if (gen[k] == g - 1 && strcmp(pp.id[k], pp.parent[i]) == 0) {
                    gen[i] = g;
                    found = true;
                    break;
                }
        }
        if (found && g + 1 + above > FW_AGENCY_CHAIN_MAX)
            rc = fw_error_set(err, FW_ERR_INVALID,
                              "parent_id: %s would make the chain of parents of %s's "
                              "descendants longer than %d agencies", parent_id, id,
                              FW_AGENCY_CHAIN_MAX);
    }
    free(gen);
    free(pp.id);
    free(pp.parent);
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
    return check_descendants(s, id, parent_id, chain.n, err);
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
