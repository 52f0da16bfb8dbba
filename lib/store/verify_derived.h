/*
** Verification of the derived tables: everything the store keeps beside the
** records and the log that is computed from them (the incident index, the
** statistics index and the statistics ledger) is rebuilt in memory from the
** stored records and compared, so a derived table emptied or edited behind
** forcewatch's back fails verification, naming the table and the first
** incident version it misstates.  Reads the store; writes nothing.
*/
#ifndef FW_VERIFY_DERIVED_H
#define FW_VERIFY_DERIVED_H

#include <stdint.h>

#include "base/error.h"
#include "store/store.h"

/* The derived tables checked, in the order they are checked; NULL-terminated. */
extern const char *const fw_derived_tables[];

typedef struct fw_derived_check {
    int64_t rows;        /* derived rows and ledger entries compared */
    int64_t bad_seq;     /* log seq of the first record version misstated, or -1 */
    char table[32];      /* the first table that does not match its records, "" if none */
    char problem[512];   /* "TABLE: what is wrong", "" if nothing */
} fw_derived_check;

/*
** Check every derived table against the stored records, inside the caller's
** read snapshot (fw_store_begin_read).  Record versions whose log seq is not
** below log_size are left to the log's verification.  FW_OK when the check
** ran (r->problem says whether a table is wrong; the first table checked
** that is wrong is reported); FW_ERR_NOMEM or a store error otherwise.
*/
fw_rc fw_verify_derived(fw_store *s, int64_t log_size, fw_derived_check *r, fw_error *err);

#endif
