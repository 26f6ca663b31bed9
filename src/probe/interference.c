/* interference.c - snapshots of what spoils a measurement (interference.h):
 * /proc/stat, /proc/self/stat and its threads, /proc/loadavg, /proc/vmstat,
 * cpufreq and thermal_throttle in sysfs, all under a root folder so tests
 * run on fixture trees; and the difference of two snapshots. Reading is
 * cheap (a few small files) and happens only between repetitions. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "llmbench/hw.h"
#include "llmbench/interference.h"

#define MAX_CPU_ID 1024

/* /proc/stat: the "cpu" line, the CPUs, procs_running; returns the highest CPU id + 1 (0: none) */
static int read_stat(const char *root, struct llmb_intf_snap *s)
{
    FILE *f = llmb_sysfs_open(root, "/proc/stat");
    if (!f)
        return 0;
    char line[1024];
    int got = 0, top = 0, running = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long long v[10] = {0};
        int id;
        if (!strncmp(line, "cpu ", 4)) {
            int k = sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                           &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
            if (k >= 4) {
                s->busy = v[0] + v[1] + v[2] + v[5] + v[6];
                s->idle = v[3] + v[4];
                s->steal = k >= 8 ? v[7] : 0;
                got = 1;
            }
        } else if (sscanf(line, "cpu%d ", &id) == 1 && id >= 0 && id < MAX_CPU_ID) {
            s->n_cpus++;
            if (id + 1 > top)
                top = id + 1;
        } else if (sscanf(line, "procs_running %d", &running) == 1) {
            s->procs_running = running;
        }
    }
    fclose(f);
    if (got && running >= 0)
        s->known |= LLMB_INTF_STAT;
    return top;
}

/* utime + stime of a /proc/.../stat line; the state letter into *state */
static int parse_pid_stat(const char *text, uint64_t *ticks, char *state)
{
    const char *p = strrchr(text, ')'); /* the name may hold spaces and parentheses */
    if (!p)
        return -1;
    char st;
    unsigned long long ut, stm;
    if (sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &st, &ut, &stm) != 3)
        return -1;
    if (ticks)
        *ticks = ut + stm;
    if (state)
        *state = st;
    return 0;
}

static void read_self(const char *root, struct llmb_intf_snap *s)
{
    char b[1024];
    if (!llmb_sysfs_read(root, "/proc/self/stat", b, sizeof b) && !parse_pid_stat(b, &s->self_ticks, NULL))
        s->known |= LLMB_INTF_SELF;
}

static void read_tasks(const char *root, struct llmb_intf_snap *s)
{
    char dir[4096], p[4160], b[1024];
    llmb_sysfs_path(root, "/proc/self/task", dir, sizeof dir);
    DIR *d = opendir(dir);
    if (!d)
        return;
    int n = 0, any = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(p, sizeof p, "/proc/self/task/%.64s/stat", e->d_name);
        char st;
        if (!llmb_sysfs_read(root, p, b, sizeof b) && !parse_pid_stat(b, NULL, &st)) {
            any = 1;
            n += st == 'R';
        }
    }
    closedir(d);
    if (any) {
        s->self_running = n;
        s->known |= LLMB_INTF_TASKS;
    }
}

static void read_loadavg(const char *root, struct llmb_intf_snap *s)
{
    char b[256];
    if (!llmb_sysfs_read(root, "/proc/loadavg", b, sizeof b) && sscanf(b, "%lf", &s->load1) == 1 && s->load1 >= 0)
        s->known |= LLMB_INTF_LOADAVG;
}

static void read_vmstat(const char *root, struct llmb_intf_snap *s)
{
    FILE *f = llmb_sysfs_open(root, "/proc/vmstat");
    if (!f)
        return;
    char line[256];
    unsigned long long v;
    int got = 0;
    while (got < 2 && fgets(line, sizeof line, f)) {
        if (sscanf(line, "pswpin %llu", &v) == 1 || sscanf(line, "pswpout %llu", &v) == 1) {
            s->swap_pages += v;
            got++;
        }
    }
    fclose(f);
    if (got == 2)
        s->known |= LLMB_INTF_VMSTAT;
}

static void read_cpus(const char *root, unsigned parts, int top, struct llmb_intf_snap *s)
{
    char p[160];
    double sum = 0;
    int n_freq = 0, n_thr = 0;
    for (int c = 0; c < top; c++) {
        uint64_t v;
        if (parts & LLMB_INTF_FREQ) {
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", c);
            if (!llmb_sysfs_u64(root, p, &v) && v > 0) {
                sum += (double)v;
                n_freq++;
            }
            if (!s->governor[0]) {
                snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);
                llmb_sysfs_read(root, p, s->governor, sizeof s->governor);
            }
        }
        if (parts & LLMB_INTF_THROTTLE) {
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/thermal_throttle/core_throttle_count", c);
            if (!llmb_sysfs_u64(root, p, &v)) {
                s->throttle_core += v;
                n_thr++;
            }
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/thermal_throttle/package_throttle_count", c);
            if (!llmb_sysfs_u64(root, p, &v) && v > s->throttle_package)
                s->throttle_package = v;
        }
    }
    if (n_freq) {
        s->freq_khz = sum / n_freq;
        s->known |= LLMB_INTF_FREQ;
    }
    if (n_thr)
        s->known |= LLMB_INTF_THROTTLE;
}

void llmb_intf_read(const char *root, unsigned parts, struct llmb_intf_snap *s)
{
    memset(s, 0, sizeof *s);
    s->t_ns = llmb_clock_ns();
    long hz = sysconf(_SC_CLK_TCK);
    s->hz = hz > 0 ? hz : 100;
    int top = 0;
    if (parts & (LLMB_INTF_STAT | LLMB_INTF_FREQ | LLMB_INTF_THROTTLE))
        top = read_stat(root, s);
    if (!(parts & LLMB_INTF_STAT))
        s->known &= ~(unsigned)LLMB_INTF_STAT;
    if (parts & LLMB_INTF_SELF)
        read_self(root, s);
    if (parts & LLMB_INTF_TASKS)
        read_tasks(root, s);
    if (parts & LLMB_INTF_LOADAVG)
        read_loadavg(root, s);
    if (parts & LLMB_INTF_VMSTAT)
        read_vmstat(root, s);
    if (parts & (LLMB_INTF_FREQ | LLMB_INTF_THROTTLE))
        read_cpus(root, parts, top, s);
}

void llmb_intf_delta(const struct llmb_intf_snap *a, const struct llmb_intf_snap *b, struct llmb_intf_delta *d)
{
    memset(d, 0, sizeof *d);
    unsigned k = a->known & b->known;
    d->wall_s = b->t_ns > a->t_ns ? (double)(b->t_ns - a->t_ns) / 1e9 : 0;
    double hz = (double)(b->hz > 0 ? b->hz : 100);
    if ((k & LLMB_INTF_STAT) && b->busy >= a->busy && b->idle >= a->idle && b->steal >= a->steal) {
        double busy = (double)(b->busy - a->busy), steal = (double)(b->steal - a->steal);
        double all = busy + (double)(b->idle - a->idle) + steal;
        int n = b->n_cpus > 0 ? b->n_cpus : 1;
        if ((k & LLMB_INTF_SELF) && b->self_ticks >= a->self_ticks && d->wall_s > 0) {
            double others = busy - (double)(b->self_ticks - a->self_ticks);
            d->others_cores = others > 0 ? others / hz / d->wall_s : 0;
            d->resolution_cores = (n + 1) / hz / d->wall_s;
            d->others_known = 1;
        }
        if (all > 0) {
            d->steal_pct = 100.0 * steal / all;
            d->resolution_pct = 100.0 * n / all;
            d->steal_known = 1;
        }
    }
    if ((k & LLMB_INTF_VMSTAT) && b->swap_pages >= a->swap_pages) {
        d->swap_pages = b->swap_pages - a->swap_pages;
        d->swap_known = 1;
    }
    if ((k & LLMB_INTF_THROTTLE) && b->throttle_core >= a->throttle_core &&
        b->throttle_package >= a->throttle_package) {
        d->throttle_events = (b->throttle_core - a->throttle_core) + (b->throttle_package - a->throttle_package);
        d->throttle_known = 1;
    }
}
