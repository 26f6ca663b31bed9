/* rapl.c - RAPL energy counters through the Linux powercap tree under a
 * root: every intel-rapl:N (package) and intel-rapl:N:M (core, uncore,
 * dram) domain, read in microjoules, with the counter's wrap-around at
 * max_energy_range_uj; a counter that goes backwards far from its range
 * (a reset, a bad file) is refused, never turned into a figure. Since
 * Linux 5.10 energy_uj is readable by root only: that is said. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "llmbench/energy.h"
#include "llmbench/hw.h"

static int read_uj(const char *root, const struct llmb_rapl_domain *d, uint64_t *v)
{
    char p[128];
    snprintf(p, sizeof p, "%s/energy_uj", d->path);
    return llmb_sysfs_u64(root, p, v);
}

int llmb_rapl_open(const char *root, struct llmb_rapl *r)
{
    memset(r, 0, sizeof *r);
    r->root = root;
    char dir[4096];
    llmb_sysfs_path(root, "/sys/class/powercap", dir, sizeof dir);
    DIR *dh = opendir(dir);
    if (!dh) {
        int e = errno, vm = 0;
        char line[4096];
        FILE *f = llmb_sysfs_open(root, "/proc/cpuinfo");
        while (f && !vm && fgets(line, sizeof line, f))
            vm = !strncmp(line, "flags", 5) && strstr(line, " hypervisor");
        if (f)
            fclose(f);
        if (e == EACCES)
            snprintf(r->reason, sizeof r->reason, "no RAPL: /sys/class/powercap not readable (permission denied)");
        else if (vm)
            snprintf(r->reason, sizeof r->reason, "no RAPL in this VM (no /sys/class/powercap)");
        else
            snprintf(r->reason, sizeof r->reason,
                     "no RAPL (no /sys/class/powercap: the intel_rapl driver is not loaded)");
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(dh)) && r->n < LLMB_RAPL_MAX) {
        if (strncmp(e->d_name, "intel-rapl:", 11))
            continue;
        struct llmb_rapl_domain *d = &r->d[r->n];
        memset(d, 0, sizeof *d);
        snprintf(d->path, sizeof d->path, "/sys/class/powercap/%.60s", e->d_name);
        char p[160];
        snprintf(p, sizeof p, "%s/name", d->path);
        if (llmb_sysfs_read(root, p, d->name, sizeof d->name))
            continue;
        snprintf(p, sizeof p, "%s/max_energy_range_uj", d->path);
        llmb_sysfs_u64(root, p, &d->max_range);
        r->n++;
    }
    closedir(dh);
    if (!r->n) {
        snprintf(r->reason, sizeof r->reason, "no RAPL domains in /sys/class/powercap");
        return -1;
    }
    /* sorted by path: package before its subdomains, stable output */
    for (int i = 1; i < r->n; i++)
        for (int j = i; j > 0 && strcmp(r->d[j - 1].path, r->d[j].path) > 0; j--) {
            struct llmb_rapl_domain t = r->d[j];
            r->d[j] = r->d[j - 1];
            r->d[j - 1] = t;
        }
    for (int i = 0; i < r->n; i++) {
        int rc = read_uj(root, &r->d[i], &r->d[i].last);
        if (rc) {
            snprintf(r->reason, sizeof r->reason, "RAPL %s/energy_uj %s", r->d[i].path,
                     rc == -EACCES ? "not readable: permission denied (root only since Linux 5.10)" : "unreadable");
            return -1;
        }
    }
    return 0;
}

int llmb_rapl_sample(struct llmb_rapl *r)
{
    int bad = 0;
    for (int i = 0; i < r->n; i++) {
        struct llmb_rapl_domain *d = &r->d[i];
        uint64_t v;
        int rc = read_uj(r->root, d, &v);
        if (rc) {
            snprintf(r->reason, sizeof r->reason, "RAPL %s/energy_uj %s mid-test", d->path,
                     rc == -EACCES ? "became unreadable: permission denied" : "became unreadable");
            bad = 1;
            continue;
        }
        if (v >= d->last)
            d->joules += (double)(v - d->last) * 1e-6;
        else if (d->max_range && d->last > d->max_range / 2 && v <= d->max_range) /* wrapped */
            d->joules += (double)(d->max_range - d->last + v) * 1e-6;
        else {
            d->broken = 1;
            snprintf(r->reason, sizeof r->reason, "RAPL %s counter went backwards (%llu after %llu uJ): no figure",
                     d->name, (unsigned long long)v, (unsigned long long)d->last);
            bad = 1;
        }
        d->last = v;
    }
    return bad ? -1 : 0;
}

double llmb_rapl_joules(const struct llmb_rapl *r)
{
    double j = 0;
    int any = 0;
    for (int i = 0; i < r->n; i++) {
        const struct llmb_rapl_domain *d = &r->d[i];
        int top = !strchr(d->path + strlen("/sys/class/powercap/intel-rapl:"), ':');
        if (!top && strcmp(d->name, "dram"))
            continue; /* core, uncore: inside the package */
        if (d->broken)
            return NAN;
        j += d->joules;
        any = 1;
    }
    return any ? j : NAN;
}
