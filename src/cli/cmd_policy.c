/*
** `forcewatch policy` and `forcewatch review`: listing and showing the
** policy directory, running the policies' scenario tests, reviewing stored
** incidents (and storing the reviews as versioned records), and what-if
** summaries over every incident.  Loading the set, choosing the version in
** effect, the scenario runner and the what-if tally are the library's
** (policy/policyset.h, policy/scenario.h, policy/whatif.h); this file parses
** options and prints.
*/
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "cli.h"
#include "policy/review.h"
#include "policy/scenario.h"
#include "store/agency.h"
#include "workflow/walk.h"
#include "base/banned.h"

/* Print a set's problems (diag, else err) for the command line. */
static int policy_problems(const fw_diag *diag, const fw_error *err, int code)
{
    size_t i;
    for (i = 0; i < diag->n; i++)
        fprintf(stderr, "%s\n", diag->msgs[i]);
    if (!diag->n)
        cli_fail(code, "%s", err->msg);
    return code;
}

bool cli_load_policies(const char *dir, fw_policy_set *ps)
{
    fw_diag diag;
    fw_error err;
    fw_rc rc;

    fw_diag_init(&diag, 1000);
    rc = fw_policy_set_load(dir, ps, &diag, &err);
    if (rc == FW_ERR_IO)
        cli_fail(EXIT_RUNTIME, "%s (see --policies)", err.msg);
    else if (rc != FW_OK)
        policy_problems(&diag, &err, EXIT_RUNTIME);
    fw_diag_release(&diag);
    return rc == FW_OK;
}

/* ---- policy list / show / check ---------------------------------------------- */

static int policy_list(const fw_policy_set *ps)
{
    size_t i;
    printf("%-26s %-8s %-12s %-10s %-10s %5s  %s\n", "POLICY", "VERSION", "KIND", "EFFECTIVE",
           "UNTIL", "RULES", "TITLE");
    for (i = 0; i < ps->n; i++) {
        const fw_policy *p = ps->items[i].policy;
        printf("%-26s %-8s %-12s %-10s %-10s %5zu  %s\n", fw_policy_fullname(p),
               fw_policy_version(p), fw_policy_kind(p),
               fw_policy_effective(p) ? fw_policy_effective(p) : "-",
               fw_policy_until(p) ? fw_policy_until(p) : "-", fw_policy_nrules(p),
               fw_policy_title(p));
    }
    return EXIT_OK;
}

static int policy_show(const fw_policy_set *ps, const char *name)
{
    /* A family: the version that took effect last, as what-if takes it. */
    const fw_loaded_policy *lp = fw_policy_set_choose(ps, name, NULL);
    const fw_policy *p;
    fw_rule_info r;
    fw_buf gov;
    size_t i;

    if (!lp)
        return cli_fail(EXIT_RUNTIME, "no policy %s (see 'forcewatch policy list')", name);
    p = lp->policy;
    fw_buf_init(&gov, 4096);
    fw_policy_governs_text(p, &gov);
    printf("policy %s: %s\nkind %s, status %s, effective %s%s%s\ngoverns %s\nsource %s\n"
           "file %s (sha256 %s)\n",
           fw_policy_fullname(p), fw_policy_title(p), fw_policy_kind(p), fw_policy_status(p),
           fw_policy_effective(p) ? fw_policy_effective(p) : "-",
           fw_policy_until(p) ? " until " : "", fw_policy_until(p) ? fw_policy_until(p) : "",
           fw_buf_str(&gov), *fw_policy_source(p) ? fw_policy_source(p) : "-", lp->path,
           lp->sha256);
    fw_buf_release(&gov);
    for (i = 0; i < fw_policy_nrules(p); i++) {
        fw_policy_rule(p, i, &r);
        printf("\nrule %s  [%s, %s]\n  \"%s\"\n", r.id, r.cite, r.status, r.says);
        if (strcmp(r.on, "force") != 0)   /* the acts it judges, when not force */
            printf("  on      %s\n", r.on);
        printf("  when    %s\n  require %s\n", r.when ? r.when : "(always)", r.require);
    }
    return EXIT_OK;
}

/* ---- scenario tests ---------------------------------------------------------- */

static int policy_test(const fw_policy_set *ps, const char *dir, cli_args *a)
{
    size_t i, j, total = 0, failed = 0;
    int k;

    for (i = 0; i < ps->n; i++) {
        const char *full = fw_policy_fullname(ps->items[i].policy);
        fw_scenario_result res;
        bool wanted = a->npos == 1;
        for (k = 1; k < a->npos; k++)
            wanted |= strcmp(a->pos[k], full) == 0 ||
                      strcmp(a->pos[k], fw_policy_name(ps->items[i].policy)) == 0;
        if (!wanted)
            continue;
        if (fw_scenario_run(dir, ps->items[i].policy, cli_flag(a, "verbose"), &res) != FW_OK)
            fprintf(stderr, "forcewatch: %s: some failures were not kept\n", full);
        fputs(fw_buf_str(&res.passed), stdout);
        for (j = 0; j < res.failures.n; j++)
            fprintf(stderr, "%s\n", res.failures.msgs[j]);
        printf("%-28s %4zu checked, %zu failed\n", full, res.checked, res.failed);
        if (res.failed > res.checked)
            res.checked = res.failed; /* failures outside any check (a missing file) */
        total += res.checked;
        failed += res.failed;
        fw_scenario_release(&res);
    }
    for (k = 1; k < a->npos; k++)
        if (!fw_policy_set_knows(ps, a->pos[k]))
            return cli_fail(EXIT_RUNTIME, "no policy %s", a->pos[k]);
    printf("policy tests: %zu passed, %zu failed\n", total > failed ? total - failed : 0, failed);
    return failed ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_policy(cli_args *a)
{
    const char *sub = a->pos[0];
    fw_policy_set ps;
    fw_diag diag;
    fw_error err;
    int rc, k;

    if (strcmp(sub, "check") == 0) {
        if (a->npos < 2)
            return cli_usage_error("'policy check' needs FILE...");
        rc = EXIT_OK;
        for (k = 1; k < a->npos; k++) {
            memset(&ps, 0, sizeof ps);
            fw_diag_init(&diag, 100);
            if (fw_policy_set_add_file(&ps, a->pos[k], &diag, &err) == FW_OK)
                printf("%s: %s, %zu rules, ok\n", a->pos[k],
                       fw_policy_fullname(ps.items[0].policy), fw_policy_nrules(ps.items[0].policy));
            else
                rc = policy_problems(&diag, &err, EXIT_INVALID);
            fw_diag_release(&diag);
            fw_policy_set_release(&ps);
        }
        return rc;
    }
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "test"))
        return cli_usage_error("unknown policy command '%s'", sub);
    if (strcmp(sub, "list") == 0 && a->npos != 1)
        return cli_usage_error("'policy list' takes no arguments");
    if (strcmp(sub, "show") == 0 && a->npos != 2)
        return cli_usage_error("'policy show' needs one NAME");
    if (!cli_load_policies(a->policies, &ps))
        return EXIT_RUNTIME;
    if (strcmp(sub, "list") == 0)
        rc = policy_list(&ps);
    else if (strcmp(sub, "show") == 0)
        rc = policy_show(&ps, a->pos[1]);
    else
        rc = policy_test(&ps, a->policies, a);
    fw_policy_set_release(&ps);
    return rc;
}

/* ---- review ----------------------------------------------------------------- */

/* The policy versions to apply to an incident on date: those named with
** --policy (fw_policy_set_choose), else every family's version in effect. */
static size_t choose(const fw_policy_set *ps, cli_args *a, const char *date,
                     const fw_jurisdiction *j, const fw_loaded_policy **out, size_t max,
                     bool quiet)
{
    size_t n = 0;
    int k;

    if (a->nextra == 0)
        return fw_policy_set_in_effect(ps, date, j, out, max);
    for (k = 0; k < a->nextra && n < max; k++) {
        const fw_loaded_policy *lp = fw_policy_set_choose(ps, a->extra[k], date);
        if (lp)
            out[n++] = lp;
        else if (!quiet)
            fprintf(stderr, "forcewatch: no version of %s in effect on %.10s\n", a->extra[k],
                    date);
    }
    return n;
}

static int review_one(cli_args *a, fw_store *s, const fw_policy_set *ps, const char *id,
                      const fw_geometry *geo, json_t *json_out)
{
    fw_buf body, text;
    fw_record_info info;
    fw_error err;
    fw_diag diag;
    fw_doc *doc = NULL;
    const fw_loaded_policy *chosen[64];
    fw_agency_chain chain;
    fw_jurisdiction jur;
    char label[300];
    size_t n, i;
    int rc = EXIT_OK;

    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_buf_init(&text, FW_BUF_UNLIMITED);
    fw_diag_init(&diag, 5);
    if (fw_store_get(s, FW_RECORD_INCIDENT, id, 0, &body, &info, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    if (fw_doc_parse(body.data, body.len, NULL, &doc, &diag) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "stored incident %s no longer validates: %s", id,
                      diag.n ? diag.msgs[0] : "?");
        goto done;
    }
    if (fw_agency_chain_load(s, doc->agency, &chain, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    fw_jurisdiction_of(doc, &chain, &jur);
    fw_agency_label(&chain, label, sizeof label);
    n = choose(ps, a, doc->occurred_at, &jur, chosen, 64, json_out != NULL);
    if (!json_out)
        printf("%s  agency %s\n", id, label);
    if (n == 0 && !json_out && a->nextra == 0)
        printf("%s  no bundled policy governs %s on %.10s (name one with --policy for a "
               "what-if)\n", id, label, doc->occurred_at);
    for (i = 0; i < n; i++) {
        fw_review rv;
        json_t *j;
        if (fw_review_run(doc, chosen[i]->policy, geo, cli_value(a, "account"), &rv, &err)) {
            rc = cli_fail(EXIT_RUNTIME, "%s: %s", id, err.msg);
            break;
        }
        rv.what_if = fw_policy_set_what_if(ps, chosen[i], doc->occurred_at, &jur);
        if (rv.what_if && !json_out)
            printf("%s  what-if: %s is not in effect for this incident: %s\n", id,
                   fw_policy_fullname(chosen[i]->policy), rv.what_if);
        j = fw_review_record(&rv, &info, chosen[i], cli_value(a, "account"));
        if (j && !cli_flag(a, "no-store") && !cli_value(a, "account") &&
            fw_review_store(s, id, chosen[i], j, a->actor, NULL, &err) != FW_OK)
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        if (json_out) {
            if (j)
                json_array_append(json_out, j);
        } else {
            fw_buf_reset(&text);
            fw_review_text(&rv, cli_flag(a, "verbose"), &text);
            fputs(fw_buf_str(&text), stdout);
        }
        json_decref(j);
        fw_review_release(&rv);
    }
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
    fw_buf_release(&body);
    fw_buf_release(&text);
    return rc;
}

/* ---- what-if summary ------------------------------------------------------------ */

static int review_summary(cli_args *a, fw_store *s, const fw_policy_set *ps,
                          const fw_geometry *settings)
{
    fw_whatif *t;
    fw_walk_opts o = {NULL, NULL, true};
    fw_error err;
    fw_buf out;
    size_t i, nt = 0, apps = 0, evals = 0;
    int e, rc = EXIT_OK;

    if (a->nextra == 0)
        return cli_usage_error("--all --summary needs --policy NAME (one or more)");
    t = calloc((size_t)a->nextra, sizeof *t);
    if (!t)
        return cli_fail(EXIT_RUNTIME, "out of memory");
    fw_buf_init(&out, FW_BUF_UNLIMITED);
    for (e = 0; e < a->nextra && !rc; e++) {
        /* What-if: a family means the version that took effect last, whatever the dates. */
        const fw_loaded_policy *lp = fw_policy_set_choose(ps, a->extra[e], NULL);
        if (!lp)
            rc = cli_fail(EXIT_RUNTIME, "no policy %s (see 'forcewatch policy list')",
                          a->extra[e]);
        else if (fw_whatif_init(&t[nt], lp, cli_flag(a, "incidents"), 0, &err) != FW_OK)
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        else
            t[nt++].set = ps; /* count where it is in effect: the rest is what-if */
    }
    if (!rc && fw_whatif_run(s, t, nt, settings, &o, &err) != FW_OK)
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    for (i = 0; i < nt; i++) {
        if (!rc && ((i && fw_buf_addc(&out, '\n')) || fw_whatif_text(&t[i], &out)))
            rc = cli_fail(EXIT_RUNTIME, "out of memory");
        apps += t[i].applications;
        evals += t[i].evaluations;
    }
    if (!rc) {
        fwrite(out.data, 1, out.len, stdout);
        /* Applications are the same under every policy: count them once. */
        fprintf(stderr, "reviewed %zu incidents: %zu force applications, %zu rule evaluations\n",
                nt ? t[0].incidents : 0, nt ? apps / nt : 0, evals);
    }
    for (i = 0; i < nt; i++)
        fw_whatif_release(&t[i]);
    free(t);
    fw_buf_release(&out);
    return rc;
}

int cmd_review(cli_args *a)
{
    fw_policy_set ps;
    fw_store *s;
    fw_error err;
    json_t *out = NULL;
    int rc = EXIT_OK, k;
    bool all = cli_flag(a, "all"), sum = cli_flag(a, "summary");
    const char *window = cli_value(a, "threat-window");
    /* The judging settings: one struct, the same for a single review and a what-if. */
    fw_geometry geo;

    fw_geometry_default(&geo);
    if (window) {
        fw_error gerr;
        if (!fw_parse_decimal(window, &geo.threat_window_s) || fw_geometry_check(&geo, &gerr))
            return cli_usage_error("--threat-window: expected seconds from 0 to %.0f",
                                   FW_THREAT_WINDOW_MAX_S);
    }

    if (all != sum)
        return cli_usage_error("--all and --summary go together");
    if (all && a->npos)
        return cli_usage_error("give incident ids or --all, not both");
    if (!all && a->npos == 0)
        return cli_usage_error("'review' needs ID... or --all --summary --policy NAME...");
    if (cli_flag(a, "incidents") && !sum)
        return cli_usage_error("--incidents goes with --summary");
    if (!cli_load_policies(a->policies, &ps))
        return EXIT_RUNTIME;
    for (k = 0; k < a->nextra; k++)
        if (!fw_policy_set_knows(&ps, a->extra[k])) {
            fw_policy_set_release(&ps);
            return cli_fail(EXIT_RUNTIME, "no policy %s (see 'forcewatch policy list')",
                            a->extra[k]);
        }
    s = cli_open_store(a, all || cli_flag(a, "no-store") ? FW_STORE_READONLY : 0);
    if (!s) {
        fw_policy_set_release(&ps);
        return EXIT_RUNTIME;
    }
    if (all) {
        rc = review_summary(a, s, &ps, &geo);
    } else {
        bool write = !cli_flag(a, "no-store") && !cli_value(a, "account");
        if (write && fw_store_begin(s, &err) != FW_OK) {
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        } else {
            if (cli_flag(a, "json"))
                out = json_array();
            for (k = 0; k < a->npos; k++) {
                int r = review_one(a, s, &ps, a->pos[k], &geo, out);
                if (r && !rc)
                    rc = r;
            }
            if (write && fw_store_commit(s, &err) != FW_OK)
                rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
            if (out) {
                json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
                putchar('\n');
                json_decref(out);
            }
        }
    }
    fw_store_close(s);
    fw_policy_set_release(&ps);
    return rc;
}
