/*
** The what-if tally (whatif.h): counts of applications, per rule and per
** account kind, from reviews handed in one incident at a time; and the two
** ways it is shown, JSON for the API and text for the command line.
*/
#include "policy/whatif.h"

#include <stdlib.h>
#include <string.h>

#include "record/schema.h"
#include "base/banned.h"

fw_rc fw_whatif_init(fw_whatif *t, const fw_loaded_policy *lp, bool list, size_t max_ids,
                     fw_error *err)
{
    size_t k;

    memset(t, 0, sizeof *t);
    t->policy = lp;
    t->nrules = fw_policy_nrules(lp->policy);
    t->max_ids = max_ids;
    fw_geometry_default(&t->settings);
    t->out_by_rule = calloc(t->nrules + 1, sizeof *t->out_by_rule);
    t->und_by_rule = calloc(t->nrules + 1, sizeof *t->und_by_rule);
    if (!t->out_by_rule || !t->und_by_rule)
        goto nomem;
    if (list) {
        t->listing = calloc(t->nrules + 1, sizeof *t->listing);
        if (!t->listing)
            goto nomem;
        for (k = 0; k < t->nrules; k++)
            fw_buf_init(&t->listing[k], FW_BUF_UNLIMITED);
    }
    if (max_ids) {
        t->ids = json_array();
        for (k = 0; t->ids && k < t->nrules; k++)
            if (json_array_append_new(t->ids, json_array()))
                goto nomem;
        if (!t->ids)
            goto nomem;
    }
    return FW_OK;
nomem:
    fw_whatif_release(t);
    return fw_error_set(err, FW_ERR_NOMEM, "out of memory");
}

void fw_whatif_release(fw_whatif *t)
{
    size_t k;
    for (k = 0; t->listing && k < t->nrules; k++)
        fw_buf_release(&t->listing[k]);
    free(t->listing);
    free(t->out_by_rule);
    free(t->und_by_rule);
    json_decref(t->ids);
    t->listing = NULL;
    t->out_by_rule = t->und_by_rule = NULL;
    t->ids = NULL;
}

static int kind_index(const char *kind)
{
    int i = fw_enum_index(fw_enum_find("account_kind"), kind);
    return i < 0 || i >= FW_WHATIF_KINDS ? FW_WHATIF_KINDS - 1 : i;
}

/* Keep doc's id among rule k's flagged incidents (once, up to max_ids). */
static fw_rc keep_id(fw_whatif *t, size_t k, const char *id)
{
    json_t *ids = json_array_get(t->ids, k);
    size_t n = json_array_size(ids);
    const char *last = n ? json_string_value(json_array_get(ids, n - 1)) : NULL;
    if (n >= t->max_ids || (last && strcmp(last, id) == 0))
        return FW_OK;
    return json_array_append_new(ids, json_string(id)) ? FW_ERR_NOMEM : FW_OK;
}

fw_rc fw_whatif_add(fw_whatif *t, const fw_review *rv, const fw_doc *doc)
{
    size_t i, k;
    fw_rc rc = FW_OK;

    for (i = 0; i < rv->nitems; i++) {
        const fw_account *acct = &doc->accounts[rv->items[i].account];
        int kind = kind_index(acct->kind);
        fw_outcome o = fw_review_item_outcome(rv, i);
        for (k = 0; k < t->nrules; k++)
            t->evaluations += rv->items[i].results[k].judged;
        if (!fw_review_item_is_force(rv, i)) {
            /* Another act (a reach-in, a command): counted apart, not as force. */
            t->acts++;
            t->out_acts += o == FW_OUT;
            t->undetermined_acts += o == FW_UNDETERMINED;
        } else {
            t->applications++;
            t->apps_by_kind[kind]++;
            if (o == FW_OUT) {
                t->out_apps++;
                t->out_by_kind[kind]++;
            } else if (o == FW_UNDETERMINED) {
                t->undetermined_apps++;
            }
        }
        for (k = 0; k < t->nrules; k++) {
            fw_outcome r = rv->items[i].results[k].outcome;
            if (r == FW_UNDETERMINED) {
                t->und_by_rule[k]++;
                continue;
            }
            if (r != FW_OUT)
                continue;
            t->out_by_rule[k]++;
            if (t->listing && fw_buf_printf(&t->listing[k], "    %s %s %s\n", doc->id,
                                            rv->items[i].key, acct->id) != FW_OK)
                rc = FW_ERR_NOMEM;
            if (t->ids && keep_id(t, k, doc->id) != FW_OK)
                rc = FW_ERR_NOMEM;
        }
    }
    return rc;
}

json_t *fw_whatif_json(const fw_whatif *t)
{
    const fw_policy *p = t->policy->policy;
    json_t *rules = json_array(), *root;
    size_t k;

    for (k = 0; rules && k < t->nrules; k++) {
        fw_rule_info info;
        json_t *ids = json_array_get(t->ids, k);
        fw_policy_rule(p, k, &info);
        json_array_append_new(rules, json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "rule", info.id,
                                               "cite", info.cite, "on", info.on,
                                               "out", (json_int_t)t->out_by_rule[k],
                                               "undetermined", (json_int_t)t->und_by_rule[k],
                                               "incidents", ids ? json_incref(ids) : json_array()));
    }
    if (!rules)
        return NULL;
    root = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "policy", fw_policy_fullname(p), "kind",
                     fw_policy_kind(p), "incidents", (json_int_t)t->incidents, "applications",
                     (json_int_t)t->applications, "out_of_policy", (json_int_t)t->out_apps,
                     "rules", rules);
    if (root && (json_object_set_new(root, "undetermined",
                                     json_integer((json_int_t)t->undetermined_apps)) ||
                 json_object_set_new(root, "acts", json_integer((json_int_t)t->acts)) ||
                 json_object_set_new(root, "acts_out_of_policy",
                                     json_integer((json_int_t)t->out_acts)) ||
                 json_object_set_new(root, "undetermined_acts",
                                     json_integer((json_int_t)t->undetermined_acts)) ||
                 (t->set && json_object_set_new(root, "governed",
                                                json_integer((json_int_t)t->governed))))) {
        json_decref(root);
        return NULL;
    }
    return root;
}

fw_rc fw_whatif_text(const fw_whatif *t, fw_buf *out)
{
    const fw_enum *kinds = fw_enum_find("account_kind");
    const fw_policy *p = t->policy->policy;
    fw_rule_info info;
    fw_rc rc;
    size_t k;
    int i;

    rc = fw_buf_printf(out, "what-if: policy %s (%s) over %zu incidents\n",
                       fw_policy_fullname(p), fw_policy_kind(p), t->incidents);
    if (!rc && t->set)
        rc = fw_buf_printf(out, "in effect (by date and jurisdiction) for %zu of the incidents "
                           "with force; a what-if for the others\n", t->governed);
    if (!rc)
        rc = fw_buf_printf(out, "judged with a threat window of %g s\n",
                           t->settings.threat_window_s);
    if (!rc)
        rc = fw_buf_printf(out, "force applications (per account): %zu; out of policy: %zu; "
                           "undetermined: %zu\n", t->applications, t->out_apps,
                           t->undetermined_apps);
    if (!rc && t->acts)
        rc = fw_buf_printf(out, "other acts judged (per account; not counted as force): %zu; out "
                           "of policy: %zu; undetermined: %zu\n", t->acts, t->out_acts,
                           t->undetermined_acts);
    if (!rc)
        rc = fw_buf_printf(out, "\n%-40s %8s %12s\n", "RULE", "OUT", "UNDETERMINED");
    for (k = 0; !rc && k < t->nrules; k++) {
        fw_policy_rule(p, k, &info);
        rc = fw_buf_printf(out, "%-40s %8zu %12zu\n", info.id, t->out_by_rule[k],
                           t->und_by_rule[k]);
        if (!rc && t->listing && t->listing[k].len)
            rc = fw_buf_add(out, t->listing[k].data, t->listing[k].len);
    }
    if (!rc)
        rc = fw_buf_printf(out, "\n%-28s %12s %8s\n", "ACCOUNT KIND", "APPLICATIONS", "OUT");
    for (i = 0; !rc && i < FW_WHATIF_KINDS && kinds->values[i]; i++)
        if (t->apps_by_kind[i])
            rc = fw_buf_printf(out, "%-28s %12zu %8zu\n", kinds->values[i], t->apps_by_kind[i],
                               t->out_by_kind[i]);
    return rc;
}
