/*
** Lifetimes of facts (see situation.h and docs/policy-language.md,
** "Persistence" and "Stated absences"): what ends a value an account states,
** and what an account states did not happen.  The situation model
** (situation.c) asks here whether a threat still stands at the moment of a
** force, and whether a stated absence covers that moment; the evaluator
** (policy_eval.c) asks the latter for windows.  Only the account's own events
** are read.  Pure: no I/O.
*/
#include "policy/situation.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "base/banned.h"

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Whether e is an event of the format's type `type` (unknown types never are). */
static bool is(const fw_event *e, const char *type)
{
    return e->type && same(e->type_name, type);
}

static const char *attr_str(const fw_event *e, const char *key)
{
    const json_t *j = json_object_get(e->obj, key);
    return json_is_string(j) ? json_string_value(j) : NULL;
}

static bool attr_num(const fw_event *e, const char *key, double *out)
{
    const json_t *j = json_object_get(e->obj, key);
    if (!json_is_number(j))
        return false;
    *out = json_number_value(j);
    return true;
}

/* ---- threats ------------------------------------------------------------ */

/* Means a subject must be near the officer to use. */
static bool reach_means(const char *means)
{
    return same(means, "hands") || same(means, "knife") || same(means, "blunt_object");
}

/* Whether the latest positions sp and op are farther apart than reach. */
static bool apart(const fw_event *sp, const fw_event *op, double reach)
{
    double sx, sy, ox, oy;
    return sp && op && attr_num(sp, "x", &sx) && attr_num(sp, "y", &sy) &&
           attr_num(op, "x", &ox) && attr_num(op, "y", &oy) && hypot(sx - ox, sy - oy) > reach;
}

int fw_threat_end(const fw_account *a, size_t threat, const char *officer, double t,
                  const fw_geometry *g, const char **why)
{
    const fw_event *te, *sp = NULL, *op = NULL;
    const char *actor, *means;
    size_t i;

    if (!a || !g || !why || threat >= a->nevents || a->nevents > (size_t)INT_MAX)
        return -1;
    te = &a->events[threat];
    actor = te->actor;
    means = attr_str(te, "means");
    for (i = 0; i < a->nevents; i++) {
        const fw_event *e = &a->events[i];
        if (!(e->t <= t))
            continue;
        if (is(e, "position") && same(e->actor, actor))
            sp = e;
        else if (is(e, "position") && same(e->actor, officer))
            op = e;
        if (i <= threat)
            continue;
        if (is(e, "comply") && same(e->actor, actor))
            *why = "comply";
        else if (is(e, "restrain") && same(attr_str(e, "target"), actor))
            *why = "restrain";
        else if (is(e, "armed") && same(e->actor, actor) && same(attr_str(e, "weapon"), "none"))
            *why = "disarmed";
        else if (is(e, "position") && reach_means(means) && apart(sp, op, g->reach_m))
            *why = "out of reach";
        else
            continue;
        return (int)i;
    }
    return -1;
}

/* ---- stated absences ---------------------------------------------------- */

/* The latest absence of act in a, at or after t, by actor (NULL: without an
** actor only); -1 if none. */
static int absence_by(const fw_account *a, const char *act, const char *actor, double t)
{
    int found = -1;
    size_t i;

    for (i = 0; i < a->nevents && i <= (size_t)INT_MAX; i++) {
        const fw_event *e = &a->events[i];
        if (!is(e, "absence") || !(e->t >= t) || !same(attr_str(e, "of"), act))
            continue;
        if (actor ? same(e->actor, actor) : e->actor == NULL)
            found = (int)i;
    }
    return found;
}

int fw_absence_find(const fw_doc *doc, const fw_account *a, const char *act, const char *actor,
                    const char *except, double t)
{
    int all, one, latest = -1;
    size_t i, n = 0;

    if (!doc || !a || !act)
        return -1;
    all = absence_by(a, act, NULL, t);
    if (all >= 0)
        return all;
    if (actor)
        return absence_by(a, act, actor, t);
    /* Every officer of the incident but except, each by an absence of its own. */
    for (i = 0; i < doc->nparties; i++) {
        const fw_party *p = &doc->parties[i];
        if (p->kind != FW_REF_OFFICER || same(p->id, except))
            continue;
        one = absence_by(a, act, p->id, t);
        if (one < 0)
            return -1;
        if (one > latest)
            latest = one;
        n++;
    }
    return n ? latest : -1;
}
