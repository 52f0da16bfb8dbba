/*
** `forcewatch user` and `forcewatch token`: accounts for the server, from
** the command line (an administrator's first account has to come from
** somewhere).  Both are logged records (lib/access/auth.h); the password
** rule, one-time passwords and token expiry are the library's.
*/
#include <stdlib.h>
#include <string.h>

#include "access/auth.h"
#include "base/clock.h"
#include "base/timeutil.h"
#include "cli.h"
#include "base/str.h"

#include "base/banned.h"

/* The first line of standard input, without its line end, into out (n
** bytes); false (after printing why) if it is empty or too long. */
static bool read_password(char *out, size_t n)
{
    size_t len;
    if (!fgets(out, (int)n, stdin)) {
        cli_fail(EXIT_USAGE, "--password-stdin: no password on standard input");
        return false;
    }
    len = strlen(out);
    if (len && out[len - 1] == '\n')
        out[--len] = '\0';
    else if (!feof(stdin)) {
        cli_fail(EXIT_USAGE, "password: at most %d bytes (rule: max_length)", FW_PASSWORD_MAX_BYTES);
        return false;
    }
    if (len && out[len - 1] == '\r')
        out[--len] = '\0';
    return true;
}

int cmd_user(cli_args *a)
{
    fw_store *s = NULL;
    fw_user u;
    fw_error err;
    char generated[33] = "", given[FW_PASSWORD_MAX_BYTES + 2];
    const char *role = cli_value(a, "role"), *pw = NULL;
    bool passwd = strcmp(a->pos[0], "passwd") == 0;
    int ri = 0, rc = EXIT_OK;

    if ((!passwd && strcmp(a->pos[0], "add") != 0) || a->npos != 2)
        return cli_usage_error("expected 'user add NAME --role ROLE' or 'user passwd NAME'");
    if (passwd && (role || cli_value(a, "agency") || cli_value(a, "officer")))
        return cli_usage_error("'user passwd' takes only --password-stdin");
    if (!passwd && !role)
        return cli_usage_error("'user add' needs --role (admin, supervisor, investigator, board, "
                               "auditor, officer, analyst)");
    if (!passwd && (ri = fw_role_parse(role)) < 0)
        return cli_usage_error("--role: unknown role '%s'", role);
    memset(&u, 0, sizeof u);
    /* Too long is refused, never cut: a shorter name or scope is someone else's. */
    if (fw_strlcpy(u.name, a->pos[1], sizeof u.name))
        return cli_usage_error("username: 1 to %zu letters, digits, '.', '_' or '-'",
                               sizeof u.name - 1);
    if (!passwd) {
        u.role = (fw_role)ri;
        if (fw_strlcpy(u.agency, cli_value(a, "agency") ? cli_value(a, "agency") : "",
                       sizeof u.agency))
            return cli_usage_error("--agency: at most %zu bytes", sizeof u.agency - 1);
        if (fw_strlcpy(u.officer, cli_value(a, "officer") ? cli_value(a, "officer") : "",
                       sizeof u.officer))
            return cli_usage_error("--officer: at most %zu bytes", sizeof u.officer - 1);
    }
    if (cli_flag(a, "password-stdin")) {
        if (!read_password(given, sizeof given))
            return EXIT_USAGE;
        pw = given;
        if (fw_password_check(pw, u.name, &err) != FW_OK) {
            rc = cli_fail(EXIT_USAGE, "%s", err.msg);
            goto done;
        }
    }
    if (!(s = cli_open_store(a, 0))) {
        rc = EXIT_RUNTIME;
        goto done;
    }
    if (passwd ? fw_user_set_password(s, u.name, pw, false, generated, a->actor, &err)
               : fw_user_create(s, &u, pw, generated, a->actor, &err))
        rc = cli_fail(err.rc == FW_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME, "%s", err.msg);
    else if (pw)
        printf("user %s %s\n", u.name, passwd ? "has a new password" : "created");
    else if (passwd)
        printf("user %s: new one-time password: %s (to be changed at first sign-in)\n", u.name,
               generated);
    else
        printf("user %s (%s) created; one-time password: %s\n", u.name, role, generated);
done:
    fw_store_close(s);
    memset(given, 0, sizeof given);
    return rc;
}

static int print_token(void *arg, const fw_token_info *t)
{
    char created[32], expires[32];
    (void)arg;
    fw_time_format_utc(t->created, created, sizeof created);
    fw_time_format_utc(t->expires, expires, sizeof expires);
    printf("%s\t%s\t%s\t%s\t%s\n", t->id, t->user, created, expires,
           t->revoked ? "revoked" : "active");
    return 0;
}

int cmd_token(cli_args *a)
{
    fw_store *s;
    fw_error err;
    char token[96], id[17];
    int rc = EXIT_OK;
    long days = FW_TOKEN_DAYS_DEFAULT;
    const char *days_arg = cli_value(a, "days");
    bool create = strcmp(a->pos[0], "create") == 0, list = strcmp(a->pos[0], "list") == 0;

    if ((create && a->npos != 2) || (list && a->npos > 2) ||
        (!create && !list && (strcmp(a->pos[0], "revoke") != 0 || a->npos != 2)))
        return cli_usage_error("expected 'token create USER', 'token list [USER]' or "
                               "'token revoke ID'");
    if (days_arg && !create)
        return cli_usage_error("--days: only with 'token create'");
    if (days_arg) {
        char *end;
        days = strtol(days_arg, &end, 10);
        if (*end || end == days_arg || days < 1 || days > FW_TOKEN_DAYS_MAX)
            return cli_usage_error("--days: 1 to %d", FW_TOKEN_DAYS_MAX);
    }
    s = cli_open_store(a, list ? FW_STORE_READONLY : 0);
    if (!s)
        return EXIT_RUNTIME;
    if (create) {
        if (fw_token_create_at(s, a->pos[1], (int)days, fw_clock_wall_seconds(), a->actor, token,
                               id, NULL, &err) != FW_OK)
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        else
            printf("%s\n", token);
    } else if (list) {
        if (fw_token_list(s, a->npos == 2 ? a->pos[1] : NULL, print_token, NULL, &err) != FW_OK)
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else if (fw_token_revoke(s, a->pos[1], NULL, a->actor, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else {
        printf("token %s revoked\n", a->pos[1]);
    }
    fw_store_close(s);
    return rc;
}
