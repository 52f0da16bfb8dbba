/*
** Scenario tests of a policy (scenario.h): reading a .tests file line by
** line, reviewing each incident it names under the policy, and comparing
** every outcome, unknown fact, decisive fact and act only one account tells
** with what the file expects.
*/
#include "policy/scenario.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/array.h"
#include "base/str.h"
#include "policy/policyset.h"
#include "policy/review.h"
#include "base/banned.h"

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}


typedef struct expectation {
    char key[96], account[72], rule[72];
    char outcome[16];
    char unknown[512];         /* space-separated, as written; "" = not checked */
    bool decisive;             /* a "decisive KEY RULE FACT..." line */
    bool only;                 /* an "only KEY ACCOUNT" line */
    size_t line;
    bool matched;
} expectation;

typedef struct test_run {
    const char *file;
    fw_scenario_result *res;
    bool verbose;
} test_run;

static void test_fail(test_run *t, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void test_fail(test_run *t, size_t line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line)
        fw_diag_add(&t->res->failures, "%s:%zu: %s", t->file, line, msg);
    else
        fw_diag_add(&t->res->failures, "%s: %s", t->file, msg);
    t->res->failed++;
}

/* Read a file the tests need; a failure to read is one failure. */
static bool read_or_fail(test_run *t, const char *path, fw_buf *text)
{
    fw_error err;
    if (fw_policy_read_file(path, text, &err) == FW_OK)
        return true;
    fw_diag_add(&t->res->failures, "%s", err.msg);
    t->res->failed++;
    return false;
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

/* The key that names an act in a scenario file: its item's in the first account telling it. */
static const char *act_key(const fw_review *rv, size_t act)
{
    return rv->items[rv->acts[act].first].key;
}

static void check_incident(test_run *t, const fw_policy *p,
                           const char *incident_path, expectation *ex, size_t nex)
{
    fw_buf text;
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_review rv;
    fw_error err;
    size_t i, k, e, n = fw_policy_nrules(p);
    char got_unknown[512], want[512];

    fw_buf_init(&text, FW_POLICY_FILE_MAX);
    fw_diag_init(&diag, 5);
    if (!read_or_fail(t, incident_path, &text))
        goto done;
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
            if (!res->judged)   /* a rule about other acts: no line expected */
                continue;
            fw_policy_rule(p, k, &info);
            for (e = 0; e < nex && !x; e++)
                if (!ex[e].decisive && !ex[e].only && strcmp(ex[e].key, rv.items[i].key) == 0 &&
                    strcmp(ex[e].account, acct) == 0 && strcmp(ex[e].rule, info.id) == 0)
                    x = &ex[e];
            unknown_list(res, got_unknown, sizeof got_unknown);
            t->res->checked++;
            if (!x) {
                test_fail(t, 0, "%s: no expectation for %s %s %s (got %s%s%s)", incident_path,
                          rv.items[i].key, acct, info.id, fw_outcome_name(res->outcome),
                          *got_unknown ? " " : "", got_unknown);
                continue;
            }
            x->matched = true;
            if (strcmp(x->outcome, fw_outcome_name(res->outcome)) != 0) {
                test_fail(t, x->line, "%s %s %s: expected %s, got %s%s%s%s", x->key, x->account,
                          x->rule, x->outcome, fw_outcome_name(res->outcome),
                          *got_unknown ? " (unknown: " : "", *got_unknown ? got_unknown : "",
                          *got_unknown ? ")" : "");
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
                fw_buf_printf(&t->res->passed, "ok %s %s %s %s\n", rv.items[i].key, acct, info.id,
                              x->outcome);
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
        t->res->checked++;
        rule = fw_policy_rule_index(p, ex[e].rule);
        if (rule < 0) {
            test_fail(t, ex[e].line, "no rule %s in %s", ex[e].rule, fw_policy_fullname(p));
            continue;
        }
        for (i = 0; i < rv.ndecisive; i++)
            if (rv.decisive[i].rule == (size_t)rule && strcmp(act_key(&rv, rv.decisive[i].act),
                                                              ex[e].key) == 0)
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
                     strcmp(ex[e].key, act_key(&rv, rv.decisive[i].act)) == 0;
        if (!listed) {
            t->res->checked++;
            test_fail(t, 0, "%s: no 'decisive %s %s' line, but %s is decisive", incident_path,
                      act_key(&rv, rv.decisive[i].act), info.id,
                      fw_fact_defs[rv.decisive[i].fact].name);
        }
    }
    /* Acts only one account tells: each listed on an "only" line, and each line one of them. */
    for (e = 0; e < nex; e++) {
        bool found = false;
        if (!ex[e].only)
            continue;
        ex[e].matched = true;
        t->res->checked++;
        for (i = 0; i < rv.nacts && !found; i++)
            found = rv.acts[i].only_one && strcmp(act_key(&rv, i), ex[e].key) == 0 &&
                    strcmp(doc->accounts[rv.items[rv.acts[i].first].account].id,
                           ex[e].account) == 0;
        if (!found)
            test_fail(t, ex[e].line, "only %s %s: no act of that key that account alone tells",
                      ex[e].key, ex[e].account);
    }
    for (i = 0; i < rv.nacts; i++) {
        const char *acct = doc->accounts[rv.items[rv.acts[i].first].account].id;
        bool listed = false;
        if (!rv.acts[i].only_one)
            continue;
        for (e = 0; e < nex && !listed; e++)
            listed = ex[e].only && strcmp(ex[e].key, act_key(&rv, i)) == 0 &&
                     strcmp(ex[e].account, acct) == 0;
        if (!listed) {
            char msg[512];
            fw_review_only_text(&rv, i, msg, sizeof msg);
            t->res->checked++;
            test_fail(t, 0, "%s: no 'only %s %s' line, but %s", incident_path, act_key(&rv, i),
                      acct, msg);
        }
    }
    fw_review_release(&rv);
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
    fw_buf_release(&text);
}

/* Run one .tests file against policy p. */
static void run_tests_file(test_run *t, const fw_policy *p)
{
    fw_buf text;
    char *line, *save = NULL, dir[2048], incident[4200] = "";
    expectation *ex = NULL;
    size_t nex = 0, cap = 0, lineno = 0, e;
    const char *slash;
    fw_rc rc;

    fw_buf_init(&text, FW_POLICY_FILE_MAX);
    if (!read_or_fail(t, t->file, &text)) {
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
        /* A comment starts at a '#' that begins the line or follows a space or tab;
        ** a '#' inside a word is part of it (the key of a repeat, ACTOR@T#2). */
        for (hash = line; (hash = strchr(hash, '#')) != NULL; hash++)
            if (hash == line || hash[-1] == ' ' || hash[-1] == '\t') {
                *hash = '\0';
                break;
            }
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
                check_incident(t, p, incident, ex, nex);
            for (e = 0; e < nex; e++)
                if (!ex[e].matched)
                    test_fail(t, ex[e].line, "%s %s %s: no such force application, account or rule",
                              ex[e].key, ex[e].account, ex[e].rule);
            nex = 0;
            if (w[1][0] == '/')
                rc = fw_snprintf(incident, sizeof incident, "%s", w[1]);
            else
                rc = fw_snprintf(incident, sizeof incident, "%s/%s", dir, w[1]);
            if (rc != FW_OK) {
                test_fail(t, lineno, "the incident path is too long");
                *incident = '\0';
            }
            continue;
        }
        if (!*incident) {
            test_fail(t, lineno, "expected 'incident PATH' first");
            continue;
        }
        if (FW_ALLOC_GROW(ex, nex + 1, cap) != FW_OK)
            break;
        memset(&ex[nex], 0, sizeof ex[nex]);
        ex[nex].line = lineno;
        if (strcmp(w[0], "only") == 0) {
            if (nw != 3) {
                test_fail(t, lineno, "expected 'only KEY ACCOUNT'");
                continue;
            }
            ex[nex].only = true;
            snprintf(ex[nex].key, sizeof ex[nex].key, "%s", w[1]);
            snprintf(ex[nex].account, sizeof ex[nex].account, "%s", w[2]);
            nex++;
            continue;
        }
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
        check_incident(t, p, incident, ex, nex);
    for (e = 0; e < nex; e++)
        if (!ex[e].matched)
            test_fail(t, ex[e].line, "%s %s %s: no such force application, account or rule",
                      ex[e].key, ex[e].account, ex[e].rule);
    free(ex);
    fw_buf_release(&text);
}

void fw_scenario_init(fw_scenario_result *res)
{
    memset(res, 0, sizeof *res);
    fw_diag_init(&res->failures, 100000);
    fw_buf_init(&res->passed, FW_BUF_UNLIMITED);
}

void fw_scenario_release(fw_scenario_result *res)
{
    fw_diag_release(&res->failures);
    fw_buf_release(&res->passed);
}

void fw_scenario_run_file(const char *path, const fw_policy *p, bool verbose,
                          fw_scenario_result *res)
{
    test_run t;
    t.file = path;
    t.res = res;
    t.verbose = verbose;
    run_tests_file(&t, p);
}

fw_rc fw_scenario_run(const char *dir, const fw_policy *p, bool verbose, fw_scenario_result *res)
{
    char path[4096];
    struct stat st;
    test_run t;

    fw_scenario_init(res);
    snprintf(path, sizeof path, "%s/tests/%s.tests", dir, fw_policy_fullname(p));
    t.file = path;
    t.res = res;
    t.verbose = verbose;
    if (stat(path, &st) != 0)
        test_fail(&t, 0, "missing: every policy ships scenario tests");
    else
        run_tests_file(&t, p);
    return res->failures.dropped ? FW_ERR_NOMEM : FW_OK;
}
