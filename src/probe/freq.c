/* freq.c - CPU frequency under a root: the cpufreq governor and the
 * current/min/max frequency of each cluster of alike CPUs (same ARM part,
 * same range: the big and the LITTLE cores apart). A machine without
 * cpufreq (most VMs) gets a note saying so, never a made-up figure. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "llmbench/hw.h"
#include "probe/probe_int.h"

struct cpu_freq {
    uint64_t min, max, cur;
    char gov[32];
    char part[16];
};

void llmb_hw_freq(const char *root, struct llmb_hw *hw)
{
    static unsigned char online[LLMB_HW_MAX_CPUS];
    static char parts[LLMB_HW_MAX_CPUS][16];
    static struct cpu_freq f[LLMB_HW_MAX_CPUS];
    static unsigned char member[LLMB_HW_MAX_CLUSTERS][LLMB_HW_MAX_CPUS];
    char b[256], p[160];
    memset(online, 0, sizeof online);
    memset(parts, 0, sizeof parts);
    memset(member, 0, sizeof member);
    if (llmb_sysfs_read(root, "/sys/devices/system/cpu/online", b, sizeof b) ||
        llmb_hw_cpulist_parse(b, online, LLMB_HW_MAX_CPUS) <= 0) {
        snprintf(hw->freq_note, sizeof hw->freq_note, "no CPU list in sysfs (/sys/devices/system/cpu/online)");
        return;
    }
    llmb_hw_cpu_parts(root, parts, LLMB_HW_MAX_CPUS);
    int any = 0, denied = 0;
    for (int c = 0; c < LLMB_HW_MAX_CPUS; c++) {
        if (!online[c])
            continue;
        memset(&f[c], 0, sizeof f[c]);
        snprintf(f[c].part, sizeof f[c].part, "%s", parts[c]);
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cpufreq/cpuinfo_min_freq", c);
        int r1 = llmb_sysfs_u64(root, p, &f[c].min);
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cpufreq/cpuinfo_max_freq", c);
        int r2 = llmb_sysfs_u64(root, p, &f[c].max);
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", c);
        int r3 = llmb_sysfs_u64(root, p, &f[c].cur);
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);
        int r4 = llmb_sysfs_read(root, p, f[c].gov, sizeof f[c].gov);
        any |= !r1 || !r2 || !r3 || !r4;
        denied |= r1 == -EACCES || r2 == -EACCES || r3 == -EACCES || r4 == -EACCES;
        /* join the cluster of an alike CPU (the current frequency may differ) */
        int k = 0;
        for (; k < hw->n_clusters; k++) {
            struct llmb_hw_cluster *cl = &hw->clusters[k];
            if (!strcmp(cl->part, f[c].part) && cl->min_khz == f[c].min && cl->max_khz == f[c].max &&
                !strcmp(cl->governor, f[c].gov))
                break;
        }
        if (k == hw->n_clusters) {
            if (k >= LLMB_HW_MAX_CLUSTERS)
                continue;
            struct llmb_hw_cluster *cl = &hw->clusters[hw->n_clusters++];
            snprintf(cl->part, sizeof cl->part, "%s", f[c].part);
            cl->min_khz = f[c].min;
            cl->max_khz = f[c].max;
            snprintf(cl->governor, sizeof cl->governor, "%s", f[c].gov);
        }
        member[k][c] = 1;
        hw->clusters[k].n_cpus++;
        if (f[c].cur > hw->clusters[k].cur_khz) /* the fastest CPU of the cluster now */
            hw->clusters[k].cur_khz = f[c].cur;
    }
    for (int k = 0; k < hw->n_clusters; k++)
        llmb_hw_cpulist_format(member[k], LLMB_HW_MAX_CPUS, hw->clusters[k].cpus, sizeof hw->clusters[k].cpus);
    if (denied)
        snprintf(hw->freq_note, sizeof hw->freq_note, "cpufreq files not readable (permission denied)");
    else if (!any)
        snprintf(hw->freq_note, sizeof hw->freq_note, "no cpufreq%s",
                 hw->virt[0] && strcmp(hw->virt, "none") ? " in this VM" : " (driver not loaded)");
}
