/*
** The server's state, shared by its transport (server.c, libmicrohttpd)
** and its dispatcher (dispatch.c) and nothing else: handlers reach it only
** through the functions of server.h.
*/
#ifndef FW_SERVER_INT_H
#define FW_SERVER_INT_H

#include <pthread.h>

#include "server.h"
#include "policy/policyset.h"

#define LATENCY_BUCKETS 10

struct server {
    cli_args *args;
    server_config cfg;
    fw_policy_set policies;
    struct MHD_Daemon *daemon;
    /* The store pool. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    fw_store **free_stores;
    size_t nfree, nstores;
    /* Sessions, sign-in failures and who tokens belong to (locks itself). */
    struct fw_sessions *sessions;
    /* Served incident versions (api_incidents.c). */
    struct fw_cache *incidents;
    /* The record log's tree, for proofs (locks itself). */
    struct fw_log_cache *log_tree;
    /* Public statistics answers of the period (locks itself). */
    struct fw_stats_cache *public_stats;
    /* Requests to the log's public routes by client address, under mu. */
    struct fw_ratelimit *log_clients;
    /* Metrics, under mu. */
    unsigned long *requests;     /* [route + 1][status class 0..5] */
    unsigned long latency[LATENCY_BUCKETS + 1];
    double latency_sum;
    unsigned long latency_count;
    /* Streams (reply_stream) running, under mu; shutdown waits for them. */
    int streams;
};

#endif
