/* bandwidth.h - the machine's memory bandwidth, STREAM-style: read (sum),
 * copy and triad kernels over arrays far larger than the last-level cache,
 * every thread on its own slice (first touch: its own NUMA node), best of N
 * repetitions, in GB/s (10^9 bytes). Bytes are counted as STREAM counts
 * them: read 1, copy 2, triad 3 arrays (no write-allocate traffic). The
 * roofline of each result is a fraction of this peak. */
#ifndef LLMBENCH_BANDWIDTH_H
#define LLMBENCH_BANDWIDTH_H

#include <stdint.h>

#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_bw_params {
    int threads; /* 0: physical cores (the benchmark's default) */
    uint64_t
        array_bytes; /* bytes per array; 0: 4 x the last-level caches, at least 256 MiB, at most 1 GiB and 1/8 of free RAM */
    int reps;        /* best of; 0: 5 */
};

struct llmb_bw_result {
    double read_gbs, copy_gbs, triad_gbs;
    int threads, reps;
    uint64_t array_bytes;
    char measured_at[32]; /* RFC 3339 UTC; "" until stored or measured */
};

/* The array size params asks for on this machine (see array_bytes). */
uint64_t llmb_bw_default_bytes(void);
/* Measures; stop (may be NULL) is polled between repetitions: set, it ends
 * with LLMB_E_INTERRUPTED and nothing in *r. */
int llmb_bw_measure(const struct llmb_bw_params *p, volatile int *stop, struct llmb_bw_result *r,
                    struct llmb_error *err);

#ifdef __cplusplus
}
#endif

#endif
