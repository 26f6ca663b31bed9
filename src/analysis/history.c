/* history.c - the between-run spread of one configuration's runs in the
 * store (history.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "history.h"
#include "llmbench/stats.h"

int llmb_history_cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int llmb_history_push(double **x, size_t *n, size_t *cap, double v)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        double *t = realloc(*x, c * sizeof *t);
        if (!t)
            return -1;
        *x = t;
        *cap = c;
    }
    (*x)[(*n)++] = v;
    return 0;
}

int llmb_history_spread(const struct llmb_store_record *hist, size_t n, const char *key, const char *host, int metric,
                        const int64_t *skip, size_t n_skip, struct llmb_compare_spread *sp, size_t *runs)
{
    size_t cap = 0, n_run = 0;
    struct hrun {
        int64_t id;
        const char *build;
        double *x;
        size_t n, cap;
        double med;
    } *hr = NULL;
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const struct llmb_store_record *h = &hist[i];
        if (h->r.error || strcmp(h->instance_key, key) || strcmp(h->host, host) ||
            (n_skip && bsearch(&h->run_id, skip, n_skip, sizeof *skip, llmb_history_cmp_id)))
            continue;
        size_t j = 0;
        while (j < n_run && hr[j].id != h->run_id)
            j++;
        if (j == n_run) {
            if (n_run == cap) {
                struct hrun *t = realloc(hr, (cap = cap ? 2 * cap : 8) * sizeof *t);
                if (!t) {
                    rc = -1;
                    break;
                }
                hr = t;
            }
            hr[n_run++] = (struct hrun){.id = h->run_id, .build = h->r.model.build_commit};
        }
        for (size_t k = 0; !rc && k < h->r.n_samples; k++) {
            double v = llmb_fig_sample(&h->r, metric, k);
            if (!isnan(v))
                rc = llmb_history_push(&hr[j].x, &hr[j].n, &hr[j].cap, v);
        }
    }
    double *m = malloc((n_run ? n_run : 1) * sizeof *m);
    rc = rc || !m;
    for (size_t j = 0; !rc && j < n_run; j++)
        hr[j].med = hr[j].n ? llmb_stats_median(hr[j].x, hr[j].n) : NAN;
    for (size_t j = 0; !rc && j < n_run; j++) { /* one group per build, at its first run */
        size_t k = 0, first = 1;
        for (size_t i = 0; i < j && first; i++)
            first = strcmp(hr[i].build, hr[j].build) != 0;
        if (!first)
            continue;
        for (size_t i = j; i < n_run; i++)
            if (!strcmp(hr[i].build, hr[j].build) && isfinite(hr[i].med) && hr[i].med > 0)
                m[k++] = hr[i].med;
        llmb_compare_spread_add(sp, m, k);
        *runs += k;
    }
    for (size_t j = 0; j < n_run; j++)
        free(hr[j].x);
    free(hr);
    free(m);
    return rc ? -1 : 0;
}
