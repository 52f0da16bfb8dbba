/*
** The policy language's evaluator (docs/policy-language.md): the rules of
** a checked policy over an incident's situation, in Kleene three-valued
** logic (a fact the incident does not establish is unknown, not false),
** with reviewers' overrides, each result noting the facts it used.  The
** tree is policy_int.h's.
*/
#include "policy/policy.h"
#include "policy/policy_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/schema.h"
#include "base/banned.h"

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
    const fw_enum *e = fw_policy_fact_enum(f->fact);
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

/* Whether the account states, by an absence covering this moment, that no
** event of the window's type happened (by the window's actor, if it names
** one): then the window holds none either. */
static bool window_absent(const eval *ev, const node *n)
{
    const char *actor = NULL;
    size_t k;

    for (k = 0; k < n->nvalues; k++)
        if (strcmp(n->attrs[k], "actor") == 0)
            actor = n->values[k];
    return fw_absence_find(ev->s, n->event_type, actor, NULL) >= 0;
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
    if (json_is_true(complete) || window_absent(ev, n))
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
            results[i].judged = fw_policy_rule_on(p, i, fw_situation_act_type(s));
            results[i].outcome = results[i].judged ? FW_UNDETERMINED : FW_NOT_APPLICABLE;
        }
        return;
    }
    memset(state, 0, p->nrules <= 64 ? sizeof small : p->nrules);
    ev.p = p;
    ev.s = s;
    ev.ov = ov;
    ev.results = results;
    ev.state = state;
    for (i = 0; i < p->nrules; i++) {
        if (fw_policy_rule_on(p, i, fw_situation_act_type(s)))
            continue;
        /* Not a rule about this kind of act: never evaluated (the checker makes sure
        ** no rule that is refers to it). */
        memset(&results[i], 0, sizeof results[i]);
        results[i].outcome = FW_NOT_APPLICABLE;
        state[i] = 2;
    }
    for (i = 0; i < p->nrules; i++)
        eval_rule(&ev, i);
    for (i = 0; i < p->nrules; i++)
        results[i].judged = fw_policy_rule_on(p, i, fw_situation_act_type(s));
    if (state != small)
        free(state);
}
