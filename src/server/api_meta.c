/*
** GET /api/v1/meta: the tables the dashboard needs, served from the C
** tables that define them (roles, actions and who may do each, the case
** workflow, duty kinds, the schema's enumerations), so that no page copies
** them by hand.  Public, and the same for everyone.
*/
#include <string.h>

#include "api_int.h"
#include "record/schema.h"
#include "workflow/cases.h"
#include "workflow/duties.h"
#include "base/banned.h"

static json_t *strings(const char *const *v)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; v[i]; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *role_list(unsigned bits)
{
    json_t *a = json_array();
    int k;
    for (k = 0; k < FW_NROLES; k++)
        if (bits & FW_ROLE_BIT(k))
            json_array_append_new(a, json_string(fw_role_name((fw_role)k)));
    return a;
}

void api_meta(request *r)
{
    json_t *actions = json_object(), *moves = json_object(), *enums = json_object();
    json_t *days = json_object(), *move_roles = json_object();
    const char *const *st;
    size_t i;
    int a;

    for (a = 0; a < FW_NACTIONS; a++)
        json_object_set_new(actions, fw_authz_action_name((fw_action)a),
                            json_pack("{s:s, s:o, s:b}", "summary",
                                      fw_authz_action_summary((fw_action)a), "roles",
                                      role_list(fw_authz_roles((fw_action)a)), "scoped",
                                      fw_authz_scoped((fw_action)a)));
    for (st = fw_case_states; *st; st++) {
        json_t *to = json_array(), *by = json_object();
        for (i = 0; fw_case_moves[i].from; i++)
            if (strcmp(fw_case_moves[i].from, *st) == 0) {
                json_array_append_new(to, json_string(fw_case_moves[i].to));
                json_object_set_new(by, fw_case_moves[i].to, strings(fw_case_moves[i].roles));
            }
        json_object_set_new(moves, *st, to);
        json_object_set_new(move_roles, *st, by);
        if (fw_case_days(*st) >= 0)
            json_object_set_new(days, *st, json_integer(fw_case_days(*st)));
    }
    for (i = 0; fw_enums[i]; i++)
        json_object_set_new(enums, fw_enums[i]->name, strings(fw_enums[i]->values));
    reply_json(r, 200,
               json_pack("{s:o, s:o, s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}, s:o, s:o, s:o}",
                         "roles", role_list(FW_ROLES_ALL), "actions", actions, "cases", "states",
                         strings(fw_case_states), "transitions", moves, "days", days, "findings",
                         strings(fw_case_findings), "move_roles", move_roles, "assigners",
                         strings(fw_case_assigners), "consequence_kinds",
                         strings(fw_case_consequence_kinds), "actions",
                         strings(fw_case_actions), "duty_kinds", strings(fw_duty_kinds),
                         "training_courses", strings(fw_training_courses), "enums", enums));
}
