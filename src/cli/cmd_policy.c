/*
** `forcewatch policy` and `forcewatch review`: loading the policy directory,
** choosing the version of a policy in effect at an incident's date, running
** the policies' scenario tests, reviewing stored incidents (and storing the
** reviews as versioned records), and what-if summaries over every incident.
*/
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli/policyset.h"
#include "policy/review.h"

#define MAX_FILE_BYTES (16 * 1024 * 1024)

/* ---- the policy set -------------------------------------------------------- */

void policy_set_release(policy_set *ps)
{
    size_t i;
    for (i = 0; i < ps->n; i++) {
        fw_policy_free(ps->items[i].policy);
        free(ps->items[i].path);
    }
    free(ps->items);
    ps->items = NULL;
    ps->n = 0;
}

/* Parse one policy file into the set; prints every problem. */
static bool load_policy_file(policy_set *ps, const char *path)
{
    fw_buf text;
    fw_diag diag;
    fw_policy *p = NULL;
    loaded_policy *grown;
    uint8_t digest[32];
    size_t i;
    bool ok = false;

    fw_buf_init(&text, MAX_FILE_BYTES);
    fw_diag_init(&diag, 100);
    if (!cli_read_file(path, &text))
        goto done;
    if (fw_policy_parse(path, fw_buf_str(&text), text.len, &p, &diag) != FW_OK) {
        for (i = 0; i < diag.n; i++)
            fprintf(stderr, "%s\n", diag.msgs[i]);
        goto done;
    }
    grown = realloc(ps->items, (ps->n + 1) * sizeof *grown);
    if (!grown) {
        cli_fail(EXIT_RUNTIME, "out of memory");
        fw_policy_free(p);
        goto done;
    }
    ps->items = grown;
    ps->items[ps->n].policy = p;
    ps->items[ps->n].path = strdup(path);
    fw_sha256(text.data, text.len, digest);
    fw_hex(digest, 32, ps->items[ps->n].sha256);
    ps->n++;
    ok = true;
done:
    fw_buf_release(&text);
    fw_diag_release(&diag);
    return ok;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.policy in dir, in name order.  Returns false (after printing) if
** the directory or any policy in it cannot be used. */
bool load_policies(const char *dir, policy_set *ps)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, path[4096];
    size_t n = 0, i;
    bool ok = true;

    memset(ps, 0, sizeof *ps);
    if (!d) {
        cli_fail(EXIT_RUNTIME, "cannot open the policy directory %s: %s (see --policies)", dir,
                 strerror(errno));
        return false;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char **grown;
        if (len < 8 || strcmp(e->d_name + len - 7, ".policy") != 0)
            continue;
        grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (names[i] && !load_policy_file(ps, path))
            ok = false;
        free(names[i]);
    }
    free(names);
    if (!ok)
        policy_set_release(ps);
    return ok;
}

static const loaded_policy *find_exact(const policy_set *ps, const char *name)
{
    size_t i;
    for (i = 0; i < ps->n; i++)
        if (strcmp(fw_policy_fullname(ps->items[i].policy), name) == 0)
            return &ps->items[i];
    return NULL;
}

static bool is_family(const policy_set *ps, const char *name)
{
    size_t i;
    for (i = 0; i < ps->n; i++)
        if (strcmp(fw_policy_name(ps->items[i].policy), name) == 0)
            return true;
    return false;
}

/* The version of family `name` in effect on date, or NULL. */
static const loaded_policy *find_in_effect(const policy_set *ps, const char *name,
                                           const char *date)
{
    size_t i;
    for (i = 0; i < ps->n; i++) {
        const fw_policy *p = ps->items[i].policy;
        if (strcmp(fw_policy_name(p), name) == 0 && fw_policy_in_effect(p, date))
            return &ps->items[i];
    }
    return NULL;
}

/* ---- policy list / show / check ---------------------------------------------- */

static int policy_list(const policy_set *ps)
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

static int policy_show(const policy_set *ps, const char *name)
{
    const loaded_policy *lp = find_exact(ps, name);
    const fw_policy *p;
    fw_rule_info r;
    size_t i;

    if (!lp) {
        for (i = 0; i < ps->n && !lp; i++)
            if (strcmp(fw_policy_name(ps->items[i].policy), name) == 0)
                lp = &ps->items[i]; /* the first version of the family */
    }
    if (!lp)
        return cli_fail(EXIT_RUNTIME, "no policy %s (see 'forcewatch policy list')", name);
    p = lp->policy;
    printf("policy %s: %s\nkind %s, status %s, effective %s%s%s\nsource %s\nfile %s (sha256 %s)\n",
           fw_policy_fullname(p), fw_policy_title(p), fw_policy_kind(p), fw_policy_status(p),
           fw_policy_effective(p) ? fw_policy_effective(p) : "-",
           fw_policy_until(p) ? " until " : "", fw_policy_until(p) ? fw_policy_until(p) : "",
           *fw_policy_source(p) ? fw_policy_source(p) : "-", lp->path, lp->sha256);
    for (i = 0; i < fw_policy_nrules(p); i++) {
        fw_policy_rule(p, i, &r);
        printf("\nrule %s  [%s, %s]\n  \"%s\"\n  when    %s\n  require %s\n", r.id, r.cite,
               r.status, r.says, r.when ? r.when : "(always)", r.require);
    }
    return EXIT_OK;
}

/* ---- scenario tests ---------------------------------------------------------- */

typedef struct expectation {
    char key[96], account[72], rule[72];
    char outcome[16];
    char unknown[512];         /* space-separated, as written; "" = not checked */
    bool decisive;             /* a "decisive KEY RULE FACT..." line */
    size_t line;
    bool matched;
} expectation;

typedef struct test_run {
    const char *file;
    size_t checked, failed;
    bool verbose;
} test_run;

static void test_fail(test_run *t, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void test_fail(test_run *t, size_t line, const char *fmt, ...)
{
    va_list ap;
    if (line)
        fprintf(stderr, "%s:%zu: ", t->file, line);
    else
        fprintf(stderr, "%s: ", t->file);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    t->failed++;
}

/* The unknown facts of a result, space-separated, in fact-table order. */
static void unknown_list(const fw_rule_result *res, char *out, size_t n)
{
    size_t i, k, len = 0;
    out[0] = '\0';
    for (k = 0; k < fw_n_facts; k++)
        for (i = 0; i < res->nunknown; i++)
            if (res->unknown[i] == (int)k)
                len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", len ? " " : "",
                                        fw_fact_defs[k].name);
    for (i = 0; i < res->nwindows && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s[%s]", len ? " " : "", res->windows[i]);
}

/* Sort the words of a space-separated list, so order does not matter. */
static void normalize_words(char *s)
{
    char *words[64], tmp[512], *save = NULL, *w;
    size_t n = 0, i, len = 0;
    snprintf(tmp, sizeof tmp, "%s", s);
    for (w = strtok_r(tmp, " ", &save); w && n < 64; w = strtok_r(NULL, " ", &save))
        words[n++] = w;
    qsort(words, n, sizeof *words, name_cmp);
    s[0] = '\0';
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, 512 - len, "%s%s", i ? " " : "", words[i]);
}

static void check_incident(test_run *t, const policy_set *ps, const fw_policy *p,
                           const char *incident_path, expectation *ex, size_t nex)
{
    fw_buf text;
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_review rv;
    fw_error err;
    size_t i, k, e, n = fw_policy_nrules(p);
    char got_unknown[512], want[512];
    (void)ps;

    fw_buf_init(&text, MAX_FILE_BYTES);
    fw_diag_init(&diag, 5);
    if (!cli_read_file(incident_path, &text)) {
        t->failed++;
        goto done;
    }
    if (fw_doc_parse(text.data, text.len, NULL, &doc, &diag) != FW_OK) {
        test_fail(t, 0, "%s does not validate: %s", incident_path, diag.n ? diag.msgs[0] : "?");
        goto done;
    }
    if (fw_review_run(doc, p, NULL, NULL, &rv, &err) != FW_OK) {
        test_fail(t, 0, "%s: %s", incident_path, err.msg);
        goto done;
    }
    for (i = 0; i < rv.nitems; i++) {
        const char *acct = doc->accounts[rv.items[i].account].id;
        for (k = 0; k < n; k++) {
            const fw_rule_result *res = &rv.items[i].results[k];
            fw_rule_info info;
            expectation *x = NULL;
            fw_policy_rule(p, k, &info);
            for (e = 0; e < nex && !x; e++)
                if (!ex[e].decisive && strcmp(ex[e].key, rv.items[i].key) == 0 &&
                    strcmp(ex[e].account, acct) == 0 && strcmp(ex[e].rule, info.id) == 0)
                    x = &ex[e];
            unknown_list(res, got_unknown, sizeof got_unknown);
            t->checked++;
            if (!x) {
                test_fail(t, 0, "%s: no expectation for %s %s %s (got %s%s%s)", incident_path,
                          rv.items[i].key, acct, info.id, fw_outcome_name(res->outcome),
                          *got_unknown ? " " : "", got_unknown);
                continue;
            }
            x->matched = true;
            if (strcmp(x->outcome, fw_outcome_name(res->outcome)) != 0) {
                test_fail(t, x->line, "%s %s %s: expected %s, got %s%s%s", x->key, x->account,
                          x->rule, x->outcome, fw_outcome_name(res->outcome),
                          *got_unknown ? " (unknown: " : "", *got_unknown ? got_unknown : "");
                if (*got_unknown)
                    fputs(")\n", stderr);
                continue;
            }
            if (*x->unknown) {
                snprintf(want, sizeof want, "%s", x->unknown);
                normalize_words(want);
                normalize_words(got_unknown);
                if (strcmp(want, got_unknown) != 0)
                    test_fail(t, x->line, "%s %s %s: unknown facts: expected %s, got %s", x->key,
                              x->account, x->rule, want, got_unknown);
            }
            if (t->verbose)
                printf("ok %s %s %s %s\n", rv.items[i].key, acct, info.id, x->outcome);
        }
    }
    /* Decisive facts: what the review found must be exactly what is listed. */
    for (e = 0; e < nex; e++) {
        char found[512] = "";
        size_t len = 0;
        int rule;
        if (!ex[e].decisive)
            continue;
        ex[e].matched = true;
        t->checked++;
        rule = fw_policy_rule_index(p, ex[e].rule);
        if (rule < 0) {
            test_fail(t, ex[e].line, "no rule %s in %s", ex[e].rule, fw_policy_fullname(p));
            continue;
        }
        for (i = 0; i < rv.ndecisive; i++)
            if (rv.decisive[i].rule == (size_t)rule &&
                strcmp(rv.items[rv.decisive[i].item_a].key, ex[e].key) == 0)
                len += (size_t)snprintf(found + len, len < sizeof found ? sizeof found - len : 0,
                                        "%s%s", len ? " " : "",
                                        fw_fact_defs[rv.decisive[i].fact].name);
        snprintf(want, sizeof want, "%s", ex[e].unknown);
        normalize_words(want);
        normalize_words(found);
        if (strcmp(want, found) != 0)
            test_fail(t, ex[e].line, "decisive %s %s: expected %s, got %s", ex[e].key,
                      ex[e].rule, want, *found ? found : "none");
    }
    /* And every decisive fact found must be listed. */
    for (i = 0; i < rv.ndecisive; i++) {
        fw_rule_info info;
        bool listed = false;
        fw_policy_rule(p, rv.decisive[i].rule, &info);
        for (e = 0; e < nex && !listed; e++)
            listed = ex[e].decisive && strcmp(ex[e].rule, info.id) == 0 &&
                     strcmp(ex[e].key, rv.items[rv.decisive[i].item_a].key) == 0;
        if (!listed) {
            t->checked++;
            test_fail(t, 0, "%s: no 'decisive %s %s' line, but %s is decisive", incident_path,
                      rv.items[rv.decisive[i].item_a].key, info.id,
                      fw_fact_defs[rv.decisive[i].fact].name);
        }
    }
    fw_review_release(&rv);
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
    fw_buf_release(&text);
}

/* Run one .tests file against policy p. */
static void run_tests_file(test_run *t, const policy_set *ps, const fw_policy *p)
{
    fw_buf text;
    char *line, *save = NULL, dir[2048], incident[4200] = "";
    expectation *ex = NULL;
    size_t nex = 0, cap = 0, lineno = 0, e;
    const char *slash;

    fw_buf_init(&text, MAX_FILE_BYTES);
    if (!cli_read_file(t->file, &text)) {
        t->failed++;
        fw_buf_release(&text);
        return;
    }
    slash = strrchr(t->file, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - t->file) : 1, slash ? t->file : ".");
    /* Split by hand: strtok would fold empty lines and lose line numbers. */
    for (line = text.data; line && *line; line = save) {
        char *nl = strchr(line, '\n'), *hash, *w[70], *sv = NULL, *tok;
        size_t nw = 0, i;
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        if ((hash = strchr(line, '#')) != NULL)
            *hash = '\0';
        for (tok = strtok_r(line, " \t\r", &sv); tok && nw < 70; tok = strtok_r(NULL, " \t\r", &sv))
            w[nw++] = tok;
        if (nw == 0)
            continue;
        if (strcmp(w[0], "incident") == 0) {
            if (nw != 2) {
                test_fail(t, lineno, "expected 'incident PATH'");
                continue;
            }
            if (*incident)
                check_incident(t, ps, p, incident, ex, nex);
            for (e = 0; e < nex; e++)
                if (!ex[e].matched)
                    test_fail(t, ex[e].line, "%s %s %s: no such force application, account or rule",
                              ex[e].key, ex[e].account, ex[e].rule);
            nex = 0;
            if (w[1][0] == '/')
                snprintf(incident, sizeof incident, "%s", w[1]);
            else
                snprintf(incident, sizeof incident, "%s/%s", dir, w[1]);
            continue;
        }
        if (!*incident) {
            test_fail(t, lineno, "expected 'incident PATH' first");
            continue;
        }
        if (nex == cap) {
            expectation *g = realloc(ex, (cap = cap ? cap * 2 : 64) * sizeof *g);
            if (!g)
                break;
            ex = g;
        }
        memset(&ex[nex], 0, sizeof ex[nex]);
        ex[nex].line = lineno;
        if (strcmp(w[0], "decisive") == 0) {
            if (nw < 3) {
                test_fail(t, lineno, "expected 'decisive KEY RULE FACT...'");
                continue;
            }
            ex[nex].decisive = true;
            snprintf(ex[nex].key, sizeof ex[nex].key, "%s", w[1]);
            snprintf(ex[nex].rule, sizeof ex[nex].rule, "%s", w[2]);
            for (i = 3; i < nw; i++)
                snprintf(ex[nex].unknown + strlen(ex[nex].unknown),
                         sizeof ex[nex].unknown - strlen(ex[nex].unknown), "%s%s",
                         i > 3 ? " " : "", w[i]);
            nex++;
            continue;
        }
        if (nw < 4 || (strcmp(w[3], "within") && strcmp(w[3], "out") &&
                       strcmp(w[3], "undetermined") && strcmp(w[3], "n/a"))) {
            test_fail(t, lineno, "expected 'KEY ACCOUNT RULE within|out|undetermined [FACT...]|n/a'");
            continue;
        }
        snprintf(ex[nex].key, sizeof ex[nex].key, "%s", w[0]);
        snprintf(ex[nex].account, sizeof ex[nex].account, "%s", w[1]);
        snprintf(ex[nex].rule, sizeof ex[nex].rule, "%s", w[2]);
        snprintf(ex[nex].outcome, sizeof ex[nex].outcome, "%s", w[3]);
        for (i = 4; i < nw; i++)
            snprintf(ex[nex].unknown + strlen(ex[nex].unknown),
                     sizeof ex[nex].unknown - strlen(ex[nex].unknown), "%s%s", i > 4 ? " " : "",
                     w[i]);
        nex++;
    }
    if (*incident)
        check_incident(t, ps, p, incident, ex, nex);
    for (e = 0; e < nex; e++)
        if (!ex[e].matched)
            test_fail(t, ex[e].line, "%s %s %s: no such force application, account or rule",
                      ex[e].key, ex[e].account, ex[e].rule);
    free(ex);
    fw_buf_release(&text);
}

static int policy_test(const policy_set *ps, const char *dir, cli_args *a)
{
    size_t i, total = 0, failed = 0, files = 0;
    char path[4096];
    int k;
    struct stat st;

    for (i = 0; i < ps->n; i++) {
        const char *full = fw_policy_fullname(ps->items[i].policy);
        test_run t;
        bool wanted = a->npos == 1;
        for (k = 1; k < a->npos; k++)
            wanted |= strcmp(a->pos[k], full) == 0 ||
                      strcmp(a->pos[k], fw_policy_name(ps->items[i].policy)) == 0;
        if (!wanted)
            continue;
        snprintf(path, sizeof path, "%s/tests/%s.tests", dir, full);
        memset(&t, 0, sizeof t);
        t.file = path;
        t.verbose = cli_flag(a, "verbose");
        if (stat(path, &st) != 0) {
            test_fail(&t, 0, "missing: every policy ships scenario tests");
        } else {
            run_tests_file(&t, ps, ps->items[i].policy);
        }
        files++;
        printf("%-28s %4zu checked, %zu failed\n", full, t.checked, t.failed);
        if (t.failed > t.checked)
            t.checked = t.failed; /* failures outside any check (a missing file) */
        total += t.checked;
        failed += t.failed;
    }
    for (k = 1; k < a->npos; k++)
        if (!find_exact(ps, a->pos[k]) && !is_family(ps, a->pos[k]))
            return cli_fail(EXIT_RUNTIME, "no policy %s", a->pos[k]);
    printf("policy tests: %zu passed, %zu failed\n", total > failed ? total - failed : 0, failed);
    (void)files;
    return failed ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_policy(cli_args *a)
{
    const char *sub = a->pos[0];
    policy_set ps;
    int rc, k;

    if (strcmp(sub, "check") == 0) {
        if (a->npos < 2)
            return cli_usage_error("'policy check' needs FILE...");
        rc = EXIT_OK;
        for (k = 1; k < a->npos; k++) {
            memset(&ps, 0, sizeof ps);
            if (load_policy_file(&ps, a->pos[k]))
                printf("%s: %s, %zu rules, ok\n", a->pos[k],
                       fw_policy_fullname(ps.items[0].policy), fw_policy_nrules(ps.items[0].policy));
            else
                rc = EXIT_INVALID;
            policy_set_release(&ps);
        }
        return rc;
    }
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "test"))
        return cli_usage_error("unknown policy command '%s'", sub);
    if (strcmp(sub, "list") == 0 && a->npos != 1)
        return cli_usage_error("'policy list' takes no arguments");
    if (strcmp(sub, "show") == 0 && a->npos != 2)
        return cli_usage_error("'policy show' needs one NAME");
    if (!load_policies(a->policies, &ps))
        return EXIT_RUNTIME;
    if (strcmp(sub, "list") == 0)
        rc = policy_list(&ps);
    else if (strcmp(sub, "show") == 0)
        rc = policy_show(&ps, a->pos[1]);
    else
        rc = policy_test(&ps, a->policies, a);
    policy_set_release(&ps);
    return rc;
}

/* ---- review ----------------------------------------------------------------- */

/* The latest version of a family that is never chosen by date (proposals,
** illustrations), or NULL. */
static const loaded_policy *find_what_if(const policy_set *ps, const char *name)
{
    const loaded_policy *found = NULL;
    size_t i;
    for (i = 0; i < ps->n; i++) {
        const fw_policy *p = ps->items[i].policy;
        if (strcmp(fw_policy_name(p), name) != 0)
            continue;
        if (strcmp(fw_policy_kind(p), "adopted") == 0)
            return NULL;
        found = &ps->items[i];
    }
    return found;
}

/* The policy versions to apply to an incident on date: those named with
** --policy (a version by its full name; a family by the version in effect,
** or the latest proposal), else every adopted version in effect. */
static size_t choose(const policy_set *ps, cli_args *a, const char *date,
                     const loaded_policy **out, size_t max, bool quiet)
{
    size_t n = 0, i;
    int k;

    for (k = 0; k < a->nextra && n < max; k++) {
        const char *name = a->extra[k];
        const loaded_policy *lp = find_exact(ps, name);
        if (!lp)
            lp = find_in_effect(ps, name, date);
        if (!lp)
            lp = find_what_if(ps, name);
        if (lp)
            out[n++] = lp;
        else if (!quiet)
            fprintf(stderr, "forcewatch: no version of %s in effect on %.10s\n", name, date);
    }
    if (a->nextra)
        return n;
    for (i = 0; i < ps->n && n < max; i++) {
        const fw_policy *p = ps->items[i].policy;
        if (fw_policy_in_effect(p, date))
            out[n++] = &ps->items[i];
    }
    return n;
}

static int review_one(cli_args *a, fw_store *s, const policy_set *ps, const char *id,
                      json_t *json_out)
{
    fw_buf body, text;
    fw_record_info info;
    fw_error err;
    fw_diag diag;
    fw_doc *doc = NULL;
    const loaded_policy *chosen[64];
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
    n = choose(ps, a, doc->occurred_at, chosen, 64, json_out != NULL);
    if (n == 0 && !json_out && a->nextra == 0)
        printf("%s  no policy in effect on %.10s\n", id, doc->occurred_at);
    for (i = 0; i < n; i++) {
        fw_review rv;
        json_t *j;
        if (fw_review_run(doc, chosen[i]->policy, NULL, cli_value(a, "account"), &rv, &err)) {
            rc = cli_fail(EXIT_RUNTIME, "%s: %s", id, err.msg);
            break;
        }
        j = fw_review_json(&rv);
        if (j) {
            json_object_set_new(j, "incident_version", json_integer(info.version));
            json_object_set_new(j, "incident_sha256", json_string(info.sha256));
            json_object_set_new(j, "policy_sha256", json_string(chosen[i]->sha256));
            if (cli_value(a, "account"))
                json_object_set_new(j, "account", json_string(cli_value(a, "account")));
        }
        if (j && !cli_flag(a, "no-store") && !cli_value(a, "account")) {
            fw_prepared prep;
            fw_put_result res;
            char rid[200];
            snprintf(rid, sizeof rid, "%s:%s", id, fw_policy_fullname(chosen[i]->policy));
            if (fw_prepare_json(FW_RECORD_REVIEW, rid, j, &prep) != FW_OK ||
                fw_store_put_prepared(s, &prep, a->actor, &res, &err) != FW_OK)
                rc = cli_fail(EXIT_RUNTIME, "cannot store review %s: %s", rid, err.msg);
            fw_prepared_release(&prep);
        }
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

/* Counts for one policy over every incident. */
typedef struct tally {
    const loaded_policy *policy;
    size_t applications, evaluations, out_apps, undetermined_apps;
    size_t *out_by_rule, *und_by_rule;
    size_t out_by_kind[16], apps_by_kind[16];
    fw_buf *listing;           /* per rule: the applications out of policy */
} tally;

typedef struct summary {
    fw_store *s;
    tally *t;
    size_t nt;
    size_t incidents;
    fw_buf body;
    fw_diag diag;
    int rc;
} summary;

static int account_kind_index(const char *kind)
{
    const fw_enum *e = fw_enum_find("account_kind");
    int i = fw_enum_index(e, kind);
    return i < 0 || i >= 16 ? 15 : i;
}

static void tally_review(tally *t, const fw_review *rv, const fw_doc *doc)
{
    size_t i, k, n = fw_policy_nrules(t->policy->policy);
    for (i = 0; i < rv->nitems; i++) {
        int kind = account_kind_index(doc->accounts[rv->items[i].account].kind);
        fw_outcome o = fw_review_item_outcome(rv, i);
        t->applications++;
        t->apps_by_kind[kind]++;
        t->evaluations += n;
        if (o == FW_OUT) {
            t->out_apps++;
            t->out_by_kind[kind]++;
        } else if (o == FW_UNDETERMINED) {
            t->undetermined_apps++;
        }
        for (k = 0; k < n; k++) {
            if (rv->items[i].results[k].outcome == FW_OUT) {
                t->out_by_rule[k]++;
                if (t->listing)
                    fw_buf_printf(&t->listing[k], "    %s %s %s\n", doc->id, rv->items[i].key,
                                  doc->accounts[rv->items[i].account].id);
            } else if (rv->items[i].results[k].outcome == FW_UNDETERMINED) {
                t->und_by_rule[k]++;
            }
        }
    }
}

static int summarize_row(void *arg, const fw_incident_row *row)
{
    summary *sm = arg;
    fw_error err;
    fw_doc *doc = NULL;
    size_t i;

    sm->incidents++;
    if (!*row->force_kinds)
        return 0; /* no force applications: nothing to review */
    fw_buf_reset(&sm->body);
    fw_diag_reset(&sm->diag);
    if (fw_store_get(sm->s, FW_RECORD_INCIDENT, row->id, row->version, &sm->body, NULL, &err) ||
        fw_doc_parse(sm->body.data, sm->body.len, NULL, &doc, &sm->diag)) {
        sm->rc = cli_fail(EXIT_RUNTIME, "cannot read incident %s", row->id);
        return 1;
    }
    for (i = 0; i < sm->nt; i++) {
        fw_review rv;
        if (fw_review_run(doc, sm->t[i].policy->policy, NULL, NULL, &rv, &err) != FW_OK) {
            sm->rc = cli_fail(EXIT_RUNTIME, "cannot review %s: %s", row->id, err.msg);
            break;
        }
        tally_review(&sm->t[i], &rv, doc);
        fw_review_release(&rv);
    }
    fw_doc_free(doc);
    return sm->rc ? 1 : 0;
}

static void print_tally(const tally *t, size_t incidents)
{
    const fw_enum *kinds = fw_enum_find("account_kind");
    const fw_policy *p = t->policy->policy;
    fw_rule_info info;
    size_t k;
    int i;

    printf("what-if: policy %s (%s) over %zu incidents\n", fw_policy_fullname(p),
           fw_policy_kind(p), incidents);
    printf("force applications (per account): %zu; out of policy: %zu; undetermined: %zu\n",
           t->applications, t->out_apps, t->undetermined_apps);
    printf("\n%-40s %8s %12s\n", "RULE", "OUT", "UNDETERMINED");
    for (k = 0; k < fw_policy_nrules(p); k++) {
        fw_policy_rule(p, k, &info);
        printf("%-40s %8zu %12zu\n", info.id, t->out_by_rule[k], t->und_by_rule[k]);
        if (t->listing && t->listing[k].len)
            fputs(fw_buf_str(&t->listing[k]), stdout);
    }
    printf("\n%-28s %12s %8s\n", "ACCOUNT KIND", "APPLICATIONS", "OUT");
    for (i = 0; kinds->values[i] && i < 16; i++)
        if (t->apps_by_kind[i])
            printf("%-28s %12zu %8zu\n", kinds->values[i], t->apps_by_kind[i],
                   t->out_by_kind[i]);
}

static int review_summary(cli_args *a, fw_store *s, const policy_set *ps)
{
    summary sm;
    fw_error err;
    size_t i, k, n;
    int e;

    if (a->nextra == 0)
        return cli_usage_error("--all --summary needs --policy NAME (one or more)");
    memset(&sm, 0, sizeof sm);
    sm.s = s;
    sm.t = calloc((size_t)a->nextra, sizeof *sm.t);
    if (!sm.t)
        return cli_fail(EXIT_RUNTIME, "out of memory");
    fw_buf_init(&sm.body, FW_BUF_UNLIMITED);
    fw_diag_init(&sm.diag, 5);
    for (e = 0; e < a->nextra && !sm.rc; e++) {
        tally *t = &sm.t[sm.nt];
        /* What-if: a family means its latest version, whatever the dates. */
        t->policy = find_exact(ps, a->extra[e]);
        for (k = ps->n; !t->policy && k-- > 0;)
            if (strcmp(fw_policy_name(ps->items[k].policy), a->extra[e]) == 0)
                t->policy = &ps->items[k];
        if (!t->policy) {
            sm.rc = cli_fail(EXIT_RUNTIME, "no policy %s (see 'forcewatch policy list')",
                             a->extra[e]);
            break;
        }
        n = fw_policy_nrules(t->policy->policy);
        t->out_by_rule = calloc(n + 1, sizeof *t->out_by_rule);
        t->und_by_rule = calloc(n + 1, sizeof *t->und_by_rule);
        if (cli_flag(a, "incidents")) {
            t->listing = calloc(n + 1, sizeof *t->listing);
            for (k = 0; t->listing && k < n; k++)
                fw_buf_init(&t->listing[k], FW_BUF_UNLIMITED);
        }
        sm.nt++;
        if (!t->out_by_rule || !t->und_by_rule || (cli_flag(a, "incidents") && !t->listing))
            sm.rc = cli_fail(EXIT_RUNTIME, "out of memory");
    }
    if (!sm.rc && fw_store_list(s, NULL, summarize_row, &sm, &err) != FW_OK && !sm.rc)
        sm.rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    for (i = 0; i < sm.nt; i++) {
        tally *t = &sm.t[i];
        if (!sm.rc) {
            if (i)
                putchar('\n');
            print_tally(t, sm.incidents);
        }
        for (k = 0; t->listing && k < fw_policy_nrules(t->policy->policy); k++)
            fw_buf_release(&t->listing[k]);
        free(t->listing);
        free(t->out_by_rule);
        free(t->und_by_rule);
    }
    if (!sm.rc) {
        size_t apps = 0, evals = 0;
        for (i = 0; i < sm.nt; i++) {
            apps += sm.t[i].applications;
            evals += sm.t[i].evaluations;
        }
        /* Applications are the same under every policy: count them once. */
        fprintf(stderr, "reviewed %zu incidents: %zu force applications, %zu rule evaluations\n",
                sm.incidents, sm.nt ? apps / sm.nt : 0, evals);
    }
    free(sm.t);
    fw_buf_release(&sm.body);
    fw_diag_release(&sm.diag);
    return sm.rc;
}

int cmd_review(cli_args *a)
{
    policy_set ps;
    fw_store *s;
    fw_error err;
    json_t *out = NULL;
    int rc = EXIT_OK, k;
    bool all = cli_flag(a, "all"), sum = cli_flag(a, "summary");

    if (all != sum)
        return cli_usage_error("--all and --summary go together");
    if (all && a->npos)
        return cli_usage_error("give incident ids or --all, not both");
    if (!all && a->npos == 0)
        return cli_usage_error("'review' needs ID... or --all --summary --policy NAME...");
    if (cli_flag(a, "incidents") && !sum)
        return cli_usage_error("--incidents goes with --summary");
    if (!load_policies(a->policies, &ps))
        return EXIT_RUNTIME;
    for (k = 0; k < a->nextra; k++)
        if (!find_exact(&ps, a->extra[k]) && !is_family(&ps, a->extra[k])) {
            policy_set_release(&ps);
            return cli_fail(EXIT_RUNTIME, "no policy %s (see 'forcewatch policy list')",
                            a->extra[k]);
        }
    s = cli_open_store(a, all || cli_flag(a, "no-store") ? FW_STORE_READONLY : 0);
    if (!s) {
        policy_set_release(&ps);
        return EXIT_RUNTIME;
    }
    if (all) {
        rc = review_summary(a, s, &ps);
    } else {
        bool write = !cli_flag(a, "no-store") && !cli_value(a, "account");
        if (write && fw_store_begin(s, &err) != FW_OK) {
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        } else {
            if (cli_flag(a, "json"))
                out = json_array();
            for (k = 0; k < a->npos; k++) {
                int r = review_one(a, s, &ps, a->pos[k], out);
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
    policy_set_release(&ps);
    return rc;
}
