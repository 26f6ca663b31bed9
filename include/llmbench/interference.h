/* interference.h - what spoils a measurement, read from procfs and sysfs
 * under a root folder ("/" this machine, or a fixture tree): CPU time of
 * the whole machine and of this process, steal, run queue, load average,
 * swap activity, CPU frequency and thermal throttling. A snapshot holds the
 * counters at one moment; the difference of two says what happened between
 * them. Whatever cannot be read is unknown, never an error. Thresholds and
 * formulas: docs/metrics.md, "Test conditions". */
#ifndef LLMBENCH_INTERFERENCE_H
#define LLMBENCH_INTERFERENCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a snapshot holds (known bits). */
enum llmb_intf_part {
    LLMB_INTF_STAT = 1 << 0,     /* /proc/stat: jiffies of all CPUs, procs_running */
    LLMB_INTF_SELF = 1 << 1,     /* /proc/self/stat: this process's CPU time */
    LLMB_INTF_LOADAVG = 1 << 2,  /* /proc/loadavg */
    LLMB_INTF_VMSTAT = 1 << 3,   /* /proc/vmstat: pswpin, pswpout */
    LLMB_INTF_FREQ = 1 << 4,     /* cpufreq scaling_cur_freq (mean of the CPUs) and governor */
    LLMB_INTF_THROTTLE = 1 << 5, /* thermal_throttle counters */
    LLMB_INTF_TASKS = 1 << 6,    /* /proc/self/task/<tid>/stat: this process's running threads */
    LLMB_INTF_ALL = 0x7f,
};

struct llmb_intf_snap {
    unsigned known; /* enum llmb_intf_part bits */
    uint64_t t_ns;  /* CLOCK_MONOTONIC when read (tests may set it) */
    /* /proc/stat "cpu" line, in ticks of 1/hz s */
    uint64_t busy; /* user + nice + system + irq + softirq (guest is inside user) */
    uint64_t idle; /* idle + iowait */
    uint64_t steal;
    int n_cpus; /* "cpuN" lines */
    int procs_running;
    uint64_t self_ticks; /* utime + stime of this process */
    int self_running;    /* threads of this process in state R */
    double load1;
    uint64_t swap_pages; /* pswpin + pswpout */
    double freq_khz;     /* mean scaling_cur_freq of the CPUs that have one */
    char governor[32];
    uint64_t throttle_core;    /* sum of the CPUs' core_throttle_count */
    uint64_t throttle_package; /* largest package_throttle_count (one per package, seen by each CPU) */
    long hz;                   /* ticks per second (sysconf(_SC_CLK_TCK)) */
};

/* Reads the parts asked (enum llmb_intf_part) under root (NULL or "/":
 * this machine); what cannot be read stays unknown. Never fails. */
void llmb_intf_read(const char *root, unsigned parts, struct llmb_intf_snap *s);

/* What happened between two snapshots a (earlier) and b. */
struct llmb_intf_delta {
    int others_known, steal_known, swap_known, throttle_known;
    double wall_s;
    double others_cores;     /* CPU time of all but this process / wall time, in cores (>= 0) */
    double resolution_cores; /* the counters' resolution over this span: n_cpus + 1 ticks, in cores */
    double steal_pct;        /* steal / all ticks, % */
    double resolution_pct;   /* n_cpus ticks in % of all ticks */
    uint64_t swap_pages;
    uint64_t throttle_events;
};
/* Fills d from a and b (known: what both hold and what makes sense: a
 * counter that went backwards is unknown). */
void llmb_intf_delta(const struct llmb_intf_snap *a, const struct llmb_intf_snap *b, struct llmb_intf_delta *d);

#ifdef __cplusplus
}
#endif

#endif
