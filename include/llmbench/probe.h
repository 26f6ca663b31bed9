/* probe.h - facts about the machine and the process: memory high-water mark,
 * CPU name, core counts. (Energy, bandwidth and roofline probes join here.) */
#ifndef LLMBENCH_PROBE_H
#define LLMBENCH_PROBE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Resets the process's peak RSS (VmHWM) to its current RSS; 0 on success,
 * -1 where the kernel does not allow it (then the peak covers the whole process). */
int llmb_probe_mem_reset_peak(void);
/* Process peak RSS (VmHWM) in bytes; 0 when unknown. */
uint64_t llmb_probe_mem_peak_rss(void);
/* Current RSS (VmRSS) in bytes; 0 when unknown. */
uint64_t llmb_probe_mem_rss(void);

/* CPU model name ("AMD EPYC 7763 64-Core Processor"), or "unknown". */
void llmb_probe_cpu_name(char *buf, size_t len);
/* Physical cores available to this process (at least 1). */
int llmb_probe_cpu_physical_cores(void);

#ifdef __cplusplus
}
#endif

#endif
