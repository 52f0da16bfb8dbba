/*
** Failed-attempt counting for sign-in rate limiting: a table of fixed size
** keyed by a hash of the name tried, so memory stays bounded however many
** distinct names are sent.  A name is refused once it has failed
** max_failures times within window seconds.  When the table is full, a new
** name takes the slot of an expired entry, else of the oldest entry that is
** not locked out, and only when every entry is locked out, of the oldest
** one: flooding the table with other names does not unlock a locked name
** before its window ends (filling it with locked names costs
** capacity x max_failures failed sign-ins, each an Argon2id hash, within
** one window).  Pure: the caller gives the clock and does the locking.
*/
#ifndef FW_RATELIMIT_H
#define FW_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct fw_ratelimit fw_ratelimit;

/* A table of capacity entries; NULL when out of memory.  Free with
** fw_ratelimit_free. */
fw_ratelimit *fw_ratelimit_new(size_t capacity, int max_failures, double window_s);
void fw_ratelimit_free(fw_ratelimit *rl);

/* Whether name may be tried at time now. */
bool fw_ratelimit_allowed(const fw_ratelimit *rl, const char *name, double now);
/* Count a failed attempt of name at time now. */
void fw_ratelimit_failed(fw_ratelimit *rl, const char *name, double now);
/* Entries in use (at most the capacity). */
size_t fw_ratelimit_used(const fw_ratelimit *rl);

#endif
