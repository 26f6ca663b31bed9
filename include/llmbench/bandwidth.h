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

/* A device's own memory (a GPU's; an RPC server's): the copy kernel there. */
struct llmb_bw_device {
    char name[64];   /* "CUDA0", "RPC0" */
    double copy_gbs; /* NAN: not measured, note says why */
    uint64_t array_bytes;
    char note[128];
};
#define LLMB_BW_MAX_DEVICES 8

struct llmb_bw_result {
    double read_gbs, copy_gbs, triad_gbs;
    int threads, reps;
    uint64_t array_bytes;
    char measured_at[32]; /* RFC 3339 UTC; "" until stored or measured */
    /* every non-CPU device of the engine, measured each time (not stored:
     * which devices are there changes with -rpc and drivers) */
    struct llmb_bw_device dev[LLMB_BW_MAX_DEVICES];
    int n_dev;
};

/* The array size params asks for on this machine (see array_bytes). */
uint64_t llmb_bw_default_bytes(void);
/* Measures; stop (may be NULL) is polled between repetitions: set, it ends
 * with LLMB_E_INTERRUPTED and nothing in *r. */
int llmb_bw_measure(const struct llmb_bw_params *p, volatile int *stop, struct llmb_bw_result *r,
                    struct llmb_error *err);

struct llmb_engine_ops;
/* Fills bw->dev with the copy bandwidth of each of e's devices that is not
 * the host's memory (GPUs; RPC servers, registered before:
 * llmb_engine_use_rpc): bytes per array (each device's array_bytes says
 * what it used: fewer where it has less than 4 x that free), best of reps.
 * A device it cannot measure gets NAN and the reason in its note. */
void llmb_bw_devices(const struct llmb_engine_ops *e, uint64_t bytes, int reps, struct llmb_bw_result *bw);

#ifdef __cplusplus
}
#endif

#endif
