/* clock.h - the one clock of timed regions: CLOCK_MONOTONIC_RAW in ns. */
#ifndef LLMB_BASE_CLOCK_H
#define LLMB_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t llmb_clock_ns(void)
{
    struct timespec ts;
#ifdef CLOCK_MONOTONIC_RAW
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
