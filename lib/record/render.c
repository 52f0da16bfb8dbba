/*
** Documents as text for people: the layout of `forcewatch show`, which
** fields come on which line and which are left to their own lines, with
** every other field as a sorted "key=value" list.
*/
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "record/render.h"

#include "base/banned.h"

static void render_value(const json_t *v, fw_buf *out)
{
    if (json_is_string(v))
        fw_buf_adds(out, json_string_value(v));
    else
        fw_canon_write(v, out);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

fw_rc fw_render_attrs(const json_t *obj, const char *const *skip, fw_buf *out)
{
    const char *keys[64], *k;
    json_t *v;
    size_t n = 0, i;

    json_object_foreach((json_t *)obj, k, v) {
        const char *const *s;
        bool skipped = false;
        for (s = skip; *s; s++)
            skipped |= strcmp(*s, k) == 0;
        if (!skipped && n < 64)
            keys[n++] = k;
    }
    qsort(keys, n, sizeof keys[0], key_cmp);
    for (i = 0; i < n; i++) {
        fw_buf_printf(out, " %s=", keys[i]);
        render_value(json_object_get(obj, keys[i]), out);
    }
    return fw_buf_error(out);
}

static void render_parties(const fw_doc *doc, unsigned kind, const char *label, fw_buf *out)
{
    static const char *const skip[] = {"id", NULL};
    size_t i;
    bool first = true;
    for (i = 0; i < doc->nparties; i++) {
        if (doc->parties[i].kind != kind)
            continue;
        fw_buf_printf(out, "%s%s%s", first ? label : ";", first ? "" : " ", doc->parties[i].id);
        fw_render_attrs(doc->parties[i].obj, skip, out);
        first = false;
    }
    if (!first)
        fw_buf_addc(out, '\n');
}

static void render_event(const fw_event *e, fw_buf *out)
{
    static const char *const skip_ev[] = {"t", "type", "actor", "note", NULL};
    const json_t *who = json_object_get(e->obj, "vehicle"), *note;
    if (!who)
        who = json_object_get(e->obj, "person");
    fw_buf_printf(out, "  %8.1f s  %-18s %s", e->t, e->type_name,
                  e->actor ? e->actor : json_is_string(who) ? json_string_value(who) : "-");
    fw_render_attrs(e->obj, skip_ev, out);
    if (!e->type)
        fw_buf_adds(out, "  (type not interpreted)");
    note = json_object_get(e->obj, "note");
    if (note)
        fw_buf_printf(out, "\n             \"%s\"", json_string_value(note));
    fw_buf_addc(out, '\n');
}

/* "agency     NAME (ID[, withdrawn])\n" and its parents, for chain (may be NULL). */
static void render_chain(const char *title, const char *id, const fw_agency_chain *chain,
                         fw_buf *out)
{
    char label[300];
    size_t i;
    if (!chain || !chain->n) {
        fw_buf_printf(out, "%s%s\n", title, id);
        return;
    }
    fw_agency_label(chain, label, sizeof label);
    fw_buf_printf(out, "%s%s\n", title, label);
    for (i = 1; i < chain->n; i++)
        fw_buf_printf(out, "%s %s (%s%s)", i == 1 ? "part of   " : " <", chain->links[i].name,
                      chain->links[i].id, chain->links[i].withdrawn ? ", withdrawn" : "");
    if (chain->n > 1)
        fw_buf_addc(out, '\n');
}

static void render_incident(const fw_doc *doc, const fw_agency_chain *chain, fw_buf *out)
{
    static const char *const skip_top[] = {"id", "agency", "occurred_at", "officers", "subjects",
                                           "vehicles", "accounts", "location", "summary",
                                           "record", NULL};
    static const char *const none[] = {NULL};
    const json_t *loc = json_object_get(doc->root, "location"), *summary;
    size_t i, k;

    fw_buf_printf(out, "occurred   %s\n", doc->occurred_at);
    render_chain("agency     ", doc->agency, chain, out);
    if (loc) {
        fw_buf_adds(out, "location  ");
        fw_render_attrs(loc, none, out);
        fw_buf_addc(out, '\n');
    }
    fw_buf_adds(out, "details   ");
    fw_render_attrs(doc->root, skip_top, out);
    fw_buf_addc(out, '\n');
    render_parties(doc, FW_REF_OFFICER, "officers   ", out);
    render_parties(doc, FW_REF_SUBJECT, "subjects   ", out);
    render_parties(doc, FW_REF_VEHICLE, "vehicles   ", out);
    summary = json_object_get(doc->root, "summary");
    if (summary)
        fw_buf_printf(out, "summary    %s\n", json_string_value(summary));
    for (i = 0; i < doc->naccounts; i++) {
        const fw_account *a = &doc->accounts[i];
        fw_buf_printf(out, "\naccount %s (%s): %s\n", a->id, a->kind, a->source);
        for (k = 0; k < a->nevents; k++)
            render_event(&a->events[k], out);
    }
}

fw_rc fw_render_doc(const fw_doc *doc, fw_buf *out)
{
    return fw_render_doc_chain(doc, NULL, out);
}

fw_rc fw_render_doc_chain(const fw_doc *doc, const fw_agency_chain *chain, fw_buf *out)
{
    static const char *const skip[] = {"id", "record", NULL};
    if (doc->type == FW_RECORD_INCIDENT) {
        render_incident(doc, chain, out);
    } else {
        if (chain && chain->n)
            render_chain("agency     ", doc->id, chain, out);
        fw_buf_adds(out, "details   ");
        fw_render_attrs(doc->root, skip, out);
        fw_buf_addc(out, '\n');
    }
    return fw_buf_error(out);
}
