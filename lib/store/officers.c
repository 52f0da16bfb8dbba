/*
** The officer registry as stored (see officers.h): one officer read, the
** officers listed, and the rule for an incident's links to them.
*/
#define _GNU_SOURCE /* memmem */
#include "store/officers.h"

#include <string.h>

#include "base/banned.h"

fw_rc fw_officer_get(fw_store *s, const char *id, fw_doc **out, fw_error *err)
{
    fw_buf body;
    fw_diag diag;
    fw_rc rc;

    *out = NULL;
    fw_buf_init(&body, FW_MAX_DOC_BYTES);
    fw_diag_init(&diag, 1);
    rc = fw_store_get(s, FW_RECORD_OFFICER, id, 0, &body, NULL, err);
    if (rc == FW_ERR_NOTFOUND) {
        rc = fw_error_set(err, FW_ERR_NOTFOUND, "no registry officer '%s'", id);
        goto done;
    }
    if (rc)
        goto done;
    if (fw_doc_parse(body.data, body.len, NULL, out, &diag) != FW_OK ||
        (*out)->type != FW_RECORD_OFFICER) {
        fw_doc_free(*out);
        *out = NULL;
        rc = fw_error_set(err, FW_ERR_INTERNAL, "stored officer '%s' does not validate", id);
    }
done:
    fw_diag_release(&diag);
    fw_buf_release(&body);
    return rc;
}

/* Whether agency is doc's agency or one of its other_agencies. */
static bool incident_has_agency(const fw_doc *doc, const char *agency)
{
    const json_t *others = json_object_get(doc->root, "other_agencies");
    size_t i;
    if (doc->agency && strcmp(doc->agency, agency) == 0)
        return true;
    for (i = 0; i < json_array_size(others); i++) {
        const char *a = json_string_value(json_array_get(others, i));
        if (a && strcmp(a, agency) == 0)
            return true;
    }
    return false;
}

fw_rc fw_officer_links_check(fw_store *s, const fw_doc *doc, fw_error *err)
{
    size_t i;
    fw_rc rc = FW_OK;

    if (doc->type != FW_RECORD_INCIDENT)
        return FW_OK;
    for (i = 0; i < doc->nofficers && !rc; i++) {
        const char *reg = fw_doc_party_registry(&doc->parties[i]);
        fw_doc *o = NULL;
        fw_error gerr;
        if (!reg)
            continue;
        rc = fw_officer_get(s, reg, &o, &gerr);
        if (rc == FW_OK && !incident_has_agency(doc, o->agency))
            rc = FW_ERR_NOTFOUND;
        if (rc == FW_ERR_NOTFOUND)
            rc = fw_error_set(err, FW_ERR_INVALID,
                              "officers[%zu].registry: '%s' is not a registry officer of "
                              "agency %s or its other_agencies",
                              i, reg, doc->agency);
        else if (rc)
            rc = fw_error_set(err, rc, "officers[%zu].registry: %s", i, gerr.msg);
        fw_doc_free(o);
    }
    return rc;
}

fw_rc fw_officer_links_check_body(fw_store *s, const char *body, size_t len, fw_error *err)
{
    static const char needle[] = "\"registry\"";
    fw_doc *doc = NULL;
    fw_diag diag;
    fw_rc rc;

    if (!memmem(body, len, needle, sizeof needle - 1))
        return FW_OK;
    fw_diag_init(&diag, 1);
    rc = fw_doc_parse(body, len, NULL, &doc, &diag);
    if (rc == FW_OK)
        rc = fw_officer_links_check(s, doc, err);
    else /* prepared from a valid document: cannot happen */
        rc = fw_error_set(err, FW_ERR_INTERNAL, "a prepared incident does not validate");
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return rc;
}

typedef struct list_ctx {
    fw_store *s;
    const char *agency, *after;
    int64_t limit, seen;
    fw_officer_cb cb;
    void *arg;
    bool more, stopped;
    fw_rc rc;
} list_ctx;

static int list_row(void *arg, const fw_record_row *row)
{
    list_ctx *c = arg;
    fw_doc *doc = NULL;
    fw_diag diag;
    int stop = 0;

    if (c->after && strcmp(row->id, c->after) <= 0)
        return 0;
    fw_diag_init(&diag, 1);
    if (fw_doc_parse(row->body, row->body_len, NULL, &doc, &diag) != FW_OK ||
        doc->type != FW_RECORD_OFFICER) {
        fw_diag_release(&diag);
        fw_doc_free(doc);
        c->rc = FW_ERR_INTERNAL;
        return 1;
    }
    fw_diag_release(&diag);
    if (c->agency && strcmp(doc->agency, c->agency) != 0)
        goto done;
    if (c->limit && c->seen >= c->limit) {
        c->more = true;
        stop = 1;
        goto done;
    }
    c->seen++;
    if (c->cb(c->arg, doc)) {
        c->stopped = true;
        stop = 1;
    }
done:
    fw_doc_free(doc);
    return stop;
}

fw_rc fw_officer_list(fw_store *s, const char *agency, const char *after, int64_t limit,
                      fw_officer_cb cb, void *arg, bool *more, fw_error *err)
{
    list_ctx c;
    fw_rc rc;

    memset(&c, 0, sizeof c);
    c.s = s;
    c.agency = agency;
    c.after = after;
    c.limit = limit;
    c.cb = cb;
    c.arg = arg;
    rc = fw_store_latest_scan(s, FW_RECORD_OFFICER, list_row, &c, err);
    if (c.rc == FW_ERR_INTERNAL)
        rc = fw_error_set(err, FW_ERR_INTERNAL, "a stored officer does not validate");
    else if (c.more || c.stopped)
        rc = FW_OK;
    if (more)
        *more = c.more;
    return rc;
}
