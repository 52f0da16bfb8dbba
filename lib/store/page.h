/*
** Paging through a listing: how many items a page holds (a default and a
** bound) and the cursor that resumes a listing after an item, an opaque
** base64url text of "OCCURRED\nID" (the listing's order), so clients never
** build one.  Pure: no store is read.
*/
#ifndef FW_PAGE_H
#define FW_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define FW_PAGE_DEFAULT 100
#define FW_PAGE_MAX 1000

/* The page size asked by text (NULL: FW_PAGE_DEFAULT) into *n;
** FW_ERR_INVALID unless a whole number from 1 to FW_PAGE_MAX. */
fw_rc fw_page_limit(const char *text, long *n, fw_error *err);

/* The cursor resuming after the item (occurred, id) into out (n bytes);
** false if it does not fit. */
bool fw_page_cursor_encode(const char *occurred, const char *id, char *out, size_t n);

/* The item a cursor resumes after, into occ (on bytes) and id (idn bytes);
** FW_ERR_INVALID for text that is not a cursor fw_page_cursor_encode gave. */
fw_rc fw_page_cursor_decode(const char *cursor, char *occ, size_t on, char *id, size_t idn,
                            fw_error *err);

#endif
