/* load_int.h - what the files of the load workload share: the measured
 * requests (each at a stable address while in flight) and the summary. */
#ifndef LLMB_WORKLOAD_LOAD_INT_H
#define LLMB_WORKLOAD_LOAD_INT_H

#include "http/client.h"
#include "llmbench/load.h"

struct llmb_load_reqs {
    struct llmb_http_record **v;
    size_t n, cap;
    uint64_t t0; /* the open loop's start */
    uint64_t sched_first, sched_last; /* rate profiles: the first and last sent request's scheduled arrival */
};
/* A new zeroed record at the end (NULL: no memory). */
struct llmb_http_record *llmb_load_reqs_add(struct llmb_load_reqs *q);
void llmb_load_reqs_free(struct llmb_load_reqs *q);

/* The figures of the requests (load_metrics.c); cpu_s: the client's CPU time
 * over the open loop. Fails when none completed. */
int llmb_load_summarize(const struct llmb_load_params *p, const struct llmb_load_reqs *q, double cpu_s,
                        struct llmb_load_summary *out, struct llmb_error *err);

#endif
