/* energy.h - energy over a stretch of time: RAPL through the Linux powercap
 * tree (package, core, uncore, dram domains; counter wrap-around; permission
 * denied said as such) and NVIDIA board power through NVML, read by a
 * sampler thread every 10-50 ms. Where there is no sensor the figures are
 * absent and the reason is stated ("no RAPL in this VM"), never zero. */
#ifndef LLMBENCH_ENERGY_H
#define LLMBENCH_ENERGY_H

#include <pthread.h>
#include <stdint.h>

#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LLMB_RAPL_MAX 16

struct llmb_rapl_domain {
    char name[32];      /* "package-0", "core", "dram" */
    char path[96];      /* "/sys/class/powercap/intel-rapl:0" */
    uint64_t max_range; /* max_energy_range_uj; 0: unknown (a wrap cannot be told) */
    uint64_t last;      /* last reading, uJ */
    double joules;      /* accumulated since open */
    int broken;         /* the counter went backwards without a wrap: no figure */
};

/* The powercap domains under root (NULL: "/"). */
struct llmb_rapl {
    const char *root;
    int n;
    struct llmb_rapl_domain d[LLMB_RAPL_MAX];
    char reason[160]; /* why there is no figure ("no RAPL in this VM", "permission denied...") */
};

/* Finds the domains and takes a first reading; 0, or -1 with r->reason. */
int llmb_rapl_open(const char *root, struct llmb_rapl *r);
/* Reads every domain and adds what it used since the last reading
 * (wrap-around at max_energy_range_uj counted); -1 when a reading failed
 * (reason says which, the figures are then absent). */
int llmb_rapl_sample(struct llmb_rapl *r);
/* Joules of the package domains plus dram (core and uncore are inside the
 * package); NAN when absent. */
double llmb_rapl_joules(const struct llmb_rapl *r);

/* What a sampler measured between start and stop. */
struct llmb_energy_result {
    int known; /* 0: absent, reason says why */
    double seconds;
    double joules;     /* CPU (RAPL package + dram) plus GPUs (NVML) */
    double cpu_joules; /* NAN when absent */
    double gpu_joules; /* NAN when absent */
    double avg_watts;
    int n_samples;
    char source[64];  /* "RAPL", "RAPL+NVML", "NVML" */
    char reason[320]; /* why absent (known 0), or what was left out ("no NVML ...") */
};

struct llmb_energy_sampler {
    struct llmb_rapl rapl;
    int have_rapl, have_nvml;
    void *nvml; /* struct llmb_nvml, opaque here */
    int period_ms;
    volatile int stop;
    pthread_t th;
    int running;
    double t0, t_last, gpu_joules;
    int n_samples;
    char rapl_reason[160], nvml_reason[128];
};

/* Starts sampling (root NULL: this machine; nvml_lib NULL: the default
 * library; period 10..50 ms). Never fails: a machine without sensors
 * gives an absent result with the reason. */
void llmb_energy_start(struct llmb_energy_sampler *s, const char *root, const char *nvml_lib, int period_ms);
/* Stops and says what was used since start. */
void llmb_energy_stop(struct llmb_energy_sampler *s, struct llmb_energy_result *out);

#ifdef __cplusplus
}
#endif

#endif
