/* dryrun.c - `--dry-run` of the run commands (runctl.h): the test matrix
 * as the command built it, one row per instance, and the library's rough
 * estimate of duration, memory and disk; a plan that needs more memory than
 * the machine has available is refused here, before anything starts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "llmbench/plan_estimate.h"
#include "runctl.h"

unsigned long long llmb_cli_mem_available(void)
{
    const char *root = getenv("LLMBENCH_PROCFS_ROOT"); /* tests: a fake /proc */
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/proc/meminfo", root ? root : "");
    FILE *f = fopen(path, "r");
    unsigned long long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb * 1024ull;
}

int llmb_cli_run_dry(const struct llmb_cli_run *r, const struct llmb_instance *inst, size_t n, struct llmb_error *err)
{
    struct llmb_plan_estimate e;
    int runs = r->runs_per_test > 0 ? r->runs_per_test : 1;
    llmb_plan_estimate(inst, n, runs, &e);
    char mem[32], avail[32], disk[32];
    unsigned long long have = llmb_cli_mem_available();
    llmb_fmt_bytes(mem, sizeof mem, (double)e.mem_bytes);
    llmb_fmt_bytes(avail, sizeof avail, (double)have);
    if (e.disk_bytes)
        llmb_fmt_bytes(disk, sizeof disk, (double)e.disk_bytes);
    else
        snprintf(disk, sizeof disk, "0 B");
    if (have && e.mem_bytes > have)
        return llmb_error_set(err, LLMB_E_INVAL,
                              "the plan needs about %s of memory (its largest model and KV "
                              "cache), %s is available",
                              mem, avail);
    if (r->dry_run == 2)
        return LLMB_OK;
    printf("# %zu test instances (model | test | parameters)\n", n);
    for (size_t i = 0; i < n; i++) {
        char row[1024];
        llmb_instance_describe(&inst[i], row, sizeof row);
        printf("%zu | %s\n", i + 1, row);
    }
    int s = (int)(e.seconds + 0.5);
    printf("# estimate: %dh%02dm%02ds (%d run%s per test; assumes %.0f GB/s of weights read per generated token), "
           "memory %s (%s available), disk %s besides the store",
           s / 3600, s / 60 % 60, s % 60, runs, runs == 1 ? "" : "s", LLMB_EST_BANDWIDTH_BPS / 1e9, mem,
           have ? avail : "unknown", disk);
    if (e.n_unknown)
        printf("; %zu tests of models that are not files are not counted", e.n_unknown);
    printf("\n");
    return fflush(stdout) ? llmb_error_set(err, LLMB_E_IO, "cannot write to standard output") : LLMB_OK;
}
