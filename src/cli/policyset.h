/*
** The policy directory for the front-ends: the library's policy set
** (policy/policyset.h) loaded with its problems printed, as the command
** line and the server report them at start.
*/
#ifndef FW_CLI_POLICYSET_H
#define FW_CLI_POLICYSET_H

#include "policy/policyset.h"

/* Load every *.policy in dir, in name order; prints problems, false on any. */
bool load_policies(const char *dir, fw_policy_set *ps);

/* The names the server used before the set moved to the library. */
typedef fw_policy_set policy_set;
typedef fw_loaded_policy loaded_policy;
#define policy_set_release fw_policy_set_release

#endif
