/* cpu.c - CPU facts: model name from /proc/cpuinfo, physical core count from
 * hwloc (cores in this process's cpuset), as llama-bench's default threads. */
#include <hwloc.h>
#include <stdio.h>
#include <string.h>

#include "llmbench/probe.h"

void llmb_probe_cpu_name(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10)) {
            char *c = strchr(line, ':');
            if (c) {
                c++;
                while (*c == ' ' || *c == '\t')
                    c++;
                c[strcspn(c, "\n")] = 0;
                snprintf(buf, len, "%s", c);
            }
            break;
        }
    }
    fclose(f);
}

int llmb_probe_cpu_physical_cores(void)
{
    hwloc_topology_t topo;
    int n = 0;
    if (hwloc_topology_init(&topo) == 0) {
        if (hwloc_topology_load(topo) == 0)
            n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
        hwloc_topology_destroy(topo);
    }
    return n > 0 ? n : 1;
}
