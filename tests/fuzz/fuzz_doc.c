/*
** Fuzz target for the document parser and validator.  Any input must either
** be rejected with at least one message, or be accepted; an accepted
** document's canonical form must itself parse, validate and canonicalize to
** the same bytes.  Built with libFuzzer by `make fuzz`, and with replay.c
** for the regular test run.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forcewatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_diag diag;
    fw_doc *doc = NULL, *again = NULL;
    fw_buf a, b;

    fw_diag_init(&diag, 20);
    fw_buf_init(&a, FW_BUF_UNLIMITED);
    fw_buf_init(&b, FW_BUF_UNLIMITED);
    if (fw_doc_parse((const char *)data, size, NULL, &doc, &diag) != FW_OK) {
        if (fw_diag_count(&diag) == 0)
            abort(); /* rejected without saying why */
        goto done;
    }
    if (fw_doc_canonical(doc, &a) != FW_OK)
        abort();
    fw_diag_reset(&diag);
    if (fw_doc_parse(a.data, a.len, NULL, &again, &diag) != FW_OK)
        abort(); /* the canonical form of a valid document must be valid */
    if (fw_doc_canonical(again, &b) != FW_OK || a.len != b.len || memcmp(a.data, b.data, a.len))
        abort(); /* canonicalization must be idempotent */
done:
    fw_doc_free(doc);
    fw_doc_free(again);
    fw_buf_release(&a);
    fw_buf_release(&b);
    fw_diag_release(&diag);
    return 0;
}
