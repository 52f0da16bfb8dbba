/*
** Lifetimes of facts (see situation.h and docs/policy-language.md,
** "Persistence" and "Stated absences"): what ends a value an account states,
** and what an account states did not happen.  The situation model
** (situation.c) asks here whether a threat still stands at the moment of a
** force, and whether a stated absence covers that moment; the evaluator
** (policy_eval.c) asks the latter for windows.  Only the account's own events
** are read.  Pure: no I/O.
**
** Cost: fw_lifetimes_read reads the account once per situation into sorted
** tables (the absences at or after its moment, the positions at or before it,
** the incident's officers); the questions then search those tables, so a
** situation costs O(events log events + officers log events), never
** events x officers (a review of 1000 officers each with an absence was
** quadratic in both before).
*/
#include "policy/situation.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
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

/* ---- the tables of one situation -------------------------------------- */

/* An absence (key: its `of`) or a position (key NULL) event, by its actor. */
typedef struct ent {
    const char *key;
    const char *actor;   /* NULL: none (an absence covering every officer) */
    int index;           /* in the account */
} ent;

struct fw_lifetimes {
    ent *abs;               /* absences at or after t, by key, actor (none first), index */
    size_t nabs;
    ent *pos;               /* positions at or before t, by actor, index */
    size_t npos;
    const char **officers;  /* the incident's officers, sorted */
    size_t nofficers;
};

/* strcmp with NULL first. */
static int cmp_str(const char *a, const char *b)
{
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    return strcmp(a, b);
}

static int cmp_ent(const ent *x, const ent *y)
{
    int c = cmp_str(x->key, y->key);
    if (!c)
        c = cmp_str(x->actor, y->actor);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int cmp_ent_q(const void *x, const void *y)
{
    return cmp_ent(x, y);
}

static int cmp_str_q(const void *x, const void *y)
{
    return cmp_str(*(const char *const *)x, *(const char *const *)y);
}

/* The latest entry of (key, actor) in v with index below `below`, or -1. */
static int latest(const ent *v, size_t n, const char *key, const char *actor, int below)
{
    ent probe = {key, actor, below};
    size_t lo = 0, hi = n, mid;

    while (lo < hi) {   /* the first entry not before the probe */
        mid = lo + (hi - lo) / 2;
        if (cmp_ent(&v[mid], &probe) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || cmp_str(v[lo - 1].key, key) != 0 || cmp_str(v[lo - 1].actor, actor) != 0)
        return -1;
    return v[lo - 1].index;
}

static bool is_absence(const fw_event *e, double t)
{
    return is(e, "absence") && e->t >= t && fw_event_str(e, "of");
}

static bool is_position(const fw_event *e, double t)
{
    return is(e, "position") && e->t <= t && e->actor;
}

bool fw_lifetimes_read(const fw_doc *doc, const fw_account *a, double t, fw_lifetimes **out)
{
    fw_lifetimes *lt;
    size_t i, nabs = 0, npos = 0, nof = 0;
    char *block;

    if (!out)
        return false;
    *out = NULL;
    if (!doc || !a || a->nevents > (size_t)INT_MAX - 1)
        return true;
    for (i = 0; i < a->nevents; i++) {
        nabs += is_absence(&a->events[i], t);
        npos += is_position(&a->events[i], t);
    }
    if (!nabs && !npos)
        return true;   /* nothing to read: no table */
    for (i = 0; i < doc->nparties; i++)
        nof += doc->parties[i].kind == FW_REF_OFFICER;
    block = calloc(1, sizeof *lt + (nabs + npos) * sizeof(ent) + nof * sizeof(char *));
    if (!block)
        return false;
    lt = (fw_lifetimes *)(void *)block;
    lt->abs = (ent *)(void *)(block + sizeof *lt);
    lt->pos = lt->abs + nabs;
    lt->officers = (const char **)(void *)(lt->pos + npos);
    for (i = 0; i < a->nevents; i++) {
        const fw_event *e = &a->events[i];
        if (is_absence(e, t))
            lt->abs[lt->nabs++] = (ent){fw_event_str(e, "of"), e->actor, (int)i};
        else if (is_position(e, t))
            lt->pos[lt->npos++] = (ent){NULL, e->actor, (int)i};
    }
    for (i = 0; i < doc->nparties; i++)
        if (doc->parties[i].kind == FW_REF_OFFICER && doc->parties[i].id)
            lt->officers[lt->nofficers++] = doc->parties[i].id;
    qsort(lt->abs, lt->nabs, sizeof(ent), cmp_ent_q);
    qsort(lt->pos, lt->npos, sizeof(ent), cmp_ent_q);
    qsort(lt->officers, lt->nofficers, sizeof(char *), cmp_str_q);
    *out = lt;
    return true;
}

void fw_lifetimes_free(fw_lifetimes *lt)
{
    free(lt);
}

/* ---- threats ------------------------------------------------------------ */

/* Means a subject must be near the person threatened to use. */
static bool reach_means(const char *means)
{
    return same(means, "hands") || same(means, "knife") || same(means, "blunt_object");
}

/* The distance between the latest positions of x and y among the positions
** before event `below`; *ev: the later of the two.  false if either is unknown. */
static bool dist(const fw_situation *s, const char *x, const char *y, int below, double *d,
                 int *ev)
{
    const fw_lifetimes *lt = s->lifetimes;
    int px = latest(lt->pos, lt->npos, NULL, x, below);
    int py = latest(lt->pos, lt->npos, NULL, y, below);
    const fw_event *ex, *ey;
    double xx, xy, yx, yy;

    if (px < 0 || py < 0)
        return false;
    ex = &s->account->events[px];
    ey = &s->account->events[py];
    if (!fw_event_num(ex, "x", &xx) || !fw_event_num(ex, "y", &xy) || !fw_event_num(ey, "x", &yx) ||
        !fw_event_num(ey, "y", &yy))
        return false;
    *d = hypot(xx - yx, xy - yy);
    *ev = px > py ? px : py;
    return true;
}

/* How far the threat's actor is from the person threatened (the threat's
** target_id) or, when it names none, from the nearest officer, by the latest
** positions before event `below`. */
static bool reach_dist(const fw_situation *s, const fw_event *te, int below, double *d, int *ev)
{
    const char *person = fw_event_str(te, "target_id");
    const fw_lifetimes *lt = s->lifetimes;
    double one;
    int at;
    bool found = false;
    size_t i;

    if (person)
        return dist(s, te->actor, person, below, d, ev);
    for (i = 0; i < lt->nofficers; i++) {
        if (same(lt->officers[i], te->actor) ||
            !dist(s, te->actor, lt->officers[i], below, &one, &at))
            continue;
        if (!found || one < *d) {
            *d = one;
            *ev = at;
        }
        found = true;
    }
    return found;
}

int fw_threat_end(const fw_situation *s, size_t threat, const fw_geometry *g, const char **why)
{
    const fw_account *a;
    const fw_event *te;
    double now, then;
    int ev, ev_then;
    size_t i;

    if (!s || !s->account || !g || !why || threat >= s->account->nevents ||
        s->account->nevents > (size_t)INT_MAX)
        return -1;
    a = s->account;
    te = &a->events[threat];
    for (i = threat + 1; i < a->nevents; i++) {
        const fw_event *e = &a->events[i];
        if (!(e->t <= s->t))
            continue;
        if (is(e, "comply") && same(e->actor, te->actor))
            *why = "comply";
        else if (is(e, "restrain") && same(fw_event_str(e, "target"), te->actor))
            *why = "restrain";
        else if (is(e, "armed") && same(e->actor, te->actor) && same(fw_event_str(e, "weapon"), "none"))
            *why = "disarmed";
        else
            continue;
        return (int)i;
    }
    /* Out of reach at this moment: the latest positions, at least one told
    ** after the threat, put the subject beyond reach, and farther than when
    ** the threat was made (one closing in from afar still threatens). */
    if (!s->lifetimes || !te->actor || !reach_means(fw_event_str(te, "means")) ||
        !reach_dist(s, te, INT_MAX, &now, &ev) || !(now > g->reach_m) || ev <= (int)threat)
        return -1;
    if (reach_dist(s, te, (int)threat, &then, &ev_then) && !(now > then))
        return -1;
    *why = "out of reach";
    return ev;
}

/* ---- stated absences ---------------------------------------------------- */

int fw_absence_find(const fw_situation *s, const char *act, const char *actor, const char *except)
{
    const fw_lifetimes *lt = s ? s->lifetimes : NULL;
    int one, found = -1;
    size_t i, n = 0;

    if (!lt || !act)
        return -1;
    found = latest(lt->abs, lt->nabs, act, NULL, INT_MAX);
    if (found >= 0 || actor)
        return found >= 0 ? found : latest(lt->abs, lt->nabs, act, actor, INT_MAX);
    /* Every officer of the incident but except, each by an absence of its own. */
    for (i = 0; i < lt->nofficers; i++) {
        if (same(lt->officers[i], except))
            continue;
        one = latest(lt->abs, lt->nabs, act, lt->officers[i], INT_MAX);
        if (one < 0)
            return -1;
        if (one > found)
            found = one;
        n++;
    }
    return n ? found : -1;
}
