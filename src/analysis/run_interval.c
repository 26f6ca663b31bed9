/* run_interval.c - how far a run's median t/s may be from its
 * configuration's typical speed on the machine (analysis.h,
 * llmb_run_interval; docs/metrics.md, Between runs). A run's samples share
 * the state the machine was in during that run, so their own interval says
 * how well the run measured itself, not the configuration: the store's
 * earlier runs of the same test on the same host and build say how much
 * run medians move, and the prior stands in until there are enough. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "llmbench/analysis.h"
#include "llmbench/stats.h"

/* The spread of the configuration's earlier runs on run_id's host. */
static int history(struct llmb_store *st, int64_t run_id, const char *key, struct llmb_compare_spread *sp, size_t *runs,
                   struct llmb_error *err)
{
    struct llmb_store_filter f;
    memset(&f, 0, sizeof f);
    f.run_id = run_id;
    struct llmb_store_run *run = NULL;
    size_t n_run = 0;
    int rc = llmb_store_list_runs(st, &f, &run, &n_run, err);
    if (rc || n_run == 0) {
        free(run);
        return rc;
    }
    char host[sizeof run->host];
    memcpy(host, run->host, sizeof host);
    free(run);
    memset(&f, 0, sizeof f);
    snprintf(f.kind, sizeof f.kind, "speed");
    snprintf(f.key, sizeof f.key, "%s", key);
    f.complete_only = 1;
    struct llmb_store_record *recs = NULL;
    size_t n = 0;
    if ((rc = llmb_store_query(st, &f, &recs, &n, err)))
        return rc;
    if (llmb_history_spread(recs, n, key, host, LLMB_CM_TS, &run_id, 1, sp, runs))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    llmb_store_records_free(recs, n);
    return rc;
}

int llmb_run_interval(struct llmb_store *st, int64_t run_id, double prior_cv_pct, struct llmb_result *r,
                      struct llmb_error *err)
{
    memset(&r->runs, 0, sizeof r->runs);
    if (r->error || r->inst.kind != LLMB_WL_SPEED || r->ts.n == 0 || !(r->ts.median > 0))
        return LLMB_OK;
    struct llmb_compare_spread sp;
    memset(&sp, 0, sizeof sp);
    size_t runs = 0;
    char key[LLMB_STORE_KEY_MAX];
    int rc = st ? llmb_store_instance_key(st, &r->inst, key, sizeof key, err) : LLMB_OK;
    if (!rc && st)
        rc = history(st, run_id, key, &sp, &runs, err);
    if (rc)
        return rc;
    if (prior_cv_pct > 0)
        llmb_compare_spread_prior(&sp, prior_cv_pct / 100.0, LLMB_CMP_RUN_CV_DF);
    if (sp.df == 0)
        return LLMB_OK;
    double s = sqrt(sp.ss / (double)sp.df), h = llmb_stats_t95(sp.df) * s, m = r->ts.median;
    r->runs.lo = fmin(m * exp(-h), r->ts.median_lo);
    r->runs.hi = fmax(m * exp(h), r->ts.median_hi);
    r->runs.cv_pct = 100.0 * (exp(s) - 1);
    r->runs.runs = runs;
    r->runs.known = 1;
    return LLMB_OK;
}
