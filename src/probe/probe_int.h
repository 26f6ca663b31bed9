/* probe_int.h - what the hardware readers of src/probe share and nothing
 * else uses: CPU lists ("0-3,8") and the ARM part of each CPU. */
#ifndef LLMB_PROBE_INT_H
#define LLMB_PROBE_INT_H

#include <stddef.h>

#define LLMB_HW_MAX_CPUS 1024

/* Sets have[i] for each CPU of a list ("0-3,8-11"); returns the count, -1 when malformed. */
int llmb_hw_cpulist_parse(const char *s, unsigned char *have, int max);
/* The list of CPUs with have[i] set, as "0-3,8". */
void llmb_hw_cpulist_format(const unsigned char *have, int max, char *buf, size_t len);
/* "CPU part" of each processor of /proc/cpuinfo (ARM), "" elsewhere; returns
 * the highest processor number seen + 1. */
int llmb_hw_cpu_parts(const char *root, char (*parts)[16], int max);

/* NVML, opened at run time (no library: no NVML, never an error). */
struct llmb_nvml {
    void *lib;
    unsigned n_gpus;
    int (*shutdown)(void);
    int (*handle)(unsigned, void **);
    int (*name)(void *, char *, unsigned);
    int (*memory)(void *, unsigned long long *);
    int (*clock)(void *, int, unsigned *);
    int (*max_clock)(void *, int, unsigned *);
    int (*power)(void *, unsigned *);
    int (*power_limit)(void *, unsigned *);
    int (*temperature)(void *, int, unsigned *);
    int (*pcie_gen)(void *, unsigned *);
    int (*pcie_width)(void *, unsigned *);
};
/* Opens lib (NULL: $LLMB_NVML_LIB, else libnvidia-ml.so.1) and initializes
 * NVML; 0, or -1 with why ("no NVML (libnvidia-ml.so.1 not found)"). */
int llmb_nvml_open(const char *lib, struct llmb_nvml *n, char *why, size_t len);
/* Board power of GPU i in watts; -1 when NVML refuses. */
double llmb_nvml_power_w(const struct llmb_nvml *n, unsigned i);
void llmb_nvml_close(struct llmb_nvml *n);

#endif
