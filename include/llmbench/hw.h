/* hw.h - the machine a benchmark runs on, as `llmbench hw` prints it and as
 * every run stores it (hardware.details): CPU and the instruction sets
 * llama.cpp uses, topology (sockets, cores, threads, caches, NUMA nodes),
 * memory, OS/kernel/VM/container, frequency domains, the engine's devices
 * and NVIDIA GPUs through NVML. Every reader of /proc and /sys takes a root
 * folder ("/" for this machine, a fixture tree in tests). A fact that is not
 * known is 0 / "" and, where it matters, a note says why; never a guess. */
#ifndef LLMBENCH_HW_H
#define LLMBENCH_HW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LLMB_HW_MAX_CACHES 8
#define LLMB_HW_MAX_NODES 16
#define LLMB_HW_MAX_CLUSTERS 8
#define LLMB_HW_MAX_DEVICES 16
#define LLMB_HW_MAX_GPUS 8

struct llmb_hw_cache {
    int level;     /* 1, 2, 3 */
    char type[16]; /* "Data", "Instruction", "Unified" */
    uint64_t size; /* bytes, one instance */
    int count;     /* instances in the machine */
};

struct llmb_hw_node {
    int id;
    uint64_t mem_total; /* bytes; 0 unknown */
    char cpus[64];      /* "0-7" */
};

/* CPUs that share a kind and a frequency range (every CPU of a desktop; the
 * big and the LITTLE cores of an ARM SoC). */
struct llmb_hw_cluster {
    char cpus[64]; /* "0-3" */
    int n_cpus;
    char part[32];                      /* ARM "CPU part" (0xd0b), "" on x86 */
    uint64_t min_khz, max_khz, cur_khz; /* 0: unknown */
    char governor[32];                  /* "" unknown */
};

/* An NVIDIA GPU as NVML sees it; a figure NVML refuses is -1. */
struct llmb_hw_gpu {
    int index;
    char name[96];
    uint64_t mem_total, mem_used;
    int clock_sm_mhz, clock_mem_mhz, clock_sm_max_mhz;
    double power_w, power_limit_w;
    int temp_c;
    int pcie_gen, pcie_width;
};

struct llmb_hw {
    /* CPU */
    char cpu_model[128];
    char vendor[64];
    int family, model, stepping; /* -1: unknown */
    char isa[512];               /* flags llama.cpp cares about, space separated, in a fixed order */
    int sockets, cores, threads; /* 0: unknown */
    struct llmb_hw_cache caches[LLMB_HW_MAX_CACHES];
    int n_caches;
    struct llmb_hw_node nodes[LLMB_HW_MAX_NODES];
    int n_nodes;
    char topology_source[16]; /* "hwloc" or "sysfs" */
    /* memory */
    uint64_t ram_total, ram_available;
    int ram_speed_mts; /* 0: unknown (ram_note says why) */
    char ram_note[96];
    /* system */
    char os[128], kernel[128], machine[32];
    char virt[64];      /* "none", or the hypervisor ("KVM", "Microsoft Hyper-V"...) */
    char container[32]; /* "none", "docker", "podman", "lxc", "kubernetes"... */
    /* frequency */
    struct llmb_hw_cluster clusters[LLMB_HW_MAX_CLUSTERS];
    int n_clusters;
    char freq_note[96]; /* why frequencies are unknown ("no cpufreq in this VM") */
    /* devices (filled by llmb_hw_snapshot from the engine) */
    struct llmb_engine_device devices[LLMB_HW_MAX_DEVICES];
    int n_devices;
    char devices_note[96];
    /* NVML */
    struct llmb_hw_gpu gpus[LLMB_HW_MAX_GPUS];
    int n_gpus;
    char nvml_note[128]; /* "no NVML (libnvidia-ml.so.1 not found)" */
};

/* ---- sysfs / procfs under a root ----------------------------------------- */

/* Reads root/path (root NULL or "/": this machine) into buf, trailing
 * whitespace removed. Returns 0, or -errno (-ENOENT absent, -EACCES
 * permission denied). A fixture root may list, one per line in
 * root/.llmb-deny, paths that read as permission denied (tests run as root). */
int llmb_sysfs_read(const char *root, const char *path, char *buf, size_t len);
/* A whole number from root/path; -EINVAL when the file holds none. */
int llmb_sysfs_u64(const char *root, const char *path, uint64_t *v);
/* fopen(root/path, "r"), honouring .llmb-deny (errno EACCES). */
FILE *llmb_sysfs_open(const char *root, const char *path);
/* root/path into buf. */
void llmb_sysfs_path(const char *root, const char *path, char *buf, size_t len);

/* ---- the parts ------------------------------------------------------------ */

/* /proc/cpuinfo: model, vendor, family/model/stepping, ISA flags, ARM parts. */
void llmb_hw_cpuinfo(const char *root, struct llmb_hw *hw);
/* Sockets, cores, threads, caches, NUMA nodes: from sysfs under root; on
 * this machine (root "/") from hwloc, which also reads CPUID. */
void llmb_hw_topology(const char *root, struct llmb_hw *hw);
/* /proc/meminfo, DMI memory speed, os-release, kernel, VM and container. */
void llmb_hw_system(const char *root, struct llmb_hw *hw);
/* cpufreq: governor and min/cur/max per cluster of CPUs alike. */
void llmb_hw_freq(const char *root, struct llmb_hw *hw);
/* NVML through dlopen (lib NULL: libnvidia-ml.so.1, or $LLMB_NVML_LIB);
 * no library is "no NVML", noted, never an error. */
void llmb_hw_nvml(const char *lib, struct llmb_hw *hw);

/* ---- the whole snapshot ---------------------------------------------------- */

enum llmb_hw_parts {
    LLMB_HW_DEVICES = 1 << 0, /* ask the default engine for its devices */
    LLMB_HW_NVML = 1 << 1,    /* ask NVML */
    LLMB_HW_ALL = LLMB_HW_DEVICES | LLMB_HW_NVML,
};
/* Every part above, root NULL for this machine. Never fails: what cannot be
 * read is absent with a note. */
void llmb_hw_snapshot(const char *root, unsigned parts, struct llmb_hw *hw);
struct llmb_bw_result;
/* As JSON (malloc'd, caller frees; compact unless pretty), with the memory
 * bandwidth when bw is not NULL; NULL on no memory. */
char *llmb_hw_json(const struct llmb_hw *hw, const struct llmb_bw_result *bw, int pretty);
/* As text for a person (bw as above). */
void llmb_hw_print(FILE *out, const struct llmb_hw *hw, const struct llmb_bw_result *bw);

/* PRETTY_NAME of os-release under root (NULL or "/": this machine),
 * unquoted; "" when unknown. */
void llmb_probe_os_name(const char *root, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
