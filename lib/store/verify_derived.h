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

/*
** The same in steps, for a caller that already scans the records (log/verify.c): a checker
** for a log of log_size leaves; each stored record version handed to fw_derived_record, in
** log order, during the caller's scan (FW_ERR_NOMEM stops it); then fw_derived_finish reads
** the derived tables back and compares, in the same read snapshot.  fw_derived_free frees
** the checker (NULL is fine).
*/
typedef struct fw_derived fw_derived;
fw_rc fw_derived_new(int64_t log_size, fw_derived_check *r, fw_derived **out, fw_error *err);
fw_rc fw_derived_record(fw_derived *d, const fw_record_row *row);
fw_rc fw_derived_finish(fw_derived *d, fw_store *s, fw_error *err);
void fw_derived_free(fw_derived *d);

#endif
