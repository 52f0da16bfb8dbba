/*
** Case workflow (see cases.h): a small state table, checked on every move.
*/
#include "workflow/cases.h"

#include <string.h>
#include <time.h>

#include "base/timeutil.h"
#include "base/str.h"

#include "base/banned.h"

const fw_case_move fw_case_moves[] = {
    {"reported", "supervisor_review"},
    {"supervisor_review", "investigation"},
    {"supervisor_review", "closed"},
    {"investigation", "board_review"},
    {"board_review", "investigation"},
    {"board_review", "closed"},
    {NULL, NULL},
};
#define NMOVES (sizeof fw_case_moves / sizeof fw_case_moves[0] - 1)

const char *const fw_case_states[] = {"reported", "supervisor_review", "investigation",
                                      "board_review", "closed", NULL};

/* Days a case may stay in each open state (cases.h). */
static const struct {
    const char *state;
    int days;
} allowed_days[] = {
    {"reported", 3},
    {"supervisor_review", 14},
    {"investigation", 90},
    {"board_review", 30},
};

bool fw_case_follows(const fw_doc *doc)
{
    return strcmp(doc->provenance, "workflow") == 0 ||
           strcmp(doc->provenance, "investigation") == 0;
}

bool fw_case_mandatory(const fw_doc *doc)
{
    size_t a, e;
    for (a = 0; a < doc->naccounts; a++) {
        for (e = 0; e < doc->accounts[a].nevents; e++) {
            const fw_event *ev = &doc->accounts[a].events[e];
            const char *k = json_string_value(json_object_get(ev->obj, "kind"));
            const char *sev = json_string_value(json_object_get(ev->obj, "severity"));
            const char *target = json_string_value(json_object_get(ev->obj, "target"));
            const fw_party *p = target ? fw_doc_party(doc, target) : NULL;
            if (!ev->type_name)
                continue;
            if (strcmp(ev->type_name, "injury") == 0 && sev &&
                (strcmp(sev, "fatal") == 0 || strcmp(sev, "serious") == 0))
                return true;
            /* At or toward a person: a subject, or a vehicle (its occupants). */
            if (strcmp(ev->type_name, "force") == 0 && k && strcmp(k, "firearm_discharge") == 0 &&
                (!p || p->kind != FW_REF_OFFICER))
                return true;
        }
    }
    return false;
}

fw_rc fw_case_get(fw_store *s, const fw_doc *doc, json_t **out, fw_error *err)
{
    fw_buf body;
    fw_rc rc;

    fw_buf_init(&body, 1 << 20);
    rc = fw_store_get(s, FW_RECORD_CASE, doc->id, 0, &body, NULL, err);
    if (rc == FW_OK) {
        *out = json_loadb(body.data, body.len, 0, NULL);
        rc = *out ? FW_OK : fw_error_set(err, FW_ERR_STORE, "case %s is not JSON", doc->id);
    } else if (rc == FW_ERR_NOTFOUND) {
        fw_error_clear(err);
        *out = json_pack("{s:s, s:s, s:b, s:[]}", "incident", doc->id, "state", "reported",
                         "mandatory_review", fw_case_mandatory(doc), "transitions");
        rc = *out ? FW_OK : FW_ERR_NOMEM;
        /* A public record opens no case until someone moves it. */
        if (*out && !fw_case_follows(doc))
            json_object_set_new(*out, "opened", json_false());
    }
    fw_buf_release(&body);
    return rc;
}

fw_rc fw_case_transition(fw_store *s, const fw_doc *doc, const char *to, const char *finding,
                         const char *note, const char *reviewer, double now, json_t **out,
                         fw_error *err)
{
    json_t *c = NULL;
    const char *from;
    char allowed[256] = "", at[32];
    size_t i, len = 0;
    bool ok = false;
    fw_rc rc;

    *out = NULL;
    if ((rc = fw_store_begin(s, err)) != FW_OK)
        return rc;
    if ((rc = fw_case_get(s, doc, &c, err)) != FW_OK)
        goto fail;
    json_object_del(c, "opened");
    from = json_string_value(json_object_get(c, "state"));
    for (i = 0; i < NMOVES; i++) {
        if (strcmp(fw_case_moves[i].from, from) != 0)
            continue;
        if (strcmp(fw_case_moves[i].to, to) == 0)
            ok = true;
        if (fw_snprintf(allowed + len, sizeof allowed - len, "%s%s", len ? ", " : "",
                        fw_case_moves[i].to) != FW_OK) {
            rc = fw_error_set(err, FW_ERR_INTERNAL, "the allowed moves do not fit their buffer");
            goto fail;
        }
        len += strlen(allowed + len);
    }
    if (!ok) {
        rc = fw_error_set(err, FW_ERR_INVALID, "cannot move case %s from %s to %s (allowed: %s)",
                          doc->id, from, to, len ? allowed : "none: the case is closed");
        goto fail;
    }
    if (strcmp(to, "closed") == 0) {
        for (i = 0; fw_case_findings[i] && (!finding || strcmp(fw_case_findings[i], finding)); i++)
            ;
        if (!fw_case_findings[i]) {
            rc = fw_error_set(err, FW_ERR_INVALID,
                              "finding: closing needs one of within_policy, out_of_policy, "
                              "not_sustained, exonerated, unfounded");
            goto fail;
        }
        if (strcmp(from, "supervisor_review") == 0 && fw_case_mandatory(doc)) {
            rc = fw_error_set(err, FW_ERR_INVALID,
                              "case %s needs investigation and board review: a death, serious "
                              "bodily injury or firearm discharge at a person", doc->id);
            goto fail;
        }
    } else if (finding) {
        rc = fw_error_set(err, FW_ERR_INVALID, "finding: only closing a case records a finding");
        goto fail;
    }
    fw_time_format_utc((time_t)now, at, sizeof at);
    json_array_append_new(json_object_get(c, "transitions"),
                          json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "from", from, "to", to,
                                    "by", reviewer, "at", at, "finding", finding, "note", note));
    json_object_set_new(c, "state", json_string(to));
    json_object_set_new(c, "mandatory_review", json_boolean(fw_case_mandatory(doc)));
    if (finding) {
        json_object_set_new(c, "finding", json_string(finding));
        json_object_set_new(c, "reviewer", json_string(reviewer));
    }
    if ((rc = fw_store_put_json(s, FW_RECORD_CASE, doc->id, c, reviewer, NULL, err)) != FW_OK)
        goto fail;
    if ((rc = fw_store_commit(s, err)) != FW_OK)
        goto done;
    *out = c;
    c = NULL;
    goto done;
fail:
    fw_store_rollback(s);
done:
    json_decref(c);
    return rc;
}

int fw_case_days(const char *state)
{
    size_t i;
    for (i = 0; i < sizeof allowed_days / sizeof allowed_days[0]; i++)
        if (strcmp(allowed_days[i].state, state) == 0)
            return allowed_days[i].days;
    return -1;
}

bool fw_case_state_known(const char *state)
{
    size_t i;
    for (i = 0; fw_case_states[i]; i++)
        if (strcmp(fw_case_states[i], state) == 0)
            return true;
    return false;
}

bool fw_case_due(const json_t *c, const char *occurred_at, double *due)
{
    const char *state = json_string_value(json_object_get(c, "state"));
    const json_t *moves_made = json_object_get(c, "transitions");
    const char *since = occurred_at;
    fw_time t;
    size_t i;

    if (!state)
        return false;
    if (json_array_size(moves_made))
        since = json_string_value(
            json_object_get(json_array_get(moves_made, json_array_size(moves_made) - 1), "at"));
    for (i = 0; i < sizeof allowed_days / sizeof allowed_days[0]; i++)
        if (strcmp(allowed_days[i].state, state) == 0)
            break;
    if (i == sizeof allowed_days / sizeof allowed_days[0] || !since || !fw_time_parse(since, &t))
        return false;
    /* A bare local date or time counts as UTC: a deadline a few hours off is
    ** still the right day's. */
    *due = t.epoch + allowed_days[i].days * 86400.0;
    return true;
}
