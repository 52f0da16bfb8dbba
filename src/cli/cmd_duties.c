/*
** `forcewatch duties` and `forcewatch training`: the duty items of stored
** incidents (statements, interventions, medical aid, training), per
** incident or per officer, and officers' training records.
*/
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "cli.h"
#include "workflow/duties.h"
#include "workflow/walk.h"
#include "base/str.h"

#include "base/banned.h"

/* Read one stored incident; prints the error (or, if brief, "cannot read incident ID"). */
static fw_doc *load_incident(fw_store *s, const char *id, bool brief)
{
    fw_buf body;
    fw_diag diag;
    fw_error err;
    fw_doc *doc = NULL;
    fw_buf_init(&body, FW_BUF_UNLIMITED);
    fw_diag_init(&diag, 2);
    if (fw_store_get(s, FW_RECORD_INCIDENT, id, 0, &body, NULL, &err) != FW_OK)
        cli_fail(EXIT_RUNTIME, brief ? "cannot read incident %s" : "%s", brief ? id : err.msg);
    else if (fw_doc_parse(body.data, body.len, NULL, &doc, &diag) != FW_OK)
        cli_fail(EXIT_RUNTIME, brief ? "cannot read incident %s" : "stored incident %s no longer "
                 "validates", id);
    fw_buf_release(&body);
    fw_diag_release(&diag);
    return doc;
}

int cmd_duties(cli_args *a)
{
    fw_policy_set ps;
    fw_duty_config cfg;
    fw_walk_opts strict = {NULL, NULL, true};
    fw_store *s;
    fw_error err;
    fw_doc *doc;
    json_t *training = NULL, *items, *shown;
    const char *at = cli_value(a, "now"), *officer = cli_value(a, "officer");
    const char *hours = cli_value(a, "statement-hours"), *incident = cli_value(a, "incident");
    double now = fw_clock_wall();
    fw_time t;
    size_t i;
    int rc = EXIT_OK;

    fw_duty_config_default(&cfg);
    if (at) {
        if (!fw_time_parse(at, &t))
            return cli_usage_error("--now: expected a date-time, not '%s'", at);
        now = t.epoch;
    }
    if (hours) {
        if (!fw_parse_decimal(hours, &cfg.statement_hours) || cfg.statement_hours <= 0)
            return cli_usage_error("--statement-hours: expected a positive number");
    }
    if (!cli_load_policies(a->policies, &ps))
        return EXIT_RUNTIME;
    s = cli_open_store(a, FW_STORE_READONLY);
    if (!s) {
        fw_policy_set_release(&ps);
        return EXIT_RUNTIME;
    }
    items = json_array();
    if (fw_training_all(s, &training, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else if (incident) {
        doc = load_incident(s, incident, true);
        if (!doc || fw_duties_of(s, doc, &ps, training, now, &cfg, items, &err) != FW_OK)
            rc = doc ? cli_fail(EXIT_RUNTIME, "%s", err.msg) : EXIT_RUNTIME;
        fw_doc_free(doc);
    } else if (fw_duties_run(s, &ps, training, now, &cfg, &strict, items, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    shown = rc ? NULL : fw_duties_for_officer(items, officer);
    if (!rc && !shown)
        rc = cli_fail(EXIT_RUNTIME, "out of memory");
    if (shown && cli_flag(a, "json")) {
        json_dumpf(shown, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    } else if (shown) {
        for (i = 0; i < json_array_size(shown); i++) {
            json_t *it = json_array_get(shown, i);
            const char *o = json_string_value(json_object_get(it, "registry"));
            if (!o)
                o = json_string_value(json_object_get(it, "officer"));
            printf("%-24s %-22s %-10s %s\n", json_string_value(json_object_get(it, "incident")),
                   json_string_value(json_object_get(it, "kind")), o ? o : "-",
                   json_string_value(json_object_get(it, "detail")));
        }
        if (json_array_size(shown) == 0)
            fprintf(stderr, "no duty items\n");
    }
    json_decref(shown);
    json_decref(items);
    json_decref(training);
    fw_store_close(s);
    fw_policy_set_release(&ps);
    return rc;
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
