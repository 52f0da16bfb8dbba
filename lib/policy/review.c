/*
** Reviews (see review.h): builds the situation of every force event of every
** account, evaluates the policy on each, aligns the accounts' items into
** acts, and finds the decisive disputed facts by substitution: for two
** accounts of the same act that disagree on a rule, each fact the rule read
** whose values differ is taken from the other account alone; if that flips
** the outcome, it decides.
**
** Alignment: the accounts are taken in the incident's order; each one's items
** of one actor and event type, in time order, are matched to the acts the
** earlier accounts told of that actor and type, keeping both orders (the nth
** with the nth unless one account tells an act the other does not), an item
** matching an act only within the tolerance of one of its times.  Among the
** order-keeping matchings the one with the most matches wins, then the one
** with the most matches of the same force kind, then the smallest total time
** difference (an exhaustive table; past ALIGN_MAX_CELLS cells, a greedy walk in
** time order instead).  An item left over is an act of its own.  The acts are
** then put in time order; each act's items stay chained in account order.
*/
#include "policy/review.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "base/array.h"
#include "base/hash.h"
#include "base/str.h"

#include "base/banned.h"

static const fw_event *item_event(const fw_review *r, size_t i)
{
    const fw_review_item *it = &r->items[i];
    return &r->doc->accounts[it->account].events[it->event];
}

/* ---- alignment ---------------------------------------------------------- */

/* Matchings of more cells than this (items x acts of one officer in two accounts) are made
** greedily, in time order, instead of by the exhaustive table: bounded time and memory. */
#define ALIGN_MAX_CELLS ((size_t)1 << 18)

static bool same_str(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Are items i and k of one actor and event type? */
static bool same_group(const fw_review *r, size_t i, size_t k)
{
    const fw_event *a = item_event(r, i), *b = item_event(r, k);
    return same_str(a->actor, b->actor) && same_str(a->type_name, b->type_name);
}

/* The earliest time an act's items give (NAN when none is finite). */
static double act_time(const fw_review *r, size_t act)
{
    double t = NAN;
    size_t i;
    for (i = r->acts[act].first; i != SIZE_MAX; i = r->items[i].next)
        if (isfinite(item_event(r, i)->t) && !(item_event(r, i)->t >= t))
            t = item_event(r, i)->t;
    return t;
}

/* The smallest time difference between item i and the items of act, or NAN. */
static double act_distance(const fw_review *r, size_t act, size_t i)
{
    double best = NAN, d;
    size_t k;
    for (k = r->acts[act].first; k != SIZE_MAX; k = r->items[k].next) {
        d = fabs(item_event(r, k)->t - item_event(r, i)->t);
        if (isfinite(d) && !(d >= best))
            best = d;
    }
    return best;
}

/* The kind of an act as its event gives it: a force's kind, a warning's `of` (what force
** it announced: a warning of deadly force and one of less-lethal force are different acts
** told alike), or NULL. */
static const char *act_kind(const fw_event *e)
{
    const char *k = fw_event_str(e, "kind");
    return k ? k : fw_event_str(e, "of");
}

/* Does item i give the same kind as the act's first item? */
static bool act_same_kind(const fw_review *r, size_t act, size_t i)
{
    return same_str(act_kind(item_event(r, r->acts[act].first)), act_kind(item_event(r, i)));
}

/* The act's name in its id and in words: its label, with the event type before a kind
** that is not a force's ("warning (deadly)"). */
static void act_name(const fw_review_act *a, char *out, size_t n)
{
    if (a->type && strcmp(a->type, "force") != 0 && strcmp(a->label, a->type) != 0)
        snprintf(out, n, "%s (%s)", a->type, a->label);
    else
        snprintf(out, n, "%s", a->label);
}

/* Add item i to act (its chain stays in item order: accounts come in order). */
static void act_add(fw_review *r, size_t act, size_t i)
{
    size_t *link = &r->acts[act].first;
    while (*link != SIZE_MAX)
        link = &r->items[*link].next;
    *link = i;
    r->items[i].next = SIZE_MAX;
    r->items[i].act = act;
}

/* A matching's worth, compared in this order: matches, same-kind matches, -time apart. */
typedef struct score {
    size_t matches, same;
    double apart;
} score;

static bool better(score a, score b)
{
    if (a.matches != b.matches)
        return a.matches > b.matches;
    if (a.same != b.same)
        return a.same > b.same;
    return a.apart < b.apart;
}

static bool equal(score a, score b)
{
    return !better(a, b) && !better(b, a);
}

typedef struct timed {
    double t;
    size_t i;
} timed;

/* By time (not a number last), then by index: stable. */
static int timed_cmp(const void *pa, const void *pb)
{
    const timed *a = pa, *b = pb;
    if (isnan(a->t) != isnan(b->t))
        return isnan(a->t) ? 1 : -1;
    if (!isnan(a->t) && a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static void sort_timed(timed *v, size_t *idx, size_t n)
{
    size_t i;
    qsort(v, n, sizeof *v, timed_cmp);
    for (i = 0; i < n; i++)
        idx[i] = v[i].i;
}

/* Greedy in-order matching, for groups too large for the table. */
static void match_greedy(fw_review *r, const size_t *its, size_t n, const size_t *acts, size_t m,
                         double tol, size_t *match)
{
    size_t i = 0, j = 0;
    while (i < n && j < m) {
        double ti = item_event(r, its[i])->t, tj = act_time(r, acts[j]);
        if (act_distance(r, acts[j], its[i]) <= tol)
            match[i++] = acts[j++];
        else if (!(ti >= tj))
            i++;
        else
            j++;
    }
}

/*
** Match the n items its[] (one account, one group, in time order) to the m
** acts acts[] (earlier accounts, same group, in time order), keeping both
** orders; match[i] is the act of its[i], or SIZE_MAX when it matches none.
*/
static fw_rc match_group(fw_review *r, const size_t *its, size_t n, const size_t *acts, size_t m,
                         double tol, size_t *match)
{
    score *dp;
    size_t i, j;

    for (i = 0; i < n; i++)
        match[i] = SIZE_MAX;
    if (n == 0 || m == 0)
        return FW_OK;
    if ((n + 1) > ALIGN_MAX_CELLS / (m + 1)) {
        match_greedy(r, its, n, acts, m, tol, match);
        return FW_OK;
    }
    dp = calloc((n + 1) * (m + 1), sizeof *dp);
    if (!dp)
        return FW_ERR_NOMEM;
#define DP(a, b) dp[(a) * (m + 1) + (b)]
    for (i = 1; i <= n; i++)
        for (j = 1; j <= m; j++) {
            score s = DP(i - 1, j), d;
            double apart;
            if (better(DP(i, j - 1), s))
                s = DP(i, j - 1);
            apart = act_distance(r, acts[j - 1], its[i - 1]);
            if (apart <= tol) {
                d = DP(i - 1, j - 1);
                d.matches++;
                d.same += act_same_kind(r, acts[j - 1], its[i - 1]);
                d.apart += apart;
                if (better(d, s))
                    s = d;
            }
            DP(i, j) = s;
        }
    /* Back from the end: a match wherever it made the cell's worth. */
    for (i = n, j = m; i > 0 && j > 0;) {
        double apart = act_distance(r, acts[j - 1], its[i - 1]);
        score d = DP(i - 1, j - 1);
        d.matches++;
        d.same += act_same_kind(r, acts[j - 1], its[i - 1]);
        d.apart += apart;
        if (apart <= tol && equal(DP(i, j), d)) {
            match[i - 1] = acts[j - 1];
            i--;
            j--;
        } else if (equal(DP(i, j), DP(i - 1, j))) {
            i--;
        } else {
            j--;
        }
    }
#undef DP
    free(dp);
    return FW_OK;
}

/* The act's nth: one more than the acts before it (in time order) of its actor, type and
** label, counted in seen (key: those three, NUL-separated; counts: by the key's index). */
static fw_rc act_nth(fw_hset *seen, int *counts, fw_buf *key, fw_review_act *act)
{
    size_t idx;
    bool added;
    fw_buf_reset(key);
    fw_buf_addc(key, act->actor ? 'a' : '-');   /* no actor is not the actor "" */
    fw_buf_add(key, act->actor ? act->actor : "", act->actor ? strlen(act->actor) + 1 : 1);
    fw_buf_add(key, act->type ? act->type : "", act->type ? strlen(act->type) + 1 : 1);
    fw_buf_adds(key, act->label);
    if (fw_buf_error(key) || fw_hset_add(seen, key->data, key->len, &idx, &added) != FW_OK)
        return FW_ERR_NOMEM;
    if (added)
        counts[idx] = 0;
    act->nth = ++counts[idx];
    return FW_OK;
}

/* Sort the acts by time and fill in what review.h says of each. */
static fw_rc finish_acts(fw_review *r, size_t naccounts, timed *tv, size_t *order)
{
    size_t i, k, j, *newpos = order + r->nacts;
    fw_review_act *sorted;
    fw_hset seen;
    fw_buf key;
    int *counts;
    fw_rc rc = FW_OK;

    for (j = 0; j < r->nacts; j++) {
        tv[j].t = act_time(r, j);
        tv[j].i = j;
    }
    sort_timed(tv, order, r->nacts);
    sorted = calloc(r->nacts ? r->nacts : 1, sizeof *sorted);
    if (!sorted)
        return FW_ERR_NOMEM;
    for (j = 0; j < r->nacts; j++) {
        newpos[order[j]] = j;
        sorted[j] = r->acts[order[j]];
    }
    for (i = 0; i < r->nitems; i++)
        r->items[i].act = newpos[r->items[i].act];
    free(r->acts);
    r->acts = sorted;
    counts = calloc(r->nacts ? r->nacts : 1, sizeof *counts);
    if (!counts)
        return FW_ERR_NOMEM;
    fw_hset_init(&seen);
    fw_buf_init(&key, FW_BUF_UNLIMITED);
    for (j = 0; j < r->nacts && !rc; j++) {
        fw_review_act *act = &r->acts[j];
        const fw_event *e = item_event(r, act->first);
        size_t best = act->first, bestn = 0;
        const char *kind;
        char name[96];
        act->actor = e->actor;
        act->type = e->type_name;
        /* The kind most of its accounts give; on a tie, the earliest account's. */
        for (i = act->first; i != SIZE_MAX; i = r->items[i].next) {
            size_t same = 0;
            const char *ki = act_kind(item_event(r, i));
            act->nitems++;
            act->kinds_differ |= !same_str(ki, act_kind(e));
            for (k = act->first; k != SIZE_MAX; k = r->items[k].next)
                same += same_str(act_kind(item_event(r, k)), ki);
            if (same > bestn) {
                bestn = same;
                best = i;
            }
        }
        kind = act_kind(item_event(r, best));
        act->label = kind ? kind : act->type ? act->type : "act";
        act->only_one = act->nitems == 1 && naccounts > 1;
        rc = act_nth(&seen, counts, &key, act);
        act_name(act, name, sizeof name);
        if (!rc && fw_snprintf(act->id, sizeof act->id, "%s %s #%d", act->actor ? act->actor : "?",
                               name, act->nth) != FW_OK)
            rc = FW_ERR_LIMIT;
    }
    fw_hset_release(&seen);
    fw_buf_release(&key);
    free(counts);
    return rc;
}

/* Align the items into acts (see the top of this file); naccounts is how many
** accounts were reviewed. */
static fw_rc align(fw_review *r, double tol, size_t naccounts)
{
    size_t n = r->nitems, i, k, j, nits, ncand;
    size_t *its = calloc(2 * n + 1, sizeof *its), *cand = calloc(n + 1, sizeof *cand);
    size_t *match = calloc(n + 1, sizeof *match);
    timed *tv = calloc(n + 1, sizeof *tv);
    bool *done = calloc(n + 1, sizeof *done);
    fw_rc rc = FW_ERR_NOMEM;

    r->acts = calloc(n + 1, sizeof *r->acts);
    if (!its || !cand || !match || !tv || !done || !r->acts)
        goto out;
    for (i = 0; i < n; i++) {
        r->items[i].act = SIZE_MAX;
        r->items[i].next = SIZE_MAX;
    }
    rc = FW_OK;
    for (i = 0; i < n && !rc; i++) {
        if (done[i])
            continue;
        /* This account's items of the actor and type, in time order. */
        for (nits = 0, k = i; k < n; k++)
            if (r->items[k].account == r->items[i].account && !done[k] && same_group(r, i, k)) {
                tv[nits].t = item_event(r, k)->t;
                tv[nits++].i = k;
                done[k] = true;
            }
        sort_timed(tv, its, nits);
        /* The acts earlier accounts told of them, in time order. */
        for (ncand = 0, j = 0; j < r->nacts; j++)
            if (same_group(r, r->acts[j].first, i)) {
                tv[ncand].t = act_time(r, j);
                tv[ncand++].i = j;
            }
        sort_timed(tv, cand, ncand);
        rc = match_group(r, its, nits, cand, ncand, tol, match);
        for (k = 0; k < nits && !rc; k++) {
            if (match[k] == SIZE_MAX) {
                r->acts[r->nacts].first = SIZE_MAX;
                match[k] = r->nacts++;
            }
            act_add(r, match[k], its[k]);
        }
    }
    if (!rc)
        rc = finish_acts(r, naccounts, tv, its);
out:
    free(its);
    free(cand);
    free(match);
    free(tv);
    free(done);
    return rc;
}

static const char *ordinal(int n, char *buf, size_t size)
{
    static const char *const words[] = {"first", "second", "third", "fourth", "fifth",
                                        "sixth", "seventh", "eighth", "ninth", "tenth"};
    if (n >= 1 && n <= 10)
        return words[n - 1];
    snprintf(buf, size, "%d%s", n,
             n % 100 / 10 == 1 ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th");
    return buf;
}

void fw_review_only_text(const fw_review *r, size_t act, char *out, size_t n)
{
    const fw_review_act *a = &r->acts[act];
    char num[24], name[96];
    act_name(a, name, sizeof name);
    snprintf(out, n, "%s's %s %s appears only in account %s", a->actor ? a->actor : "?",
             ordinal(a->nth, num, sizeof num), name,
             r->doc->accounts[r->items[a->first].account].id);
}

/* ---- decisive disputed facts -------------------------------------------- */

static fw_rc add_decisive(fw_review *r, size_t a, size_t b, size_t rule, int fact)
{
    size_t i, act = r->items[a].act;
    for (i = 0; i < r->ndecisive; i++) {
        const fw_decisive *d = &r->decisive[i];
        if (d->rule == rule && d->fact == fact && d->act == act)
            return FW_OK;
    }
    if (FW_ALLOC_GROW(r->decisive, r->ndecisive + 1, r->capdecisive) != FW_OK)
        return FW_ERR_NOMEM;
    r->decisive[r->ndecisive].act = act;
    r->decisive[r->ndecisive].item_a = a;
    r->decisive[r->ndecisive].item_b = b;
    r->decisive[r->ndecisive].rule = rule;
    r->decisive[r->ndecisive].fact = fact;
    r->ndecisive++;
    return FW_OK;
}

static bool in_list(const int *list, size_t n, int v)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

/* Does taking fact f from item `from` change item `to`'s outcome on rule? */
static bool flips(const fw_review *r, size_t to, size_t from, size_t rule, int f,
                  fw_rule_result *scratch)
{
    fw_override ov;
    ov.fact = f;
    ov.v = r->items[from].sit->facts[f].v;
    fw_policy_evaluate(r->policy, r->items[to].sit, &ov, scratch);
    return scratch[rule].outcome != r->items[to].results[rule].outcome;
}

static fw_rc find_decisive(fw_review *r)
{
    size_t n = fw_policy_nrules(r->policy), i, k, rule, f;
    fw_rule_result *scratch = calloc(n ? n : 1, sizeof *scratch);
    fw_rc rc = FW_OK;

    if (!scratch)
        return FW_ERR_NOMEM;
    /* Every two accounts of one act (an act has one item per account). */
    for (i = 0; i < r->nitems && !rc; i++) {
        for (k = r->items[i].next; k != SIZE_MAX && !rc; k = r->items[k].next) {
            const fw_review_item *a = &r->items[i], *b = &r->items[k];
            for (rule = 0; rule < n && !rc; rule++) {
                const fw_rule_result *ra = &a->results[rule], *rb = &b->results[rule];
                int facts[2 * FW_MAX_FACTS_NAMED];
                size_t nf = 0;
                if (ra->outcome == rb->outcome)
                    continue;
                for (f = 0; f < ra->nread; f++)
                    facts[nf++] = ra->read[f];
                for (f = 0; f < rb->nread; f++)
                    if (!in_list(facts, nf, rb->read[f]))
                        facts[nf++] = rb->read[f];
                for (f = 0; f < nf && !rc; f++) {
                    int fact = facts[f];
                    /* Disputed means both accounts say, and differ; a fact one
                    ** account leaves unknown is reported as unknown instead. */
                    if (a->sit->facts[fact].v.type == FW_V_UNKNOWN ||
                        b->sit->facts[fact].v.type == FW_V_UNKNOWN ||
                        fw_value_equal(&a->sit->facts[fact].v, &b->sit->facts[fact].v))
                        continue;
                    if (flips(r, k, i, rule, fact, scratch) || flips(r, i, k, rule, fact, scratch))
                        rc = add_decisive(r, i, k, rule, fact);
                }
            }
        }
    }
    free(scratch);
    return rc;
}

/* ---- which events are items, and their keys (acts: docs/policy-language.md) ---- */

/* A force event, or an event of a type some rule of p is 'on'. */
static bool is_item_event(const fw_policy *p, const fw_event *ev)
{
    if (!ev->type || !ev->type_name)
        return false;
    return strcmp(ev->type_name, "force") == 0 || fw_policy_judges(p, ev->type_name);
}

/* "ACTOR@T" for force, "ACTOR@T/TYPE" for another act; num holds T. */
static fw_rc item_key(const fw_event *ev, const fw_buf *num, char *key, size_t n)
{
    bool force = strcmp(ev->type_name, "force") == 0;
    return fw_snprintf(key, n, "%s@%s%s%s", ev->actor ? ev->actor : "?", fw_buf_str(num),
                       force ? "" : "/", force ? "" : ev->type_name);
}

bool fw_review_item_is_force(const fw_review *r, size_t item)
{
    return strcmp(fw_review_item_type(r, item), "force") == 0;
}

const char *fw_review_item_type(const fw_review *r, size_t item)
{
    const fw_review_item *it = &r->items[item];
    const char *t = r->doc->accounts[it->account].events[it->event].type_name;
    return t ? t : "?";
}

fw_rc fw_review_run(const fw_doc *doc, const fw_policy *p, const fw_geometry *geo,
                    const char *account, fw_review *out, fw_error *err)
{
    size_t a, e, total = 0, n = fw_policy_nrules(p), i;
    fw_buf num;
    fw_rc rc = FW_OK;

    memset(out, 0, sizeof *out);
    out->doc = doc;
    out->policy = p;
    if (geo)
        out->settings = *geo;
    else
        fw_geometry_default(&out->settings);
    /* The settings are outside input too (an option, a stored setting): bounded. */
    rc = fw_geometry_check(&out->settings, err);
    if (rc) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    out->what_if = fw_policy_in_effect(p, doc->occurred_at) ? NULL
                   : strcmp(fw_policy_kind(p), "adopted") ? "not adopted"
                                                          : "not in effect on that date";
    for (a = 0; a < doc->naccounts; a++)
        for (e = 0; e < doc->accounts[a].nevents; e++)
            total += is_item_event(p, &doc->accounts[a].events[e]);
    out->items = calloc(total ? total : 1, sizeof *out->items);
    if (!out->items)
        return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    fw_buf_init(&num, 64);
    for (a = 0; a < doc->naccounts && !rc; a++) {
        const fw_account *acc = &doc->accounts[a];
        if (account && strcmp(acc->id, account) != 0)
            continue;
        for (e = 0; e < acc->nevents && !rc; e++) {
            const fw_event *ev = &acc->events[e];
            fw_review_item *it;
            int repeat = 1;
            if (!is_item_event(p, ev))
                continue;
            it = &out->items[out->nitems];
            it->account = a;
            it->event = e;
            fw_buf_reset(&num);
            fw_canon_number(ev->t, &num);   /* "" when t is not finite */
            /* A key cut short could be another actor's: refused. */
            if (item_key(ev, &num, it->key, sizeof it->key) != FW_OK) {
                rc = fw_error_set(err, FW_ERR_LIMIT, "an event's actor and time are too long");
                break;
            }
            for (i = 0; i < out->nitems; i++)
                if (out->items[i].account == a && strncmp(out->items[i].key, it->key,
                                                          strlen(it->key)) == 0 &&
                    (out->items[i].key[strlen(it->key)] == '\0' ||
                     out->items[i].key[strlen(it->key)] == '#'))
                    repeat++;
            if (repeat > 1) {
                size_t len = strlen(it->key);
                if (fw_snprintf(it->key + len, sizeof it->key - len, "#%d", repeat) != FW_OK) {
                    rc = fw_error_set(err, FW_ERR_LIMIT, "an event's actor and time are too long");
                    break;
                }
            }
            it->sit = fw_situation_build(doc, acc, e, &out->settings);
            it->results = calloc(n ? n : 1, sizeof *it->results);
            out->nitems++;
            if (!it->sit || !it->results) {
                rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
                break;
            }
            fw_policy_evaluate(p, it->sit, NULL, it->results);
        }
    }
    fw_buf_release(&num);
    if (!rc) {
        rc = align(out, out->settings.align_tolerance_s, account ? 1 : doc->naccounts);
        if (rc == FW_ERR_LIMIT)
            rc = fw_error_set(err, rc, "an act's actor and kind are too long");
        else if (rc)
            rc = fw_error_set(err, rc, "out of memory");
    }
    if (!rc && find_decisive(out) != FW_OK)
        rc = fw_error_set(err, FW_ERR_NOMEM, "out of memory");
    if (rc)
        fw_review_release(out);
    return rc;
}

void fw_review_release(fw_review *r)
{
    size_t i;
    for (i = 0; i < r->nitems; i++) {
        fw_situation_free(r->items[i].sit);
        free(r->items[i].results);
    }
    free(r->items);
    free(r->acts);
    free(r->decisive);
    memset(r, 0, sizeof *r);
}

fw_outcome fw_review_item_outcome(const fw_review *r, size_t item)
{
    size_t i, n = fw_policy_nrules(r->policy);
    fw_outcome worst = FW_NOT_APPLICABLE;
    for (i = 0; i < n; i++)
        if (r->items[item].results[i].outcome > worst)
            worst = r->items[item].results[i].outcome;
    return worst;
}

/* ---- output ------------------------------------------------------------- */

static const char *source_name(fw_source s)
{
    switch (s) {
    case FW_SRC_EVENT: return "stated";
    case FW_SRC_DERIVED: return "derived from positions";
    case FW_SRC_INCIDENT: return "from the incident";
    case FW_SRC_COMPLETE: return "not in a complete account";
    default: return "unknown";
    }
}

/* The source for people: "ended by comply" names what ended a value. */
static const char *source_text(const fw_fact *f, char *buf, size_t n)
{
    if (f->source != FW_SRC_ENDED)
        return source_name(f->source);
    snprintf(buf, n, "ended by %s", f->why ? f->why : "a later event");
    return buf;
}

/* The settings a review judged with, as the review JSON records them. */
static json_t *settings_json(const fw_geometry *g)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "threat_window_s", g->threat_window_s,
                     "reach_m", g->reach_m, "corridor_width_m", g->corridor_width_m,
                     "horizon_s", g->horizon_s, "min_closing_mps", g->min_closing_mps,
                     "align_tolerance_s", g->align_tolerance_s);
}

static json_t *fact_json(const fw_fact *f)
{
    char v[128], src[64];
    json_t *j;
    fw_value_format(&f->v, v, sizeof v);
    j = json_pack("{s:s, s:s}", "value", v, "source", source_text(f, src, sizeof src));
    if (f->event_index >= 0)
        json_object_set_new(j, "t", json_real(f->t));
    if (f->has_alt) {
        fw_value_format(&f->alt, v, sizeof v);
        json_object_set_new(j, "other_value", json_string(v));
        json_object_set_new(j, "other_source", json_string(source_name(f->alt_source)));
        json_object_set_new(j, "conflict", json_boolean(f->conflict));
    }
    return j;
}

json_t *fw_review_json(const fw_review *r)
{
    json_t *root, *apps = json_array(), *dec = json_array(), *acts = json_array();
    size_t i, k, n = fw_policy_nrules(r->policy);
    fw_rule_info info;
    char a[128], b[512];

    for (i = 0; i < r->nitems; i++) {
        const fw_review_item *it = &r->items[i];
        const fw_event *e = item_event(r, i);
        json_t *rules = json_array(), *app;
        for (k = 0; k < n; k++) {
            const fw_rule_result *res = &it->results[k];
            json_t *facts, *unknown, *rj;
            size_t f;
            if (!res->judged)   /* a rule about other acts */
                continue;
            facts = json_object();
            unknown = json_array();
            fw_policy_rule(r->policy, k, &info);
            for (f = 0; f < res->nread; f++)
                json_object_set_new(facts, fw_fact_defs[res->read[f]].name,
                                    fact_json(&it->sit->facts[res->read[f]]));
            for (f = 0; f < res->nunknown; f++)
                json_array_append_new(unknown, json_string(fw_fact_defs[res->unknown[f]].name));
            for (f = 0; f < res->nwindows; f++)
                json_array_append_new(unknown, json_string(res->windows[f]));
            rj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "rule", info.id, "cite",
                           info.cite, "says", info.says, "status", info.status, "outcome",
                           fw_outcome_name(res->outcome), "facts", facts, "unknown", unknown);
            json_array_append_new(rules, rj);
        }
        app = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:f, s:s, s:o}", "key", it->key,
                        "type", fw_review_item_type(r, i), "act", r->acts[it->act].id,
                        "account", r->doc->accounts[it->account].id, "actor", e->actor,
                        "kind", fw_event_str(e, "kind"), "target", fw_act_target(e),
                        "t", e->t, "outcome",
                        fw_outcome_name(fw_review_item_outcome(r, i)), "rules", rules);
        if (!app || json_array_append_new(apps, app) != 0)
            goto nomem;
    }
    for (i = 0; i < r->ndecisive; i++) {
        const fw_decisive *d = &r->decisive[i];
        const fw_review_act *act = &r->acts[d->act];
        json_t *values = json_object();
        /* Every account of the act that establishes the fact, with its value. */
        for (k = act->first; k != SIZE_MAX; k = r->items[k].next) {
            const fw_fact *f = &r->items[k].sit->facts[d->fact];
            if (f->v.type == FW_V_UNKNOWN)
                continue;
            fw_value_format(&f->v, a, sizeof a);
            json_object_set_new(values, r->doc->accounts[r->items[k].account].id, json_string(a));
        }
        fw_policy_rule(r->policy, d->rule, &info);
        json_array_append_new(dec, json_pack("{s:s, s:s, s:s, s:s, s:o}", "key",
                                             r->items[act->first].key, "act", act->id, "rule",
                                             info.id, "fact", fw_fact_defs[d->fact].name,
                                             "values", values));
    }
    for (i = 0; i < r->nacts; i++) {
        const fw_review_act *act = &r->acts[i];
        json_t *items = json_array(), *aj;
        for (k = act->first; k != SIZE_MAX; k = r->items[k].next) {
            const fw_event *e = item_event(r, k);
            json_array_append_new(items, json_pack("{s:s, s:s, s:f, s:s?}", "account",
                                                   r->doc->accounts[r->items[k].account].id,
                                                   "key", r->items[k].key, "t", e->t, "kind",
                                                   act_kind(e)));
        }
        aj = json_pack("{s:s, s:s?, s:s?, s:s, s:o}", "act", act->id, "actor", act->actor,
                       "type", act->type, "kind", act->label, "items", items);
        if (aj && act->kinds_differ)
            json_object_set_new(aj, "kinds_differ", json_true());
        if (aj && act->only_one) {
            fw_review_only_text(r, i, b, sizeof b);
            json_object_set_new(aj, "only_in",
                                json_string(r->doc->accounts[r->items[act->first].account].id));
            json_object_set_new(aj, "disputed", json_string(b));
        }
        json_array_append_new(acts, aj);
    }
    root = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:o, s:o, s:o}", "incident", r->doc->id,
                     "policy", fw_policy_fullname(r->policy), "policy_kind",
                     fw_policy_kind(r->policy), "occurred_at", r->doc->occurred_at,
                     "policy_effective", fw_policy_effective(r->policy), "applications", apps,
                     "acts", acts, "decisive", dec);
    if (root) {
        json_object_set_new(root, "in_effect", json_boolean(!r->what_if));
        json_object_set_new(root, "what_if", json_boolean(r->what_if != NULL));
        json_object_set_new(root, "settings", settings_json(&r->settings));
        if (r->what_if)
            json_object_set_new(root, "what_if_reason", json_string(r->what_if));
    }
    return root;
nomem:
    json_decref(apps);
    json_decref(dec);
    json_decref(acts);
    return NULL;
}

static const char *outcome_label(fw_outcome o)
{
    switch (o) {
    case FW_WITHIN: return "within policy";
    case FW_OUT: return "OUT OF POLICY";
    case FW_UNDETERMINED: return "undetermined";
    default: return "not applicable";
    }
}

static void fact_text(fw_buf *out, const fw_fact *f, const char *name)
{
    char v[128], num[48], src[64];
    fw_buf nb;
    fw_value_format(&f->v, v, sizeof v);
    fw_buf_printf(out, "%s=%s", name, v);
    /* An ended value says what ended it even where it has no value left. */
    if (f->source == FW_SRC_NONE || (f->v.type == FW_V_UNKNOWN && f->source != FW_SRC_ENDED))
        return;
    fw_buf_printf(out, " (%s", source_text(f, src, sizeof src));
    if (f->event_index >= 0) {
        fw_buf_init(&nb, 48);
        fw_canon_number(f->t, &nb);
        snprintf(num, sizeof num, "%s", fw_buf_str(&nb));
        fw_buf_release(&nb);
        fw_buf_printf(out, " t=%s", num);
    }
    if (f->conflict) {
        fw_value_format(&f->alt, v, sizeof v);
        fw_buf_printf(out, "; %s says %s", source_name(f->alt_source), v);
    }
    fw_buf_addc(out, ')');
}

static void rule_text(const fw_review *r, size_t item, size_t k, bool verbose, fw_buf *out)
{
    const fw_review_item *it = &r->items[item];
    const fw_rule_result *res = &it->results[k];
    fw_rule_info info;
    size_t f;

    fw_policy_rule(r->policy, k, &info);
    fw_buf_printf(out, "%-16s %s [%s%s%s]", outcome_label(res->outcome), info.id, info.cite,
                  strcmp(info.status, "verbatim") ? ", " : "",
                  strcmp(info.status, "verbatim") ? info.status : "");
    if (res->outcome == FW_UNDETERMINED) {
        fw_buf_adds(out, ": unknown");
        for (f = 0; f < res->nunknown; f++)
            fw_buf_printf(out, "%s %s", f ? "," : "", fw_fact_defs[res->unknown[f]].name);
        for (f = 0; f < res->nwindows; f++)
            fw_buf_printf(out, "%s %s", f || res->nunknown ? "," : "", res->windows[f]);
    } else if (res->outcome != FW_NOT_APPLICABLE) {
        for (f = 0; f < res->nread; f++) {
            fw_buf_adds(out, f ? "; " : ": ");
            fact_text(out, &it->sit->facts[res->read[f]], fw_fact_defs[res->read[f]].name);
        }
    }
    /* Only the policy's own words go in quotation marks. */
    if (verbose && strcmp(info.status, "verbatim") == 0)
        fw_buf_printf(out, "\n%21s\"%s\"", "", info.says);
    else if (verbose)
        fw_buf_printf(out, "\n%21s%s, not the policy's words: %s", "",
                      strcmp(info.status, "paraphrase") == 0 ? "paraphrase" : "unverified wording",
                      info.says);
    fw_buf_addc(out, '\n');
}

/* "  aligned: agency t=6.4 <-> video t=7.1" (the kinds too where they differ), or
** "  disputed: ... appears only in account video". */
static void act_text(const fw_review *r, size_t act, fw_buf *out)
{
    const fw_review_act *a = &r->acts[act];
    char msg[512];
    size_t k, shown = 0;
    if (a->only_one) {
        fw_review_only_text(r, act, msg, sizeof msg);
        fw_buf_printf(out, "  disputed: %s\n", msg);
        return;
    }
    if (a->nitems < 2)
        return;
    fw_buf_adds(out, "  aligned: ");
    for (k = a->first; k != SIZE_MAX; k = r->items[k].next) {
        const fw_event *e = item_event(r, k);
        fw_buf_printf(out, "%s%s t=", shown++ ? " <-> " : "",
                      r->doc->accounts[r->items[k].account].id);
        fw_canon_number(e->t, out);
        if (a->kinds_differ)
            fw_buf_printf(out, " %s", act_kind(e) ? act_kind(e) : "?");
    }
    fw_buf_addc(out, '\n');
}

fw_rc fw_review_text(const fw_review *r, bool verbose, fw_buf *out)
{
    size_t i, k, d, n = fw_policy_nrules(r->policy);

    if (r->nitems == 0)
        fw_buf_printf(out, "%s  no force applications  policy %s%s%s%s\n", r->doc->id,
                      fw_policy_fullname(r->policy), r->what_if ? " (what-if: " : "",
                      r->what_if ? r->what_if : "", r->what_if ? ")" : "");
    for (i = 0; i < r->nacts; i++) {
        size_t first = r->acts[i].first;   /* the heading is its first item's */
        const fw_event *e = item_event(r, first);
        char name[96];
        act_name(&r->acts[i], name, sizeof name);
        fw_buf_printf(out, "%s  %s %s at t=", r->doc->id, e->actor ? e->actor : "?",
                      !fw_review_item_is_force(r, first) ? name
                      : fw_event_str(e, "kind")             ? fw_event_str(e, "kind")
                                                         : "force");
        fw_canon_number(e->t, out);
        fw_buf_printf(out, " s  policy %s%s%s%s\n", fw_policy_fullname(r->policy),
                      r->what_if ? " (what-if: " : "", r->what_if ? r->what_if : "",
                      r->what_if ? ")" : "");
        act_text(r, i, out);
        for (k = r->acts[i].first; k != SIZE_MAX; k = r->items[k].next) {
            size_t shown = 0;
            fw_buf_printf(out, "  %-10s: ", r->doc->accounts[r->items[k].account].id);
            for (d = 0; d < n; d++) {
                const fw_rule_result *res = &r->items[k].results[d];
                if (!res->judged)
                    continue;
                if (!verbose && (res->outcome == FW_NOT_APPLICABLE ||
                                 (res->outcome == FW_WITHIN &&
                                  fw_review_item_outcome(r, k) != FW_WITHIN)))
                    continue;
                if (shown++)
                    fw_buf_printf(out, "  %-10s  ", "");
                rule_text(r, k, d, verbose, out);
            }
            if (!shown)
                fw_buf_adds(out, "no rule applies\n");
        }
        for (d = 0; d < r->ndecisive; d++) {
            const fw_decisive *dc = &r->decisive[d];
            char v[128];
            fw_rule_info info;
            if (dc->act != i)
                continue;
            fw_policy_rule(r->policy, dc->rule, &info);
            fw_buf_printf(out, "  decisive (%s): %s", info.id, fw_fact_defs[dc->fact].name);
            /* Every account of the act that establishes the fact. */
            for (k = r->acts[i].first; k != SIZE_MAX; k = r->items[k].next) {
                const fw_fact *f = &r->items[k].sit->facts[dc->fact];
                if (f->v.type == FW_V_UNKNOWN)
                    continue;
                fw_value_format(&f->v, v, sizeof v);
                fw_buf_printf(out, "  %s=%s", r->doc->accounts[r->items[k].account].id, v);
            }
            fw_buf_addc(out, '\n');
        }
    }
    return fw_buf_error(out);
}
