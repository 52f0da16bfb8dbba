/*
** `forcewatch user` and `forcewatch token`: accounts for the server, from
** the command line (an administrator's first account has to come from
** somewhere).  Both are logged records (lib/access/auth.h).
*/
#include <string.h>

#include "access/auth.h"
#include "cli.h"
#include "base/str.h"

#include "base/banned.h"

int cmd_user(cli_args *a)
{
    fw_store *s;
    fw_user u;
    fw_error err;
    char generated[33] = "";
    const char *role = cli_value(a, "role");
    int ri, rc = EXIT_OK;

    if (strcmp(a->pos[0], "add") != 0 || a->npos != 2)
        return cli_usage_error("expected 'user add NAME --role ROLE'");
    if (!role)
        return cli_usage_error("'user add' needs --role (admin, supervisor, investigator, board, "
                               "auditor, officer, analyst)");
    if ((ri = fw_role_parse(role)) < 0)
        return cli_usage_error("--role: unknown role '%s'", role);
    memset(&u, 0, sizeof u);
    /* Too long is refused, never cut: a shorter name or scope is someone else's. */
    if (fw_strlcpy(u.name, a->pos[1], sizeof u.name))
        return cli_usage_error("username: 1 to %zu letters, digits, '.', '_' or '-'",
                               sizeof u.name - 1);
    u.role = (fw_role)ri;
    if (fw_strlcpy(u.agency, cli_value(a, "agency") ? cli_value(a, "agency") : "", sizeof u.agency))
        return cli_usage_error("--agency: at most %zu bytes", sizeof u.agency - 1);
    if (fw_strlcpy(u.officer, cli_value(a, "officer") ? cli_value(a, "officer") : "",
                   sizeof u.officer))
        return cli_usage_error("--officer: at most %zu bytes", sizeof u.officer - 1);
    s = cli_open_store(a, 0);
    if (!s)
        return EXIT_RUNTIME;
    if (fw_user_create(s, &u, NULL, generated, a->actor, &err) != FW_OK)
        rc = cli_fail(err.rc == FW_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME, "%s", err.msg);
    else
        printf("user %s (%s) created; one-time password: %s\n", u.name, role, generated);
    fw_store_close(s);
    return rc;
}

int cmd_token(cli_args *a)
{
    fw_store *s;
    fw_error err;
    char token[96], id[17];
    int rc = EXIT_OK;
    bool create = strcmp(a->pos[0], "create") == 0;

    if ((!create && strcmp(a->pos[0], "revoke") != 0) || a->npos != 2)
        return cli_usage_error("expected 'token create USER' or 'token revoke ID'");
    s = cli_open_store(a, 0);
    if (!s)
        return EXIT_RUNTIME;
    if (create) {
        if (fw_token_create(s, a->pos[1], a->actor, token, id, &err) != FW_OK)
            rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
        else
            printf("%s\n", token);
    } else if (fw_token_revoke(s, a->pos[1], NULL, a->actor, &err) != FW_OK) {
        rc = cli_fail(EXIT_RUNTIME, "%s", err.msg);
    } else {
        printf("token %s revoked\n", a->pos[1]);
    }
    fw_store_close(s);
    return rc;
}
