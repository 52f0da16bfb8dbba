/*
** The policy language's checker (docs/policy-language.md): after a parse
** without syntax errors, resolves every name in the tree (facts, force.X
** sets, definitions, rules) against the fact table and the schema's
** enumerations, checks that values and comparisons make sense for the fact
** they test and that rules do not refer to themselves, and reports every
** problem it finds, not only the first.  The tree is policy_int.h's.
*/
#include "policy/policy.h"
#include "policy/policy_int.h"

#include <stdio.h>
#include <string.h>

#include "record/schema.h"
#include "base/banned.h"

static int find_def(const fw_policy *p, const char *name)
{
    size_t i;
    for (i = 0; i < p->ndefs; i++)
        if (strcmp(p->defs[i].name, name) == 0)
            return (int)i;
    return -1;
}

const fw_enum *fw_policy_fact_enum(int fact)
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
            fw_policy_perr(ps, o->line, o->col, "'%s' is not a set of force kinds, so '%s' is not a fact",
                 dot + 1, o->text);
        o->kind = OP_DEF;
        return;
    }
    if (dot)
        fw_policy_perr(ps, o->line, o->col, "unknown fact '%s'", o->text);
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
            fw_policy_perr(ps, line, col, "%s is true or false, not '%s'", fw_fact_defs[fact->fact].name,
                 value);
        return;
    }
    if (strcmp(fw_fact_defs[fact->fact].name, "force.target_type") == 0) {
        if (strcmp(value, "subject") && strcmp(value, "vehicle"))
            fw_policy_perr(ps, line, col, "'%s' is not a value of force.target_type (expected subject or vehicle)",
                 value);
        return;
    }
    if (strcmp(fw_fact_defs[fact->fact].name, "act.of") == 0) {
        /* The `of` of a warning (warning_of) or of a stated absence (act). */
        const fw_enum *w = fw_enum_find("warning_of"), *a = fw_enum_find("act");
        if (fw_enum_index(w, value) < 0 && fw_enum_index(a, value) < 0) {
            fw_buf b2;
            fw_buf_init(&b, 4096);
            fw_buf_init(&b2, 4096);
            fw_policy_perr(ps, line, col, "'%s' is not a value of act.of (expected one of %s, %s)",
                           value, enum_list(w, &b), enum_list(a, &b2));
            fw_buf_release(&b2);
            fw_buf_release(&b);
        }
        return;
    }
    if (strcmp(fw_fact_defs[fact->fact].name, "act.type") == 0) {
        if (!fw_event_type_find(value))
            fw_policy_perr(ps, line, col, "'%s' is not a value of act.type (expected an event type)",
                           value);
        return;
    }
    e = fw_policy_fact_enum(fact->fact);
    if (!e || fw_enum_index(e, value) >= 0)
        return;
    fw_buf_init(&b, 4096);
    fw_policy_perr(ps, line, col, "'%s' is not a value of %s (expected one of %s)", value, e->name,
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
            fw_policy_perr(ps, n->line, n->col, "a comparison needs a fact on one side");
        return;
    }
    if (other->kind == OP_VALUE)
        check_value_for(ps, fact, other->text, other->line, other->col);
    if (other->kind == OP_NUMBER && fw_fact_defs[fact->fact].type != FW_FACT_NUM)
        fw_policy_perr(ps, other->line, other->col, "%s is not a number", fw_fact_defs[fact->fact].name);
    if (other->kind == OP_BOOL && fw_fact_defs[fact->fact].type != FW_FACT_BOOL)
        fw_policy_perr(ps, other->line, other->col, "%s is not true or false",
             fw_fact_defs[fact->fact].name);
    if (other->kind == OP_FACT && fw_fact_defs[other->fact].type != fw_fact_defs[fact->fact].type)
        fw_policy_perr(ps, n->line, n->col, "%s and %s are of different kinds",
             fw_fact_defs[l->fact].name, fw_fact_defs[r->fact].name);
    if (n->op != CMP_EQ && n->op != CMP_NE) {
        e = fw_policy_fact_enum(fact->fact);
        if (fw_fact_defs[fact->fact].type != FW_FACT_NUM && !(e && e->ordinal))
            fw_policy_perr(ps, n->line, n->col, "%s has no order: use = or != or in",
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
            fw_policy_perr(ps, n->lhs.line, n->lhs.col,
                 "%s is not true or false: compare it (=, !=, <, in ...)",
                 fw_fact_defs[n->lhs.fact].name);
        else if ((n->lhs.kind == OP_VALUE && !strchr(n->lhs.text, '.')) ||
                 n->lhs.kind == OP_NUMBER)
            fw_policy_perr(ps, n->lhs.line, n->lhs.col, "unknown fact '%s'", n->lhs.text);
        break;
    case N_CMP:
        check_cmp(ps, n);
        break;
    case N_IN:
        resolve_operand(ps, &n->lhs);
        if (n->lhs.kind != OP_FACT) {
            fw_policy_perr(ps, n->lhs.line, n->lhs.col, "'in' needs a fact on its left, not '%s'",
                 n->lhs.text);
            break;
        }
        if (n->set_name) {
            n->def = find_def(ps->pol, n->set_name);
            if (n->def < 0) {
                fw_policy_perr(ps, n->rhs.line, n->rhs.col, "no set named '%s' (define it first)",
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
            fw_policy_perr(ps, n->line, n->col, "no rule '%s' in this policy", n->rule_name);
        break;
    case N_WINDOW: {
        const fw_event_type *et = fw_event_type_find(n->event_type);
        if (!et) {
            fw_policy_perr(ps, n->rhs.line, n->rhs.col, "unknown event type '%s'", n->event_type);
            break;
        }
        for (i = 0; i < n->nvalues; i++) {
            size_t f;
            for (f = 0; f < et->nfields; f++)
                if (strcmp(et->fields[f].name, n->attrs[i]) == 0)
                    break;
            if (f == et->nfields) {
                fw_policy_perr(ps, n->rhs.line, n->rhs.col, "%s events have no attribute '%s'",
                     n->event_type, n->attrs[i]);
            } else if (et->fields[f].type == FW_F_ENUM &&
                       fw_enum_index(et->fields[f].en, n->values[i]) < 0) {
                fw_buf b;
                fw_buf_init(&b, 4096);
                fw_policy_perr(ps, n->rhs.line, n->rhs.col, "'%s' is not a value of %s (expected one of %s)",
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

/* ---- what a rule is 'on' ----------------------------------------------- */

/* The first event type r judges other than force, or NULL if it judges only force. */
static const char *non_force_type(const rule *r)
{
    size_t k;
    for (k = 0; r->on && k < r->non; k++)
        if (r->on[k] && strcmp(r->on[k], "force") != 0)
            return r->on[k];
    return NULL;
}

static void check_act_operand(parser *ps, const rule *r, const operand *o)
{
    const char *other = non_force_type(r);
    if (!other)
        return;
    if ((o->kind == OP_FACT && strncmp(fw_fact_defs[o->fact].name, "force.", 6) == 0) ||
        o->kind == OP_DEF)
        fw_policy_perr(ps, o->line, o->col,
                       "rule %s is on %s: '%s' is a fact of force events only (use act.*)",
                       r->id, other, o->text);
}

/* A rule on other acts than force reads no force.* fact, and every rule it refers to
** judges every event type it does (a rule not about an act is not evaluated for it). */
static void check_act_node(parser *ps, const rule *r, const node *n)
{
    size_t k;
    if (!n)
        return;
    switch (n->kind) {
    case N_AND:
    case N_OR:
        check_act_node(ps, r, n->a);
        check_act_node(ps, r, n->b);
        break;
    case N_NOT:
        check_act_node(ps, r, n->a);
        break;
    case N_TEST:
    case N_IN:
        check_act_operand(ps, r, &n->lhs);
        break;
    case N_CMP:
        check_act_operand(ps, r, &n->lhs);
        check_act_operand(ps, r, &n->rhs);
        break;
    case N_RULE:
        if (n->rule < 0)
            break;
        if (!r->on) {
            if (!fw_policy_rule_is_on(&ps->pol->rules[n->rule], "force"))
                fw_policy_perr(ps, n->line, n->col, "rule %s refers to rule %s, which is not on force",
                               r->id, n->rule_name);
            break;
        }
        for (k = 0; k < r->non; k++)
            if (r->on[k] && !fw_policy_rule_is_on(&ps->pol->rules[n->rule], r->on[k])) {
                fw_policy_perr(ps, n->line, n->col, "rule %s refers to rule %s, which is not on %s",
                               r->id, n->rule_name, r->on[k]);
                break;
            }
        break;
    default:
        break;
    }
}

/* The event types after 'on': force or an officer's act (the schema's `act`
** enumeration: warning, identify, command, ...), none twice.  Other event
** types are not acts of an officer: a threat or a flight is the subject's, a
** position or bystanders the scene's, and an absence is an account's statement
** that an act did not happen; judging them would make "the officer" someone
** else, or no one. */
static void check_on(parser *ps, const rule *r)
{
    const fw_enum *acts = fw_enum_find("act");
    size_t k, j;
    fw_buf b;

    for (k = 0; k < r->non; k++) {
        if (!r->on[k])
            continue;
        if (!fw_event_type_find(r->on[k])) {
            fw_policy_perr(ps, r->on_line[k], r->on_col[k], "rule %s: unknown event type '%s' after 'on'",
                           r->id, r->on[k]);
        } else if (strcmp(r->on[k], "absence") == 0) {
            fw_policy_perr(ps, r->on_line[k], r->on_col[k],
                           "rule %s: 'on absence' is not allowed: an absence is an account's "
                           "statement that an act did not happen, not an act (use the facts it "
                           "settles, such as warning.given, in a rule on force)",
                           r->id);
        } else if (strcmp(r->on[k], "force") != 0 && fw_enum_index(acts, r->on[k]) < 0) {
            fw_buf_init(&b, 4096);
            fw_policy_perr(ps, r->on_line[k], r->on_col[k],
                           "rule %s: '%s' is not an officer's act (after 'on': force, %s)", r->id,
                           r->on[k], enum_list(acts, &b));
            fw_buf_release(&b);
        }
        for (j = 0; j < k; j++)
            if (r->on[j] && strcmp(r->on[j], r->on[k]) == 0)
                fw_policy_perr(ps, r->on_line[k], r->on_col[k], "rule %s: '%s' twice after 'on'", r->id,
                               r->on[k]);
    }
}

/* A 'governs' statement's values: agency ids, agency types, encounter kinds. */
static void check_governs(parser *ps, const governs *g)
{
    const fw_enum *e = g->kind == GOV_TYPE        ? fw_enum_find("agency_type")
                       : g->kind == GOV_ENCOUNTER ? fw_enum_find("encounter")
                                                  : NULL;
    size_t k;
    for (k = 0; k < g->nvalues; k++) {
        const char *v = g->values[k];
        if (g->kind == GOV_AGENCY && !fw_id_valid(v, strlen(v)))
            fw_policy_perr(ps, g->line, g->col, "governs agency: '%s' is not an agency id", v);
        else if (e && fw_enum_index(e, v) < 0)
            fw_policy_perr(ps, g->line, g->col, "governs %s: unknown value '%s' (see %s)",
                           g->kind == GOV_TYPE ? "type" : "encounter", v, e->name);
    }
}

void fw_policy_check(parser *ps)
{
    fw_policy *p = ps->pol;
    const fw_enum *kinds_enum = fw_enum_find("force_kind");
    size_t i, k;

    if (!p->version)
        fw_policy_perr(ps, 1, 1, "policy %s has no 'version'", p->name);
    if (!p->kind)
        p->kind = "adopted";
    if (!p->status)
        p->status = "unverified";
    if (!p->source)
        p->source = "";
    if (p->effective && p->until && strcmp(p->until, p->effective) < 0)
        fw_policy_perr(ps, 1, 1, "'until' %s is before 'effective' %s", p->until, p->effective);
    for (i = 0; i < p->ngov; i++)
        check_governs(ps, &p->gov[i]);
    for (i = 0; i < p->ndefs; i++) {
        definition *d = &p->defs[i];
        if (fw_fact_index(d->name) >= 0 || find_def(p, d->name) != (int)i)
            fw_policy_perr(ps, d->line, d->col, "'%s' is already defined", d->name);
        d->force_kinds = true;
        for (k = 0; k < d->nvalues; k++)
            if (fw_enum_index(kinds_enum, d->values[k]) < 0)
                d->force_kinds = false;
    }
    for (i = 0; i < p->nrules; i++) {
        rule *r = &p->rules[i];
        if (fw_policy_rule_index(p, r->id) != (int)i)
            fw_policy_perr(ps, r->line, r->col, "rule %s is defined twice", r->id);
        if (!r->cite)
            fw_policy_perr(ps, r->line, r->col, "rule %s has no 'cite'", r->id);
        if (!r->says)
            fw_policy_perr(ps, r->line, r->col, "rule %s has no 'says'", r->id);
        if (!r->require)
            fw_policy_perr(ps, r->line, r->col, "rule %s has no 'require'", r->id);
        if (!r->status)
            r->status = p->status;
        check_node(ps, r->when);
        check_node(ps, r->require);
        check_on(ps, r);
    }
    for (i = 0; i < p->nrules; i++) {
        check_act_node(ps, &p->rules[i], p->rules[i].when);
        check_act_node(ps, &p->rules[i], p->rules[i].require);
    }
    for (i = 0; i < p->nrules; i++)
        if (refers_to(p, p->rules[i].when, (int)i, 0) ||
            refers_to(p, p->rules[i].require, (int)i, 0))
            fw_policy_perr(ps, p->rules[i].line, p->rules[i].col, "rule %s depends on itself",
                 p->rules[i].id);
    if (p->name && p->version) {
        size_t n = strlen(p->name) + strlen(p->version) + 2;
        char *full = fw_policy_arena_alloc(&p->arena, n);
        if (full) {
            snprintf(full, n, "%s-%s", p->name, p->version);
            p->fullname = full;
        }
    }
}
