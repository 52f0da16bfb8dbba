/*
** Documents: parsing, validation against the schema tables (schema.h) with a
** path in every message, and the typed view of a valid incident.
**
** Validation runs in two passes.  The first collects the ids of the
** incident's parties (officers, subjects, vehicles) so that references can be
** checked wherever they appear; the second walks the document against the
** schema.  Every problem is reported, not only the first.
*/
#include "record/model.h"
#include "record/agency.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "base/array.h"

#include "base/banned.h"

/* ---- diagnostics ------------------------------------------------------ */

void fw_diag_init(fw_diag *d, size_t max)
{
    memset(d, 0, sizeof *d);
    d->max = max;
}

void fw_diag_reset(fw_diag *d)
{
    size_t i;
    for (i = 0; i < d->n; i++)
        free(d->msgs[i]);
    d->n = 0;
    d->dropped = 0;
}

void fw_diag_release(fw_diag *d)
{
    fw_diag_reset(d);
    free(d->msgs);
    d->msgs = NULL;
    d->cap = 0;
}

void fw_diag_add(fw_diag *d, const char *fmt, ...)
{
    fw_buf b;
    va_list ap;

    if (d->n >= d->max) {
        d->dropped++;
        return;
    }
    if (FW_ALLOC_GROW(d->msgs, d->n + 1, d->cap) != FW_OK) {
        d->dropped++;
        return;
    }
    fw_buf_init(&b, 4096);
    va_start(ap, fmt);
    if (fw_buf_vprintf(&b, fmt, ap) != FW_OK) {
        va_end(ap);
        fw_buf_release(&b);
        d->dropped++;
        return;
    }
    va_end(ap);
    d->msgs[d->n++] = fw_buf_detach(&b);
}

/* ---- UTF-8 ------------------------------------------------------------ */

size_t fw_utf8_check(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t n, k;
        unsigned cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (len - i <= n)
            return i;
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return len;
}

fw_rc fw_utf8_repair(const char *s, size_t len, fw_buf *out)
{
    fw_rc rc = FW_OK;
    while (len && !rc) {
        size_t ok = fw_utf8_check(s, len);
        rc = fw_buf_add(out, s, ok);
        if (ok == len || rc)
            break;
        rc = fw_buf_adds(out, "\xef\xbf\xbd");
        s += ok + 1;
        len -= ok + 1;
    }
    return rc;
}

/* ---- validation ------------------------------------------------------- */

typedef struct party_ref {
    const char *id;
    unsigned kind;
    char path[48];
} party_ref;

#define MAX_STEPS 64

typedef struct vctx {
    fw_diag *diag;
    struct {
        const char *key;   /* NULL for an array index */
        size_t index;
    } steps[MAX_STEPS];
    size_t depth;
    fw_buf path;
    party_ref *parties;
    size_t nparties;
    unsigned unchecked;   /* party kinds whose list is missing or broken */
    fw_time occurred;
    bool occurred_ok;
    size_t errors;
} vctx;

/* The path is kept as a stack of steps and spelled out only when a problem
** is reported, so valid documents never pay for formatting it. */
static const char *path_str(vctx *v)
{
    size_t i;
    fw_buf_reset(&v->path);
    for (i = 0; i < v->depth; i++) {
        if (v->steps[i].key)
            fw_buf_printf(&v->path, "%s%s", i ? "." : "", v->steps[i].key);
        else
            fw_buf_printf(&v->path, "[%zu]", v->steps[i].index);
    }
    return fw_buf_str(&v->path);
}

#define REPORT(v, ...)                                                          \
    do {                                                                        \
        (v)->errors++;                                                          \
        fw_diag_add((v)->diag, __VA_ARGS__);                                   \
    } while (0)

/* Push a ".key" or "[i]" step; returns the depth to pop back to. */
static size_t path_push_key(vctx *v, const char *key)
{
    size_t old = v->depth;
    if (old < MAX_STEPS) {
        v->steps[old].key = key;
        v->depth++;
    }
    return old;
}

static size_t path_push_index(vctx *v, size_t i)
{
    size_t old = v->depth;
    if (old < MAX_STEPS) {
        v->steps[old].key = NULL;
        v->steps[old].index = i;
        v->depth++;
    }
    return old;
}

static void path_pop(vctx *v, size_t old)
{
    v->depth = old;
}

static const char *type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

static const char *ref_kind_name(unsigned kinds)
{
    switch (kinds) {
    case FW_REF_OFFICER: return "an officer";
    case FW_REF_SUBJECT: return "a subject";
    case FW_REF_VEHICLE: return "a vehicle";
    case FW_REF_PERSON: return "an officer or subject";
    case FW_REF_SUBJECT | FW_REF_VEHICLE: return "a subject or vehicle";
    default: return "a person or vehicle";
    }
}

bool fw_id_valid(const char *s, size_t len)
{
    size_t i;
    if (len < 1 || len > 64)
        return false;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-'))
            return false;
    }
    return true;
}

static void fmt_num(char *out, size_t n, double d)
{
    fw_buf b;
    fw_buf_init(&b, 64);
    fw_canon_number(d, &b);
    snprintf(out, n, "%s", fw_buf_str(&b));
    fw_buf_release(&b);
}

static void report_enum(vctx *v, const fw_enum *e, const char *value)
{
    fw_buf list;
    int i;
    fw_buf_init(&list, 2048);
    for (i = 0; e->values[i]; i++)
        fw_buf_printf(&list, "%s%s", i ? ", " : "", e->values[i]);
    REPORT(v, "%s: unknown value \"%s\" (expected one of %s)", path_str(v), value,
           fw_buf_str(&list));
    fw_buf_release(&list);
}

static const party_ref *find_party(const vctx *v, const char *id)
{
    size_t i;
    for (i = 0; i < v->nparties; i++)
        if (strcmp(v->parties[i].id, id) == 0)
            return &v->parties[i];
    return NULL;
}

static void validate_object(vctx *v, const json_t *obj, const fw_object *schema,
                            const fw_field *extra, size_t nextra, bool open);

static bool expect_type(vctx *v, const json_t *j, json_type want, const char *want_name)
{
    if (json_typeof(j) == want || (want == JSON_TRUE && json_is_boolean(j)))
        return true;
    REPORT(v, "%s: expected %s, got %s", path_str(v), want_name, type_name(j));
    return false;
}

static bool check_range(vctx *v, const fw_field *f, double d)
{
    char a[40], lo[40], hi[40];
    if (d >= f->min && d <= f->max)
        return true;
    fmt_num(a, sizeof a, d);
    fmt_num(lo, sizeof lo, f->min);
    fmt_num(hi, sizeof hi, f->max);
    REPORT(v, "%s: %s is out of range (%s to %s)", path_str(v), a, lo, hi);
    return false;
}

static void validate_string(vctx *v, const fw_field *f, const json_t *j)
{
    size_t len = json_string_length(j);
    if ((f->flags & FW_REQUIRED) && len == 0)
        REPORT(v, "%s: must not be empty", path_str(v));
    else if (len > (size_t)f->max)
        REPORT(v, "%s: longer than %.0f bytes", path_str(v), f->max);
}

static void validate_value(vctx *v, const fw_field *f, const json_t *j);
static void validate_events(vctx *v, const json_t *events);

static void validate_list(vctx *v, const fw_field *f, const json_t *j)
{
    size_t i, k, n;

    if (!expect_type(v, j, JSON_ARRAY, "an array"))
        return;
    n = json_array_size(j);
    if ((f->flags & FW_NONEMPTY) && n == 0) {
        REPORT(v, "%s: must not be empty", path_str(v));
        return;
    }
    if (n > (size_t)f->max) {
        REPORT(v, "%s: more than %.0f items", path_str(v), f->max);
        return;
    }
    if (f->obj == &fw_schema_event_common) {
        validate_events(v, j);
        return;
    }
    for (i = 0; i < n; i++) {
        const json_t *item = json_array_get(j, i);
        size_t old = path_push_index(v, i);
        switch (f->type) {
        case FW_F_OBJECT_LIST:
            if (expect_type(v, item, JSON_OBJECT, "an object"))
                validate_object(v, item, f->obj, NULL, 0, false);
            break;
        case FW_F_ENUM_LIST:
        case FW_F_ID_LIST:
            if (!expect_type(v, item, JSON_STRING, "a string"))
                break;
            if (f->type == FW_F_ENUM_LIST) {
                if (fw_enum_index(f->en, json_string_value(item)) < 0) {
                    report_enum(v, f->en, json_string_value(item));
                    break;
                }
            } else if (!fw_id_valid(json_string_value(item), json_string_length(item))) {
                REPORT(v, "%s: invalid id \"%s\" (1 to 64 letters, digits, '.', '_', ':' or '-')",
                       path_str(v), json_string_value(item));
                break;
            }
            for (k = 0; k < i; k++) {
                const json_t *prev = json_array_get(j, k);
                if (json_is_string(prev) &&
                    strcmp(json_string_value(prev), json_string_value(item)) == 0) {
                    REPORT(v, "%s: duplicate value \"%s\"", path_str(v), json_string_value(item));
                    break;
                }
            }
            break;
        default:
            assert(0);
        }
        path_pop(v, old);
    }
}

static void validate_value(vctx *v, const fw_field *f, const json_t *j)
{
    fw_time t;
    double d;

    switch (f->type) {
    case FW_F_STRING:
        if (expect_type(v, j, JSON_STRING, "a string"))
            validate_string(v, f, j);
        break;
    case FW_F_ID:
        if (!expect_type(v, j, JSON_STRING, "a string"))
            break;
        if (!fw_id_valid(json_string_value(j), json_string_length(j)))
            REPORT(v, "%s: invalid id \"%s\" (1 to 64 letters, digits, '.', '_', ':' or '-')",
                   path_str(v), json_string_value(j));
        break;
    case FW_F_INT:
        if (json_is_real(j) && json_real_value(j) == floor(json_real_value(j))) {
            check_range(v, f, json_real_value(j));
            break;
        }
        if (expect_type(v, j, JSON_INTEGER, "an integer"))
            check_range(v, f, (double)json_integer_value(j));
        break;
    case FW_F_NUMBER:
        if (!json_is_number(j)) {
            REPORT(v, "%s: expected a number, got %s", path_str(v), type_name(j));
            break;
        }
        check_range(v, f, json_number_value(j));
        break;
    case FW_F_BOOL:
        expect_type(v, j, JSON_TRUE, "a boolean");
        break;
    case FW_F_ENUM:
        if (expect_type(v, j, JSON_STRING, "a string") &&
            fw_enum_index(f->en, json_string_value(j)) < 0)
            report_enum(v, f->en, json_string_value(j));
        break;
    case FW_F_REF: {
        const party_ref *p;
        if (!expect_type(v, j, JSON_STRING, "a string"))
            break;
        p = find_party(v, json_string_value(j));
        /* Where a party list is itself missing or broken, that is the one
        ** problem to report, not every reference into it. */
        if (!p && (f->refs & v->unchecked))
            break;
        if (!p || !(p->kind & f->refs))
            REPORT(v, "%s: \"%s\" is not %s of this incident", path_str(v),
                   json_string_value(j), ref_kind_name(f->refs));
        break;
    }
    case FW_F_DATETIME:
        if (expect_type(v, j, JSON_STRING, "a string") &&
            !fw_time_parse(json_string_value(j), &t))
            REPORT(v,
                   "%s: invalid date or time \"%s\" (expected YYYY-MM-DD or "
                   "YYYY-MM-DDThh:mm:ss with an optional Z or +hh:mm)",
                   path_str(v), json_string_value(j));
        break;
    case FW_F_EVENT_TIME:
        /* Range and order are checked with the account (check_event_times). */
        if (json_is_number(j)) {
            d = json_number_value(j);
            check_range(v, f, d);
        } else if (json_is_string(j)) {
            if (!fw_time_parse(json_string_value(j), &t) || !t.has_time)
                REPORT(v,
                       "%s: invalid time \"%s\" (expected seconds or "
                       "YYYY-MM-DDThh:mm:ss with an optional Z or +hh:mm)",
                       path_str(v), json_string_value(j));
            else if (v->occurred_ok && !v->occurred.has_time)
                REPORT(v, "%s: a date-time needs occurred_at with a time of day", path_str(v));
        } else {
            REPORT(v, "%s: expected a number or a string, got %s", path_str(v), type_name(j));
        }
        break;
    case FW_F_OBJECT:
        if (expect_type(v, j, JSON_OBJECT, "an object"))
            validate_object(v, j, f->obj, NULL, 0, false);
        break;
    case FW_F_OBJECT_LIST:
    case FW_F_ENUM_LIST:
    case FW_F_ID_LIST:
        validate_list(v, f, j);
        break;
    }
}

static const fw_field *field_in(const fw_object *schema, const fw_field *extra, size_t nextra,
                                const char *key)
{
    const fw_field *f = fw_object_field(schema, key);
    size_t i;
    if (f)
        return f;
    for (i = 0; i < nextra; i++)
        if (strcmp(extra[i].name, key) == 0)
            return &extra[i];
    return NULL;
}

static void validate_required(vctx *v, const json_t *obj, const fw_field *fields, size_t n)
{
    size_t i, old;
    for (i = 0; i < n; i++) {
        if (!(fields[i].flags & FW_REQUIRED) || json_object_get(obj, fields[i].name))
            continue;
        old = path_push_key(v, fields[i].name);
        REPORT(v, "%s: required field missing", path_str(v));
        path_pop(v, old);
    }
}

/* Seconds from occurred_at to an event's date-time.  A clock time written
** without a UTC offset is read in occurred_at's offset: the same local time. */
static double fw_event_offset(const fw_time *occurred, const fw_time *ts)
{
    double epoch = ts->epoch;
    if (!ts->has_offset && occurred->has_offset)
        epoch -= occurred->offset_min * 60.0;
    return epoch - occurred->epoch;
}

/* Seconds from the start of the encounter of a valid event time. */
static bool event_seconds(const vctx *v, const json_t *t, double *out)
{
    fw_time ts;
    if (json_is_number(t)) {
        *out = json_number_value(t);
        return true;
    }
    if (json_is_string(t) && v->occurred_ok && v->occurred.has_time &&
        fw_time_parse(json_string_value(t), &ts) && ts.has_time) {
        *out = fw_event_offset(&v->occurred, &ts);
        return true;
    }
    return false;
}

static void validate_events(vctx *v, const json_t *events)
{
    size_t i, old, old2;
    double prev = 0, t;
    bool have_prev = false;

    for (i = 0; i < json_array_size(events); i++) {
        const json_t *ev = json_array_get(events, i);
        const json_t *type, *tj;
        const fw_event_type *et = NULL;

        old = path_push_index(v, i);
        if (!expect_type(v, ev, JSON_OBJECT, "an object")) {
            path_pop(v, old);
            continue;
        }
        type = json_object_get(ev, "type");
        if (json_is_string(type))
            et = fw_event_type_find(json_string_value(type));
        if (et)
            validate_object(v, ev, &fw_schema_event_common, et->fields, et->nfields, false);
        else
            validate_object(v, ev, &fw_schema_event_common, NULL, 0, true);
        tj = json_object_get(ev, "t");
        if (tj && event_seconds(v, tj, &t)) {
            char a[40], b[40];
            old2 = path_push_key(v, "t");
            if (json_is_string(tj) && (t < 0 || t > FW_MAX_EVENT_SECONDS)) {
                fmt_num(a, sizeof a, t);
                REPORT(v, "%s: %s seconds from occurred_at is out of range (0 to %.0f)",
                       path_str(v), a, FW_MAX_EVENT_SECONDS);
            } else if (have_prev && t < prev) {
                fmt_num(a, sizeof a, t);
                fmt_num(b, sizeof b, prev);
                REPORT(v, "%s: time goes backwards (%s after %s)", path_str(v), a, b);
            }
            path_pop(v, old2);
            prev = t;
            have_prev = true;
        }
        path_pop(v, old);
    }
}

static void validate_object(vctx *v, const json_t *obj, const fw_object *schema,
                            const fw_field *extra, size_t nextra, bool open)
{
    const char *key;
    json_t *val;
    size_t old;

    json_object_foreach((json_t *)obj, key, val) {
        const fw_field *f = field_in(schema, extra, nextra, key);
        old = path_push_key(v, key);
        if (!f) {
            if (!open)
                REPORT(v, "%s: unknown field", path_str(v));
        } else {
            validate_value(v, f, val);
        }
        path_pop(v, old);
    }
    validate_required(v, obj, schema->fields, schema->nfields);
    validate_required(v, obj, extra, nextra);
}

/* A registry officer's cross-field rules: the id is the agency's id, ':' and
** a label without ':' (agency ids may hold ':', so "a:b:c" is read one way
** only), so one label in two agencies is two people; an assignment does not
** end before it starts. */
static void check_officer_record(vctx *v, const json_t *root)
{
    const char *id = json_string_value(json_object_get(root, "id"));
    const char *agency = json_string_value(json_object_get(root, "agency"));
    const json_t *as = json_object_get(root, "assignments");
    size_t n = strlen(agency), i;

    if (strncmp(id, agency, n) != 0 || id[n] != ':' || id[n + 1] == '\0')
        REPORT(v, "id: \"%s\" must be the agency's id, ':' and a label (\"%s:LABEL\")", id,
               agency);
    else if (strchr(id + n + 1, ':'))
        REPORT(v, "id: \"%s\": the label after \"%s:\" must not contain ':'", id, agency);
    for (i = 0; i < json_array_size(as); i++) {
        const char *from = json_string_value(json_object_get(json_array_get(as, i), "from"));
        const char *to = json_string_value(json_object_get(json_array_get(as, i), "to"));
        fw_time a, b;
        if (from && to && fw_time_parse(from, &a) && fw_time_parse(to, &b) && b.epoch < a.epoch)
            REPORT(v, "assignments[%zu].to: %s is before from (%s)", i, to, from);
    }
}

/* An incident links a registry officer to one of its officers at most: two
** labels of one person would split their acts between two parties. */
static void check_registry_links(vctx *v, const json_t *root)
{
    const json_t *officers = json_object_get(root, "officers");
    size_t i, j;

    for (i = 1; i < json_array_size(officers); i++) {
        const char *r = json_string_value(json_object_get(json_array_get(officers, i), "registry"));
        for (j = 0; r && j < i; j++) {
            const char *q =
                json_string_value(json_object_get(json_array_get(officers, j), "registry"));
            if (q && strcmp(q, r) == 0) {
                REPORT(v, "officers[%zu].registry: '%s' is already linked by officers[%zu]", i,
                       r, j);
                break;
            }
        }
    }
}

/* Pass one: the parties' ids, so references anywhere can be resolved. */
static void collect_parties(vctx *v, const json_t *root)
{
    static const struct {
        const char *list;
        unsigned kind;
    } lists[] = {{"officers", FW_REF_OFFICER},
                 {"subjects", FW_REF_SUBJECT},
                 {"vehicles", FW_REF_VEHICLE}};
    size_t l, i, total = 0;

    for (l = 0; l < 3; l++) {
        const json_t *arr = json_object_get(root, lists[l].list);
        if (json_is_array(arr))
            total += json_array_size(arr);
        else if (arr || lists[l].kind == FW_REF_OFFICER)
            v->unchecked |= lists[l].kind;
    }
    v->parties = calloc(total ? total : 1, sizeof *v->parties);
    if (!v->parties)
        return;
    for (l = 0; l < 3; l++) {
        const json_t *arr = json_object_get(root, lists[l].list);
        for (i = 0; i < json_array_size(arr); i++) {
            const json_t *id = json_object_get(json_array_get(arr, i), "id");
            const party_ref *dup;
            party_ref *p;
            if (!json_is_string(id))
                continue;
            p = &v->parties[v->nparties];
            snprintf(p->path, sizeof p->path, "%s[%zu].id", lists[l].list, i);
            dup = find_party(v, json_string_value(id));
            if (dup) {
                REPORT(v, "%s: duplicate id \"%s\" (also at %s)", p->path, json_string_value(id),
                       dup->path);
                continue;
            }
            p->id = json_string_value(id);
            p->kind = lists[l].kind;
            v->nparties++;
        }
    }
}

static void check_account_ids(vctx *v, const json_t *accounts)
{
    size_t i, k;
    for (i = 0; i < json_array_size(accounts); i++) {
        const json_t *a = json_object_get(json_array_get(accounts, i), "id");
        if (!json_is_string(a))
            continue;
        for (k = 0; k < i; k++) {
            const json_t *b = json_object_get(json_array_get(accounts, k), "id");
            if (json_is_string(b) && strcmp(json_string_value(a), json_string_value(b)) == 0) {
                REPORT(v, "accounts[%zu].id: duplicate id \"%s\" (also at accounts[%zu].id)", i,
                       json_string_value(a), k);
                break;
            }
        }
    }
}

/* Put ".key" or "[i]" in front of the path built so far. */
static void path_prepend(fw_buf *path, const char *key, size_t index, bool is_key)
{
    fw_buf step;
    fw_buf_init(&step, 4096);
    if (is_key)
        fw_buf_printf(&step, "%s%s%s", key, path->len && path->data[0] != '[' ? "." : "",
                      fw_buf_str(path));
    else
        fw_buf_printf(&step, "[%zu]%s%s", index, path->len && path->data[0] != '[' ? "." : "",
                      fw_buf_str(path));
    fw_buf_reset(path);
    fw_buf_add(path, step.data, step.len);
    fw_buf_release(&step);
}

/* Whether j nests deeper than max; if so, *path is where (built only then). */
static int depth_over(const json_t *j, int depth, int max, fw_buf *path)
{
    const char *key;
    json_t *val;
    size_t i;

    if (depth > max)
        return 1;
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, key, val) {
            if (depth_over(val, depth + 1, max, path)) {
                path_prepend(path, key, 0, true);
                return 1;
            }
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, val) {
            if (depth_over(val, depth + 1, max, path)) {
                path_prepend(path, NULL, i, false);
                return 1;
            }
        }
    }
    return 0;
}

/* ---- the typed view --------------------------------------------------- */

static fw_rc build_view(fw_doc *doc)
{
    static const char *const lists[] = {"officers", "subjects", "vehicles"};
    static const unsigned kinds[] = {FW_REF_OFFICER, FW_REF_SUBJECT, FW_REF_VEHICLE};
    json_t *root = doc->root, *accounts, *arr, *enc, *prov;
    size_t l, i, k, total = 0, counts[3];

    doc->agency = json_string_value(json_object_get(root, "agency"));
    doc->occurred_at = json_string_value(json_object_get(root, "occurred_at"));
    fw_time_parse(doc->occurred_at, &doc->occurred);
    enc = json_object_get(root, "encounter");
    doc->encounter = enc ? json_string_value(enc) : NULL;
    prov = json_object_get(root, "provenance");
    doc->provenance = prov ? json_string_value(prov) : FW_PROVENANCE_DEFAULT;

    for (l = 0; l < 3; l++) {
        counts[l] = json_array_size(json_object_get(root, lists[l]));
        total += counts[l];
    }
    doc->nofficers = counts[0];
    doc->nsubjects = counts[1];
    doc->nvehicles = counts[2];
    doc->parties = calloc(total ? total : 1, sizeof *doc->parties);
    if (!doc->parties)
        return FW_ERR_NOMEM;
    for (l = 0; l < 3; l++) {
        arr = json_object_get(root, lists[l]);
        for (i = 0; i < counts[l]; i++) {
            fw_party *p = &doc->parties[doc->nparties++];
            p->obj = json_array_get(arr, i);
            p->id = json_string_value(json_object_get(p->obj, "id"));
            p->kind = kinds[l];
        }
    }

    accounts = json_object_get(root, "accounts");
    doc->naccounts = json_array_size(accounts);
    doc->accounts = calloc(doc->naccounts ? doc->naccounts : 1, sizeof *doc->accounts);
    if (!doc->accounts)
        return FW_ERR_NOMEM;
    for (i = 0; i < doc->naccounts; i++) {
        fw_account *a = &doc->accounts[i];
        json_t *events;
        a->obj = json_array_get(accounts, i);
        a->id = json_string_value(json_object_get(a->obj, "id"));
        a->kind = json_string_value(json_object_get(a->obj, "kind"));
        a->source = json_string_value(json_object_get(a->obj, "source"));
        events = json_object_get(a->obj, "events");
        a->nevents = json_array_size(events);
        a->events = calloc(a->nevents ? a->nevents : 1, sizeof *a->events);
        if (!a->events)
            return FW_ERR_NOMEM;
        for (k = 0; k < a->nevents; k++) {
            fw_event *e = &a->events[k];
            json_t *t, *actor;
            fw_time ts;
            e->obj = json_array_get(events, k);
            e->type_name = json_string_value(json_object_get(e->obj, "type"));
            e->type = fw_event_type_find(e->type_name);
            t = json_object_get(e->obj, "t");
            if (json_is_number(t))
                e->t = json_number_value(t);
            else if (fw_time_parse(json_string_value(t), &ts))
                e->t = fw_event_offset(&doc->occurred, &ts);
            actor = json_object_get(e->obj, "actor");
            e->actor = json_is_string(actor) ? json_string_value(actor) : NULL;
        }
    }
    return FW_OK;
}

/* ---- entry points ----------------------------------------------------- */

const char *fw_record_type_name(fw_record_type t)
{
    switch (t) {
    case FW_RECORD_AGENCY: return "agency";
    case FW_RECORD_REVIEW: return "review";
    case FW_RECORD_ACCESS: return "access";
    case FW_RECORD_USER: return "user";
    case FW_RECORD_TOKEN: return "token";
    case FW_RECORD_TRAINING: return "training";
    case FW_RECORD_CASE: return "case";
    case FW_RECORD_OFFICER: return "officer";
    default: return "incident";
    }
}

void fw_limits_default(fw_limits *lim)
{
    lim->max_doc_bytes = FW_MAX_DOC_BYTES;
    lim->max_depth = FW_MAX_DEPTH;
}

static void line_col(const char *data, size_t off, size_t *line, size_t *col)
{
    size_t i;
    *line = 1;
    *col = 1;
    for (i = 0; i < off; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

fw_rc fw_doc_parse(const char *data, size_t len, const fw_limits *lim, fw_doc **out,
                   fw_diag *diag)
{
    fw_limits deflim;
    json_error_t jerr;
    json_t *root;
    size_t bad, line, col;
    fw_rc rc;

    *out = NULL;
    if (!lim) {
        fw_limits_default(&deflim);
        lim = &deflim;
    }
    if (len > lim->max_doc_bytes) {
        fw_diag_add(diag, "document is %zu bytes, over the limit of %zu", len,
                    lim->max_doc_bytes);
        return FW_ERR_INVALID;
    }
    root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        /* jansson rejects invalid UTF-8 too; say where, in our words. */
        bad = fw_utf8_check(data, len);
        if (bad < len) {
            line_col(data, bad, &line, &col);
            fw_diag_add(diag, "invalid UTF-8 at line %zu, column %zu", line, col);
            return FW_ERR_INVALID;
        }
        fw_diag_add(diag, "invalid JSON at line %d, column %d: %s", jerr.line, jerr.column,
                    jerr.text);
        return FW_ERR_INVALID;
    }
    rc = fw_doc_from_json(root, lim, out, diag);
    json_decref(root);
    return rc;
}

fw_rc fw_doc_from_json(json_t *root, const fw_limits *lim, fw_doc **out, fw_diag *diag)
{
    fw_limits deflim;
    vctx v;
    fw_doc *doc = NULL;
    const json_t *record, *occ;
    fw_record_type type = FW_RECORD_INCIDENT;
    fw_rc rc = FW_ERR_INVALID;
    fw_buf dpath;

    *out = NULL;
    if (!lim) {
        fw_limits_default(&deflim);
        lim = &deflim;
    }
    if (!json_is_object(root)) {
        fw_diag_add(diag, "document: expected an object, got %s", type_name(root));
        return FW_ERR_INVALID;
    }
    fw_buf_init(&dpath, 4096);
    if (depth_over(root, 1, lim->max_depth, &dpath)) {
        fw_diag_add(diag, "%s: nesting deeper than %d levels", fw_buf_str(&dpath),
                    lim->max_depth);
        fw_buf_release(&dpath);
        return FW_ERR_INVALID;
    }
    fw_buf_release(&dpath);

    memset(&v, 0, sizeof v);
    v.diag = diag;
    fw_buf_init(&v.path, 4096);
    record = json_object_get(root, "record");
    if (json_is_string(record) && strcmp(json_string_value(record), "agency") == 0) {
        type = FW_RECORD_AGENCY;
        validate_object(&v, root, &fw_schema_agency, NULL, 0, false);
        v.errors += fw_agency_check(root, diag);
    } else if (json_is_string(record) && strcmp(json_string_value(record), "officer") == 0) {
        type = FW_RECORD_OFFICER;
        validate_object(&v, root, &fw_schema_officer, NULL, 0, false);
        if (!v.errors)
            check_officer_record(&v, root);
    } else {
        if (record && (!json_is_string(record) ||
                       strcmp(json_string_value(record), "incident") != 0)) {
            v.errors++;
            fw_diag_add(diag,
                        "record: unknown value \"%s\" (expected one of incident, agency, officer)",
                        json_is_string(record) ? json_string_value(record) : type_name(record));
        }
        occ = json_object_get(root, "occurred_at");
        v.occurred_ok = json_is_string(occ) && fw_time_parse(json_string_value(occ), &v.occurred);
        collect_parties(&v, root);
        if (!v.parties) {
            rc = FW_ERR_NOMEM;
            goto done;
        }
        check_account_ids(&v, json_object_get(root, "accounts"));
        validate_object(&v, root, &fw_schema_incident, NULL, 0, false);
        check_registry_links(&v, root);
    }
    if (v.errors) {
        rc = FW_ERR_INVALID;
        goto done;
    }

    doc = calloc(1, sizeof *doc);
    if (!doc) {
        rc = FW_ERR_NOMEM;
        goto done;
    }
    doc->type = type;
    doc->root = json_incref(root);
    doc->id = json_string_value(json_object_get(root, "id"));
    if (type == FW_RECORD_OFFICER)
        doc->agency = json_string_value(json_object_get(root, "agency"));
    if (type == FW_RECORD_INCIDENT && (rc = build_view(doc)) != FW_OK) {
        fw_doc_free(doc);
        goto done;
    }
    *out = doc;
    rc = FW_OK;
done:
    free(v.parties);
    fw_buf_release(&v.path);
    return rc;
}

void fw_doc_free(fw_doc *doc)
{
    size_t i;
    if (!doc)
        return;
    for (i = 0; i < doc->naccounts; i++)
        free(doc->accounts[i].events);
    free(doc->accounts);
    free(doc->parties);
    json_decref(doc->root);
    free(doc);
}

fw_rc fw_doc_canonical(const fw_doc *doc, fw_buf *out)
{
    return fw_canon_write(doc->root, out);
}

const char *fw_event_str(const fw_event *e, const char *key)
{
    const json_t *j = json_object_get(e->obj, key);
    return json_is_string(j) ? json_string_value(j) : NULL;
}

bool fw_event_num(const fw_event *e, const char *key, double *out)
{
    const json_t *j = json_object_get(e->obj, key);
    if (!json_is_number(j))
        return false;
    *out = json_number_value(j);
    return true;
}

bool fw_event_bool(const fw_event *e, const char *key, bool *out)
{
    const json_t *j = json_object_get(e->obj, key);
    if (!json_is_boolean(j))
        return false;
    *out = json_is_true(j);
    return true;
}

const fw_party *fw_doc_party(const fw_doc *doc, const char *id)
{
    size_t i;
    for (i = 0; i < doc->nparties; i++)
        if (strcmp(doc->parties[i].id, id) == 0)
            return &doc->parties[i];
    return NULL;
}

const char *fw_doc_party_registry(const fw_party *p)
{
    const json_t *r;
    if (!p || p->kind != FW_REF_OFFICER)
        return NULL;
    r = json_object_get(p->obj, "registry");
    return json_is_string(r) ? json_string_value(r) : NULL;
}

const fw_party *fw_doc_officer_linked(const fw_doc *doc, const char *registry)
{
    size_t i;
    for (i = 0; registry && i < doc->nparties; i++) {
        const char *r = fw_doc_party_registry(&doc->parties[i]);
        if (r && strcmp(r, registry) == 0)
            return &doc->parties[i];
    }
    return NULL;
}

/* Personal fields of one object against its schema, under path prefix. */
static size_t personal_in(const json_t *obj, const fw_object *schema, const char *prefix,
                          fw_buf *paths)
{
    size_t i, k, n = 0;
    char sub[96];

    for (i = 0; i < schema->nfields; i++) {
        const fw_field *f = &schema->fields[i];
        const json_t *v = json_object_get(obj, f->name);
        if (!v)
            continue;
        if (f->flags & FW_PERSONAL) {
            fw_buf_printf(paths, "%s%s%s%s", paths->len ? "," : "", prefix, *prefix ? "." : "",
                          f->name);
            n++;
        } else if (f->type == FW_F_OBJECT && f->obj) {
            snprintf(sub, sizeof sub, "%s%s%s", prefix, *prefix ? "." : "", f->name);
            n += personal_in(v, f->obj, sub, paths);
        } else if (f->type == FW_F_OBJECT_LIST && f->obj && f->obj != &fw_schema_event_common) {
            for (k = 0; k < json_array_size(v); k++) {
                snprintf(sub, sizeof sub, "%s%s%s[%zu]", prefix, *prefix ? "." : "", f->name, k);
                n += personal_in(json_array_get(v, k), f->obj, sub, paths);
            }
        }
    }
    return n;
}

size_t fw_doc_personal_fields(const fw_doc *doc, fw_buf *paths)
{
    if (doc->type != FW_RECORD_INCIDENT)
        return 0;
    return personal_in(doc->root, &fw_schema_incident, "", paths);
}

/* Remove every personal field of obj (and the objects inside it) against schema. */
static void strip_personal(json_t *obj, const fw_object *schema)
{
    size_t i, k;
    for (i = 0; i < schema->nfields; i++) {
        const fw_field *f = &schema->fields[i];
        json_t *v = json_object_get(obj, f->name);
        if (!v)
            continue;
        if (f->flags & FW_PERSONAL)
            json_object_del(obj, f->name);
        else if (f->type == FW_F_OBJECT && f->obj)
            strip_personal(v, f->obj);
        else if (f->type == FW_F_OBJECT_LIST && f->obj && f->obj != &fw_schema_event_common)
            for (k = 0; k < json_array_size(v); k++)
                strip_personal(json_array_get(v, k), f->obj);
    }
}

void fw_incident_deidentify(json_t *incident)
{
    if (incident)
        strip_personal(incident, &fw_schema_incident);
}
