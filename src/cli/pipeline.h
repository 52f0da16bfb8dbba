/*
** A bulk-load pipeline for the command line (`add` of JSON Lines, `import`):
** the main thread reads input into batches of items, worker threads turn
** each batch into prepared documents (fw_prepare: validation, canonical
** bytes, hashes), and the main thread takes the batches back in the order
** they were filled, so documents are stored in input order while the costly
** work runs in parallel.  Memory is bounded: at most PIPE_NBATCH batches are
** in flight.
*/
#ifndef FW_PIPELINE_H
#define FW_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "forcewatch.h"

#define PIPE_BATCH_ITEMS 128
#define PIPE_NBATCH 8

typedef struct pipe_batch {
    fw_buf text;                  /* the items' bytes, each followed by a NUL */
    size_t n;
    size_t off[PIPE_BATCH_ITEMS], len[PIPE_BATCH_ITEMS];
    size_t full[PIPE_BATCH_ITEMS]; /* the caller's: `add` keeps a line's length before truncation */
    size_t lineno[PIPE_BATCH_ITEMS];
    fw_prepared prep[PIPE_BATCH_ITEMS];
    bool ok[PIPE_BATCH_ITEMS];    /* prep[i] holds a prepared document to store */
    fw_buf msgs;                  /* problems, "LINE\tMESSAGE\x1e" each (messages may hold newlines) */
    size_t problems, bad;
    bool done;
} pipe_batch;

/* Turns a filled batch into prepared documents, on a worker thread; diag is the worker's. */
typedef void (*pipe_work_fn)(void *ctx, pipe_batch *b, fw_diag *diag);
/* Takes a worked batch back on the main thread, in fill order (store, report, count). */
typedef void (*pipe_consume_fn)(void *ctx, pipe_batch *b);

typedef struct pipeline pipeline;

/* Start the workers (one per processor, at most 8).  NULL (with the reason in err) if no
** thread could start or memory ran out. */
pipeline *pipeline_start(pipe_work_fn work, void *work_ctx, pipe_consume_fn consume,
                         void *consume_ctx, fw_error *err);

/* Add one item: len bytes of data (copied), the caller's `full` value and its line number.
** May first consume the oldest batch (calling consume) to make room.  FW_ERR_NOMEM if the
** item cannot be kept. */
fw_rc pipeline_add(pipeline *p, const void *data, size_t len, size_t full, size_t lineno);

/* Hand out the batch being filled and consume every batch in flight. */
void pipeline_drain(pipeline *p);

/* Drain, stop the workers and free p (NULL is allowed). */
void pipeline_stop(pipeline *p);

#endif
