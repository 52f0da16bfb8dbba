/*
** A memory arena for one unit of work (as h2o's request pool): many small
** allocations, all freed together by one fw_arena_release.  Memory comes in
** blocks; an allocation larger than a block gets a block of its own.  Not
** thread-safe: an arena belongs to one request at a time.
**
** Ownership: the arena owns every allocation made from it; callers never
** free them one by one.  After fw_arena_release the arena is empty and may
** be used again.
*/
#ifndef FW_ARENA_H
#define FW_ARENA_H

#include <stddef.h>

typedef struct fw_arena_block fw_arena_block;

typedef struct fw_arena {
    fw_arena_block *blocks;   /* the newest first; NULL until the first allocation */
    size_t block_size;        /* bytes per ordinary block */
    size_t used;              /* bytes handed out, in total */
    size_t max;               /* the most `used` may reach; 0: no limit */
} fw_arena;

/* An empty arena of blocks of block_size bytes (0: 4096), handing out at
** most max bytes in all (0: no limit).  Allocates nothing yet. */
void fw_arena_init(fw_arena *a, size_t block_size, size_t max);

/* n bytes, zeroed and aligned for any type, or NULL (out of memory or over
** the arena's limit).  n == 0 gives a valid, unique pointer. */
void *fw_arena_alloc(fw_arena *a, size_t n);

/* A copy of s (NUL-terminated) in the arena, or NULL; NULL s gives NULL. */
char *fw_arena_strdup(fw_arena *a, const char *s);

/* Free everything allocated from the arena, in one call. */
void fw_arena_release(fw_arena *a);

#endif
