/*
** The bulk-load pipeline (see pipeline.h): a ring of batches, a mutex and a
** condition variable.  Batches are numbered as they are filled; workers take
** them in that order and mark each done; the main thread consumes them in
** the same order, waiting for a batch only when it is still being worked.
*/
#include "data/pipeline.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

#define MAX_WORKERS 8

struct fw_pipeline {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    fw_pipe_batch b[FW_PIPE_NBATCH];
    uint64_t filled, taken, consumed;  /* batches handed out so far, by stage */
    fw_pipe_batch *cur;                   /* being filled; NULL between batches */
    bool closing;
    fw_pipe_work_fn work;
    void *work_ctx;
    fw_pipe_consume_fn consume;
    void *consume_ctx;
    pthread_t threads[MAX_WORKERS];
    int nthreads;
};

static void *worker(void *arg)
{
    fw_pipeline *p = arg;
    fw_diag diag;
    fw_pipe_batch *b;

    fw_diag_init(&diag, 50);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->taken == p->filled && !p->closing)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->taken == p->filled) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        b = &p->b[p->taken++ % FW_PIPE_NBATCH];
        pthread_mutex_unlock(&p->mu);
        p->work(p->work_ctx, b, &diag);
        pthread_mutex_lock(&p->mu);
        b->done = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    fw_diag_release(&diag);
    return NULL;
}

static int worker_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

fw_pipeline *fw_pipeline_start(fw_pipe_work_fn work, void *work_ctx, fw_pipe_consume_fn consume,
                         void *consume_ctx, fw_error *err)
{
    fw_pipeline *p = calloc(1, sizeof *p);
    int t, want = worker_count();
    size_t i;

    if (!p) {
        fw_error_set(err, FW_ERR_NOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->work = work;
    p->work_ctx = work_ctx;
    p->consume = consume;
    p->consume_ctx = consume_ctx;
    for (i = 0; i < FW_PIPE_NBATCH; i++) {
        fw_buf_init(&p->b[i].text, FW_BUF_UNLIMITED);
        fw_buf_init(&p->b[i].msgs, FW_BUF_UNLIMITED);
    }
    for (t = 0; t < want; t++)
        if (pthread_create(&p->threads[t], NULL, worker, p) != 0)
            break;
    p->nthreads = t;
    if (p->nthreads == 0) {
        fw_error_set(err, FW_ERR_IO, "cannot start a worker thread");
        fw_pipeline_stop(p);
        return NULL;
    }
    return p;
}

/* Give the oldest batch back to the consumer once a worker is done with it. */
static void consume_oldest(fw_pipeline *p)
{
    fw_pipe_batch *b = &p->b[p->consumed % FW_PIPE_NBATCH];
    size_t i;

    pthread_mutex_lock(&p->mu);
    while (!b->done)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    p->consume(p->consume_ctx, b);
    for (i = 0; i < b->n; i++)
        if (b->ok[i])
            fw_prepared_release(&b->prep[i]);
    b->n = 0;
    b->problems = b->bad = 0;
    b->done = false;
    fw_buf_reset(&b->text);
    fw_buf_reset(&b->msgs);
    p->consumed++;
}

static void publish(fw_pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    p->filled++;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    p->cur = NULL;
}

fw_rc fw_pipeline_add(fw_pipeline *p, const void *data, size_t len, size_t full, size_t lineno)
{
    fw_pipe_batch *b;
    if (!p->cur) {
        if (p->filled - p->consumed == FW_PIPE_NBATCH)
            consume_oldest(p);
        p->cur = &p->b[p->filled % FW_PIPE_NBATCH];
    }
    b = p->cur;
    b->off[b->n] = b->text.len;
    b->len[b->n] = len;
    b->full[b->n] = full;
    b->lineno[b->n] = lineno;
    b->ok[b->n] = false;
    if (fw_buf_add(&b->text, data, len) || fw_buf_addc(&b->text, '\0'))
        return FW_ERR_NOMEM;
    if (++b->n == FW_PIPE_BATCH_ITEMS)
        publish(p);
    return FW_OK;
}

void fw_pipeline_drain(fw_pipeline *p)
{
    if (p->cur && p->cur->n)
        publish(p);
    p->cur = NULL;
    while (p->consumed < p->filled)
        consume_oldest(p);
}

void fw_pipeline_stop(fw_pipeline *p)
{
    int t;
    size_t i;
    if (!p)
        return;
    if (p->nthreads)
        fw_pipeline_drain(p);
    pthread_mutex_lock(&p->mu);
    p->closing = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (t = 0; t < p->nthreads; t++)
        pthread_join(p->threads[t], NULL);
    for (i = 0; i < FW_PIPE_NBATCH; i++) {
        fw_buf_release(&p->b[i].text);
        fw_buf_release(&p->b[i].msgs);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
