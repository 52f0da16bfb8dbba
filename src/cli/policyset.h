/*
** The policy directory as loaded by the command line and the server: every
** *.policy file parsed and checked, with its path and the SHA-256 of its
** bytes (stored with reviews, so a review names the exact text it used).
*/
#ifndef FW_POLICYSET_H
#define FW_POLICYSET_H

#include "policy/policy.h"

typedef struct loaded_policy {
    fw_policy *policy;
    char *path;
    char sha256[65];
} loaded_policy;

typedef struct policy_set {
    loaded_policy *items;
    size_t n;
} policy_set;

/* Load every *.policy in dir, in name order; prints problems, false on any. */
bool load_policies(const char *dir, policy_set *ps);
void policy_set_release(policy_set *ps);

#endif
