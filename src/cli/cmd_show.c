/*
** The reading commands: `show`, `list`, `history` and `schema`.  Results go
** to stdout as text for people or, with --json, as JSON for programs.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "base/str.h"
#include "record/jsonschema.h"
#include "record/render.h"
#include "store/agency.h"
#include "store/docs.h"

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

/*
** Reading personal data of private people is itself recorded: if the
** incident holds any, an access record (who, what, when, why) is stored,
** and so logged, before anything is shown.  *s is reopened for writing.
*/
static int log_personal_read(cli_args *a, fw_store **s, const char *id, const char *body,
                             size_t len, int64_t version)
{
    fw_buf paths;
    fw_error err;
    size_t n;
    int rc = EXIT_OK;

    fw_buf_init(&paths, 1 << 16);
    if (fw_personal_paths(body, len, &paths, &n) != FW_OK)
        goto fail;
    if (n == 0)
        goto done; /* nothing personal (or unreadable: show says so) */
    fw_store_close(*s);
    *s = cli_open_store(a, 0);
    if (!*s || fw_store_log_access(*s, id, version, fw_buf_str(&paths), a->actor,
                                   cli_value(a, "reason"), &err) != FW_OK)
        goto fail;
done:
    fw_buf_release(&paths);
    return rc;
fail:
    rc = cli_fail(EXIT_RUNTIME, "%s holds personal data and its reading cannot be logged: "
                                "not shown", id);
    goto done;
}

static void print_header(fw_record_type type, const char *id, const fw_record_info *info)
{
    printf("%s %s  version %lld of %lld  stored %s by %s\nsha256     %s\n",
           fw_record_type_name(type), id, (long long)info->version, (long long)info->latest,
           info->created_at, info->actor, info->sha256);
}

int cmd_show(cli_args *a)
{
    const char *id = a->pos[0], *vs = cli_value(a, "version");
    int64_t version = 0;
    fw_record_type type;
    fw_record_info info;
    fw_store *s;
    fw_buf body, text;
    fw_error err;
    fw_doc *doc = NULL;
    fw_diag diag;
    fw_agency_chain chain;
    int rc = EXIT_OK;

    if (vs && !parse_count(vs, &version))
        return cli_usage_error("--version needs a whole number of at least 1, not '%s'", vs);
    if (cli_flag(a, "pretty") && !cli_flag(a, "json"))
        return cli_usage_error("--pretty goes with --json");
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_buf_init(&text, FW_BUF_UNLIMITED);
    fw_diag_init(&diag, 10);
    if (fw_store_get_any(s, id, version, &body, &info, &type, &err) != FW_OK) {
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
    if (type == FW_RECORD_REVIEW || type == FW_RECORD_ACCESS || type == FW_RECORD_OFFICER) {
        /* Not a document: show its JSON. */
        json_t *j = json_loadb(body.data, body.len, 0, NULL);
        print_header(type, id, &info);
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
    if (fw_agency_chain_load(s, type == FW_RECORD_INCIDENT ? doc->agency : doc->id, &chain,
                             &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    print_header(type, id, &info);
    if (fw_render_doc_chain(doc, &chain, &text) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "out of memory");
    else
        fwrite(text.data, 1, text.len, stdout);
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
    fw_buf_release(&body);
    fw_buf_release(&text);
    fw_store_close(s);
    return rc;
}

/* ---- list ------------------------------------------------------------- */

typedef struct list_out {
    bool json;
    size_t n;
    fw_store *s;
    char agency[65];          /* the last row's agency and its label, looked up once a run */
    char label[300];
} list_out;

/* The label of row r's agency ("NAME (ID)", withdrawn marked): the one chain lookup. */
static const char *agency_label(list_out *o, const char *agency)
{
    fw_agency_chain chain;
    fw_error err;
    if (strcmp(o->agency, agency) != 0) {
        if (fw_agency_chain_load(o->s, agency, &chain, &err) != FW_OK)
            chain.n = 0;
        fw_agency_label(&chain, o->label, sizeof o->label);
        if (!o->label[0])
            fw_strlcpy(o->label, agency, sizeof o->label);
        fw_strlcpy(o->agency, agency, sizeof o->agency);
    }
    return o->label;
}

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
        json_t *j = fw_incident_row_json(r);
        fw_agency_name_set(o->s, j, r->agency); /* the name, as the API's rows give it */
        print_json_item(o, j);
    } else {
        if (o->n == 0)
            printf("%-25s  %-20s  %3s  %-15s  %4s  %-30s  %s\n", "OCCURRED", "ID", "V",
                   "ENCOUNTER", "ACCT", "FORCE", "AGENCY");
        printf("%-25s  %-20s  %3lld  %-15s  %4lld  %-30s  %s\n", r->occurred_at, r->id,
               (long long)r->version, *r->encounter ? r->encounter : "-",
               (long long)r->naccounts, *r->force_kinds ? r->force_kinds : "-",
               agency_label(o, r->agency));
    }
    o->n++;
    return 0;
}

/* The value of option opt, if given, is one of the enumeration's; 0 or EXIT_USAGE. */
static int check_enum(const char *opt, const char *enum_name, const char *value)
{
    fw_error err;
    if (value && fw_filter_enum_check(enum_name, value, &err) != FW_OK)
        return cli_usage_error("--%s: %s", opt, err.msg);
    return 0;
}

int cli_list_filter(cli_args *a, fw_list_filter *f)
{
    fw_error err;
    int rc;
    memset(f, 0, sizeof *f);
    f->agency = cli_value(a, "agency");
    f->since = cli_value(a, "since");
    f->until = cli_value(a, "until");
    f->encounter = cli_value(a, "encounter");
    f->force_kind = cli_value(a, "force-kind");
    f->include_withdrawn = cli_flag(a, "withdrawn");
    if (f->since && fw_filter_date_check(f->since, &err) != FW_OK)
        return cli_usage_error("--since %s", err.msg);
    if (f->until && fw_filter_date_check(f->until, &err) != FW_OK)
        return cli_usage_error("--until %s", err.msg);
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
    o.s = s;
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
        print_json_item(o, fw_record_meta_json(m));
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
    frc = fw_store_history_any(s, a->pos[0], print_version, &o, &err);
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
