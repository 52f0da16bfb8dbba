/*
** Running an import (docs/import.md): the rows of a public dataset's CSV
** file read through an import profile into incidents (and its agencies file
** into agency records), in the caller's transaction.  Rows are mapped,
** validated and prepared on worker threads (data/pipeline.h) and stored in
** file order.  The rules that decide what an import does live here, once:
**   - a row that cannot be imported is rejected (reported by line) and
**     skipped; a second row with an id already seen in the file is rejected
**     as a duplicate;
**   - a record already stored becomes a new version only if it changed;
**   - incidents with the profile's id prefix that the file no longer lists
**     are marked withdrawn (a new version, never deleted), unless a rejected
**     row had no id (then which incidents are still listed is not known);
**   - a file with a header and no rows withdraws nothing unless allowed.
** The library never prints: rejections and progress go to the caller's
** hooks; the counts are returned.
**
** Ownership: fw_import_new borrows the store and the profile, which must
** outlive the import; fw_import_free releases it.
*/
#ifndef FW_IMPORT_RUN_H
#define FW_IMPORT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/error.h"
#include "data/import.h"
#include "store/store.h"

typedef struct fw_import_counts {
    size_t rows, withdrawn, rejected;
    size_t unlisted;            /* rejected rows whose id is unknown */
    bool withdraw_skipped;      /* withdrawals skipped because of unlisted rows */
    fw_put_tally tally;
} fw_import_counts;

typedef struct fw_import_hooks {
    /* A rejected row of file (part) on line, and why. */
    void (*reject)(void *arg, fw_profile_part part, const char *file, size_t line,
                   const char *why);
    /* After each batch stored, and once at the end (last) of a file of 1,000 rows or more:
    ** rows so far, bytes read so far, the file's size (-1: unknown). */
    void (*progress)(void *arg, const char *file, size_t rows, long long read, long long size,
                     bool last);
    void *arg;
} fw_import_hooks;

typedef struct fw_import fw_import;

/* An import into s (inside the caller's transaction) through prof, stored as actor.
** hooks may be NULL.  NULL if out of memory. */
fw_import *fw_import_new(fw_store *s, fw_profile *prof, const char *actor,
                         const fw_import_hooks *hooks);
void fw_import_free(fw_import *im);

/* Give the profile the database's key for hashed ids, making it (inside the transaction)
** on the first import that needs one.  FW_ERR_STORE (err) on failure. */
fw_rc fw_import_id_key(fw_import *im, fw_error *err);

/*
** Read one file of the profile (name, for messages; size in bytes or -1) from in.
** FW_ERR_INVALID for a header the profile cannot bind or an empty file; FW_ERR_IO,
** FW_ERR_STORE or FW_ERR_NOMEM otherwise, each with the file (and line) in err.
*/
fw_rc fw_import_read(fw_import *im, fw_profile_part part, FILE *in, const char *name,
                     long long size, fw_error *err);

/*
** After the incidents file: withdraw every incident with the profile's prefix that the file
** no longer lists.  A file with no rows is refused (FW_ERR_INVALID, nothing withdrawn)
** unless allow_empty.
*/
fw_rc fw_import_withdraw_missing(fw_import *im, bool allow_empty, fw_error *err);

const fw_import_counts *fw_import_counts_of(const fw_import *im, fw_profile_part part);

#endif
