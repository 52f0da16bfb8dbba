/*
** Reviews (see review.h): builds the situation of every force event of every
** account, evaluates the policy on each, and finds the decisive disputed
** facts by substitution: for two accounts of the same force application
** that disagree on a rule, each fact the rule read whose values differ is
** taken from the other account alone; if that flips the outcome, it decides.
*/
#include "policy/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/canon.h"
#include "base/array.h"
#include "base/str.h"

#include "base/banned.h"

static fw_rc add_decisive(fw_review *r, size_t a, size_t b, size_t rule, int fact)
{
    size_t i;
    for (i = 0; i < r->ndecisive; i++) {
        const fw_decisive *d = &r->decisive[i];
        if (d->rule == rule && d->fact == fact &&
            strcmp(r->items[d->item_a].key, r->items[a].key) == 0)
            return FW_OK;
    }
    if (FW_ALLOC_GROW(r->decisive, r->ndecisive + 1, r->capdecisive) != FW_OK)
        return FW_ERR_NOMEM;
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
    for (i = 0; i < r->nitems && !rc; i++) {
        for (k = i + 1; k < r->nitems && !rc; k++) {
            const fw_review_item *a = &r->items[i], *b = &r->items[k];
            if (a->account == b->account || strcmp(a->key, b->key) != 0)
                continue;
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
    return json_pack("{s:f, s:f, s:f, s:f, s:f}", "threat_window_s", g->threat_window_s,
                     "reach_m", g->reach_m, "corridor_width_m", g->corridor_width_m,
                     "horizon_s", g->horizon_s, "min_closing_mps", g->min_closing_mps);
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

static const fw_event *item_event(const fw_review *r, size_t i)
{
    const fw_review_item *it = &r->items[i];
    return &r->doc->accounts[it->account].events[it->event];
}

static const char *event_str(const fw_event *e, const char *key)
{
    const json_t *j = json_object_get(e->obj, key);
    return json_is_string(j) ? json_string_value(j) : NULL;
}

/* What an act was aimed at, as its event names it (target, to, vehicle, person). */
static const char *act_target_str(const fw_event *e)
{
    static const char *const keys[] = {"target", "to", "vehicle", "person"};
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (event_str(e, keys[i]))
            return event_str(e, keys[i]);
    return NULL;
}

json_t *fw_review_json(const fw_review *r)
{
    json_t *root, *apps = json_array(), *dec = json_array();
    size_t i, k, n = fw_policy_nrules(r->policy);
    fw_rule_info info;
    char a[128], b[128];

    for (i = 0; i < r->nitems; i++) {
        const fw_review_item *it = &r->items[i];
        const fw_event *e = item_event(r, i);
        json_t *rules = json_array();
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
        json_array_append_new(
            apps, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:f, s:s, s:o}", "key", it->key,
                            "act", fw_review_item_type(r, i),
                            "account", r->doc->accounts[it->account].id, "actor", e->actor,
                            "kind", event_str(e, "kind"), "target", act_target_str(e),
                            "t", e->t, "outcome",
                            fw_outcome_name(fw_review_item_outcome(r, i)), "rules", rules));
    }
    for (i = 0; i < r->ndecisive; i++) {
        const fw_decisive *d = &r->decisive[i];
        const fw_review_item *ia = &r->items[d->item_a], *ib = &r->items[d->item_b];
        fw_policy_rule(r->policy, d->rule, &info);
        fw_value_format(&ia->sit->facts[d->fact].v, a, sizeof a);
        fw_value_format(&ib->sit->facts[d->fact].v, b, sizeof b);
        json_array_append_new(
            dec, json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "key", ia->key, "rule", info.id,
                           "fact", fw_fact_defs[d->fact].name, "values",
                           r->doc->accounts[ia->account].id, a,
                           r->doc->accounts[ib->account].id, b));
    }
    root = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:o, s:o}", "incident", r->doc->id, "policy",
                     fw_policy_fullname(r->policy), "policy_kind", fw_policy_kind(r->policy),
                     "occurred_at", r->doc->occurred_at, "policy_effective",
                     fw_policy_effective(r->policy), "applications", apps, "decisive", dec);
    if (root) {
        json_object_set_new(root, "in_effect", json_boolean(!r->what_if));
        json_object_set_new(root, "what_if", json_boolean(r->what_if != NULL));
        json_object_set_new(root, "settings", settings_json(&r->settings));
        if (r->what_if)
            json_object_set_new(root, "what_if_reason", json_string(r->what_if));
    }
    return root;
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

fw_rc fw_review_text(const fw_review *r, bool verbose, fw_buf *out)
{
    size_t i, k, d, n = fw_policy_nrules(r->policy);
    bool *done = calloc(r->nitems ? r->nitems : 1, sizeof *done);

    if (!done)
        return FW_ERR_NOMEM;
    if (r->nitems == 0)
        fw_buf_printf(out, "%s  no force applications  policy %s%s%s%s\n", r->doc->id,
                      fw_policy_fullname(r->policy), r->what_if ? " (what-if: " : "",
                      r->what_if ? r->what_if : "", r->what_if ? ")" : "");
    for (i = 0; i < r->nitems; i++) {
        const fw_event *e = item_event(r, i);
        if (done[i])
            continue;
        fw_buf_printf(out, "%s  %s %s at t=", r->doc->id, e->actor ? e->actor : "?",
                      !fw_review_item_is_force(r, i) ? fw_review_item_type(r, i)
                      : event_str(e, "kind")         ? event_str(e, "kind")
                                                     : "force");
        fw_canon_number(e->t, out);
        fw_buf_printf(out, " s  policy %s%s%s%s\n", fw_policy_fullname(r->policy),
                      r->what_if ? " (what-if: " : "", r->what_if ? r->what_if : "",
                      r->what_if ? ")" : "");
        for (k = i; k < r->nitems; k++) {
            size_t shown = 0;
            if (done[k] || strcmp(r->items[k].key, r->items[i].key) != 0)
                continue;
            done[k] = true;
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
            char a[128], b[128];
            fw_rule_info info;
            if (strcmp(r->items[dc->item_a].key, r->items[i].key) != 0)
                continue;
            fw_policy_rule(r->policy, dc->rule, &info);
            fw_value_format(&r->items[dc->item_a].sit->facts[dc->fact].v, a, sizeof a);
            fw_value_format(&r->items[dc->item_b].sit->facts[dc->fact].v, b, sizeof b);
            fw_buf_printf(out, "  decisive (%s): %s  %s=%s  %s=%s\n", info.id,
                          fw_fact_defs[dc->fact].name,
                          r->doc->accounts[r->items[dc->item_a].account].id, a,
                          r->doc->accounts[r->items[dc->item_b].account].id, b);
        }
    }
    free(done);
    return fw_buf_error(out);
}
