/*
** The policy language's reader (docs/policy-language.md): a lexer and a
** recursive-descent parser that builds rule expression trees in one arena,
** then hands the tree to the checker (policy_check.c); and the accessors of
** a parsed policy.  The evaluator is policy_eval.c; the tree's types are in
** policy_int.h.
**
** Syntax errors stop the parse at the first one (what follows an error is
** rarely meaningful); the checker then reports every remaining problem.
** Nothing here reads files or allocates without bound: token and nesting
** limits keep any input, however hostile, cheap and crash-free.
*/
#include "policy/policy.h"
#include "policy/policy_int.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "base/banned.h"

/* ---- arena ------------------------------------------------------------- */

void *fw_policy_arena_alloc(arena_block **head, size_t n)
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
    char *p = fw_policy_arena_alloc(head, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void fw_policy_perr(parser *ps, int line, int col, const char *fmt, ...)
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
        fw_policy_perr(ps, ps->tok.line, ps->tok.col, "%s", ps->tok.error);
    } else {
        describe(&ps->tok, found, sizeof found);
        fw_policy_perr(ps, ps->tok.line, ps->tok.col, "expected %s, found %s", what, found);
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
                                           "on", "rule", "define", NULL};

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
    node *n = fw_policy_arena_alloc(&ps->pol->arena, sizeof *n);
    if (!n) {
        fw_policy_perr(ps, line, col, "out of memory");
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
            fw_policy_perr(ps, ps->tok.line, ps->tok.col, "more than %d values in a list", MAX_LIST);
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
    *values = fw_policy_arena_alloc(&ps->pol->arena, k * sizeof **values);
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
                fw_policy_perr(ps, ps->tok.line, ps->tok.col, "more than %d attributes", MAX_LIST);
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
    n->attrs = fw_policy_arena_alloc(&ps->pol->arena, (k ? k : 1) * sizeof *n->attrs);
    n->values = fw_policy_arena_alloc(&ps->pol->arena, (k ? k : 1) * sizeof *n->values);
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
        fw_policy_perr(ps, ps->tok.line, ps->tok.col, "expression nested deeper than %d levels",
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
        fw_policy_perr(ps, ps->tok.line, ps->tok.col, "expression nested deeper than %d levels",
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

/* 'on TYPE[, TYPE...]': the event types a rule judges (checked by the checker). */
static void parse_on(parser *ps, rule *r, const token *kw)
{
    const char *tmp[MAX_LIST];
    int lines[MAX_LIST], cols[MAX_LIST];
    size_t k = 0, i;
    fw_buf text;

    if (r->on) {
        fw_policy_perr(ps, kw->line, kw->col, "rule %s has a second 'on'", r->id);
        ps->stop = true;
        return;
    }
    for (;;) {
        if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
            expected(ps, "an event type after 'on'");
            return;
        }
        if (k == MAX_LIST) {
            fw_policy_perr(ps, ps->tok.line, ps->tok.col, "more than %d event types after 'on'",
                           MAX_LIST);
            ps->stop = true;
            return;
        }
        lines[k] = ps->tok.line;
        cols[k] = ps->tok.col;
        tmp[k++] = tok_dup(ps, &ps->tok);
        next(ps);
        if (ps->tok.kind != T_COMMA)
            break;
        next(ps);
    }
    r->on = fw_policy_arena_alloc(&ps->pol->arena, k * sizeof *r->on);
    r->on_line = fw_policy_arena_alloc(&ps->pol->arena, k * sizeof *r->on_line);
    r->on_col = fw_policy_arena_alloc(&ps->pol->arena, k * sizeof *r->on_col);
    fw_buf_init(&text, 128);
    for (i = 0; i < k; i++)
        fw_buf_printf(&text, "%s%s", i ? ", " : "", tmp[i] ? tmp[i] : "");
    r->on_src = arena_strndup(&ps->pol->arena, fw_buf_str(&text), text.len);
    fw_buf_release(&text);
    if (!r->on || !r->on_src || !r->on_line || !r->on_col) {
        fw_policy_perr(ps, kw->line, kw->col, "out of memory");
        ps->stop = true;
        r->on = NULL;
        return;
    }
    memcpy(r->on, tmp, k * sizeof *r->on);
    memcpy(r->on_line, lines, k * sizeof *r->on_line);
    memcpy(r->on_col, cols, k * sizeof *r->on_col);
    r->non = k;
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
    if (FW_ALLOC_GROW(ps->pol->rules, ps->pol->nrules + 1, ps->pol->caprules) != FW_OK) {
        fw_policy_perr(ps, line, col, "out of memory");
        ps->stop = true;
        return;
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
        } else if (word_is(&kw, "on")) {
            next(ps);
            parse_on(ps, r, &kw);
        } else if (word_is(&kw, "when") || word_is(&kw, "require")) {
            bool when = word_is(&kw, "when");
            next(ps);
            if ((when ? r->when : r->require) != NULL) {
                fw_policy_perr(ps, kw.line, kw.col, "rule %s has a second '%s'", r->id,
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
            expected(ps, "a clause (cite, says, status, on, when, require), 'rule' or 'define'");
        }
    }
    if (!ps->stop && ps->tok.kind != T_EOF && ps->tok.kind != T_WORD)
        expected(ps, "a clause (cite, says, status, on, when, require), 'rule' or 'define'");
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
    if (FW_ALLOC_GROW(ps->pol->defs, ps->pol->ndefs + 1, ps->pol->capdefs) != FW_OK) {
        fw_policy_perr(ps, line, col, "out of memory");
        ps->stop = true;
        return;
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
            fw_policy_perr(ps, ps->tok.line, ps->tok.col, "more than %d values in a set", MAX_LIST);
            ps->stop = true;
            return;
        }
        tmp[k++] = tok_dup(ps, &ps->tok);
        next(ps);
        if (ps->tok.kind != T_COMMA)
            break;
        next(ps);
    }
    d->values = fw_policy_arena_alloc(&ps->pol->arena, k * sizeof *d->values);
    if (!d->values)
        return;
    memcpy(d->values, tmp, k * sizeof *tmp);
    d->nvalues = k;
    (void)line;
    (void)col;
}

/* governs agency ID, ... | governs type TYPE, ... | governs encounter KIND, ... |
** governs vehicle (docs/policy-language.md, "Jurisdiction"). */
static void parse_governs(parser *ps)
{
    static const char *const what[] = {"agency", "type", "encounter", "vehicle", NULL};
    const char *tmp[MAX_LIST];
    governs *g;
    size_t k = 0;
    int line = ps->tok.line, col = ps->tok.col;
    const char *kw;

    next(ps); /* governs */
    kw = parse_word_arg(ps, "governs", what);
    if (!kw)
        return;
    if (ps->pol->ngov == MAX_GOVERNS) {
        fw_policy_perr(ps, line, col, "more than %d 'governs' statements", MAX_GOVERNS);
        ps->stop = true;
        return;
    }
    g = &ps->pol->gov[ps->pol->ngov++];
    memset(g, 0, sizeof *g);
    g->line = line;
    g->col = col;
    g->kind = strcmp(kw, "agency") == 0 ? GOV_AGENCY
              : strcmp(kw, "type") == 0 ? GOV_TYPE
              : strcmp(kw, "encounter") == 0 ? GOV_ENCOUNTER : GOV_VEHICLE;
    if (g->kind == GOV_VEHICLE)
        return;
    for (;;) {
        if (ps->tok.kind != T_WORD || is_reserved(&ps->tok)) {
            expected(ps, "a value after 'governs'");
            return;
        }
        if (k == MAX_LIST) {
            fw_policy_perr(ps, ps->tok.line, ps->tok.col, "more than %d values in 'governs'",
                           MAX_LIST);
            ps->stop = true;
            return;
        }
        tmp[k++] = tok_dup(ps, &ps->tok);
        next(ps);
        if (ps->tok.kind != T_COMMA)
            break;
        next(ps);
    }
    g->values = fw_policy_arena_alloc(&ps->pol->arena, k * sizeof *g->values);
    if (!g->values) {
        fw_policy_perr(ps, line, col, "out of memory");
        ps->stop = true;
        return;
    }
    memcpy(g->values, tmp, k * sizeof *tmp);
    g->nvalues = k;
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
        } else if (word_is(&kw, "governs")) {
            parse_governs(ps);
        } else if (word_is(&kw, "define")) {
            parse_define(ps);
        } else if (word_is(&kw, "rule")) {
            parse_rule(ps);
        } else if (kw.kind == T_WORD && !is_reserved(&kw)) {
            /* Definitions may also be written "NAME = a, b" without 'define'. */
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
        fw_policy_check(&ps);
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
    info->on = p->rules[i].on_src ? p->rules[i].on_src : "force";
}

bool fw_policy_rule_is_on(const rule *r, const char *type)
{
    size_t k;
    if (!type)
        return false;
    if (!r->on)
        return strcmp(type, "force") == 0;
    for (k = 0; k < r->non; k++)
        if (r->on[k] && strcmp(r->on[k], type) == 0)
            return true;
    return false;
}

bool fw_policy_rule_on(const fw_policy *p, size_t i, const char *type)
{
    return i < p->nrules && fw_policy_rule_is_on(&p->rules[i], type);
}

bool fw_policy_judges_other_acts(const fw_policy *p)
{
    size_t i, k;
    for (i = 0; i < p->nrules; i++)
        for (k = 0; k < p->rules[i].non; k++)
            if (p->rules[i].on[k] && strcmp(p->rules[i].on[k], "force") != 0)
                return true;
    return false;
}

bool fw_policy_judges(const fw_policy *p, const char *type)
{
    size_t i;
    for (i = 0; i < p->nrules; i++)
        if (fw_policy_rule_on(p, i, type))
            return true;
    return false;
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
