/*
** The per-request memory arena (see arena.h): a list of blocks, the newest
** first, each handing out aligned slices until it is full.
*/
#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN alignof(max_align_t)
#define ARENA_DEFAULT_BLOCK 4096

struct fw_arena_block {
    fw_arena_block *next;
    size_t size, used;         /* bytes of data[] */
    alignas(max_align_t) unsigned char data[];
};

void fw_arena_init(fw_arena *a, size_t block_size, size_t max)
{
    a->blocks = NULL;
    a->block_size = block_size ? block_size : ARENA_DEFAULT_BLOCK;
    a->used = 0;
    a->max = max;
}

static fw_arena_block *new_block(size_t size)
{
    fw_arena_block *b;
    if (size > SIZE_MAX - sizeof *b)
        return NULL;
    b = malloc(sizeof *b + size);
    if (!b)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void *fw_arena_alloc(fw_arena *a, size_t n)
{
    fw_arena_block *b = a->blocks;
    size_t need, at;
    void *p;

    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (a->max && (need > a->max || a->used > a->max - need))
        return NULL;
    if (!b || b->size - b->used < need) {
        if (need > a->block_size / 2) {
            /* A large allocation: a block of its own, behind the current one
            ** so the current block's free space is not lost. */
            fw_arena_block *big = new_block(need);
            if (!big)
                return NULL;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                a->blocks = big;
            }
            big->used = need;
            a->used += need;
            memset(big->data, 0, n);
            return big->data;
        }
        if (!(b = new_block(a->block_size)))
            return NULL;
        b->next = a->blocks;
        a->blocks = b;
    }
    at = b->used;
    b->used += need;
    a->used += need;
    p = b->data + at;
    memset(p, 0, n);
    return p;
}

char *fw_arena_strdup(fw_arena *a, const char *s)
{
    size_t n;
    char *p;
    if (!s)
        return NULL;
    n = strlen(s) + 1;
    p = fw_arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void fw_arena_release(fw_arena *a)
{
    fw_arena_block *b = a->blocks, *next;
    for (; b; b = next) {
        next = b->next;
        free(b);
    }
    a->blocks = NULL;
    a->used = 0;
}
