/*
** Private to the policy language: the parsed policy's tree (rules,
** definitions, expression nodes in one arena), the lexer's token and the
** parser's state, shared by its three parts (docs/policy-language.md):
**   policy_parse.c  the lexer, the recursive-descent parser, fw_policy_parse
**                   and the accessors;
**   policy_check.c  the checker: resolves every name against the fact table
**                   and the schema's enumerations, reports every problem;
**   policy_eval.c   the evaluator, in Kleene three-valued logic.
*/
#ifndef FW_POLICY_INT_H
#define FW_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "policy/policy.h"
#include "record/schema.h"

#define MAX_POLICY_BYTES (1024 * 1024)
#define MAX_NESTING 64
#define MAX_LIST 64

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block;

/* ---- the tree ---------------------------------------------------------- */

typedef enum node_kind {
    N_CONST,     /* tri */
    N_AND,
    N_OR,
    N_NOT,
    N_TEST,      /* a bare boolean operand */
    N_CMP,       /* lhs op rhs */
    N_IN,        /* lhs in values (negated if neg) */
    N_RULE,      /* another rule's outcome */
    N_WINDOW     /* an event within N s before */
} node_kind;

typedef enum operand_kind {
    OP_FACT,     /* fw_fact_defs[fact] */
    OP_DEF,      /* force.X: force.kind in definition X */
    OP_VALUE,    /* an identifier */
    OP_NUMBER,
    OP_BOOL
} operand_kind;

typedef struct operand {
    operand_kind kind;
    int fact;                 /* OP_FACT */
    int def;                  /* OP_DEF */
    const char *text;         /* as written */
    double num;               /* OP_NUMBER */
    bool b;                   /* OP_BOOL */
    int line, col;
} operand;

enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

typedef struct node {
    node_kind kind;
    int line, col;
    struct node *a, *b;       /* N_AND, N_OR, N_NOT */
    fw_tri constant;          /* N_CONST */
    operand lhs, rhs;         /* N_TEST, N_CMP, N_IN */
    int op;                   /* N_CMP */
    bool neg;                 /* N_IN: "not in" */
    const char **values;      /* N_IN (list), N_WINDOW (attr values) */
    size_t nvalues;
    const char *set_name;     /* N_IN with a definition */
    int def;                  /* N_IN with a definition: its index */
    const char *rule_name;    /* N_RULE */
    int rule;
    const char *event_type;   /* N_WINDOW */
    const char **attrs;       /* N_WINDOW */
    double seconds;
    const char *label;        /* N_WINDOW: "event warning within 30 s before" */
} node;

typedef struct rule {
    const char *id, *cite, *says, *status;
    const char *when_src, *require_src;   /* the expressions as written */
    node *when, *require;
    /* 'on TYPE, ...': the event types whose events the rule judges (none: force). */
    const char **on;
    size_t non;
    const char *on_src;                   /* "force" or the list as written, folded */
    int *on_line, *on_col;                /* where each was written */
    int line, col;
} rule;

typedef struct definition {
    const char *name;
    const char **values;
    size_t nvalues;
    bool force_kinds;         /* every value is a force kind: makes force.NAME */
    int line, col;
} definition;

/* One 'governs' statement: whom (agency, type) or what (encounter, vehicle) a policy
** governs, with its values (none for vehicle). */
typedef enum governs_kind { GOV_AGENCY, GOV_TYPE, GOV_ENCOUNTER, GOV_VEHICLE } governs_kind;

typedef struct governs {
    governs_kind kind;
    const char **values;
    size_t nvalues;
    int line, col;
} governs;

#define MAX_GOVERNS 32

struct fw_policy {
    arena_block *arena;
    const char *name, *version, *fullname, *title, *kind, *status, *source;
    const char *effective, *until;
    rule *rules;
    size_t nrules, caprules;
    definition *defs;
    size_t ndefs, capdefs;
    governs gov[MAX_GOVERNS];
    size_t ngov;
};

/* ---- lexer ------------------------------------------------------------- */

typedef enum tok_kind {
    T_EOF,
    T_WORD,      /* identifiers, numbers, dates, rule ids */
    T_STRING,
    T_LPAREN,
    T_RPAREN,
    T_COMMA,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_ERROR
} tok_kind;

typedef struct token {
    tok_kind kind;
    const char *start;
    size_t len;
    int line, col;
    const char *error;        /* T_ERROR */
} token;

typedef struct parser {
    const char *file;
    const char *p, *end;
    int line, col;
    token tok;                /* the current token */
    fw_policy *pol;
    fw_diag *diag;
    int errors;
    bool stop;                /* a syntax error: give up */
    const char *prev_end;     /* where the previous token ended */
    int depth;
    fw_buf unescape;
} parser;

/* ---- policy_parse.c ---- */

/* n bytes (aligned) from the policy's arena *head; NULL if out of memory.
** Freed with the policy, all at once. */
void *fw_policy_arena_alloc(arena_block **head, size_t n);

/* Whether rule r judges events of type (its 'on' clause; without one, "force"):
** the one test behind fw_policy_rule_on and the checker.  type may be NULL (false). */
bool fw_policy_rule_is_on(const rule *r, const char *type);

/* Report a problem at file:line:col into the parser's diagnostics (counted). */
void fw_policy_perr(parser *ps, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- policy_check.c ---- */

/* Resolve and check the parsed policy ps->pol, reporting through fw_policy_perr. */
void fw_policy_check(parser *ps);
/* The schema enumeration of an enumerated fact's values, or NULL. */
const fw_enum *fw_policy_fact_enum(int fact);

#endif
