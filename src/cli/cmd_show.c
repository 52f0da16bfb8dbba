/*
** The reading commands: `show`, `list`, `history` and `schema`.  Results go
** to stdout as text for people or, with --json, as JSON for programs.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "record/jsonschema.h"

#include "base/banned.h"

static bool parse_count(const char *s, int64_t *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 1)
        return false;
    *out = v;
    return true;
}

/* ---- show ------------------------------------------------------------- */

static void print_value(const json_t *v)
{
    fw_buf b;
    if (json_is_string(v)) {
        fputs(json_string_value(v), stdout);
        return;
    }
    fw_buf_init(&b, 1 << 20);
    fw_canon_write(v, &b);
    fputs(fw_buf_str(&b), stdout);
    fw_buf_release(&b);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The object's fields other than those in skip, as "key=value", sorted. */
static void print_attrs(const json_t *obj, const char *const *skip)
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
        printf(" %s=", keys[i]);
        print_value(json_object_get(obj, keys[i]));
    }
}

static void print_parties(const fw_doc *doc, unsigned kind, const char *label)
{
    static const char *const skip[] = {"id", NULL};
    size_t i;
    bool first = true;
    for (i = 0; i < doc->nparties; i++) {
        if (doc->parties[i].kind != kind)
            continue;
        printf("%s%s", first ? label : ";", first ? "" : " ");
        printf("%s", doc->parties[i].id);
        print_attrs(doc->parties[i].obj, skip);
        first = false;
    }
    if (!first)
        putchar('\n');
}

static void show_incident(const fw_doc *doc)
{
    static const char *const skip_top[] = {"id", "agency", "occurred_at", "officers", "subjects",
                                           "vehicles", "accounts", "location", "summary",
                                           "record", NULL};
    static const char *const skip_ev[] = {"t", "type", "actor", "note", NULL};
    static const char *const none[] = {NULL};
    const json_t *loc = json_object_get(doc->root, "location"), *summary, *note;
    size_t i, k;

    printf("occurred   %s\nagency     %s\n", doc->occurred_at, doc->agency);
    if (loc) {
        printf("location  ");
        print_attrs(loc, none);
        putchar('\n');
    }
    printf("details   ");
    print_attrs(doc->root, skip_top);
    putchar('\n');
    print_parties(doc, FW_REF_OFFICER, "officers   ");
    print_parties(doc, FW_REF_SUBJECT, "subjects   ");
    print_parties(doc, FW_REF_VEHICLE, "vehicles   ");
    summary = json_object_get(doc->root, "summary");
    if (summary)
        printf("summary    %s\n", json_string_value(summary));
    for (i = 0; i < doc->naccounts; i++) {
        const fw_account *a = &doc->accounts[i];
        printf("\naccount %s (%s): %s\n", a->id, a->kind, a->source);
        for (k = 0; k < a->nevents; k++) {
            const fw_event *e = &a->events[k];
            const json_t *who = json_object_get(e->obj, "vehicle");
            if (!who)
                who = json_object_get(e->obj, "person");
            printf("  %8.1f s  %-18s %s", e->t, e->type_name,
                   e->actor ? e->actor : json_is_string(who) ? json_string_value(who) : "-");
            print_attrs(e->obj, skip_ev);
            if (!e->type)
                printf("  (type not interpreted)");
            note = json_object_get(e->obj, "note");
            if (note)
                printf("\n             \"%s\"", json_string_value(note));
            putchar('\n');
        }
    }
}

/*
** Reading personal data of private people is itself recorded: if the
** incident holds any, an access record (who, what, when, why) is stored,
** and so logged, before anything is shown.  *s is reopened for writing.
*/
static int log_personal_read(cli_args *a, fw_store **s, const char *id, const char *body,
                             size_t len, int64_t version)
{
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_buf paths;
    fw_error err;
    int rc = EXIT_OK;

    fw_diag_init(&diag, 2);
    fw_buf_init(&paths, 1 << 16);
    if (fw_doc_parse(body, len, NULL, &doc, &diag) != FW_OK ||
        fw_doc_personal_fields(doc, &paths) == 0)
        goto done; /* nothing personal (or unreadable: show says so) */
    if (fw_buf_error(&paths) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s holds personal data and its reading cannot be logged: "
                                    "not shown", id);
        goto done;
    }
    fw_store_close(*s);
    *s = cli_open_store(a, 0);
    if (!*s || fw_store_log_access(*s, id, version, fw_buf_str(&paths), a->actor,
                                   cli_value(a, "reason"), &err) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "%s holds personal data and its reading cannot be logged: "
                                    "not shown", id);
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
    fw_buf_release(&paths);
    return rc;
}

int cmd_show(cli_args *a)
{
    const char *id = a->pos[0], *vs = cli_value(a, "version");
    int64_t version = 0;
    fw_record_type type = FW_RECORD_INCIDENT;
    fw_record_info info;
    fw_store *s;
    fw_buf body;
    fw_error err;
    fw_doc *doc = NULL;
    fw_diag diag;
    fw_rc frc;
    int rc = EXIT_OK;

    if (vs && !parse_count(vs, &version))
        return cli_usage_error("--version needs a whole number of at least 1, not '%s'", vs);
    if (cli_flag(a, "pretty") && !cli_flag(a, "json"))
        return cli_usage_error("--pretty goes with --json");
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_diag_init(&diag, 10);
    /* An id names an incident, an agency, a review ("INCIDENT:POLICY") or an
    ** access record ("INCIDENT:read:SEQ"). */
    frc = fw_store_get(s, type, id, version, &body, &info, &err);
    if (frc == FW_ERR_NOTFOUND) {
        static const fw_record_type others[] = {FW_RECORD_AGENCY, FW_RECORD_REVIEW,
                                                FW_RECORD_ACCESS};
        size_t k;
        for (k = 0; k < sizeof others / sizeof others[0]; k++) {
            fw_buf_reset(&body);
            if (fw_store_get(s, others[k], id, 0, &body, &info, NULL) == FW_OK) {
                type = others[k];
                fw_buf_reset(&body);
                frc = fw_store_get(s, type, id, version, &body, &info, &err);
                break;
            }
        }
    }
    if (frc) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    if (type == FW_RECORD_INCIDENT && (rc = log_personal_read(a, &s, id, body.data, body.len,
                                                              info.version)) != EXIT_OK)
        goto done;
    if (cli_flag(a, "json") && !cli_flag(a, "pretty")) {
        fwrite(body.data, 1, body.len, stdout);
        putchar('\n');
        goto done;
    }
    if (type == FW_RECORD_REVIEW || type == FW_RECORD_ACCESS) {
        /* Not a document: show its JSON. */
        json_t *j = json_loadb(body.data, body.len, 0, NULL);
        printf("%s %s  version %lld of %lld  stored %s by %s\nsha256     %s\n", fw_record_type_name(type), id,
               (long long)info.version, (long long)info.latest, info.created_at, info.actor,
               info.sha256);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
        putchar('\n');
        json_decref(j);
        goto done;
    }
    if (fw_doc_parse(body.data, body.len, NULL, &doc, &diag) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "stored %s %s version %lld no longer validates: %s",
                      fw_record_type_name(type), id, (long long)info.version,
                      diag.n ? diag.msgs[0] : "unknown problem");
        goto done;
    }
    if (cli_flag(a, "json")) {
        json_dumpf(doc->root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
        goto done;
    }
    printf("%s %s  version %lld of %lld  stored %s by %s\nsha256     %s\n",
           fw_record_type_name(type), id, (long long)info.version, (long long)info.latest,
           info.created_at, info.actor, info.sha256);
    if (type == FW_RECORD_INCIDENT) {
        show_incident(doc);
    } else {
        static const char *const skip[] = {"id", "record", NULL};
        printf("details   ");
        print_attrs(doc->root, skip);
        putchar('\n');
    }
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
    fw_buf_release(&body);
    fw_store_close(s);
    return rc;
}

/* ---- list ------------------------------------------------------------- */

typedef struct list_out {
    bool json;
    size_t n;
} list_out;

/* Print j (and drop it) as the next element of a JSON array on stdout. */
static void print_json_item(list_out *o, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    printf("%s\n  %s", o->n ? "," : "[", text ? text : "null");
    free(text);
    json_decref(j);
}

static int print_row(void *arg, const fw_incident_row *r)
{
    list_out *o = arg;
    if (o->json) {
        json_t *j = json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s, s:I, s:I}", "id", r->id,
                              "version", (json_int_t)r->version, "agency", r->agency,
                              "occurred_at", r->occurred_at, "encounter",
                              *r->encounter ? r->encounter : NULL, "force_kinds",
                              r->force_kinds, "accounts", (json_int_t)r->naccounts, "events",
                              (json_int_t)r->nevents);
        if (*r->other_agencies) {
            json_t *others = json_array();
            char list[64 * 33], *save = NULL, *part;
            snprintf(list, sizeof list, "%s", r->other_agencies);
            for (part = strtok_r(list, ",", &save); part; part = strtok_r(NULL, ",", &save))
                json_array_append_new(others, json_string(part));
            json_object_set_new(j, "other_agencies", others);
        }
        print_json_item(o, j);
    } else {
        if (o->n == 0)
            printf("%-25s  %-20s  %3s  %-16s  %-15s  %4s  %s\n", "OCCURRED", "ID", "V",
                   "AGENCY", "ENCOUNTER", "ACCT", "FORCE");
        printf("%-25s  %-20s  %3lld  %-16s  %-15s  %4lld  %s\n", r->occurred_at, r->id,
               (long long)r->version, r->agency, *r->encounter ? r->encounter : "-",
               (long long)r->naccounts, *r->force_kinds ? r->force_kinds : "-");
    }
    o->n++;
    return 0;
}

static bool valid_date(const char *s)
{
    fw_time t;
    return strlen(s) == 10 && fw_time_parse(s, &t);
}

static int check_enum(const char *opt, const char *enum_name, const char *value)
{
    const fw_enum *e = fw_enum_find(enum_name);
    fw_buf list;
    int i, rc;
    if (!value || fw_enum_index(e, value) >= 0)
        return 0;
    fw_buf_init(&list, 4096);
    for (i = 0; e->values[i]; i++)
        fw_buf_printf(&list, "%s%s", i ? ", " : "", e->values[i]);
    rc = cli_usage_error("--%s: unknown value '%s' (expected one of %s)", opt, value,
                         fw_buf_str(&list));
    fw_buf_release(&list);
    return rc;
}

int cli_list_filter(cli_args *a, fw_list_filter *f)
{
    int rc;
    memset(f, 0, sizeof *f);
    f->agency = cli_value(a, "agency");
    f->since = cli_value(a, "since");
    f->until = cli_value(a, "until");
    f->encounter = cli_value(a, "encounter");
    f->force_kind = cli_value(a, "force-kind");
    f->include_withdrawn = cli_flag(a, "withdrawn");
    if (f->since && !valid_date(f->since))
        return cli_usage_error("--since needs a date YYYY-MM-DD, not '%s'", f->since);
    if (f->until && !valid_date(f->until))
        return cli_usage_error("--until needs a date YYYY-MM-DD, not '%s'", f->until);
    if ((rc = check_enum("encounter", "encounter", f->encounter)) ||
        (rc = check_enum("force-kind", "force_kind", f->force_kind)))
        return rc;
    return 0;
}

int cmd_list(cli_args *a)
{
    fw_list_filter f;
    list_out o;
    fw_store *s;
    fw_error err;
    const char *limit = cli_value(a, "limit");
    int rc;

    memset(&o, 0, sizeof o);
    o.json = cli_flag(a, "json");
    if ((rc = cli_list_filter(a, &f)) != 0)
        return rc;
    f.agency_type = cli_value(a, "agency-type");
    f.with_agencies = o.json;
    if (limit && !parse_count(limit, &f.limit))
        return cli_usage_error("--limit needs a whole number of at least 1, not '%s'", limit);
    if ((rc = check_enum("agency-type", "agency_type", f.agency_type)))
        return rc;
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    if (fw_store_list(s, &f, print_row, &o, &err) != FW_OK) {
        fw_store_close(s);
        return cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    if (o.json)
        printf(o.n ? "\n]\n" : "[]\n");
    else if (o.n == 0)
        fprintf(stderr, "no incidents match\n");
    fw_store_close(s);
    return EXIT_OK;
}

/* ---- history ---------------------------------------------------------- */

static int print_version(void *arg, const fw_record_meta *m)
{
    list_out *o = arg;
    if (o->json) {
        json_t *j = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:s}", "type", m->type, "id",
                              m->id, "version", (json_int_t)m->version, "created_at",
                              m->created_at, "actor", m->actor, "log_seq",
                              (json_int_t)m->log_seq, "sha256", m->sha256);
        print_json_item(o, j);
    } else {
        if (o->n == 0)
            printf("%-7s  %-20s  %-24s  %7s  %s\n", "VERSION", "STORED", "ACTOR", "LOG", "SHA256");
        printf("%-7lld  %-20s  %-24s  %7lld  %s\n", (long long)m->version, m->created_at,
               m->actor, (long long)m->log_seq, m->sha256);
    }
    o->n++;
    return 0;
}

int cmd_history(cli_args *a)
{
    list_out o;
    fw_store *s;
    fw_error err;
    fw_rc frc;

    memset(&o, 0, sizeof o);
    o.json = cli_flag(a, "json");
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    frc = fw_store_history(s, FW_RECORD_INCIDENT, a->pos[0], print_version, &o, &err);
    if (frc == FW_ERR_NOTFOUND)
        frc = fw_store_history(s, FW_RECORD_AGENCY, a->pos[0], print_version, &o, NULL);
    if (frc == FW_ERR_NOTFOUND)
        frc = fw_store_history(s, FW_RECORD_REVIEW, a->pos[0], print_version, &o, NULL);
    if (frc == FW_ERR_NOTFOUND)
        frc = fw_store_history(s, FW_RECORD_ACCESS, a->pos[0], print_version, &o, NULL);
    fw_store_close(s);
    if (frc)
        return cli_fail(EXIT_RUNTIME, "%s", err.msg);
    if (o.json)
        printf("\n]\n");
    return EXIT_OK;
}

/* ---- schema ----------------------------------------------------------- */

int cmd_schema(cli_args *a)
{
    json_t *schema = fw_json_schema();
    (void)a;
    if (!schema)
        return cli_fail(EXIT_RUNTIME, "out of memory");
    json_dumpf(schema, stdout, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
    putchar('\n');
    json_decref(schema);
    return EXIT_OK;
}
