/*
** A bulk-load pipeline (the command line's `add` of JSON Lines, and imports):
** the main thread reads input into batches of items, worker threads turn
** each batch into prepared documents (fw_prepare: validation, canonical
** bytes, hashes), and the main thread takes the batches back in the order
** they were filled, so documents are stored in input order while the costly
** work runs in parallel.  Memory is bounded: at most FW_PIPE_NBATCH batches are
** in flight.
*/
#ifndef FW_PIPELINE_H
#define FW_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "record/model.h"
#include "store/store.h"

#define FW_PIPE_BATCH_ITEMS 128
#define FW_PIPE_NBATCH 8

typedef struct fw_pipe_batch {
    fw_buf text;                  /* the items' bytes, each followed by a NUL */
    size_t n;
    size_t off[FW_PIPE_BATCH_ITEMS], len[FW_PIPE_BATCH_ITEMS];
    size_t full[FW_PIPE_BATCH_ITEMS]; /* the caller's: `add` keeps a line's length before truncation */
    size_t lineno[FW_PIPE_BATCH_ITEMS];
    fw_prepared prep[FW_PIPE_BATCH_ITEMS];
    bool ok[FW_PIPE_BATCH_ITEMS];    /* prep[i] holds a prepared document to store */
    fw_buf msgs;                  /* problems, "LINE\tMESSAGE\x1e" each (messages may hold newlines) */
    size_t problems, bad;
    bool done;
} fw_pipe_batch;

/* Turns a filled batch into prepared documents, on a worker thread; diag is the worker's. */
typedef void (*fw_pipe_work_fn)(void *ctx, fw_pipe_batch *b, fw_diag *diag);
/* Takes a worked batch back on the main thread, in fill order (store, report, count). */
typedef void (*fw_pipe_consume_fn)(void *ctx, fw_pipe_batch *b);

typedef struct fw_pipeline fw_pipeline;

/* Start the workers (one per processor, at most 8).  NULL (with the reason in err) if no
** thread could start or memory ran out. */
fw_pipeline *fw_pipeline_start(fw_pipe_work_fn work, void *work_ctx, fw_pipe_consume_fn consume,
                         void *consume_ctx, fw_error *err);

/* Add one item: len bytes of data (copied), the caller's `full` value and its line number.
** May first consume the oldest batch (calling consume) to make room.  FW_ERR_NOMEM if the
** item cannot be kept. */
fw_rc fw_pipeline_add(fw_pipeline *p, const void *data, size_t len, size_t full, size_t lineno);

/* Hand out the batch being filled and consume every batch in flight. */
void fw_pipeline_drain(fw_pipeline *p);

/* Drain, stop the workers and free p (NULL is allowed). */
void fw_pipeline_stop(fw_pipeline *p);

#endif
