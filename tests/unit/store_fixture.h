/* store_fixture.h - what the unit tests of modules reading the store
 * (analysis, report) build their stores from: a speed result of a pp64+tg16
 * test with made-up timings, a temporary store, and a complete run holding
 * results. Included by one test file each (static functions); cmocka's
 * headers come first. */
#ifndef LLMB_TESTS_STORE_FIXTURE_H
#define LLMB_TESTS_STORE_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmbench/quality.h"
#include "llmbench/stats.h"
#include "llmbench/store.h"

/* A stored test as the tests build it: the result, its repetitions' times
 * (which r points at), and a quality test's spec. */
struct fixture {
    struct llmb_result r;
    uint64_t total[64], pp[64], tg[64], ttft[64];
    struct llmb_quality_spec q;
};

/* f: a pp64+tg16 test of model m at t threads, reps (at most 64)
 * repetitions of ns ns (scaled by 1 + i/100), half prompt, half
 * generation, the first token 1 us after the prompt. */
static void fixture_speed(struct fixture *f, const char *m, int t, size_t reps, double ns)
{
    memset(f, 0, sizeof *f);
    struct llmb_result *r = &f->r;
    r->inst = (struct llmb_instance){.model = m,
                                     .n_gpu_layers = -1,
                                     .n_batch = 2048,
                                     .n_ubatch = 512,
                                     .type_k = "f16",
                                     .type_v = "f16",
                                     .flash_attn = -1,
                                     .n_threads = t,
                                     .n_prompt = 64,
                                     .n_gen = 16};
    snprintf(r->model.path, sizeof r->model.path, "%s", m);
    snprintf(r->model.desc, sizeof r->model.desc, "llama 1M Q4_0");
    r->applied = (struct llmb_context_info){.n_ctx = 80,
                                            .n_batch = 2048,
                                            .n_ubatch = 512,
                                            .n_threads = t,
                                            .type_k = "f16",
                                            .type_v = "f16",
                                            .flash_attn = -1};
    assert_true(reps <= 64);
    r->n_samples = reps;
    r->total_ns = f->total, r->pp_ns = f->pp, r->tg_ns = f->tg, r->ttft_ns = f->ttft;
    double ts[64], pp[64], tg[64];
    for (size_t i = 0; i < reps; i++) {
        f->total[i] = (uint64_t)(ns * (1.0 + (double)i / 100));
        f->pp[i] = f->total[i] / 2;
        f->tg[i] = f->total[i] - f->pp[i];
        f->ttft[i] = f->pp[i] + 1000;
        ts[i] = 1e9 * 80 / (double)f->total[i];
        pp[i] = 1e9 * 64 / (double)f->pp[i];
        tg[i] = 1e9 * 16 / (double)f->tg[i];
    }
    llmb_stats_compute(ts, reps, &r->ts);
    llmb_stats_compute(pp, reps, &r->pp_ts);
    llmb_stats_compute(tg, reps, &r->tg_ts);
    r->peak_rss = 100000000;
}

struct fixture_db {
    char dir[64], path[128];
    struct llmb_store *s;
};

/* A new store in a temporary folder named after prefix ("/tmp/llmb_x_XXXXXX"). */
static void fixture_db_open(struct fixture_db *d, const char *prefix)
{
    snprintf(d->dir, sizeof d->dir, "%s", prefix);
    assert_non_null(mkdtemp(d->dir));
    snprintf(d->path, sizeof d->path, "%s/results.db", d->dir);
    struct llmb_store_params p = llmb_store_default_params();
    struct llmb_error e = {0};
    if (llmb_store_open(d->path, &p, &d->s, &e))
        fail_msg("open: %s", e.msg);
}

static void fixture_db_close(struct fixture_db *d)
{
    llmb_store_close(d->s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
    assert_int_equal(system(cmd), 0);
}

/* A complete run tagged tag holding f[0..n); its id. */
static int64_t fixture_run(struct fixture_db *d, const char *tag, const struct fixture *f, size_t n)
{
    struct llmb_run_info ri = {.command = "llmbench bench", .tags = tag, .plan_hash = tag, .n_planned = n};
    struct llmb_error e = {0};
    int64_t id = 0;
    if (llmb_store_begin_run(d->s, &ri, &id, &e))
        fail_msg("begin: %s", e.msg);
    for (size_t i = 0; i < n; i++)
        if (llmb_store_put_result(d->s, id, &f[i].r, &e))
            fail_msg("put: %s", e.msg);
    if (llmb_store_end_run(d->s, id, LLMB_RUN_COMPLETE, &e))
        fail_msg("end: %s", e.msg);
    return id;
}

#endif
