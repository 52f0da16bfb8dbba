/*
** Open-data export (see export.h and docs/export.md).  The column sets are
** built from the schema tables when a layout is made: the CSV layout walks
** every incident field (objects flattened as "location.city", party lists
** as positional ';'-joined columns "subjects.sex"), the NUFDC layout keeps
** the fields that name an FBI data-collection element, under that name.
** Verifying an export is export_verify.c's.
*/
#include "data/export.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record/canon.h"
#include "data/csv.h"
#include "base/clock.h"
#include "base/timeutil.h"
#include "base/str.h"

#include "base/banned.h"

#define MAX_COLS 160

/* ---- formats -------------------------------------------------------------- */

static const char *const format_names[] = {"csv", "json", "nufdc"};

const char *fw_export_format_name(fw_export_format f)
{
    return (unsigned)f < 3 ? format_names[f] : "csv";
}

int fw_export_format_parse(const char *name)
{
    int i;
    for (i = 0; name && i < 3; i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

/* ---- layouts -------------------------------------------------------------- */

typedef enum col_kind {
    COL_FIELD,       /* a field of the incident, or of its object `parent` */
    COL_PARTY_LIST,  /* a field of every item of the list `parent`, ';'-joined */
    COL_COUNT,       /* how many items the list `parent` has */
    COL_EVENTS,      /* events in every account */
    COL_FORCE_KINDS, /* distinct force kinds of every account */
    COL_PARTY_FIELD, /* NUFDC party tables: a field of the party */
    COL_PARTY_EVENT, /* NUFDC party tables: an event field, over events naming the party */
    COL_PARTY_ID,
    COL_AGENCY
} col_kind;

typedef struct col {
    char name[96];
    col_kind kind;
    const fw_field *parent;      /* the object or list field holding f, or NULL */
    const fw_field *f;
    const fw_event_type *et;     /* COL_PARTY_EVENT */
    bool personal;
} col;

typedef struct export_table {
    const char *name;
    unsigned party;              /* 0 for incident tables, else FW_REF_SUBJECT/_OFFICER */
    const char *list;            /* "subjects", "officers" */
    col cols[MAX_COLS];
    size_t ncols;
} export_table;

struct fw_export_layout {
    fw_export_format format;
    bool deidentify;
    export_table tables[3];
    size_t ntables;
};

static bool scalar(fw_ftype t)
{
    return t != FW_F_OBJECT && t != FW_F_OBJECT_LIST;
}

static col *add_col(export_table *t, col_kind kind, const char *name, const fw_field *parent,
                    const fw_field *f)
{
    col *c;
    if (t->ncols == MAX_COLS)
        return NULL;
    c = &t->cols[t->ncols++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->kind = kind;
    c->parent = parent;
    c->f = f;
    c->personal = (f && (f->flags & FW_PERSONAL)) || (parent && (parent->flags & FW_PERSONAL));
    return c;
}

/* The CSV layout: every field, in the schema's order. */
static void csv_layout(fw_export_layout *l, export_table *t)
{
    const fw_object *inc = &fw_schema_incident;
    char name[96];
    size_t i, k;

    t->name = "incidents";
    for (i = 0; i < inc->nfields; i++) {
        const fw_field *f = &inc->fields[i];
        if (strcmp(f->name, "record") == 0 || strcmp(f->name, "id") == 0)
            continue;
        if (scalar(f->type)) {
            add_col(t, COL_FIELD, f->name, NULL, f);
        } else if (f->type == FW_F_OBJECT) {
            for (k = 0; k < f->obj->nfields; k++) {
                snprintf(name, sizeof name, "%s.%s", f->name, f->obj->fields[k].name);
                if (scalar(f->obj->fields[k].type))
                    add_col(t, COL_FIELD, name, f, &f->obj->fields[k]);
            }
        } else {
            add_col(t, COL_COUNT, f->name, f, NULL);
            for (k = 0; k < f->obj->nfields; k++) {
                snprintf(name, sizeof name, "%s.%s", f->name, f->obj->fields[k].name);
                if (scalar(f->obj->fields[k].type))
                    add_col(t, COL_PARTY_LIST, name, f, &f->obj->fields[k]);
            }
        }
    }
    add_col(t, COL_EVENTS, "events", NULL, NULL);
    add_col(t, COL_FORCE_KINDS, "force_kinds", NULL, NULL);
    if (l->deidentify) {
        size_t n = 0;
        for (i = 0; i < t->ncols; i++)
            if (!t->cols[i].personal)
                t->cols[n++] = t->cols[i];
        t->ncols = n;
    }
}

static bool event_names_party(const fw_event_type *et, unsigned party)
{
    size_t i;
    for (i = 0; i < et->nfields; i++)
        if (et->fields[i].type == FW_F_REF && (et->fields[i].refs & party))
            return true;
    return false;
}

/* A NUFDC table: the fields of obj that name an element, then the event
** fields that do, for events that can name this kind of party. */
static void nufdc_layout(fw_export_layout *l, export_table *t, const char *name, unsigned party,
                         const char *list)
{
    const fw_object *obj = party ? fw_object_field(&fw_schema_incident, list)->obj
                                 : &fw_schema_incident;
    size_t i, k;

    t->name = name;
    t->party = party;
    t->list = list;
    if (party) {
        add_col(t, COL_PARTY_ID, party == FW_REF_SUBJECT ? "subject_id" : "officer_id", NULL,
                NULL);
    } else {
        add_col(t, COL_AGENCY, "agency", NULL, NULL);
    }
    for (i = 0; i < obj->nfields; i++) {
        const fw_field *f = &obj->fields[i];
        if (!f->nufdc || (l->deidentify && (f->flags & FW_PERSONAL)))
            continue;
        if (scalar(f->type)) {
            add_col(t, party ? COL_PARTY_FIELD : COL_FIELD, f->nufdc, NULL, f);
        } else if (f->type == FW_F_OBJECT) {
            for (k = 0; k < f->obj->nfields; k++)
                if (f->obj->fields[k].nufdc && scalar(f->obj->fields[k].type) &&
                    !(l->deidentify && (f->obj->fields[k].flags & FW_PERSONAL)))
                    add_col(t, COL_FIELD, f->obj->fields[k].nufdc, f, &f->obj->fields[k]);
        }
    }
    if (!party)
        return;
    for (i = 0; i < fw_n_event_types; i++) {
        const fw_event_type *et = &fw_event_types[i];
        if (!event_names_party(et, party))
            continue;
        for (k = 0; k < et->nfields; k++) {
            col *c;
            if (!et->fields[k].nufdc || et->fields[k].type != FW_F_ENUM)
                continue;
            c = add_col(t, COL_PARTY_EVENT, et->fields[k].nufdc, NULL, &et->fields[k]);
            if (c)
                c->et = et;
        }
    }
}

fw_rc fw_export_layout_new(fw_export_format f, bool deidentify, fw_export_layout **out)
{
    fw_export_layout *l;
    *out = NULL;
    if ((unsigned)f > FW_EXPORT_NUFDC)
        return FW_ERR_USAGE;
    l = calloc(1, sizeof *l);
    if (!l)
        return FW_ERR_NOMEM;
    l->format = f;
    l->deidentify = deidentify;
    if (f == FW_EXPORT_CSV) {
        csv_layout(l, &l->tables[0]);
        l->ntables = 1;
    } else if (f == FW_EXPORT_JSON) {
        l->tables[0].name = "incidents";
        l->ntables = 1;
    } else {
        nufdc_layout(l, &l->tables[0], "incident", 0, NULL);
        nufdc_layout(l, &l->tables[1], "subject", FW_REF_SUBJECT, "subjects");
        nufdc_layout(l, &l->tables[2], "officer", FW_REF_OFFICER, "officers");
        l->ntables = 3;
    }
    *out = l;
    return FW_OK;
}

void fw_export_layout_free(fw_export_layout *l)
{
    free(l);
}

size_t fw_export_ntables(const fw_export_layout *l)
{
    return l->ntables;
}

const char *fw_export_table_name(const fw_export_layout *l, size_t table)
{
    return table < l->ntables ? l->tables[table].name : NULL;
}

bool fw_export_personal(const fw_export_layout *l)
{
    size_t t, i;
    if (l->format == FW_EXPORT_JSON)
        return !l->deidentify;
    for (t = 0; t < l->ntables; t++)
        for (i = 0; i < l->tables[t].ncols; i++)
            if (l->tables[t].cols[i].personal)
                return true;
    return false;
}

/* Personal paths of one object against its schema, for the JSON layout. */
static void personal_paths(const fw_object *o, const char *prefix, fw_buf *out)
{
    char sub[128];
    size_t i;
    for (i = 0; i < o->nfields; i++) {
        const fw_field *f = &o->fields[i];
        snprintf(sub, sizeof sub, "%s%s%s", prefix, *prefix ? "." : "", f->name);
        if (f->flags & FW_PERSONAL)
            fw_buf_printf(out, "%s%s", out->len ? "," : "", sub);
        else if (f->obj && f->obj != &fw_schema_event_common)
            personal_paths(f->obj, sub, out);
    }
}

fw_rc fw_export_personal_columns(const fw_export_layout *l, fw_buf *out)
{
    size_t t, i;
    if (l->format == FW_EXPORT_JSON) {
        if (!l->deidentify)
            personal_paths(&fw_schema_incident, "", out);
        return fw_buf_error(out);
    }
    for (t = 0; t < l->ntables; t++)
        for (i = 0; i < l->tables[t].ncols; i++)
            if (l->tables[t].cols[i].personal)
                fw_buf_printf(out, "%s%s", out->len ? "," : "", l->tables[t].cols[i].name);
    /* A list cut short would under-report the personal data read: an error. */
    return fw_buf_error(out);
}

/* ---- cells ---------------------------------------------------------------- */


/* A scalar value's text: strings as they are, numbers canonical, lists of
** ids or values ','-joined; absent values are empty. */
static fw_rc value_text(const json_t *v, fw_buf *out)
{
    size_t i;
    fw_rc rc = FW_OK;
    if (!v || json_is_null(v))
        return FW_OK;
    if (json_is_string(v))
        return fw_buf_add(out, json_string_value(v), json_string_length(v));
    if (json_is_true(v))
        return fw_buf_adds(out, "true");
    if (json_is_false(v))
        return fw_buf_adds(out, "false");
    if (json_is_number(v))
        return fw_canon_number(json_number_value(v), out);
    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v) && !rc; i++) {
            if (i)
                rc = fw_buf_addc(out, ',');
            if (!rc)
                rc = value_text(json_array_get(v, i), out);
        }
        return rc;
    }
    return fw_canon_write(v, out);
}

/* An item of a ';'-joined list: '\' and ';' escaped with '\'. */
static fw_rc item_text(const json_t *v, fw_buf *tmp, fw_buf *out)
{
    size_t i;
    fw_rc rc;
    fw_buf_reset(tmp);
    if ((rc = value_text(v, tmp)) != FW_OK)
        return rc;
    for (i = 0; i < tmp->len && !rc; i++) {
        if (tmp->data[i] == ';' || tmp->data[i] == '\\')
            rc = fw_buf_addc(out, '\\');
        if (!rc)
            rc = fw_buf_addc(out, tmp->data[i]);
    }
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct values, sorted, ';'-joined, into out. */
static fw_rc join_distinct(const char **vals, size_t n, fw_buf *out)
{
    size_t i;
    fw_rc rc = FW_OK;
    bool first = true;
    qsort(vals, n, sizeof *vals, cmp_str);
    for (i = 0; i < n && !rc; i++) {
        if (i && strcmp(vals[i], vals[i - 1]) == 0)
            continue;
        if (!first)
            rc = fw_buf_addc(out, ';');
        if (!rc)
            rc = fw_buf_adds(out, vals[i]);
        first = false;
    }
    return rc;
}

/* Whether event e names party id in any of its reference fields. */
static bool event_names(const fw_event *e, const char *id)
{
    size_t i;
    if (!e->type)
        return false;
    for (i = 0; i < e->type->nfields; i++) {
        const fw_field *f = &e->type->fields[i];
        const char *v;
        if (f->type != FW_F_REF)
            continue;
        v = json_string_value(json_object_get(e->obj, f->name));
        if (v && strcmp(v, id) == 0)
            return true;
    }
    return false;
}

/* Values of field `field` of events of type et (NULL: force kinds) naming
** party (NULL: any), distinct and sorted. */
static fw_rc event_values(const fw_doc *doc, const fw_event_type *et, const char *field,
                          const char *party, fw_buf *out)
{
    const char **vals;
    size_t cap = 0, n = 0, a, k;
    fw_rc rc;
    for (a = 0; a < doc->naccounts; a++)
        cap += doc->accounts[a].nevents;
    vals = malloc((cap ? cap : 1) * sizeof *vals);
    if (!vals)
        return FW_ERR_NOMEM;
    for (a = 0; a < doc->naccounts; a++)
        for (k = 0; k < doc->accounts[a].nevents; k++) {
            const fw_event *e = &doc->accounts[a].events[k];
            const char *v;
            if (e->type != et || (party && !event_names(e, party)))
                continue;
            v = json_string_value(json_object_get(e->obj, field));
            if (v)
                vals[n++] = v;
        }
    rc = join_distinct(vals, n, out);
    free(vals);
    return rc;
}

/* The text of column c for the incident (party: the party object, for the
** NUFDC party tables) into cell. */
static fw_rc cell_text(const col *c, const fw_doc *doc, const json_t *party, const char *party_id,
                       fw_buf *tmp, fw_buf *cell)
{
    const json_t *root = doc->root, *v;
    size_t i, a, n = 0;
    fw_rc rc = FW_OK;

    switch (c->kind) {
    case COL_AGENCY:
        return fw_buf_adds(cell, doc->agency);
    case COL_PARTY_ID:
        return fw_buf_adds(cell, party_id);
    case COL_PARTY_FIELD:
        return value_text(json_object_get(party, c->f->name), cell);
    case COL_PARTY_EVENT:
        return event_values(doc, c->et, c->f->name, party_id, cell);
    case COL_FIELD:
        v = c->parent ? json_object_get(json_object_get(root, c->parent->name), c->f->name)
                      : json_object_get(root, c->f->name);
        return value_text(v, cell);
    case COL_COUNT:
        return fw_buf_printf(cell, "%zu", json_array_size(json_object_get(root, c->parent->name)));
    case COL_PARTY_LIST:
        v = json_object_get(root, c->parent->name);
        for (i = 0; i < json_array_size(v) && !rc; i++) {
            if (i)
                rc = fw_buf_addc(cell, ';');
            if (!rc)
                rc = item_text(json_object_get(json_array_get(v, i), c->f->name), tmp, cell);
        }
        return rc;
    case COL_EVENTS:
        for (a = 0; a < doc->naccounts; a++)
            n += doc->accounts[a].nevents;
        return fw_buf_printf(cell, "%zu", n);
    case COL_FORCE_KINDS:
        return event_values(doc, fw_event_type_find("force"), "kind", NULL, cell);
    }
    return FW_ERR_INTERNAL;
}

/* ---- tables --------------------------------------------------------------- */

/* The columns every record row begins with, and party rows' keys. */
static const char *const key_cols[] = {"version", "sha256", "log_seq"};

fw_rc fw_export_table_begin(const fw_export_layout *l, size_t ti, fw_buf *out)
{
    const export_table *t;
    size_t i;
    fw_rc rc = FW_OK;

    if (ti >= l->ntables)
        return FW_ERR_USAGE;
    t = &l->tables[ti];
    if (l->format == FW_EXPORT_JSON)
        return FW_OK;
    if (l->ntables > 1)
        rc = fw_buf_printf(out, "# table %s\r\n", t->name);
    if (!rc)
        rc = fw_buf_adds(out, l->format == FW_EXPORT_NUFDC ? "incident_id" : "id");
    for (i = 0; i < 3 && !rc; i++)
        if (!t->party || i == 0)
            rc = fw_buf_printf(out, ",%s", key_cols[i]);
    for (i = 0; i < t->ncols && !rc; i++) {
        rc = fw_buf_addc(out, ',');
        if (!rc)
            rc = fw_csv_write_field(t->cols[i].name, strlen(t->cols[i].name), out);
    }
    return rc ? rc : fw_buf_adds(out, "\r\n");
}

static fw_rc csv_row(const export_table *t, const fw_export_record *r,
                     const json_t *party, const char *party_id, fw_buf *out)
{
    fw_buf cell, tmp;
    size_t i;
    fw_rc rc;

    rc = fw_buf_printf(out, "%s,%lld", r->id, (long long)r->version);
    if (!rc && !t->party)
        rc = fw_buf_printf(out, ",%s,%lld", r->sha256, (long long)r->log_seq);
    fw_buf_init(&cell, FW_MAX_DOC_BYTES * 2);
    fw_buf_init(&tmp, FW_MAX_DOC_BYTES * 2);
    for (i = 0; i < t->ncols && !rc; i++) {
        fw_buf_reset(&cell);
        rc = cell_text(&t->cols[i], r->doc, party, party_id, &tmp, &cell);
        if (!rc)
            rc = fw_buf_addc(out, ',');
        if (!rc)
            rc = fw_csv_write_field(fw_buf_str(&cell), cell.len, out);
    }
    fw_buf_release(&cell);
    fw_buf_release(&tmp);
    return rc ? rc : fw_buf_adds(out, "\r\n");
}

bool fw_export_needs_doc(const fw_export_layout *l)
{
    return l->format != FW_EXPORT_JSON || l->deidentify;
}

static fw_rc json_row(const fw_export_layout *l, const fw_export_record *r, fw_buf *out)
{
    fw_rc rc = fw_buf_adds(out, "{\"id\":");
    json_t *id = json_string(r->id), *copy;
    if (!id)
        return FW_ERR_NOMEM;
    if (!rc)
        rc = fw_canon_write(id, out);
    json_decref(id);
    if (!rc)
        rc = fw_buf_printf(out, ",\"version\":%lld,\"log_seq\":%lld,\"sha256\":\"%s\",\"incident\":",
                           (long long)r->version, (long long)r->log_seq, r->sha256);
    if (rc)
        return rc;
    if (!l->deidentify) {
        rc = fw_buf_add(out, r->body, r->body_len);
    } else {
        copy = json_deep_copy(r->doc->root);
        if (!copy)
            return FW_ERR_NOMEM;
        fw_incident_deidentify(copy);
        rc = fw_canon_write(copy, out);
        json_decref(copy);
    }
    return rc ? rc : fw_buf_adds(out, "}\n");
}

fw_rc fw_export_table_row(const fw_export_layout *l, size_t ti, const fw_export_record *r,
                          fw_buf *out)
{
    const export_table *t;
    size_t i;
    fw_rc rc = FW_OK;

    if (ti >= l->ntables ||
        (fw_export_needs_doc(l) && (!r->doc || r->doc->type != FW_RECORD_INCIDENT)))
        return FW_ERR_USAGE;
    t = &l->tables[ti];
    if (l->format == FW_EXPORT_JSON)
        return json_row(l, r, out);
    if (!t->party)
        return csv_row(t, r, NULL, NULL, out);
    for (i = 0; i < r->doc->nparties && !rc; i++)
        if (r->doc->parties[i].kind == t->party)
            rc = csv_row(t, r, r->doc->parties[i].obj, r->doc->parties[i].id, out);
    return rc;
}

fw_rc fw_export_end(const fw_export_layout *l, int64_t incidents, fw_buf *out)
{
    if (l->format == FW_EXPORT_JSON)
        return fw_buf_printf(out, "{\"forcewatch_export_end\":{\"incidents\":%lld}}\n",
                             (long long)incidents);
    return fw_buf_printf(out, "# end %lld incidents\r\n", (long long)incidents);
}

/* ---- the stamp ------------------------------------------------------------ */

static json_t *filter_json(const fw_export_stamp *st)
{
    json_t *f = json_object();
    if (*st->agency)
        json_object_set_new(f, "agency", json_string(st->agency));
    if (*st->since)
        json_object_set_new(f, "since", json_string(st->since));
    if (*st->until)
        json_object_set_new(f, "until", json_string(st->until));
    if (*st->encounter)
        json_object_set_new(f, "encounter", json_string(st->encounter));
    if (*st->force_kind)
        json_object_set_new(f, "force_kind", json_string(st->force_kind));
    if (st->withdrawn)
        json_object_set_new(f, "withdrawn", json_true());
    return f;
}

fw_rc fw_export_stamp_write(const fw_export_stamp *st, fw_buf *out)
{
    char root[64];
    json_t *j;
    fw_rc rc;

    sodium_bin2base64(root, sizeof root, st->root, 32, sodium_base64_VARIANT_ORIGINAL);
    j = json_pack("{s:i, s:s, s:b, s:o, s:s, s:I, s:s, s:s%}", "forcewatch_export", 1, "format",
                  fw_export_format_name(st->format), "deidentified", st->deidentified, "filter",
                  filter_json(st), "taken_at", st->taken_at, "size", (json_int_t)st->size,
                  "root", root, "checkpoint", st->note, st->note_len);
    if (!j)
        return FW_ERR_NOMEM;
    rc = st->format == FW_EXPORT_JSON ? FW_OK : fw_buf_adds(out, "# ");
    if (!rc)
        rc = fw_canon_write(j, out);
    json_decref(j);
    if (!rc)
        rc = fw_buf_adds(out, st->format == FW_EXPORT_JSON ? "\n" : "\r\n");
    return rc;
}

/* Copy string member name of j (optional) into dst of n bytes. */
static bool copy_member(const json_t *j, const char *name, char *dst, size_t n)
{
    const json_t *v = json_object_get(j, name);
    *dst = '\0';
    if (!v)
        return true;
    if (!json_is_string(v) || json_string_length(v) >= n || json_string_length(v) == 0 ||
        memchr(json_string_value(v), '\0', json_string_length(v)))
        return false;
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return true;
}

fw_rc fw_export_stamp_parse(const char *line, size_t len, fw_export_stamp *st, fw_error *err)
{
    static const char *const members[] = {"forcewatch_export", "format", "deidentified",
                                          "filter", "taken_at", "size", "root", "checkpoint",
                                          NULL};
    static const char *const filters[] = {"agency", "since", "until", "encounter",
                                          "force_kind", "withdrawn", NULL};
    json_error_t je;
    json_t *j, *v, *f;
    const char *key;
    size_t rlen;
    int fmt;
    fw_rc rc = FW_ERR_INVALID;

    memset(st, 0, sizeof *st);
    if (len >= 2 && line[0] == '#' && line[1] == ' ') {
        line += 2;
        len -= 2;
    }
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (len > FW_EXPORT_NOTE_MAX * 2)
        return fw_error_set(err, FW_ERR_INVALID, "stamp: longer than %d bytes",
                            FW_EXPORT_NOTE_MAX * 2);
    j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(j)) {
        json_decref(j);
        return fw_error_set(err, FW_ERR_INVALID, "stamp: not a JSON object");
    }
    json_object_foreach(j, key, v) {
        size_t i;
        for (i = 0; members[i] && strcmp(members[i], key); i++)
            ;
        if (!members[i]) {
            fw_error_set(err, FW_ERR_INVALID, "stamp: unknown member '%.64s'", key);
            goto done;
        }
    }
    v = json_object_get(j, "forcewatch_export");
    if (!json_is_integer(v) || json_integer_value(v) != 1) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: forcewatch_export: expected 1");
        goto done;
    }
    fmt = fw_export_format_parse(json_string_value(json_object_get(j, "format")));
    if (fmt < 0) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: format: expected csv, json or nufdc");
        goto done;
    }
    st->format = (fw_export_format)fmt;
    v = json_object_get(j, "deidentified");
    if (!json_is_boolean(v)) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: deidentified: expected true or false");
        goto done;
    }
    st->deidentified = json_is_true(v);
    f = json_object_get(j, "filter");
    if (!json_is_object(f)) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: filter: expected an object");
        goto done;
    }
    json_object_foreach(f, key, v) {
        size_t i;
        for (i = 0; filters[i] && strcmp(filters[i], key); i++)
            ;
        if (!filters[i]) {
            fw_error_set(err, FW_ERR_INVALID, "stamp: filter: unknown member '%.64s'", key);
            goto done;
        }
    }
    if (!copy_member(f, "agency", st->agency, sizeof st->agency) ||
        !copy_member(f, "since", st->since, sizeof st->since) ||
        !copy_member(f, "until", st->until, sizeof st->until) ||
        !copy_member(f, "encounter", st->encounter, sizeof st->encounter) ||
        !copy_member(f, "force_kind", st->force_kind, sizeof st->force_kind)) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: filter: a value is not a short string");
        goto done;
    }
    v = json_object_get(f, "withdrawn");
    if (v && !json_is_true(v)) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: filter: withdrawn: expected true");
        goto done;
    }
    st->withdrawn = v != NULL;
    if (!copy_member(j, "taken_at", st->taken_at, sizeof st->taken_at) || !*st->taken_at) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: taken_at: expected a date-time");
        goto done;
    }
    v = json_object_get(j, "size");
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: size: expected a whole number");
        goto done;
    }
    st->size = (uint64_t)json_integer_value(v);
    v = json_object_get(j, "root");
    if (!json_is_string(v) ||
        sodium_base642bin(st->root, 32, json_string_value(v), json_string_length(v), NULL, &rlen,
                          NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        rlen != 32) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: root: expected a base64 SHA-256 hash");
        goto done;
    }
    v = json_object_get(j, "checkpoint");
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) >= FW_EXPORT_NOTE_MAX) {
        fw_error_set(err, FW_ERR_INVALID, "stamp: checkpoint: expected a signed checkpoint note");
        goto done;
    }
    st->note_len = json_string_length(v);
    memcpy(st->note, json_string_value(v), st->note_len + 1);
    rc = FW_OK;
done:
    json_decref(j);
    return rc;
}

/* ---- exporting ------------------------------------------------------------ */

/* The filter into the stamp; a value too long for it is refused, never cut
** (the stamp must say exactly what was exported). */
static fw_rc stamp_filter(fw_export_stamp *st, const fw_list_filter *f, fw_error *err)
{
    if (fw_strlcpy(st->agency, f->agency ? f->agency : "", sizeof st->agency) ||
        fw_strlcpy(st->since, f->since ? f->since : "", sizeof st->since) ||
        fw_strlcpy(st->until, f->until ? f->until : "", sizeof st->until) ||
        fw_strlcpy(st->encounter, f->encounter ? f->encounter : "", sizeof st->encounter) ||
        fw_strlcpy(st->force_kind, f->force_kind ? f->force_kind : "", sizeof st->force_kind))
        return fw_error_set(err, FW_ERR_INVALID, "export filter: a value too long (agency at most "
                            "%zu bytes, dates %zu)", sizeof st->agency - 1, sizeof st->since - 1);
    st->withdrawn = f->include_withdrawn;
    return FW_OK;
}

typedef struct run_state {
    fw_store *s;
    const fw_export_layout *l;
    size_t table;
    fw_export_sink sink;
    void *arg;
    fw_buf body, out;
    int64_t n;
    fw_rc rc;
    fw_error *err;
} run_state;

fw_rc fw_export_render_version(fw_store *s, const fw_export_layout *l, size_t t,
                               const char *id, int64_t version, fw_buf *body, fw_buf *out,
                               fw_record_info *info, fw_error *err)
{
    fw_export_record r;
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_rc rc;

    fw_buf_reset(body);
    if ((rc = fw_store_get(s, FW_RECORD_INCIDENT, id, version, body, info, err)) != FW_OK)
        return rc;
    fw_diag_init(&diag, 1);
    if (fw_export_needs_doc(l) &&
        fw_doc_parse(body->data, body->len, NULL, &doc, &diag) != FW_OK) {
        rc = fw_error_set(err, FW_ERR_STORE, "stored incident %s version %lld no longer "
                                             "validates: %s", id, (long long)version,
                          diag.n ? diag.msgs[0] : "unknown problem");
    } else {
        r.id = id;
        r.doc = doc;
        r.body = body->data;
        r.body_len = body->len;
        r.version = info->version;
        r.log_seq = info->log_seq;
        r.sha256 = info->sha256;
        rc = fw_export_table_row(l, t, &r, out);
        if (rc)
            fw_error_set(err, rc, "cannot render incident %s: %s", id, fw_strerror(rc));
    }
    fw_doc_free(doc);
    fw_diag_release(&diag);
    return rc;
}

static int run_row(void *arg, const fw_incident_row *row)
{
    run_state *w = arg;
    fw_record_info info;
    fw_buf_reset(&w->out);
    w->rc = fw_export_render_version(w->s, w->l, w->table, row->id, row->version, &w->body,
                                    &w->out, &info, w->err);
    if (!w->rc) {
        w->rc = w->sink(w->arg, w->out.data ? w->out.data : "", w->out.len);
        if (w->rc)
            fw_error_set(w->err, w->rc, "cannot write the export");
    }
    fw_buf_reset(&w->out);
    if (w->table == 0)
        w->n++;
    return w->rc != FW_OK;
}

static fw_rc emit(run_state *w)
{
    fw_rc rc = w->sink(w->arg, w->out.data ? w->out.data : "", w->out.len);
    fw_buf_reset(&w->out);
    return rc ? fw_error_set(w->err, rc, "cannot write the export") : FW_OK;
}

fw_rc fw_export_run(fw_store *s, const fw_export_opts *o, fw_export_sink sink, void *arg,
                    int64_t *count, fw_error *err)
{
    fw_export_layout *l = NULL;
    fw_export_stamp *st = NULL;
    fw_list_filter f = o->filter;
    fw_buf note;
    run_state w;
    char origin[FW_NOTE_NAME_MAX];
    const char *blank;
    int64_t size;
    fw_rc rc;
    bool reading = false;

    memset(&w, 0, sizeof w);
    fw_buf_init(&note, FW_EXPORT_NOTE_MAX);
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    fw_buf_init(&w.out, FW_BUF_UNLIMITED);
    *count = 0;
    f.limit = 0;
    f.after_occurred = f.after_id = NULL;
    if ((rc = fw_export_layout_new(o->format, o->deidentify, &l)) != FW_OK) {
        fw_error_set(err, rc, "cannot make the export layout");
        goto done;
    }
    st = calloc(1, sizeof *st);
    if (!st) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = fw_store_begin_read(s, err)) != FW_OK)
        goto done;
    reading = true;
    rc = fw_store_checkpoint(s, &size, &note, err);
    if (rc == FW_ERR_NOTFOUND)
        rc = fw_error_set(err, FW_ERR_NOTFOUND, "the log has no checkpoint yet: nothing to export");
    if (rc)
        goto done;
    blank = strstr(fw_buf_str(&note), "\n\n");
    if (!blank || note.len >= FW_EXPORT_NOTE_MAX ||
        fw_checkpoint_parse(note.data, (size_t)(blank - note.data) + 1, origin, &st->size,
                            st->root, err) != FW_OK) {
        rc = fw_error_set(err, FW_ERR_STORE, "the latest checkpoint cannot be read");
        goto done;
    }
    st->format = o->format;
    st->deidentified = o->deidentify;
    if ((rc = stamp_filter(st, &f, err)) != FW_OK)
        goto done;
    if (o->taken_at) {
        if (fw_strlcpy(st->taken_at, o->taken_at, sizeof st->taken_at) != FW_OK) {
            rc = fw_error_set(err, FW_ERR_INVALID, "taken_at: over %zu bytes",
                              sizeof st->taken_at - 1);
            goto done;
        }
    } else
        fw_time_format_utc(fw_clock_wall_seconds(), st->taken_at, sizeof st->taken_at);
    memcpy(st->note, note.data, note.len + 1);
    st->note_len = note.len;

    w.s = s;
    w.l = l;
    w.sink = sink;
    w.arg = arg;
    w.err = err;
    if ((rc = fw_export_stamp_write(st, &w.out)) != FW_OK || (rc = emit(&w)) != FW_OK)
        goto done;
    for (w.table = 0; w.table < l->ntables; w.table++) {
        if ((rc = fw_export_table_begin(l, w.table, &w.out)) != FW_OK || (rc = emit(&w)) != FW_OK)
            goto done;
        rc = fw_store_list(s, &f, run_row, &w, err);
        if (!rc)
            rc = w.rc;
        if (rc)
            goto done;
    }
    if ((rc = fw_export_end(l, w.n, &w.out)) != FW_OK || (rc = emit(&w)) != FW_OK)
        goto done;
    *count = w.n;
done:
    if (reading)
        fw_store_end_read(s);
    fw_export_layout_free(l);
    free(st);
    fw_buf_release(&note);
    fw_buf_release(&w.body);
    fw_buf_release(&w.out);
    return rc;
}

fw_rc fw_export_log_access(fw_store *s, const fw_export_opts *o, const char *actor,
                           const char *reason, fw_error *err)
{
    fw_export_layout *l = NULL;
    fw_export_stamp st;
    fw_buf cols;
    json_t *rec = NULL;
    fw_rc rc;

    fw_buf_init(&cols, 1 << 16);
    if ((rc = fw_export_layout_new(o->format, o->deidentify, &l)) != FW_OK ||
        (rc = fw_export_personal_columns(l, &cols)) != FW_OK) {
        fw_error_set(err, rc, "cannot make the export layout");
        goto out;
    }
    memset(&st, 0, sizeof st);
    if ((rc = stamp_filter(&st, &o->filter, err)) != FW_OK)
        goto out;
    rec = json_pack("{s:s, s:s, s:s, s:o}", "action", "export", "record_type", "incident",
                    "format", fw_export_format_name(o->format), "filter", filter_json(&st));
    if (!rec) {
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = fw_store_put_access(s, "export", rec, fw_buf_str(&cols), actor, reason, err);
out:
    json_decref(rec);
    fw_buf_release(&cols);
    fw_export_layout_free(l);
    return rc;
}
