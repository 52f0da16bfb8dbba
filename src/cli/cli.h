/*
** Shared by the command-line front-end's files: the command and option
** tables, parsed arguments, and exit codes.  The table in forcewatch.c is the
** single source of truth for commands, their options and their help.
*/
#ifndef FW_CLI_H
#define FW_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "forcewatch.h"
#include "policy/policyset.h"

/* Exit codes (docs/cli.md). */
enum {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1,   /* the database or a file could not be used */
    EXIT_USAGE = 2,     /* the command line was wrong */
    EXIT_INVALID = 3,   /* input documents failed validation */
    EXIT_VERIFY = 4     /* the record log failed verification */
};

typedef struct cli_opt {
    const char *name;   /* long name, without "--" */
    char shortname;     /* 0 if none */
    const char *arg;    /* argument placeholder, or NULL for a flag */
    const char *help;
    bool repeat;        /* may be given several times: values collect in extra */
} cli_opt;

#define CLI_MAX_OPTS 16

typedef struct cli_args {
    const char *db;           /* --db, FORCEWATCH_DB, or ./forcewatch.db */
    const char *actor;        /* --actor, FORCEWATCH_ACTOR, or cli:$USER */
    const char *policies;     /* --policies, FORCEWATCH_POLICIES, ./policies or the built-in */
    const cli_opt *opts;      /* the command's option table */
    const char *values[CLI_MAX_OPTS];
    bool set[CLI_MAX_OPTS];
    char **pos;               /* positional arguments */
    int npos;
    const char *extra[32];    /* values of the command's repeatable option */
    int nextra;
    const char *signing_key;  /* --signing-key, FORCEWATCH_SIGNING_KEY, or DB.key */
    fw_note_signer signer;    /* loaded by cli_open_store for writes */
} cli_args;

typedef struct cli_command {
    const char *name;
    int (*run)(cli_args *a);
    const char *usage;        /* after "forcewatch NAME " */
    const char *summary;      /* one line, for the command list */
    const cli_opt *opts;      /* NULL-terminated by a zero entry */
    int min_pos, max_pos;     /* positional arguments allowed; -1 = any */
    const char *help;         /* paragraphs for NAME --help */
} cli_command;

/* The option's value, or NULL if not given. */
const char *cli_value(const cli_args *a, const char *name);
bool cli_flag(const cli_args *a, const char *name);

/* Report a usage error for the running command; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "forcewatch: MSG" on stderr; returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Open the store named by a; prints the error and returns NULL on failure.
** Unless FW_STORE_READONLY, loads the signing key so commits are checkpointed. */
fw_store *cli_open_store(cli_args *a, unsigned flags);
/* The same with the backend's page cache set to cache_kib (0: the default). */
fw_store *cli_open_store_cache(cli_args *a, unsigned flags, size_t cache_kib);

/* Read a whole file into b, up to b's limit; prints the error on failure. */
bool cli_read_file(const char *path, fw_buf *b);

/* The policy directory (policy/policyset.h) loaded into ps; prints its problems and returns
** false on any (the command line's and the server's start). */
bool cli_load_policies(const char *dir, fw_policy_set *ps);

/* The incident filter of list and export (--agency, --since, --until,
** --encounter, --force-kind, --withdrawn) into f, checked; 0 or EXIT_USAGE
** after reporting the problem. */
int cli_list_filter(cli_args *a, fw_list_filter *f);

/* The signing key's path for a's database. */
const char *cli_key_path(cli_args *a);

/* Commands. */
int cmd_init(cli_args *a);
int cmd_add(cli_args *a);
int cmd_check(cli_args *a);
int cmd_show(cli_args *a);
int cmd_list(cli_args *a);
int cmd_history(cli_args *a);
int cmd_schema(cli_args *a);
int cmd_policy(cli_args *a);
int cmd_verify(cli_args *a);
int cmd_serve(cli_args *a);
int cmd_user(cli_args *a);
int cmd_duties(cli_args *a);
int cmd_training(cli_args *a);
int cmd_officer(cli_args *a);
int cmd_case(cli_args *a);
int cmd_import(cli_args *a);
int cmd_token(cli_args *a);
int cmd_log(cli_args *a);
int cmd_review(cli_args *a);
int cmd_stats(cli_args *a);
int cmd_export(cli_args *a);
/* verify --export FILE (cmd_export.c). */
int cmd_verify_export(cli_args *a, const char *file);

/*
** The verifier key verify trusts (cmd_log.c): --key (a file or the key's text), else the
** pinned DB.pub.  *v is set and *outside true when one was found; with neither, *outside is
** false and a loud warning is printed: the caller passes NULL, the key stored in the
** database.  source (n bytes) says which.  Returns 0, or the exit code after printing why.
*/
int cli_verifier(cli_args *a, fw_note_verifier *v, bool *outside, char *source, size_t n);

#endif
