/*
** Agency records read as links of a chain, their own checks, and the
** adoption rule (agency.h).  Pure.
*/
#include "record/agency.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/banned.h"

static void copy(char *dst, size_t n, const json_t *v)
{
    const char *s = json_string_value(v);
    size_t len = s ? strlen(s) : 0;
    if (len >= n)
        len = n - 1;
    if (len)
        memcpy(dst, s, len);
    dst[len] = '\0';
}

void fw_agency_link_from_json(const json_t *root, const char *id, fw_agency_link *out)
{
    const json_t *adopts = json_object_get(root, "adopts");
    size_t i;

    memset(out, 0, sizeof *out);
    if (id)
        fw_strlcpy(out->id, id, sizeof out->id);
    if (!root)
        return;
    out->found = true;
    copy(out->name, sizeof out->name, json_object_get(root, "name"));
    copy(out->type, sizeof out->type, json_object_get(root, "type"));
    copy(out->parent_id, sizeof out->parent_id, json_object_get(root, "parent_id"));
    out->withdrawn = json_is_true(json_object_get(root, "withdrawn"));
    for (i = 0; i < json_array_size(adopts) && out->nadopts < FW_AGENCY_ADOPTS_MAX; i++) {
        const json_t *a = json_array_get(adopts, i);
        fw_adoption *d = &out->adopts[out->nadopts++];
        copy(d->policy, sizeof d->policy, json_object_get(a, "policy"));
        copy(d->from, sizeof d->from, json_object_get(a, "from"));
        copy(d->to, sizeof d->to, json_object_get(a, "to"));
    }
}

size_t fw_agency_check(const json_t *root, fw_diag *diag)
{
    const char *id = json_string_value(json_object_get(root, "id"));
    const char *parent = json_string_value(json_object_get(root, "parent_id"));
    const json_t *adopts = json_object_get(root, "adopts");
    size_t i, errors = 0;

    if (id && parent && strcmp(id, parent) == 0) {
        fw_diag_add(diag, "parent_id: agency %s cannot be its own parent", id);
        errors++;
    }
    for (i = 0; i < json_array_size(adopts); i++) {
        const json_t *a = json_array_get(adopts, i);
        const char *from = json_string_value(json_object_get(a, "from"));
        const char *to = json_string_value(json_object_get(a, "to"));
        if (from && to && strncmp(to, from, 10) < 0) {
            fw_diag_add(diag, "adopts[%zu].to: %.10s is before its from, %.10s", i, to, from);
            errors++;
        }
    }
    return errors;
}

static bool names(const char *adopted, const char *family, const char *fullname)
{
    return strcmp(adopted, family) == 0 || (fullname && strcmp(adopted, fullname) == 0);
}

bool fw_agency_chain_adopted(const fw_agency_chain *chain, const char *family,
                             const char *fullname, const char *date)
{
    size_t i, k;
    if (!chain || !date)
        return false;
    for (i = 0; i < chain->n; i++)
        for (k = 0; k < chain->links[i].nadopts; k++) {
            const fw_adoption *a = &chain->links[i].adopts[k];
            if (!names(a->policy, family, fullname) || strncmp(date, a->from, 10) < 0)
                continue;
            if (a->to[0] && strncmp(date, a->to, 10) > 0)
                continue;
            return true;
        }
    return false;
}

void fw_agency_label(const fw_agency_chain *chain, char *out, size_t n)
{
    const fw_agency_link *l;
    if (!n)
        return;
    out[0] = '\0';
    if (!chain || !chain->n)
        return;
    l = &chain->links[0];
    if (!l->found)
        fw_strlcpy(out, l->id, n);
    else
        snprintf(out, n, "%s (%s%s)", l->name, l->id, l->withdrawn ? ", withdrawn" : "");
}
