/* priority.c - the process's scheduling priority, as llama-bench's --prio
 * sets it (common's set_process_priority): a nice value per level. */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "llmbench/runner.h"

int llmb_runner_set_priority(int prio, struct llmb_error *err)
{
    static const int nice_of[] = {5, 0, -5, -10, -20}; /* low, normal, medium, high, realtime */
    if (prio < -1 || prio > 3)
        return llmb_error_set(err, LLMB_E_INVAL, "--prio: %d is not -1, 0, 1, 2 or 3", prio);
    if (prio == 0)
        return LLMB_OK;
    if (setpriority(PRIO_PROCESS, 0, nice_of[prio + 1]) != 0)
        return llmb_error_set(err, LLMB_E_IO, "--prio %d: failed to set process priority (nice %d): %s", prio,
                              nice_of[prio + 1], strerror(errno));
    return LLMB_OK;
}
