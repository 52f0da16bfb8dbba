/*
** Loading document files (the command line's `add` and `check`): a stream
** holding one JSON document, or JSON Lines (decided by the name's .jsonl,
** .ndjson or .json, else by whether the first line is a document by
** itself), every document validated and, when a store is given, prepared
** and stored (on the pipeline's workers, in input order).  The rule that a
** file is stored whole or not at all is the caller's transaction: a file
** with any bad document (bad_docs) is to be rolled back.  Never prints:
** problems go to the caller's hook, counts are returned.
*/
#ifndef FW_LOAD_H
#define FW_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/error.h"
#include "store/store.h"

typedef struct fw_load_hooks {
    /* One problem of a document, on line (0: the whole file's document). */
    void (*problem)(void *arg, size_t line, const char *msg);
    /* Documents so far, after each batch and once at the end (last) of a file of more than
    ** 1,000. */
    void (*progress)(void *arg, size_t docs, bool last);
    void *arg;
    /* If not NULL, the one record type taken: a document of another type is a bad one
    ** ("record: ..." on its line). */
    const fw_record_type *only;
} fw_load_hooks;

typedef struct fw_load_result {
    size_t docs, problems, bad_docs;
    fw_put_tally tally;
} fw_load_result;

/*
** Load the stream in, named name (for the format and messages), into s as actor (s NULL:
** only check).  Documents stop being stored after the first bad one.  FW_OK unless the
** run itself failed (reading, the store, memory): then its code, with the message in err
** (FILE[:LINE]: ...).
*/
fw_rc fw_load_stream(FILE *in, const char *name, fw_store *s, const char *actor,
                     const fw_load_hooks *hooks, fw_load_result *res, fw_error *err);

#endif
