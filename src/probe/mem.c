/* mem.c - process memory probe: RSS and its high-water mark from
 * /proc/self/status, and resetting the mark through /proc/self/clear_refs so
 * that each test instance reports its own peak. */
#include <stdio.h>
#include <string.h>

#include "llmbench/probe.h"

static uint64_t status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    size_t klen = strlen(key);
    uint64_t kb = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, key, klen) && line[klen] == ':') {
            unsigned long long v;
            if (sscanf(line + klen + 1, "%llu", &v) == 1)
                kb = v;
            break;
        }
    }
    fclose(f);
    return kb;
}

int llmb_probe_mem_reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

uint64_t llmb_probe_mem_peak_rss(void)
{
    return status_kb("VmHWM") * 1024;
}

uint64_t llmb_probe_mem_rss(void)
{
    return status_kb("VmRSS") * 1024;
}
