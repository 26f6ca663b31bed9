/* hw.c - the hardware snapshot a run is stored with: CPU name and cores
 * (from the probes), memory, OS release, kernel and machine. GPU facts come
 * later, from the engine's description of the first result. The whole
 * snapshot (src/probe/hw.c) goes with it as JSON. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "llmbench/hw.h"
#include "llmbench/probe.h"
#include "llmbench/store.h"

/* dst = a b (b may be NULL), cut to fit. */
static void join(char *dst, size_t len, const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n >= len)
        n = len - 1;
    memcpy(dst, a, n);
    dst[n] = 0;
    if (b && n + 1 < len) {
        dst[n] = ' ';
        join(dst + n + 1, len - n - 1, b, NULL);
    }
}

void llmb_store_hw_detect(struct llmb_store_hw *hw)
{
    memset(hw, 0, sizeof *hw);
    llmb_probe_cpu_name(hw->cpu_name, sizeof hw->cpu_name);
    hw->cpu_cores = llmb_probe_cpu_physical_cores();
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        hw->mem_total = (uint64_t)pages * (uint64_t)page;
    llmb_probe_os_name(NULL, hw->os, sizeof hw->os);
    struct utsname u;
    if (uname(&u) == 0) {
        join(hw->kernel, sizeof hw->kernel, u.sysname, u.release);
        join(hw->machine, sizeof hw->machine, u.machine, NULL);
    }
}

char *llmb_store_hw_details(void)
{
    static struct llmb_hw hw; /* large; runs begin one at a time */
    llmb_hw_snapshot(NULL, LLMB_HW_ALL, &hw);
    return llmb_hw_json(&hw, NULL, 0);
}
