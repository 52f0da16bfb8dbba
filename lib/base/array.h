/*
** The one way to grow an array (git's ALLOC_GROW).  FW_ALLOC_GROW(ptr, nr,
** alloc) makes ptr, an array of *ptr with room for alloc elements, hold at
** least nr elements, growing it by half again (at least 16 more) when it is
** too small.  It evaluates to FW_OK, or FW_ERR_NOMEM when memory runs out or
** the size in bytes would overflow; then ptr and alloc are unchanged, so the
** caller still owns and frees the old array.  alloc must be a size_t lvalue.
**
**     if ((rc = FW_ALLOC_GROW(v->items, v->n + 1, v->alloc)) != FW_OK)
**         goto done;
**     v->items[v->n++] = item;
*/
#ifndef FW_ARRAY_H
#define FW_ARRAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

/* The capacity to grow to from alloc for nr elements (nr > alloc). */
static inline size_t fw_alloc_nr(size_t alloc, size_t nr)
{
    size_t grown = alloc > (SIZE_MAX - 16) / 3 * 2 ? SIZE_MAX : (alloc + 16) * 3 / 2;
    return grown < nr ? nr : grown;
}

/* pptr points to the caller's pointer (of any object type); see FW_ALLOC_GROW. */
static inline fw_rc fw_alloc_grow(void *pptr, size_t elem, size_t nr, size_t *alloc)
{
    void *p;
    size_t cap;
    if (nr <= *alloc)
        return FW_OK;
    cap = fw_alloc_nr(*alloc, nr);
    if (cap > SIZE_MAX / elem) {
        cap = SIZE_MAX / elem;   /* as much as can be counted in bytes */
        if (cap < nr)
            return FW_ERR_NOMEM;
    }
    memcpy(&p, pptr, sizeof p);
    if (!(p = realloc(p, cap * elem)))
        return FW_ERR_NOMEM;
    memcpy(pptr, &p, sizeof p);
    *alloc = cap;
    return FW_OK;
}

#define FW_ALLOC_GROW(ptr, nr, alloc) \
    fw_alloc_grow(&(ptr), sizeof *(ptr), (nr), &(alloc))

#endif
