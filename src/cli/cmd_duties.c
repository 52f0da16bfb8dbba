/*
** `forcewatch duties` and `forcewatch training`: the duty items of stored
** incidents (statements, interventions, medical aid, training), per
** incident or per officer, and officers' training records.
*/
#include <stdlib.h>
#include <string.h>

#include "workflow/cases.h"
#include "cli.h"
#include "workflow/duties.h"
#include "cli/policyset.h"
#include "policy/review.h"

typedef struct duty_walk {
    cli_args *a;
    fw_store *s;
    policy_set ps;
    json_t *training, *items;
    double now;
    fw_duty_config cfg;
    fw_buf body;
    int rc;
} duty_walk;

static void incident_duties(duty_walk *w, const char *id, int64_t version)
{
    fw_diag diag;
    fw_doc *doc = NULL;
    fw_error err;
    fw_review reviews[32];
    size_t n = 0, i;

    fw_buf_reset(&w->body);
    fw_diag_init(&diag, 2);
    if (fw_store_get(w->s, FW_RECORD_INCIDENT, id, version, &w->body, NULL, &err) ||
        fw_doc_parse(w->body.data, w->body.len, NULL, &doc, &diag)) {
        w->rc = cli_fail(EXIT_RUNTIME, "cannot read incident %s", id);
        goto done;
    }
    /* Interventions follow out-of-policy force under the policies in effect. */
    for (i = 0; i < w->ps.n && n < 32; i++)
        if (fw_policy_in_effect(w->ps.items[i].policy, doc->occurred_at) &&
            fw_review_run(doc, w->ps.items[i].policy, NULL, NULL, &reviews[n], &err) == FW_OK)
            n++;
    fw_duties(doc, reviews, n, w->training, w->now, &w->cfg, w->items);
    for (i = 0; i < n; i++)
        fw_review_release(&reviews[i]);
done:
    fw_doc_free(doc);
    fw_diag_release(&diag);
}

static int each_incident(void *arg, const fw_incident_row *row)
{
    duty_walk *w = arg;
    incident_duties(w, row->id, row->version);
    return w->rc;
}

int cmd_duties(cli_args *a)
{
    duty_walk w;
    fw_error err;
    const char *at = cli_value(a, "now"), *officer = cli_value(a, "officer");
    const char *hours = cli_value(a, "statement-hours");
    fw_time t;
    size_t i;

    memset(&w, 0, sizeof w);
    w.a = a;
    fw_duty_config_default(&w.cfg);
    w.now = (double)time(NULL);
    if (at) {
        if (!fw_time_parse(at, &t))
            return cli_usage_error("--now: expected a date-time, not '%s'", at);
        w.now = t.epoch;
    }
    if (hours) {
        char *end;
        w.cfg.statement_hours = strtod(hours, &end);
        if (*end || end == hours || w.cfg.statement_hours <= 0)
            return cli_usage_error("--statement-hours: expected a positive number");
    }
    if (!load_policies(a->policies, &w.ps))
        return EXIT_RUNTIME;
    w.s = cli_open_store(a, FW_STORE_READONLY);
    if (!w.s) {
        policy_set_release(&w.ps);
        return EXIT_RUNTIME;
    }
    fw_buf_init(&w.body, FW_BUF_UNLIMITED);
    w.items = json_array();
    if (fw_training_all(w.s, &w.training, &err) != FW_OK) {
        w.rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else if (cli_value(a, "incident")) {
        incident_duties(&w, cli_value(a, "incident"), 0);
    } else if (fw_store_list(w.s, NULL, each_incident, &w, &err) != FW_OK && !w.rc) {
        w.rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    if (!w.rc) {
        json_t *shown = json_array();
        for (i = 0; i < json_array_size(w.items); i++) {
            json_t *it = json_array_get(w.items, i);
            const char *o = json_string_value(json_object_get(it, "officer"));
            if (!officer || (o && strcmp(o, officer) == 0))
                json_array_append(shown, it);
        }
        if (cli_flag(a, "json")) {
            json_dumpf(shown, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
            putchar('\n');
        } else {
            for (i = 0; i < json_array_size(shown); i++) {
                json_t *it = json_array_get(shown, i);
                const char *o = json_string_value(json_object_get(it, "officer"));
                printf("%-24s %-22s %-10s %s\n",
                       json_string_value(json_object_get(it, "incident")),
                       json_string_value(json_object_get(it, "kind")), o ? o : "-",
                       json_string_value(json_object_get(it, "detail")));
            }
            if (json_array_size(shown) == 0)
                fprintf(stderr, "no duty items\n");
        }
        json_decref(shown);
    }
    json_decref(w.items);
    json_decref(w.training);
    fw_buf_release(&w.body);
    fw_store_close(w.s);
    policy_set_release(&w.ps);
    return w.rc;
}

int cmd_training(cli_args *a)
{
    fw_store *s;
    fw_error err;
    fw_buf body;
    int rc = EXIT_OK;
    bool add = strcmp(a->pos[0], "add") == 0;

    if ((add && a->npos != 3) || (!add && (strcmp(a->pos[0], "show") || a->npos != 2)))
        return cli_usage_error("expected 'training add OFFICER COURSE --completed DATE' or "
                               "'training show OFFICER'");
    if (add && !cli_value(a, "completed"))
        return cli_usage_error("'training add' needs --completed DATE");
    s = cli_open_store(a, add ? 0 : FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    fw_buf_init(&body, 1 << 20);
    if (add) {
        if (fw_training_add(s, a->pos[1], a->pos[2], cli_value(a, "completed"),
                            cli_value(a, "expires"), a->actor, &err) != FW_OK)
            rc = cli_fail(err.rc == FW_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME, "%s", err.msg);
        else
            printf("%s: %s completed %s%s%s\n", a->pos[1], a->pos[2], cli_value(a, "completed"),
                   cli_value(a, "expires") ? ", expires " : "",
                   cli_value(a, "expires") ? cli_value(a, "expires") : "");
    } else if (fw_store_get(s, FW_RECORD_TRAINING, a->pos[1], 0, &body, NULL, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "no training record for %s", a->pos[1]);
    } else {
        printf("%s\n", fw_buf_str(&body));
    }
    fw_buf_release(&body);
    fw_store_close(s);
    return rc;
}

/* Read one stored incident; prints the error. */
static fw_doc *load_incident(fw_store *s, const char *id)
{
    fw_buf body;
    fw_diag diag;
    fw_error err;
    fw_doc *doc = NULL;
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_diag_init(&diag, 2);
    if (fw_store_get(s, FW_RECORD_INCIDENT, id, 0, &body, NULL, &err) != FW_OK)
        cli_fail(EXIT_RUNTIME, "%s", err.msg);
    else if (fw_doc_parse(body.data, body.len, NULL, &doc, &diag) != FW_OK)
        cli_fail(EXIT_RUNTIME, "stored incident %s no longer validates", id);
    fw_buf_release(&body);
    fw_diag_release(&diag);
    return doc;
}

int cmd_case(cli_args *a)
{
    fw_store *s;
    fw_doc *doc;
    fw_error err;
    json_t *c = NULL;
    bool move = strcmp(a->pos[0], "move") == 0;
    int rc = EXIT_OK;
    const char *at = cli_value(a, "now");
    double now = (double)time(NULL);
    fw_time t;

    if ((move && a->npos != 3) || (!move && (strcmp(a->pos[0], "show") || a->npos != 2)))
        return cli_usage_error("expected 'case show ID' or 'case move ID STATE'");
    if (at) {
        if (!fw_time_parse(at, &t))
            return cli_usage_error("--now: expected a date-time");
        now = t.epoch;
    }
    s = cli_open_store(a, move ? 0 : FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    doc = load_incident(s, a->pos[1]);
    if (!doc) {
        fw_store_close(s);
        return EXIT_RUNTIME;
    }
    if (move) {
        if (fw_case_transition(s, doc, a->pos[2], cli_value(a, "finding"), cli_value(a, "note"),
                               a->actor, now, &c, &err) != FW_OK)
            rc = cli_fail(err.rc == FW_ERR_INVALID ? EXIT_INVALID : EXIT_RUNTIME, "%s", err.msg);
    } else if (fw_case_get(s, doc, &c, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    if (c) {
        json_dumpf(c, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    }
    json_decref(c);
    fw_doc_free(doc);
    fw_store_close(s);
    return rc;
}
