/*
** `forcewatch case`: an incident's review case shown, moved, assigned to an
** investigator; the review queue; and how often closed cases end with no
** action.  The console is trusted with the database: --actor says who acts
** and --role in which role (the actor's own if the actor is a stored user,
** admin otherwise); the rules (who may make which move, separation of
** duties, consequences) are the library's (workflow/cases.h).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "access/auth.h"
#include "access/authz.h"
#include "base/clock.h"
#include "workflow/cases.h"
#include "cli.h"
#include "base/banned.h"

/* Read one stored incident; prints the error. */
/* Whether user (a const fw_user) may write doc: the assignee rule of fw_case_assign. */
static bool user_writes(const void *user, const fw_doc *doc)
{
    return fw_authz_may_write(user, doc);
}

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

/* The role the actor acts in (role names outlive the store): --role, which
** must agree with the actor's own if the actor is a stored user; else the
** stored user's role; else admin.  NULL (printed) if --role is wrong. */
static const char *actor_role(cli_args *a, fw_store *s)
{
    const char *given = cli_value(a, "role");
    fw_user u;
    fw_error err;
    bool stored = fw_user_get(s, a->actor, &u, &err) == FW_OK && u.active;

    if (given && fw_role_parse(given) < 0) {
        cli_usage_error("--role: unknown role '%s'", given);
        return NULL;
    }
    if (stored && given && strcmp(fw_role_name(u.role), given) != 0) {
        cli_usage_error("--role: %s is a stored user whose role is %s, not %s", a->actor,
                        fw_role_name(u.role), given);
        return NULL;
    }
    return stored ? fw_role_name(u.role) : given ? given : "admin";
}

/* --consequence OFFICER:FOR:ACTION values as a JSON list; NULL (printed) if
** one is not of that form or out of memory.  None given: an empty list. */
static json_t *consequences(const cli_args *a)
{
    json_t *list = json_array();
    int i;
    for (i = 0; list && i < a->nextra; i++) {
        const char *v = a->extra[i], *c2 = strrchr(v, ':'), *c1 = c2;
        while (c1 && c1 > v && c1[-1] != ':')
            c1--;
        /* OFFICER is v up to the colon before c1, FOR c1 up to c2, ACTION after c2. */
        if (!c2 || c1 <= v + 1 || c1 == c2 || !c2[1]) {
            cli_usage_error("--consequence: expected OFFICER:FOR:ACTION, not '%s'", v);
            json_decref(list);
            return NULL;
        }
        if (json_array_append_new(list, json_pack("{s:s%, s:s%, s:s}", "officer", v,
                                                  (size_t)(c1 - 1 - v), "for", c1,
                                                  (size_t)(c2 - c1), "action", c2 + 1))) {
            json_decref(list);
            list = NULL;
        }
    }
    if (!list)
        cli_fail(EXIT_RUNTIME, "out of memory");
    return list;
}

static int fail_rc(const fw_error *err)
{
    return cli_fail(err->rc == FW_ERR_INVALID || err->rc == FW_ERR_DENIED ? EXIT_INVALID
                                                                         : EXIT_RUNTIME,
                    "%s", err->msg);
}

/* case list: the review queue. */
static int case_list(cli_args *a, fw_store *s, double now)
{
    fw_case_queue_opts o = {cli_value(a, "agency"), cli_value(a, "state"),
                            cli_value(a, "assignee"), cli_flag(a, "overdue"), 100, now};
    const char *limit = cli_value(a, "limit");
    json_t *items = json_array(), *c;
    bool more = false;
    fw_error err;
    size_t i;
    char *end;
    int rc = EXIT_OK;

    if (limit) {
        errno = 0;
        o.limit = strtol(limit, &end, 10);
        if (errno || *end || end == limit || o.limit < 1 || o.limit > 100000) {
            json_decref(items);
            return cli_usage_error("--limit: expected 1 to 100000, not '%s'", limit);
        }
    }
    if (!items)
        return cli_fail(EXIT_RUNTIME, "out of memory");
    if (fw_case_queue(s, &o, items, &more, &err) != FW_OK) {
        rc = err.rc == FW_ERR_INVALID ? cli_usage_error("%s", err.msg) : fail_rc(&err);
    } else if (cli_flag(a, "json")) {
        json_t *j = json_pack("{s:O, s:b}", "cases", items, "more", more);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
        json_decref(j);
    } else {
        printf("%-24s %-18s %-16s %-20s %-7s %s\n", "INCIDENT", "STATE", "ASSIGNEE", "DUE", "",
               "AGENCY");
        json_array_foreach(items, i, c) {
            const char *as = json_string_value(json_object_get(c, "assignee"));
            const char *due = json_string_value(json_object_get(c, "due"));
            const char *ag = json_string_value(json_object_get(c, "agency"));
            const char *name = json_string_value(json_object_get(c, "agency_name"));
            printf("%-24s %-18s %-16s %-20s %-7s %s%s%s%s\n",
                   json_string_value(json_object_get(c, "incident")),
                   json_string_value(json_object_get(c, "state")), as ? as : "-",
                   due ? due : "-",
                   json_is_true(json_object_get(c, "overdue")) ? "overdue" : "",
                   name ? name : "", name ? " (" : "", ag ? ag : "-", name ? ")" : "");
        }
        printf("%zu case%s%s\n", json_array_size(items), json_array_size(items) == 1 ? "" : "s",
               more ? " (more: raise --limit)" : "");
    }
    json_decref(items);
    return rc;
}

/* case stats: how often closed cases end with no action. */
static int case_stats(cli_args *a, fw_store *s)
{
    fw_case_outcomes o;
    fw_error err;
    json_t *j;

    if (fw_case_outcomes_count(s, cli_value(a, "agency"), &o, &err) != FW_OK)
        return fail_rc(&err);
    if (cli_flag(a, "json")) {
        if (!(j = fw_case_outcomes_json(&o)))
            return cli_fail(EXIT_RUNTIME, "out of memory");
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
        json_decref(j);
        return EXIT_OK;
    }
    printf("closed cases                                   %ld\n"
           "  closed out of policy                         %ld\n"
           "    with an officer's force answered no action %ld\n"
           "  officers' force out of policy                %ld\n"
           "    no action                                  %ld\n"
           "  failures to intervene or report              %ld\n"
           "    no action                                  %ld\n",
           o.closed, o.out_of_policy, o.out_of_policy_no_action, o.officers_out_of_policy,
           o.officers_no_action, o.duty_failures, o.duty_failures_no_action);
    return EXIT_OK;
}

int cmd_case(cli_args *a)
{
    const char *sub = a->pos[0], *at = cli_value(a, "now"), *role = NULL;
    bool move = strcmp(sub, "move") == 0, assign = strcmp(sub, "assign") == 0;
    bool show = strcmp(sub, "show") == 0, list = strcmp(sub, "list") == 0;
    bool stats = strcmp(sub, "stats") == 0, write = move || assign;
    double now = fw_clock_wall();
    json_t *c = NULL, *cons = NULL;
    fw_store *s;
    fw_doc *doc = NULL;
    fw_error err;
    fw_user u;
    fw_time t;
    int rc = EXIT_OK;

    if (!((write && a->npos == 3) || (show && a->npos == 2) || ((list || stats) && a->npos == 1)))
        return cli_usage_error("expected 'case show ID', 'case move ID STATE', 'case assign ID "
                               "USER', 'case list' or 'case stats'");
    if (at) {
        if (!fw_time_parse(at, &t))
            return cli_usage_error("--now: expected a date-time");
        now = t.epoch;
    }
    if (a->nextra && !move)
        return cli_usage_error("--consequence: only when moving a case to closed");
    s = cli_open_store(a, write ? 0 : FW_STORE_READONLY);
    if (!s)
        return EXIT_RUNTIME;
    if (list || stats) {
        rc = list ? case_list(a, s, now) : case_stats(a, s);
        goto done;
    }
    if (write && !(role = actor_role(a, s))) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (!(doc = load_incident(s, a->pos[1]))) {
        rc = EXIT_RUNTIME;
        goto done;
    }
    if (move) {
        fw_case_request req = {a->pos[2], cli_value(a, "finding"), cli_value(a, "note"),
                               cli_value(a, "reason"), NULL};
        fw_case_actor who = {a->actor, role};
        if (a->nextra && !(cons = consequences(a))) {
            rc = EXIT_USAGE;
            goto done;
        }
        req.consequences = cons;
        if (fw_case_transition(s, doc, &req, &who, now, &c, &err) != FW_OK)
            rc = fail_rc(&err);
    } else if (assign) {
        fw_case_actor who = {a->actor, role};
        bool found = fw_user_get(s, a->pos[2], &u, &err) == FW_OK && u.active;
        fw_case_assignee as = {a->pos[2], found ? fw_role_name(u.role) : NULL, user_writes, &u};
        if (fw_case_assign(s, doc, &as, &who, now, &c, &err) != FW_OK)
            rc = fail_rc(&err);
    } else if (fw_case_get(s, doc, &c, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    }
    if (c && !fw_case_annotate(c, doc->occurred_at, now))
        rc = cli_fail(EXIT_RUNTIME, "out of memory");
    if (c) {
        json_dumpf(c, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    }
done:
    json_decref(c);
    json_decref(cons);
    fw_doc_free(doc);
    fw_store_close(s);
    return rc;
}
