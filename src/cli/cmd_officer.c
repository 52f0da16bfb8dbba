/*
** `forcewatch officer list|show|add`: the officer registry (store/officers.h).
** list prints the registry officers (of one agency); show prints an officer's
** profile (workflow/officers.h, the same the API serves); add stores registry
** officers from a file, through the loader `add` uses, or one from options.
*/
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "cli.h"
#include "data/load.h"
#include "store/agency.h"
#include "store/officers.h"
#include "workflow/officers.h"
#include "base/banned.h"

/* One officer a line: id, badge, status, name, then the agency by name and id. */
static int print_row(void *arg, const fw_doc *o)
{
    const char *name = json_string_value(json_object_get(o->root, "name"));
    const char *badge = json_string_value(json_object_get(o->root, "badge"));
    const char *status = json_string_value(json_object_get(o->root, "status"));
    json_t *ag = json_object();
    const char *agname;
    fw_agency_name_set(arg, ag, o->agency);
    agname = json_string_value(json_object_get(ag, "agency_name"));
    printf("%-32s %-10s %-10s %-40s %s%s%s%s%s\n", o->id, badge ? badge : "-",
           status ? status : "-", name ? name : "-", agname ? agname : "", agname ? " (" : "",
           o->agency, agname ? ")" : "",
           json_is_true(json_object_get(o->root, "withdrawn")) ? " (withdrawn)" : "");
    json_decref(ag);
    return 0;
}

static int officer_list(cli_args *a)
{
    fw_store *s = cli_open_store(a, FW_STORE_READONLY);
    fw_error err;
    int rc = EXIT_OK;
    if (!s)
        return EXIT_RUNTIME;
    if (fw_officer_list(s, cli_value(a, "agency"), NULL, 0, print_row, s, NULL, &err) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    fw_store_close(s);
    return rc;
}

static const char *sv(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "-";
}

/* The profile as text for people: one section per part, one line per row. */
static void print_profile(const json_t *p)
{
    const json_t *o = json_object_get(p, "officer"), *tr = json_object_get(p, "training");
    const json_t *x, *list;
    size_t i;

    printf("officer     %s%s\n", sv(o, "id"),
           json_is_true(json_object_get(o, "withdrawn")) ? " (withdrawn)" : "");
    printf("name        %s\n", sv(o, "name"));
    if (json_object_get(p, "agency_name"))
        printf("agency      %s (%s)\n", sv(p, "agency_name"), sv(o, "agency"));
    else
        printf("agency      %s\n", sv(o, "agency"));
    printf("badge       %s\n", sv(o, "badge"));
    printf("rank        %s\n", sv(o, "rank"));
    printf("unit        %s\n", sv(o, "unit"));
    printf("status      %s\n", sv(o, "status"));
    list = json_object_get(p, "incidents");
    printf("\nincidents (%zu)\n", json_array_size(list));
    json_array_foreach(list, i, x)
        printf("  %-24s %-25s as %-10s %-16s %-14s %s\n", sv(x, "id"), sv(x, "occurred_at"),
               sv(x, "label"), sv(x, "role"), sv(x, "encounter"), sv(x, "provenance"));
    list = json_object_get(p, "acts");
    printf("\nacts of force (%zu)\n", json_array_size(list));
    json_array_foreach(list, i, x)
        printf("  %-24s %-12s t=%-8.1f %s at %s\n", sv(x, "incident"), sv(x, "account"),
               json_number_value(json_object_get(x, "t")), sv(x, "kind"), sv(x, "target"));
    list = json_object_get(p, "findings");
    printf("\nfindings of stored reviews (%zu)\n", json_array_size(list));
    json_array_foreach(list, i, x)
        printf("  %-24s %-28s %-22s %s\n", sv(x, "incident"), sv(x, "policy"), sv(x, "kind"),
               sv(x, "outcome"));
    list = json_object_get(p, "duties");
    printf("\nduty items (%zu)\n", json_array_size(list));
    json_array_foreach(list, i, x)
        printf("  %-24s %-22s %s\n", sv(x, "incident"), sv(x, "kind"), sv(x, "detail"));
    list = json_object_get(tr, "courses");
    printf("\ntraining (%zu)\n", json_array_size(list));
    json_array_foreach(list, i, x)
        printf("  %-22s completed %s  expires %s\n", sv(x, "course"), sv(x, "completed"),
               sv(x, "expires"));
}

static int officer_show(cli_args *a)
{
    fw_policy_set ps;
    fw_walk_opts strict = {NULL, NULL, true};
    fw_store *s;
    fw_error err;
    json_t *prof = NULL;
    int rc = EXIT_OK;

    if (!cli_load_policies(a->policies, &ps))
        return EXIT_RUNTIME;
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s) {
        fw_policy_set_release(&ps);
        return EXIT_RUNTIME;
    }
    if (fw_officer_profile(s, a->pos[1], &ps, fw_clock_wall(), NULL, &strict, FW_PROFILE_ALL,
                           &prof, &err) != FW_OK) {
        rc = cli_fail(err.rc == FW_ERR_NOTFOUND ? EXIT_USAGE : EXIT_RUNTIME, "%s", err.msg);
    } else if (cli_flag(a, "json")) {
        json_dumpf(prof, stdout, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
        putchar('\n');
    } else {
        print_profile(prof);
    }
    json_decref(prof);
    fw_store_close(s);
    fw_policy_set_release(&ps);
    return rc;
}

static void on_problem(void *arg, size_t line, const char *msg)
{
    if (line)
        fprintf(stderr, "%s:%zu: %s\n", (const char *)arg, line, msg);
    else
        fprintf(stderr, "%s: %s\n", (const char *)arg, msg);
}

/* The officer the options describe, as a document (the same validation as a file's). */
static fw_doc *officer_from_opts(cli_args *a)
{
    static const char *const keys[] = {"name", "badge", "rank", "unit", "status", NULL};
    json_t *j = json_pack("{s:s, s:s?, s:s?}", "record", "officer", "id", cli_value(a, "id"),
                          "agency", cli_value(a, "agency"));
    fw_diag diag;
    fw_doc *doc = NULL;
    size_t i;

    for (i = 0; j && keys[i]; i++)
        if (cli_value(a, keys[i]))
            json_object_set_new(j, keys[i], json_string(cli_value(a, keys[i])));
    fw_diag_init(&diag, 20);
    if (!j || fw_doc_from_json(j, NULL, &doc, &diag) != FW_OK) {
        for (i = 0; i < diag.n; i++)
            fprintf(stderr, "forcewatch: officer: %s\n", diag.msgs[i]);
        if (!j)
            fprintf(stderr, "forcewatch: out of memory\n");
    }
    fw_diag_release(&diag);
    json_decref(j);
    return doc;
}

static int officer_add(cli_args *a)
{
    static const fw_record_type officers_only = FW_RECORD_OFFICER;
    fw_load_hooks hooks = {on_problem, NULL, NULL, &officers_only};
    fw_load_result res;
    fw_put_result put;
    fw_store *s;
    fw_error err;
    fw_doc *doc = NULL;
    FILE *f = NULL;
    int rc = EXIT_OK;

    if ((a->npos == 2) == (cli_value(a, "id") != NULL))
        return cli_usage_error("expected 'officer add FILE' or 'officer add --id ID --agency A'");
    if (a->npos == 2 && !(f = strcmp(a->pos[1], "-") ? fopen(a->pos[1], "rb") : stdin))
        return cli_fail(EXIT_RUNTIME, "cannot open %s", a->pos[1]);
    if (a->npos != 2 && !(doc = officer_from_opts(a)))
        return EXIT_INVALID;
    s = cli_open_store(a, 0);
    if (!s || fw_store_begin(s, &err) != FW_OK) {
        rc = s ? cli_fail(EXIT_RUNTIME, "%s", err.msg) : EXIT_RUNTIME;
        goto done;
    }
    memset(&res, 0, sizeof res);
    hooks.arg = (void *)(f ? a->pos[1] : "officer");
    if (f && fw_load_stream(f, a->pos[1], s, a->actor, &hooks, &res, &err) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    else if (f && res.bad_docs)
        rc = EXIT_INVALID;
    else if (!f && fw_store_put(s, doc, a->actor, &put, &err) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    if (rc || fw_store_commit(s, &err) != FW_OK) {
        if (!rc)
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        fw_store_rollback(s);
        goto done;
    }
    if (f)
        printf("%s: %zu document%s: %zu created, %zu updated, %zu unchanged\n", a->pos[1],
               res.docs, res.docs == 1 ? "" : "s", res.tally.created, res.tally.updated,
               res.tally.unchanged);
    else
        printf("%s: version %lld (%s)\n", doc->id, (long long)put.version,
               put.action == FW_PUT_CREATED ? "created"
               : put.action == FW_PUT_UPDATED ? "updated" : "unchanged");
done:
    if (f && f != stdin)
        fclose(f);
    fw_doc_free(doc);
    fw_store_close(s);
    return rc;
}

int cmd_officer(cli_args *a)
{
    const char *sub = a->pos[0];
    if (strcmp(sub, "list") == 0 && a->npos == 1)
        return officer_list(a);
    if (strcmp(sub, "show") == 0 && a->npos == 2)
        return officer_show(a);
    if (strcmp(sub, "add") == 0)
        return officer_add(a);
    return cli_usage_error("expected 'officer list [--agency A]', 'officer show ID' or "
                           "'officer add FILE|--id ID --agency A ...'");
}
