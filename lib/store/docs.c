/*
** Records as readers name them: one id looked for among the record types a
** reader may ask for by name, the personal fields an incident's body
** exposes, and the JSON of listing rows and version metadata.
*/
#include <string.h>

#include "base/timeutil.h"
#include "record/schema.h"
#include "store/docs.h"

#include "base/banned.h"

/* The types an id may name, in the order they are tried. */
static const fw_record_type named_types[] = {FW_RECORD_INCIDENT, FW_RECORD_AGENCY,
                                             FW_RECORD_REVIEW, FW_RECORD_ACCESS,
                                             FW_RECORD_OFFICER};
#define NTYPES (sizeof named_types / sizeof named_types[0])

fw_rc fw_store_get_any(fw_store *s, const char *id, int64_t version, fw_buf *body,
                       fw_record_info *info, fw_record_type *type, fw_error *err)
{
    fw_rc rc;
    size_t k;

    *type = FW_RECORD_INCIDENT;
    rc = fw_store_get(s, FW_RECORD_INCIDENT, id, version, body, info, err);
    for (k = 1; rc == FW_ERR_NOTFOUND && k < NTYPES; k++) {
        /* Whether the type holds id at all, then the version asked for. */
        fw_buf_reset(body);
        if (fw_store_get(s, named_types[k], id, 0, body, info, NULL) == FW_OK) {
            *type = named_types[k];
            fw_buf_reset(body);
            return fw_store_get(s, *type, id, version, body, info, err);
        }
    }
    return rc;
}

fw_rc fw_store_history_any(fw_store *s, const char *id, fw_meta_cb cb, void *arg,
                           fw_error *err)
{
    fw_rc rc = fw_store_history(s, FW_RECORD_INCIDENT, id, cb, arg, err);
    size_t k;
    for (k = 1; rc == FW_ERR_NOTFOUND && k < NTYPES; k++)
        rc = fw_store_history(s, named_types[k], id, cb, arg, NULL);
    return rc;
}

fw_rc fw_personal_paths(const char *body, size_t len, fw_buf *paths, size_t *n)
{
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_rc rc = FW_OK;

    *n = 0;
    fw_diag_init(&diag, 2);
    if (fw_doc_parse(body, len, NULL, &doc, &diag) == FW_OK)
        *n = fw_doc_personal_fields(doc, paths);
    if (*n && fw_buf_error(paths) != FW_OK)
        rc = fw_buf_error(paths);
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return rc;
}

fw_rc fw_filter_date_check(const char *value, fw_error *err)
{
    fw_time t;
    if (strlen(value) == 10 && fw_time_parse(value, &t))
        return FW_OK;
    return fw_error_set(err, FW_ERR_INVALID, "needs a date YYYY-MM-DD, not '%s'", value);
}

fw_rc fw_filter_enum_check(const char *enum_name, const char *value, fw_error *err)
{
    const fw_enum *e = fw_enum_find(enum_name);
    fw_buf list;
    fw_rc rc;
    int i;

    if (!e)
        return fw_error_set(err, FW_ERR_USAGE, "no enumeration %s", enum_name);
    if (fw_enum_index(e, value) >= 0)
        return FW_OK;
    fw_buf_init(&list, 4096);
    for (i = 0; e->values[i]; i++)
        fw_buf_printf(&list, "%s%s", i ? ", " : "", e->values[i]);
    rc = fw_error_set(err, FW_ERR_INVALID, "unknown value '%s' (expected one of %s)", value,
                      fw_buf_str(&list));
    fw_buf_release(&list);
    return rc;
}

json_t *fw_incident_row_json(const fw_incident_row *r)
{
    json_t *j = json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s, s:I, s:I}", "id", r->id, "version",
                          (json_int_t)r->version, "agency", r->agency, "occurred_at",
                          r->occurred_at, "encounter", *r->encounter ? r->encounter : NULL,
                          "force_kinds", r->force_kinds, "accounts", (json_int_t)r->naccounts,
                          "events", (json_int_t)r->nevents);
    const char *p = r->other_agencies, *comma;
    json_t *others;

    if (!j || !p || !*p)
        return j;
    others = json_array();
    for (; others; p = comma + 1) {
        comma = strchr(p, ',');
        if (!comma)
            comma = p + strlen(p);
        if (comma > p)
            json_array_append_new(others, json_stringn(p, (size_t)(comma - p)));
        if (!*comma)
            break;
    }
    if (!others || json_object_set_new(j, "other_agencies", others) != 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

json_t *fw_record_meta_json(const fw_record_meta *m)
{
    return json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:s}", "type", m->type, "id", m->id,
                     "version", (json_int_t)m->version, "created_at", m->created_at, "actor",
                     m->actor, "log_seq", (json_int_t)m->log_seq, "sha256", m->sha256);
}
