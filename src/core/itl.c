/* itl.c - inter-token latency of a speed test's generation, from its
 * per-token timeline: the gaps between consecutive generated tokens of each
 * repetition, their percentiles (linear interpolation, as vLLM reports
 * them) and the stalls, gaps longer than LLMB_ITL_STALL x the median. */
#include <math.h>
#include <stdlib.h>

#include "llmbench/result.h"
#include "llmbench/stats.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void llmb_itl_compute(const uint64_t *t, size_t reps, size_t n_gen, double *tmp, struct llmb_itl *out)
{
    *out = (struct llmb_itl){0};
    size_t n = 0;
    for (size_t r = 0; t && r < reps; r++)
        for (size_t i = 1; i < n_gen; i++) {
            uint64_t a = t[r * n_gen + i - 1], b = t[r * n_gen + i];
            tmp[n++] = b >= a ? (double)(b - a) / 1e6 : 0;
        }
    if (n == 0)
        return;
    qsort(tmp, n, sizeof *tmp, cmp_double);
    out->n = (uint32_t)n;
    out->p50_ms = llmb_stats_percentile(tmp, n, 0.50);
    out->p90_ms = llmb_stats_percentile(tmp, n, 0.90);
    out->p99_ms = llmb_stats_percentile(tmp, n, 0.99);
    out->max_ms = tmp[n - 1];
    for (size_t i = 0; i < n; i++)
        out->stalls += tmp[i] > LLMB_ITL_STALL * out->p50_ms;
}
