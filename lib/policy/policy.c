/*
** The policy language: a lexer, a recursive-descent parser that builds rule
** expression trees in one arena, a checker that resolves every name against
** the fact table and the schema's enumerations, and an evaluator in Kleene
** three-valued logic (docs/policy-language.md).
**
** Syntax errors stop the parse at the first one (what follows an error is
** rarely meaningful); the checker then reports every remaining problem.
** Nothing here reads files or allocates without bound: token and nesting
** limits keep any input, however hostile, cheap and crash-free.
*/
#include "policy/policy.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "record/schema.h"
#include "base/timeutil.h"

#define MAX_POLICY_BYTES (1024 * 1024)
#define MAX_NESTING 64
#define MAX_LIST 64

/* ---- arena ------------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block;

static void *arena_alloc(arena_block **head, size_t n)
{
    arena_block *b = *head;
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        b = calloc(1, sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->next = *head;
        *head = b;
    }
    b->used += n;
    return (char *)b->data + b->used - n;
}

static char *arena_strndup(arena_block **head, const char *s, size_t n)
{
    char *p = arena_alloc(head, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

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
    int line, col;
} rule;

typedef struct definition {
    const char *name;
    const char **values;
    size_t nvalues;
    bool force_kinds;         /* every value is a force kind: makes force.NAME */
    int line, col;
} definition;

struct fw_policy {
    arena_block *arena;
    const char *name, *version, *fullname, *title, *kind, *status, *source;
    const char *effective, *until;
    rule *rules;
    size_t nrules, caprules;
    definition *defs;
    size_t ndefs, capdefs;
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

static void perr(parser *ps, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void perr(parser *ps, int line, int col, const char *fmt, ...)
{
    fw_buf b;
    va_list ap;
    fw_buf_init(&b, 2048);
    va_start(ap, fmt);
    fw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    fw_diag_add(ps->diag, "%s:%d:%d: %s", ps->file, line, col, fw_buf_str(&b));
    fw_buf_release(&b);
    ps->errors++;
}

static bool is_word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

static void advance_char(parser *ps)
{
    if (*ps->p == '\n') {
        ps->line++;
        ps->col = 1;
    } else if (((unsigned char)*ps->p & 0xC0) != 0x80) {
        ps->col++;
    }
    ps->p++;
}

static void next(parser *ps)
{
    token *t = &ps->tok;

    int after_line = ps->line, after_col = ps->col;

    ps->prev_end = t->start + t->len;
    for (;;) {
        while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' ||
                                   *ps->p == '\n'))
            advance_char(ps);
        if (ps->p < ps->end && *ps->p == '#') {
            while (ps->p < ps->end && *ps->p != '\n')
                advance_char(ps);
            continue;
        }
        break;
    }
    t->start = ps->p;
    t->line = ps->line;
    t->col = ps->col;
    t->len = 0;
    if (ps->p >= ps->end) {
        /* Point just past the last token: that is where something is missing. */
        t->kind = T_EOF;
        t->line = after_line;
        t->col = after_col;
        return;
    }
    switch (*ps->p) {
    case '(': t->kind = T_LPAREN; advance_char(ps); break;
    case ')': t->kind = T_RPAREN; advance_char(ps); break;
    case ',': t->kind = T_COMMA; advance_char(ps); break;
    case '=': t->kind = T_EQ; advance_char(ps); break;
    case '!':
        advance_char(ps);
        if (ps->p < ps->end && *ps->p == '=') {
            t->kind = T_NE;
            advance_char(ps);
        } else {
            t->kind = T_ERROR;
            t->error = "'!' must be followed by '='";
        }
        break;
    case '<':
    case '>': {
        bool lt = *ps->p == '<';
        advance_char(ps);
        if (ps->p < ps->end && *ps->p == '=') {
            advance_char(ps);
            t->kind = lt ? T_LE : T_GE;
        } else {
            t->kind = lt ? T_LT : T_GT;
        }
        break;
    }
    case '"':
        advance_char(ps);
        while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\n') {
            if (*ps->p == '\\' && ps->p + 1 < ps->end && ps->p[1] != '\n')
                advance_char(ps);
            advance_char(ps);
        }
        if (ps->p >= ps->end || *ps->p != '"') {
            t->kind = T_ERROR;
            t->error = "unterminated string (strings end on the same line)";
            break;
        }
        advance_char(ps);
        t->kind = T_STRING;
        break;
    default:
        if (!is_word_char((unsigned char)*ps->p)) {
            t->kind = T_ERROR;
            t->error = "unexpected character";
            advance_char(ps);
            break;
        }
        while (ps->p < ps->end && is_word_char((unsigned char)*ps->p))
            advance_char(ps);
        t->kind = T_WORD;
    }
    t->len = (size_t)(ps->p - t->start);
}

static bool word_is(const token *t, const char *w)
{
    return t->kind == T_WORD && t->len == strlen(w) && memcmp(t->start, w, t->len) == 0;
}

/* How a token reads in messages. */
static void describe(const token *t, char *out, size_t n)
{
    switch (t->kind) {
    case T_EOF: snprintf(out, n, "end of file"); break;
    case T_STRING: snprintf(out, n, "a string"); break;
    case T_ERROR: snprintf(out, n, "%s", t->error); break;
    default: snprintf(out, n, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->start);
    }
}

static void expected(parser *ps, const char *what)
{
    char found[64];
    if (ps->stop)
        return;
    if (ps->tok.kind == T_ERROR) {
        perr(ps, ps->tok.line, ps->tok.col, "%s", ps->tok.error);
    } else {
        describe(&ps->tok, found, sizeof found);
        perr(ps, ps->tok.line, ps->tok.col, "expected %s, found %s", what, found);
    }
    ps->stop = true;
}

static const char *tok_dup(parser *ps, const token *t)
{
    return arena_strndup(&ps->pol->arena, t->start, t->len);
}

/* The text of a string token, escapes resolved. */
static const char *string_value(parser *ps, const token *t)
{
    size_t i;
    fw_buf_reset(&ps->unescape);
    for (i = 1; i + 1 < t->len; i++) {
        char c = t->start[i];
        if (c == '\\' && i + 2 < t->len)
            c = t->start[++i];
        fw_buf_addc(&ps->unescape, c);
    }
    return arena_strndup(&ps->pol->arena, fw_buf_str(&ps->unescape), ps->unescape.len);
}

/* ---- parsing ------------------------------------------------------------ */

static const char *const clause_words[] = {"cite", "says", "status", "when", "require", "note",
                                           "rule", "define", NULL};

static bool is_clause_word(const token *t)
{
    size_t i;
    for (i = 0; clause_words[i]; i++)
        if (word_is(t, clause_words[i]))
            return true;
    return false;
}

static bool is_reserved(const token *t)
{
    static const char *const reserved[] = {"and", "or", "not", "in", "true", "false", "event",
                                           "within", "before", NULL};
    size_t i;
    if (is_clause_word(t))
        return true;
    for (i = 0; reserved[i]; i++)
        if (word_is(t, reserved[i]))
            return true;
    return false;
}

static node *new_node(parser *ps, node_kind k, int line, int col)
{
    node *n = arena_alloc(&ps->pol->arena, sizeof *n);
    if (!n) {
        perr(ps, line, col, "out of memory");
        ps->stop = true;
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->kind = k;
    n->line = line;
    n->col = col;
    n->rule = n->def = -1;
    return n;
}

static bool parse_number(const token *t, double *out)
{
    char tmp[64], *end;
    if (t->kind != T_WORD || t->len >= sizeof tmp)
        return false;
    memcpy(tmp, t->start, t->len);
    tmp[t->len] = '\0';
    if (!((tmp[0] >= '0' && tmp[0] <= '9') || (tmp[0] == '-' && tmp[1] >= '0' && tmp[1] <= '9')))
        return false;
    errno = 0;
    *out = strtod(tmp, &end);
    return !errno && *end == '\0' && isfinite(*out);
}

static bool parse_operand(parser *ps, operand *o)
{
    memset(o, 0, sizeof *o);
    o->line = ps->tok.line;
    o->col = ps->tok.col;
    o->fact = o->def = -1;
    if (ps->tok.kind != T_WORD || (is_reserved(&ps->tok) && !word_is(&ps->tok, "true") &&
                                   !word_is(&ps->tok, "false"))) {
        expected(ps, "a fact, a value or a number");
        return false;
    }
    o->text = tok_dup(ps, &ps->tok);
    if (word_is(&ps->tok, "true") || word_is(&ps->tok, "false")) {
        o->kind = OP_BOOL;
        o->b = word_is(&ps->tok, "true");
    } else if (parse_number(&ps->tok, &o->num)) {
        o->kind = OP_NUMBER;
    } else {
        o->kind = OP_VALUE; /* facts are resolved by the checker */
    }
    next(ps);
    return o->text != NULL;
}

/* "(" VALUE {"," VALUE} ")" into an arena array. */
static bool parse_value_list(parser *ps, const char ***values, size_t *n, const char *what)
{
    const char *tmp[MAX_LIST];
    size_t k = 0;

    if (ps->tok.kind != T_LPAREN) {
        expected(ps, "'('");
        return false;
    }
    next(ps);
    for (;;) {
        if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
            expected(ps, what);
            return false;
        }
        if (k == MAX_LIST) {
            perr(ps, ps->tok.line, ps->tok.col, "more than %d values in a list", MAX_LIST);
            ps->stop = true;
            return false;
        }
        tmp[k++] = tok_dup(ps, &ps->tok);
        next(ps);
        if (ps->tok.kind == T_RPAREN)
            break;
        if (ps->tok.kind != T_COMMA) {
            expected(ps, "',' or ')'");
            return false;
        }
        next(ps);
    }
    next(ps);
    *values = arena_alloc(&ps->pol->arena, k * sizeof **values);
    if (!*values)
        return false;
    memcpy(*values, tmp, k * sizeof *tmp);
    *n = k;
    return true;
}

static node *parse_expr(parser *ps);

static node *parse_window(parser *ps)
{
    node *n = new_node(ps, N_WINDOW, ps->tok.line, ps->tok.col);
    const char *tmp_attr[MAX_LIST], *tmp_val[MAX_LIST];
    size_t k = 0;
    fw_buf label;

    if (!n)
        return NULL;
    next(ps); /* event */
    if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
        expected(ps, "an event type after 'event'");
        return NULL;
    }
    n->event_type = tok_dup(ps, &ps->tok);
    n->rhs.line = ps->tok.line;
    n->rhs.col = ps->tok.col;
    next(ps);
    if (ps->tok.kind == T_LPAREN) {
        next(ps);
        for (;;) {
            if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
                expected(ps, "an attribute name");
                return NULL;
            }
            if (k == MAX_LIST) {
                perr(ps, ps->tok.line, ps->tok.col, "more than %d attributes", MAX_LIST);
                ps->stop = true;
                return NULL;
            }
            tmp_attr[k] = tok_dup(ps, &ps->tok);
            next(ps);
            if (ps->tok.kind != T_EQ) {
                expected(ps, "'='");
                return NULL;
            }
            next(ps);
            if (ps->tok.kind != T_WORD || (is_reserved(&ps->tok) && !word_is(&ps->tok, "true") &&
                                           !word_is(&ps->tok, "false"))) {
                expected(ps, "a value");
                return NULL;
            }
            tmp_val[k++] = tok_dup(ps, &ps->tok);
            next(ps);
            if (ps->tok.kind == T_RPAREN)
                break;
            if (ps->tok.kind != T_COMMA) {
                expected(ps, "',' or ')'");
                return NULL;
            }
            next(ps);
        }
        next(ps);
    }
    if (!word_is(&ps->tok, "within")) {
        expected(ps, "'within'");
        return NULL;
    }
    next(ps);
    if (!parse_number(&ps->tok, &n->seconds) || n->seconds < 0) {
        expected(ps, "a number of seconds");
        return NULL;
    }
    next(ps);
    if (!word_is(&ps->tok, "s")) {
        expected(ps, "'s' (seconds)");
        return NULL;
    }
    next(ps);
    if (!word_is(&ps->tok, "before")) {
        expected(ps, "'before'");
        return NULL;
    }
    next(ps);
    n->nvalues = k;
    n->attrs = arena_alloc(&ps->pol->arena, (k ? k : 1) * sizeof *n->attrs);
    n->values = arena_alloc(&ps->pol->arena, (k ? k : 1) * sizeof *n->values);
    if (!n->attrs || !n->values)
        return NULL;
    memcpy(n->attrs, tmp_attr, k * sizeof *tmp_attr);
    memcpy(n->values, tmp_val, k * sizeof *tmp_val);
    fw_buf_init(&label, 1024);
    fw_buf_printf(&label, "event %s", n->event_type);
    for (size_t i = 0; i < k; i++)
        fw_buf_printf(&label, "%s%s = %s%s", i ? ", " : "(", n->attrs[i], n->values[i],
                      i + 1 == k ? ")" : "");
    fw_buf_printf(&label, " within %g s before", n->seconds);
    n->label = arena_strndup(&ps->pol->arena, fw_buf_str(&label), label.len);
    fw_buf_release(&label);
    return n;
}

static node *parse_primary(parser *ps)
{
    node *n;
    int line = ps->tok.line, col = ps->tok.col;

    if (ps->tok.kind == T_LPAREN) {
        next(ps);
        n = parse_expr(ps);
        if (!n)
            return NULL;
        if (ps->tok.kind != T_RPAREN) {
            expected(ps, "')'");
            return NULL;
        }
        next(ps);
        return n;
    }
    if (word_is(&ps->tok, "rule")) {
        next(ps);
        if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
            expected(ps, "a rule id after 'rule'");
            return NULL;
        }
        n = new_node(ps, N_RULE, ps->tok.line, ps->tok.col);
        if (!n)
            return NULL;
        n->rule_name = tok_dup(ps, &ps->tok);
        next(ps);
        return n;
    }
    if (word_is(&ps->tok, "event"))
        return parse_window(ps);
    n = new_node(ps, N_TEST, line, col);
    if (!n || !parse_operand(ps, &n->lhs))
        return NULL;
    switch (ps->tok.kind) {
    case T_EQ: n->op = CMP_EQ; break;
    case T_NE: n->op = CMP_NE; break;
    case T_LT: n->op = CMP_LT; break;
    case T_LE: n->op = CMP_LE; break;
    case T_GT: n->op = CMP_GT; break;
    case T_GE: n->op = CMP_GE; break;
    default:
        if (word_is(&ps->tok, "not") || word_is(&ps->tok, "in")) {
            if (word_is(&ps->tok, "not")) {
                n->neg = true;
                next(ps);
                if (!word_is(&ps->tok, "in")) {
                    expected(ps, "'in' after 'not'");
                    return NULL;
                }
            }
            next(ps);
            n->kind = N_IN;
            if (ps->tok.kind == T_LPAREN)
                return parse_value_list(ps, &n->values, &n->nvalues, "a value") ? n : NULL;
            if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
                expected(ps, "'(' or a set name after 'in'");
                return NULL;
            }
            n->set_name = tok_dup(ps, &ps->tok);
            n->rhs.line = ps->tok.line;
            n->rhs.col = ps->tok.col;
            next(ps);
            return n;
        }
        if (n->lhs.kind == OP_BOOL) {
            n->kind = N_CONST;
            n->constant = n->lhs.b ? FW_TRUE : FW_FALSE;
        }
        return n;
    }
    n->kind = N_CMP;
    next(ps);
    return parse_operand(ps, &n->rhs) ? n : NULL;
}

static node *parse_unary(parser *ps)
{
    node *n;
    if (++ps->depth > MAX_NESTING) {
        perr(ps, ps->tok.line, ps->tok.col, "expression nested deeper than %d levels",
             MAX_NESTING);
        ps->stop = true;
        return NULL;
    }
    if (word_is(&ps->tok, "not")) {
        n = new_node(ps, N_NOT, ps->tok.line, ps->tok.col);
        next(ps);
        if (n && !(n->a = parse_unary(ps)))
            n = NULL;
    } else {
        n = parse_primary(ps);
    }
    ps->depth--;
    return n;
}

static node *parse_binary(parser *ps, bool is_or)
{
    node *left = is_or ? parse_binary(ps, false) : parse_unary(ps);
    const char *word = is_or ? "or" : "and";

    while (left && word_is(&ps->tok, word)) {
        node *n = new_node(ps, is_or ? N_OR : N_AND, ps->tok.line, ps->tok.col);
        next(ps);
        if (!n)
            return NULL;
        n->a = left;
        n->b = is_or ? parse_binary(ps, false) : parse_unary(ps);
        if (!n->b)
            return NULL;
        left = n;
    }
    return left;
}

static node *parse_expr(parser *ps)
{
    if (++ps->depth > MAX_NESTING) {
        perr(ps, ps->tok.line, ps->tok.col, "expression nested deeper than %d levels",
             MAX_NESTING);
        ps->stop = true;
        return NULL;
    }
    node *n = parse_binary(ps, true);
    ps->depth--;
    return n;
}

/* A clause's expression: reports a missing one in the clause's words. */
static node *parse_clause_expr(parser *ps, const char *clause)
{
    char what[64];
    if (ps->tok.kind == T_EOF ||
        (ps->tok.kind == T_WORD && is_clause_word(&ps->tok) && !word_is(&ps->tok, "rule"))) {
        snprintf(what, sizeof what, "an expression after '%s'", clause);
        expected(ps, what);
        return NULL;
    }
    return parse_expr(ps);
}

/* The source between two points, with runs of white space (and comments)
** folded to one space, for `policy show`. */
static const char *source_text(parser *ps, const char *start, const char *end)
{
    fw_buf b;
    const char *p, *out;
    bool space = false;

    fw_buf_init(&b, MAX_POLICY_BYTES);
    for (p = start; p < end; p++) {
        if (*p == '#') {
            while (p < end && *p != '\n')
                p++;
            space = true;
            continue;
        }
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = true;
            continue;
        }
        if (space && b.len)
            fw_buf_addc(&b, ' ');
        space = false;
        fw_buf_addc(&b, *p);
    }
    out = arena_strndup(&ps->pol->arena, fw_buf_str(&b), b.len);
    fw_buf_release(&b);
    return out;
}

static const char *parse_string_arg(parser *ps, const char *keyword)
{
    char what[64];
    const char *s;
    if (ps->tok.kind != T_STRING) {
        snprintf(what, sizeof what, "a quoted string after '%s'", keyword);
        expected(ps, what);
        return NULL;
    }
    s = string_value(ps, &ps->tok);
    next(ps);
    return s;
}

static const char *parse_word_arg(parser *ps, const char *keyword, const char *const *allowed)
{
    char what[128];
    const char *w;
    size_t i;
    if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
        snprintf(what, sizeof what, "a value after '%s'", keyword);
        expected(ps, what);
        return NULL;
    }
    if (allowed) {
        for (i = 0; allowed[i]; i++)
            if (word_is(&ps->tok, allowed[i]))
                break;
        if (!allowed[i]) {
            fw_buf list;
            fw_buf_init(&list, 512);
            for (i = 0; allowed[i]; i++)
                fw_buf_printf(&list, "%s%s", i ? ", " : "", allowed[i]);
            snprintf(what, sizeof what, "one of %s", fw_buf_str(&list));
            fw_buf_release(&list);
            expected(ps, what);
            return NULL;
        }
    }
    w = tok_dup(ps, &ps->tok);
    next(ps);
    return w;
}

static const char *const statuses[] = {"verbatim", "paraphrase", "unverified", NULL};
static const char *const kinds[] = {"adopted", "proposal", "illustrative", NULL};

static const char *parse_date_arg(parser *ps, const char *keyword)
{
    fw_time t;
    char tmp[16], what[64];
    if (ps->tok.kind != T_WORD || ps->tok.len != 10) {
        snprintf(what, sizeof what, "a date YYYY-MM-DD after '%s'", keyword);
        expected(ps, what);
        return NULL;
    }
    memcpy(tmp, ps->tok.start, 10);
    tmp[10] = '\0';
    if (!fw_time_parse(tmp, &t)) {
        snprintf(what, sizeof what, "a date YYYY-MM-DD after '%s'", keyword);
        expected(ps, what);
        return NULL;
    }
    return parse_word_arg(ps, keyword, NULL);
}

static void parse_rule(parser *ps)
{
    rule *r;
    int line = ps->tok.line, col = ps->tok.col;

    next(ps); /* rule */
    if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
        expected(ps, "a rule id after 'rule'");
        return;
    }
    if (ps->pol->nrules == ps->pol->caprules) {
        size_t cap = ps->pol->caprules ? ps->pol->caprules * 2 : 16;
        rule *p = realloc(ps->pol->rules, cap * sizeof *p);
        if (!p) {
            perr(ps, line, col, "out of memory");
            ps->stop = true;
            return;
        }
        ps->pol->rules = p;
        ps->pol->caprules = cap;
    }
    r = &ps->pol->rules[ps->pol->nrules++];
    memset(r, 0, sizeof *r);
    r->line = line;
    r->col = col;
    r->id = tok_dup(ps, &ps->tok);
    next(ps);
    while (!ps->stop && ps->tok.kind == T_WORD && !word_is(&ps->tok, "rule") &&
           !word_is(&ps->tok, "define")) {
        token kw = ps->tok;
        if (word_is(&kw, "cite") || word_is(&kw, "says") || word_is(&kw, "note")) {
            const char *s;
            next(ps);
            s = parse_string_arg(ps, word_is(&kw, "cite") ? "cite" : word_is(&kw, "says") ? "says" : "note");
            if (word_is(&kw, "cite"))
                r->cite = s;
            else if (word_is(&kw, "says"))
                r->says = s;
        } else if (word_is(&kw, "status")) {
            next(ps);
            r->status = parse_word_arg(ps, "status", statuses);
        } else if (word_is(&kw, "when") || word_is(&kw, "require")) {
            bool when = word_is(&kw, "when");
            next(ps);
            if ((when ? r->when : r->require) != NULL) {
                perr(ps, kw.line, kw.col, "rule %s has a second '%s'", r->id,
                     when ? "when" : "require");
                ps->stop = true;
                return;
            }
            {
                const char *start = ps->tok.start, *src;
                node *e = parse_clause_expr(ps, when ? "when" : "require");
                src = e ? source_text(ps, start, ps->prev_end) : NULL;
                if (when) {
                    r->when = e;
                    r->when_src = src;
                } else {
                    r->require = e;
                    r->require_src = src;
                }
            }
        } else {
            expected(ps, "a clause (cite, says, status, when, require), 'rule' or 'define'");
        }
    }
    if (!ps->stop && ps->tok.kind != T_EOF && ps->tok.kind != T_WORD)
        expected(ps, "a clause (cite, says, status, when, require), 'rule' or 'define'");
}

static void parse_define(parser *ps)
{
    definition *d;
    const char *tmp[MAX_LIST];
    size_t k = 0;
    int line = ps->tok.line, col = ps->tok.col;

    next(ps); /* define */
    if (ps->tok.kind != T_WORD || is_reserved(&ps->tok) ||
        memchr(ps->tok.start, '.', ps->tok.len) != NULL) {
        expected(ps, "a set name (without dots) after 'define'");
        return;
    }
    if (ps->pol->ndefs == ps->pol->capdefs) {
        size_t cap = ps->pol->capdefs ? ps->pol->capdefs * 2 : 8;
        definition *p = realloc(ps->pol->defs, cap * sizeof *p);
        if (!p) {
            perr(ps, line, col, "out of memory");
            ps->stop = true;
            return;
        }
        ps->pol->defs = p;
        ps->pol->capdefs = cap;
    }
    d = &ps->pol->defs[ps->pol->ndefs++];
    memset(d, 0, sizeof *d);
    d->line = ps->tok.line;
    d->col = ps->tok.col;
    d->name = tok_dup(ps, &ps->tok);
    next(ps);
    if (ps->tok.kind != T_EQ) {
        expected(ps, "'=' after the set name");
        return;
    }
    next(ps);
    for (;;) {
        if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
            expected(ps, "a value");
            return;
        }
        if (k == MAX_LIST) {
            perr(ps, ps->tok.line, ps->tok.col, "more than %d values in a set", MAX_LIST);
            ps->stop = true;
            return;
        }
        tmp[k++] = tok_dup(ps, &ps->tok);
        next(ps);
        if (ps->tok.kind != T_COMMA)
            break;
        next(ps);
    }
    d->values = arena_alloc(&ps->pol->arena, k * sizeof *d->values);
    if (!d->values)
        return;
    memcpy(d->values, tmp, k * sizeof *tmp);
    d->nvalues = k;
    (void)line;
    (void)col;
}

static void parse_file(parser *ps)
{
    fw_policy *pol = ps->pol;
    bool seen_policy = false;

    next(ps);
    while (!ps->stop && ps->tok.kind != T_EOF) {
        token kw = ps->tok;
        if (!seen_policy) {
            if (!word_is(&kw, "policy")) {
                expected(ps, "'policy NAME \"TITLE\"' first");
                return;
            }
            next(ps);
            if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
                expected(ps, "a policy name after 'policy'");
                return;
            }
            pol->name = tok_dup(ps, &ps->tok);
            next(ps);
            pol->title = parse_string_arg(ps, "policy NAME");
            seen_policy = true;
            continue;
        }
        if (word_is(&kw, "version")) {
            next(ps);
            pol->version = parse_word_arg(ps, "version", NULL);
        } else if (word_is(&kw, "effective")) {
            next(ps);
            pol->effective = parse_date_arg(ps, "effective");
        } else if (word_is(&kw, "until")) {
            next(ps);
            pol->until = parse_date_arg(ps, "until");
        } else if (word_is(&kw, "status")) {
            next(ps);
            pol->status = parse_word_arg(ps, "status", statuses);
        } else if (word_is(&kw, "kind")) {
            next(ps);
            pol->kind = parse_word_arg(ps, "kind", kinds);
        } else if (word_is(&kw, "source")) {
            next(ps);
            pol->source = parse_string_arg(ps, "source");
        } else if (word_is(&kw, "define")) {
            parse_define(ps);
        } else if (word_is(&kw, "rule")) {
            parse_rule(ps);
        } else if (kw.kind == T_WORD && !is_reserved(&kw)) {
            /* DESIGN.md writes definitions as "NAME = a, b" without 'define'. */
            const char *save_p = ps->p;
            int save_line = ps->line, save_col = ps->col;
            next(ps);
            if (ps->tok.kind == T_EQ) {
                ps->p = save_p;
                ps->line = save_line;
                ps->col = save_col;
                ps->tok = kw;
                parse_define(ps);
            } else {
                ps->tok = kw;
                expected(ps, "a header statement, 'define' or 'rule'");
            }
        } else {
            expected(ps, "a header statement, 'define' or 'rule'");
        }
    }
    if (!ps->stop && !seen_policy)
        expected(ps, "'policy NAME \"TITLE\"'");
}

/* ---- checking ------------------------------------------------------------ */

static int find_def(const fw_policy *p, const char *name)
{
    size_t i;
    for (i = 0; i < p->ndefs; i++)
        if (strcmp(p->defs[i].name, name) == 0)
            return (int)i;
    return -1;
}

static const fw_enum *fact_enum(int fact)
{
    const fw_fact_def *d = &fw_fact_defs[fact];
    return d->type == FW_FACT_ENUM && d->en ? fw_enum_find(d->en) : NULL;
}

static const char *enum_list(const fw_enum *e, fw_buf *b)
{
    int i;
    fw_buf_reset(b);
    for (i = 0; e->values[i]; i++)
        fw_buf_printf(b, "%s%s", i ? ", " : "", e->values[i]);
    return fw_buf_str(b);
}

/* Resolve an operand written as an identifier: a fact, force.X, or a value. */
static void resolve_operand(parser *ps, operand *o)
{
    const char *dot;
    if (o->kind != OP_VALUE)
        return;
    o->fact = fw_fact_index(o->text);
    if (o->fact >= 0) {
        o->kind = OP_FACT;
        return;
    }
    dot = strchr(o->text, '.');
    if (dot && strncmp(o->text, "force.", 6) == 0 && (o->def = find_def(ps->pol, dot + 1)) >= 0) {
        if (!ps->pol->defs[o->def].force_kinds)
            perr(ps, o->line, o->col, "'%s' is not a set of force kinds, so '%s' is not a fact",
                 dot + 1, o->text);
        o->kind = OP_DEF;
        return;
    }
    if (dot)
        perr(ps, o->line, o->col, "unknown fact '%s'", o->text);
}

static bool operand_is_bool(const operand *o)
{
    return o->kind == OP_DEF || o->kind == OP_BOOL ||
           (o->kind == OP_FACT && fw_fact_defs[o->fact].type == FW_FACT_BOOL);
}

/* A value compared with a fact must be one the fact can take. */
static void check_value_for(parser *ps, const operand *fact, const char *value, int line, int col)
{
    fw_buf b;
    const fw_enum *e;
    if (fact->kind != OP_FACT)
        return;
    if (fw_fact_defs[fact->fact].type == FW_FACT_BOOL) {
        if (strcmp(value, "true") && strcmp(value, "false"))
            perr(ps, line, col, "%s is true or false, not '%s'", fw_fact_defs[fact->fact].name,
                 value);
        return;
    }
    if (strcmp(fw_fact_defs[fact->fact].name, "force.target_type") == 0) {
        if (strcmp(value, "subject") && strcmp(value, "vehicle"))
            perr(ps, line, col, "'%s' is not a value of force.target_type (expected subject or vehicle)",
                 value);
        return;
    }
    e = fact_enum(fact->fact);
    if (!e || fw_enum_index(e, value) >= 0)
        return;
    fw_buf_init(&b, 4096);
    perr(ps, line, col, "'%s' is not a value of %s (expected one of %s)", value, e->name,
         enum_list(e, &b));
    fw_buf_release(&b);
}

static void check_node(parser *ps, node *n);

static void check_cmp(parser *ps, node *n)
{
    operand *l = &n->lhs, *r = &n->rhs;
    operand *fact = l->kind == OP_FACT ? l : r->kind == OP_FACT ? r : NULL;
    operand *other = fact == l ? r : l;
    const fw_enum *e;

    resolve_operand(ps, l);
    resolve_operand(ps, r);
    fact = l->kind == OP_FACT ? l : r->kind == OP_FACT ? r : NULL;
    other = fact == l ? r : l;
    if (!fact) {
        bool reported = (l->kind == OP_VALUE && strchr(l->text, '.')) ||
                        (r->kind == OP_VALUE && strchr(r->text, '.'));
        if (l->kind != OP_DEF && r->kind != OP_DEF && !reported)
            perr(ps, n->line, n->col, "a comparison needs a fact on one side");
        return;
    }
    if (other->kind == OP_VALUE)
        check_value_for(ps, fact, other->text, other->line, other->col);
    if (other->kind == OP_NUMBER && fw_fact_defs[fact->fact].type != FW_FACT_NUM)
        perr(ps, other->line, other->col, "%s is not a number", fw_fact_defs[fact->fact].name);
    if (other->kind == OP_BOOL && fw_fact_defs[fact->fact].type != FW_FACT_BOOL)
        perr(ps, other->line, other->col, "%s is not true or false",
             fw_fact_defs[fact->fact].name);
    if (other->kind == OP_FACT && fw_fact_defs[other->fact].type != fw_fact_defs[fact->fact].type)
        perr(ps, n->line, n->col, "%s and %s are of different kinds",
             fw_fact_defs[l->fact].name, fw_fact_defs[r->fact].name);
    if (n->op != CMP_EQ && n->op != CMP_NE) {
        e = fact_enum(fact->fact);
        if (fw_fact_defs[fact->fact].type != FW_FACT_NUM && !(e && e->ordinal))
            perr(ps, n->line, n->col, "%s has no order: use = or != or in",
                 fw_fact_defs[fact->fact].name);
    }
}

static void check_node(parser *ps, node *n)
{
    size_t i;
    if (!n)
        return;
    switch (n->kind) {
    case N_CONST:
        break;
    case N_AND:
    case N_OR:
        check_node(ps, n->a);
        check_node(ps, n->b);
        break;
    case N_NOT:
        check_node(ps, n->a);
        break;
    case N_TEST:
        resolve_operand(ps, &n->lhs);
        if (n->lhs.kind == OP_FACT && !operand_is_bool(&n->lhs))
            perr(ps, n->lhs.line, n->lhs.col,
                 "%s is not true or false: compare it (=, !=, <, in ...)",
                 fw_fact_defs[n->lhs.fact].name);
        else if ((n->lhs.kind == OP_VALUE && !strchr(n->lhs.text, '.')) ||
                 n->lhs.kind == OP_NUMBER)
            perr(ps, n->lhs.line, n->lhs.col, "unknown fact '%s'", n->lhs.text);
        break;
    case N_CMP:
        check_cmp(ps, n);
        break;
    case N_IN:
        resolve_operand(ps, &n->lhs);
        if (n->lhs.kind != OP_FACT) {
            perr(ps, n->lhs.line, n->lhs.col, "'in' needs a fact on its left, not '%s'",
                 n->lhs.text);
            break;
        }
        if (n->set_name) {
            n->def = find_def(ps->pol, n->set_name);
            if (n->def < 0) {
                perr(ps, n->rhs.line, n->rhs.col, "no set named '%s' (define it first)",
                     n->set_name);
                break;
            }
            for (i = 0; i < ps->pol->defs[n->def].nvalues; i++)
                check_value_for(ps, &n->lhs, ps->pol->defs[n->def].values[i], n->rhs.line,
                                n->rhs.col);
        } else {
            for (i = 0; i < n->nvalues; i++)
                check_value_for(ps, &n->lhs, n->values[i], n->line, n->col);
        }
        break;
    case N_RULE:
        n->rule = fw_policy_rule_index(ps->pol, n->rule_name);
        if (n->rule < 0)
            perr(ps, n->line, n->col, "no rule '%s' in this policy", n->rule_name);
        break;
    case N_WINDOW: {
        const fw_event_type *et = fw_event_type_find(n->event_type);
        if (!et) {
            perr(ps, n->rhs.line, n->rhs.col, "unknown event type '%s'", n->event_type);
            break;
        }
        for (i = 0; i < n->nvalues; i++) {
            size_t f;
            for (f = 0; f < et->nfields; f++)
                if (strcmp(et->fields[f].name, n->attrs[i]) == 0)
                    break;
            if (f == et->nfields) {
                perr(ps, n->rhs.line, n->rhs.col, "%s events have no attribute '%s'",
                     n->event_type, n->attrs[i]);
            } else if (et->fields[f].type == FW_F_ENUM &&
                       fw_enum_index(et->fields[f].en, n->values[i]) < 0) {
                fw_buf b;
                fw_buf_init(&b, 4096);
                perr(ps, n->rhs.line, n->rhs.col, "'%s' is not a value of %s (expected one of %s)",
                     n->values[i], et->fields[f].en->name, enum_list(et->fields[f].en, &b));
                fw_buf_release(&b);
            }
        }
        break;
    }
    }
}

/* Rules may not depend on themselves. */
static bool refers_to(const fw_policy *p, const node *n, int target, int depth)
{
    if (!n || depth > 64)
        return depth > 64;
    switch (n->kind) {
    case N_AND:
    case N_OR:
        return refers_to(p, n->a, target, depth) || refers_to(p, n->b, target, depth);
    case N_NOT:
        return refers_to(p, n->a, target, depth);
    case N_RULE:
        if (n->rule < 0)
            return false;
        if (n->rule == target)
            return true;
        return refers_to(p, p->rules[n->rule].when, target, depth + 1) ||
               refers_to(p, p->rules[n->rule].require, target, depth + 1);
    default:
        return false;
    }
}

static void check_policy(parser *ps)
{
    fw_policy *p = ps->pol;
    const fw_enum *kinds_enum = fw_enum_find("force_kind");
    size_t i, k;

    if (!p->version)
        perr(ps, 1, 1, "policy %s has no 'version'", p->name);
    if (!p->kind)
        p->kind = "adopted";
    if (!p->status)
        p->status = "unverified";
    if (!p->source)
        p->source = "";
    if (p->effective && p->until && strcmp(p->until, p->effective) < 0)
        perr(ps, 1, 1, "'until' %s is before 'effective' %s", p->until, p->effective);
    for (i = 0; i < p->ndefs; i++) {
        definition *d = &p->defs[i];
        if (fw_fact_index(d->name) >= 0 || find_def(p, d->name) != (int)i)
            perr(ps, d->line, d->col, "'%s' is already defined", d->name);
        d->force_kinds = true;
        for (k = 0; k < d->nvalues; k++)
            if (fw_enum_index(kinds_enum, d->values[k]) < 0)
                d->force_kinds = false;
    }
    for (i = 0; i < p->nrules; i++) {
        rule *r = &p->rules[i];
        if (fw_policy_rule_index(p, r->id) != (int)i)
            perr(ps, r->line, r->col, "rule %s is defined twice", r->id);
        if (!r->cite)
            perr(ps, r->line, r->col, "rule %s has no 'cite'", r->id);
        if (!r->says)
            perr(ps, r->line, r->col, "rule %s has no 'says'", r->id);
        if (!r->require)
            perr(ps, r->line, r->col, "rule %s has no 'require'", r->id);
        if (!r->status)
            r->status = p->status;
        check_node(ps, r->when);
        check_node(ps, r->require);
    }
    for (i = 0; i < p->nrules; i++)
        if (refers_to(p, p->rules[i].when, (int)i, 0) ||
            refers_to(p, p->rules[i].require, (int)i, 0))
            perr(ps, p->rules[i].line, p->rules[i].col, "rule %s depends on itself",
                 p->rules[i].id);
    if (p->name && p->version) {
        size_t n = strlen(p->name) + strlen(p->version) + 2;
        char *full = arena_alloc(&p->arena, n);
        if (full) {
            snprintf(full, n, "%s-%s", p->name, p->version);
            p->fullname = full;
        }
    }
}

fw_rc fw_policy_parse(const char *file, const char *text, size_t len, fw_policy **out,
                      fw_diag *diag)
{
    parser ps;
    size_t bad;

    *out = NULL;
    memset(&ps, 0, sizeof ps);
    ps.file = file;
    ps.diag = diag;
    if (len > MAX_POLICY_BYTES) {
        fw_diag_add(diag, "%s: %zu bytes, over the limit of %d", file, len, MAX_POLICY_BYTES);
        return FW_ERR_INVALID;
    }
    bad = fw_utf8_check(text, len);
    if (bad < len || memchr(text, '\0', len)) {
        fw_diag_add(diag, "%s: invalid UTF-8 or a NUL byte at byte %zu", file,
                    bad < len ? bad : (size_t)((const char *)memchr(text, '\0', len) - text));
        return FW_ERR_INVALID;
    }
    ps.pol = calloc(1, sizeof *ps.pol);
    if (!ps.pol)
        return FW_ERR_NOMEM;
    ps.p = text;
    ps.end = text + len;
    ps.tok.start = text;
    ps.line = ps.col = 1;
    fw_buf_init(&ps.unescape, MAX_POLICY_BYTES);
    parse_file(&ps);
    if (!ps.stop)
        check_policy(&ps);
    fw_buf_release(&ps.unescape);
    if (ps.errors) {
        fw_policy_free(ps.pol);
        return FW_ERR_INVALID;
    }
    *out = ps.pol;
    return FW_OK;
}

void fw_policy_free(fw_policy *p)
{
    arena_block *b, *nb;
    if (!p)
        return;
    for (b = p->arena; b; b = nb) {
        nb = b->next;
        free(b);
    }
    free(p->rules);
    free(p->defs);
    free(p);
}

/* ---- accessors ------------------------------------------------------------ */

const char *fw_policy_name(const fw_policy *p) { return p->name; }
const char *fw_policy_version(const fw_policy *p) { return p->version; }
const char *fw_policy_fullname(const fw_policy *p) { return p->fullname; }
const char *fw_policy_title(const fw_policy *p) { return p->title; }
const char *fw_policy_kind(const fw_policy *p) { return p->kind; }
const char *fw_policy_status(const fw_policy *p) { return p->status; }
const char *fw_policy_source(const fw_policy *p) { return p->source; }
const char *fw_policy_effective(const fw_policy *p) { return p->effective; }
const char *fw_policy_until(const fw_policy *p) { return p->until; }
size_t fw_policy_nrules(const fw_policy *p) { return p->nrules; }

void fw_policy_rule(const fw_policy *p, size_t i, fw_rule_info *info)
{
    assert(i < p->nrules);
    info->id = p->rules[i].id;
    info->cite = p->rules[i].cite;
    info->says = p->rules[i].says;
    info->status = p->rules[i].status;
    info->when = p->rules[i].when_src;
    info->require = p->rules[i].require_src;
}

int fw_policy_rule_index(const fw_policy *p, const char *id)
{
    size_t i;
    for (i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].id, id) == 0)
            return (int)i;
    return -1;
}

bool fw_policy_in_effect(const fw_policy *p, const char *date)
{
    if (strcmp(p->kind, "adopted") != 0)
        return false;
    if (p->effective && strncmp(date, p->effective, 10) < 0)
        return false;
    if (p->until && strncmp(date, p->until, 10) > 0)
        return false;
    return true;
}

const char *fw_outcome_name(fw_outcome o)
{
    switch (o) {
    case FW_WITHIN: return "within";
    case FW_OUT: return "out";
    case FW_UNDETERMINED: return "undetermined";
    default: return "n/a";
    }
}

/* ---- evaluation ------------------------------------------------------------- */

fw_tri fw_tri_and(fw_tri a, fw_tri b)
{
    if (a == FW_FALSE || b == FW_FALSE)
        return FW_FALSE;
    if (a == FW_UNKNOWN || b == FW_UNKNOWN)
        return FW_UNKNOWN;
    return FW_TRUE;
}

fw_tri fw_tri_or(fw_tri a, fw_tri b)
{
    if (a == FW_TRUE || b == FW_TRUE)
        return FW_TRUE;
    if (a == FW_UNKNOWN || b == FW_UNKNOWN)
        return FW_UNKNOWN;
    return FW_FALSE;
}

fw_tri fw_tri_not(fw_tri a)
{
    return a == FW_UNKNOWN ? FW_UNKNOWN : a == FW_TRUE ? FW_FALSE : FW_TRUE;
}

typedef struct eval {
    const fw_policy *p;
    const fw_situation *s;
    const fw_override *ov;
    fw_rule_result *results;
    signed char *state;        /* per rule: 0 not yet, 1 in progress, 2 done */
    fw_rule_result *cur;       /* the rule result collecting facts */
} eval;

static void note_fact(fw_rule_result *r, int fact, bool unknown)
{
    size_t i;
    for (i = 0; i < r->nread && r->read[i] != fact; i++)
        ;
    if (i == r->nread && r->nread < FW_MAX_FACTS_NAMED)
        r->read[r->nread++] = fact;
    if (!unknown)
        return;
    for (i = 0; i < r->nunknown && r->unknown[i] != fact; i++)
        ;
    if (i == r->nunknown && r->nunknown < FW_MAX_FACTS_NAMED)
        r->unknown[r->nunknown++] = fact;
}

static fw_value fact_value(eval *ev, int fact)
{
    fw_value v;
    if (ev->ov && ev->ov->fact == fact)
        v = ev->ov->v;
    else
        v = ev->s->facts[fact].v;
    note_fact(ev->cur, fact, v.type == FW_V_UNKNOWN);
    return v;
}

static bool in_def(const definition *d, const char *value)
{
    size_t i;
    for (i = 0; i < d->nvalues; i++)
        if (strcmp(d->values[i], value) == 0)
            return true;
    return false;
}

static fw_value operand_value(eval *ev, const operand *o)
{
    fw_value v;
    memset(&v, 0, sizeof v);
    switch (o->kind) {
    case OP_FACT:
        return fact_value(ev, o->fact);
    case OP_DEF: {
        int kind = fw_fact_index("force.kind");
        fw_value k = fact_value(ev, kind);
        if (k.type == FW_V_STR) {
            v.type = FW_V_BOOL;
            v.b = in_def(&ev->p->defs[o->def], k.str);
        }
        return v;
    }
    case OP_VALUE:
        v.type = FW_V_STR;
        v.str = o->text;
        return v;
    case OP_NUMBER:
        v.type = FW_V_NUM;
        v.num = o->num;
        return v;
    case OP_BOOL:
        v.type = FW_V_BOOL;
        v.b = o->b;
        return v;
    }
    return v;
}

static fw_tri as_tri(const fw_value *v)
{
    if (v->type == FW_V_BOOL)
        return v->b ? FW_TRUE : FW_FALSE;
    return FW_UNKNOWN;
}

/* Position of a value in the ordinal enumeration of the fact on either side. */
static int rank(const node *n, const fw_value *v)
{
    const operand *f = n->lhs.kind == OP_FACT ? &n->lhs : &n->rhs;
    const fw_enum *e = fact_enum(f->fact);
    return e && v->type == FW_V_STR ? fw_enum_index(e, v->str) : -1;
}

static fw_tri compare(const node *n, const fw_value *a, const fw_value *b)
{
    double x, y;
    if (a->type == FW_V_UNKNOWN || b->type == FW_V_UNKNOWN)
        return FW_UNKNOWN;
    if (n->op == CMP_EQ || n->op == CMP_NE) {
        bool eq = fw_value_equal(a, b);
        if (a->type == FW_V_BOOL && b->type == FW_V_STR)
            eq = a->b == (strcmp(b->str, "true") == 0);
        else if (b->type == FW_V_BOOL && a->type == FW_V_STR)
            eq = b->b == (strcmp(a->str, "true") == 0);
        return (n->op == CMP_EQ) == eq ? FW_TRUE : FW_FALSE;
    }
    if (a->type == FW_V_NUM && b->type == FW_V_NUM) {
        x = a->num;
        y = b->num;
    } else {
        int ra = rank(n, a), rb = rank(n, b);
        if (ra < 0 || rb < 0)
            return FW_UNKNOWN;
        x = ra;
        y = rb;
    }
    switch (n->op) {
    case CMP_LT: return x < y ? FW_TRUE : FW_FALSE;
    case CMP_LE: return x <= y ? FW_TRUE : FW_FALSE;
    case CMP_GT: return x > y ? FW_TRUE : FW_FALSE;
    default: return x >= y ? FW_TRUE : FW_FALSE;
    }
}

static bool json_matches(const json_t *j, const char *want)
{
    char tmp[64];
    if (json_is_string(j))
        return strcmp(json_string_value(j), want) == 0;
    if (json_is_boolean(j))
        return strcmp(want, json_is_true(j) ? "true" : "false") == 0;
    if (json_is_number(j)) {
        snprintf(tmp, sizeof tmp, "%g", json_number_value(j));
        return strcmp(tmp, want) == 0;
    }
    return false;
}

static fw_tri eval_window(eval *ev, const node *n)
{
    const fw_account *a = ev->s->account;
    size_t i, k;
    const json_t *complete = json_object_get(a->obj, "complete");

    for (i = 0; i < a->nevents; i++) {
        const fw_event *e = &a->events[i];
        bool match = true;
        if (e->t > ev->s->t || e->t < ev->s->t - n->seconds || strcmp(e->type_name, n->event_type))
            continue;
        for (k = 0; k < n->nvalues && match; k++)
            match = json_matches(json_object_get(e->obj, n->attrs[k]), n->values[k]);
        if (match)
            return FW_TRUE;
    }
    if (json_is_true(complete))
        return FW_FALSE;
    for (k = 0; k < ev->cur->nwindows && ev->cur->windows[k] != n->label; k++)
        ;
    if (k == ev->cur->nwindows && k < 8)
        ev->cur->windows[ev->cur->nwindows++] = n->label;
    return FW_UNKNOWN;
}

static void eval_rule(eval *ev, size_t i);

static fw_tri eval_node(eval *ev, const node *n)
{
    fw_value a, b;
    size_t i;
    fw_tri t;

    switch (n->kind) {
    case N_CONST:
        return n->constant;
    case N_AND:
        /* Both sides always, so every unknown fact is seen. */
        t = eval_node(ev, n->a);
        return fw_tri_and(t, eval_node(ev, n->b));
    case N_OR:
        t = eval_node(ev, n->a);
        return fw_tri_or(t, eval_node(ev, n->b));
    case N_NOT:
        return fw_tri_not(eval_node(ev, n->a));
    case N_TEST:
        a = operand_value(ev, &n->lhs);
        return as_tri(&a);
    case N_CMP:
        a = operand_value(ev, &n->lhs);
        b = operand_value(ev, &n->rhs);
        return compare(n, &a, &b);
    case N_IN: {
        bool found = false;
        a = operand_value(ev, &n->lhs);
        if (a.type == FW_V_UNKNOWN)
            return FW_UNKNOWN;
        if (a.type != FW_V_STR)
            return FW_FALSE;
        if (n->def >= 0)
            found = in_def(&ev->p->defs[n->def], a.str);
        else
            for (i = 0; i < n->nvalues && !found; i++)
                found = strcmp(n->values[i], a.str) == 0;
        return found != n->neg ? FW_TRUE : FW_FALSE;
    }
    case N_RULE: {
        fw_rule_result *saved = ev->cur, *r;
        eval_rule(ev, (size_t)n->rule);
        ev->cur = saved;
        r = &ev->results[n->rule];
        /* The referenced rule's facts count as this rule's too. */
        for (i = 0; i < r->nread; i++)
            note_fact(ev->cur, r->read[i], false);
        for (i = 0; i < r->nunknown; i++)
            note_fact(ev->cur, r->unknown[i], true);
        for (i = 0; i < r->nwindows; i++) {
            size_t k;
            for (k = 0; k < ev->cur->nwindows && ev->cur->windows[k] != r->windows[i]; k++)
                ;
            if (k == ev->cur->nwindows && k < 8)
                ev->cur->windows[ev->cur->nwindows++] = r->windows[i];
        }
        switch (r->outcome) {
        case FW_OUT: return FW_FALSE;
        case FW_UNDETERMINED: return FW_UNKNOWN;
        default: return FW_TRUE;
        }
    }
    case N_WINDOW:
        return eval_window(ev, n);
    }
    return FW_UNKNOWN;
}

static void eval_rule(eval *ev, size_t i)
{
    const rule *r = &ev->p->rules[i];
    fw_rule_result *res = &ev->results[i];

    if (ev->state[i] == 2)
        return;
    if (ev->state[i] == 1) { /* a cycle; the checker refuses these */
        res->outcome = FW_UNDETERMINED;
        return;
    }
    ev->state[i] = 1;
    memset(res, 0, sizeof *res);
    ev->cur = res;
    res->when = r->when ? eval_node(ev, r->when) : FW_TRUE;
    ev->cur = res;
    if (res->when == FW_FALSE) {
        res->outcome = FW_NOT_APPLICABLE;
        res->require = FW_UNKNOWN;
    } else {
        res->require = r->require ? eval_node(ev, r->require) : FW_TRUE;
        if (res->when == FW_UNKNOWN)
            res->outcome = FW_UNDETERMINED;
        else
            res->outcome = res->require == FW_TRUE    ? FW_WITHIN
                           : res->require == FW_FALSE ? FW_OUT
                                                      : FW_UNDETERMINED;
    }
    if (res->outcome != FW_UNDETERMINED) {
        res->nunknown = 0;
        res->nwindows = 0;
    }
    ev->state[i] = 2;
}

void fw_policy_evaluate(const fw_policy *p, const fw_situation *s, const fw_override *ov,
                        fw_rule_result *results)
{
    signed char small[64], *state = p->nrules <= 64 ? small : calloc(p->nrules, 1);
    eval ev;
    size_t i;

    if (!state) {
        for (i = 0; i < p->nrules; i++) {
            memset(&results[i], 0, sizeof results[i]);
            results[i].outcome = FW_UNDETERMINED;
        }
        return;
    }
    memset(state, 0, p->nrules <= 64 ? sizeof small : p->nrules);
    ev.p = p;
    ev.s = s;
    ev.ov = ov;
    ev.results = results;
    ev.state = state;
    for (i = 0; i < p->nrules; i++)
        eval_rule(&ev, i);
    if (state != small)
        free(state);
}
