/* test_runner.c - the runner against the null engine (src/core/runner.c):
 * repetition counts, -r auto stopping rules, KV resets (observed by the
 * null engine's bounded cache), failure handling, events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "llmbench/runner.h"

struct collected {
    int    n;
    size_t samples[16];
    int    stop[16];
    int ci_mean[16];
    double ts[16];
    double pp[16], tg[16];
    double ttft[16];
};

static int collect(const struct llmb_result *r, void *user)
{
    struct collected *c = user;
    c->samples[c->n] = r->n_samples;
    c->stop[c->n] = r->stop_reason;
    c->ci_mean[c->n] = r->ci_mean;
    c->ts[c->n] = r->ts.mean;
    c->pp[c->n] = r->pp_ts.mean;
    c->tg[c->n] = r->tg_ts.mean;
    c->ttft[c->n] = r->ttft_ms.mean;
    for (size_t i = 0; i < r->n_samples; i++)
        assert_true(r->total_ns[i] > 0);
    c->n++;
    return 0;
}

static struct llmb_instance inst(const char *model, int p, int g)
{
    struct llmb_instance in = {.model = model, .n_gpu_layers = -1, .n_batch = 2048, .n_ubatch = 512,
                               .type_k = "f16", .type_v = "f16", .flash_attn = -1, .n_threads = 1,
                               .n_prompt = p, .n_gen = g};
    return in;
}

static void test_fixed(void **state)
{
    (void)state;
    const struct llmb_engine_ops *e = llmb_engine_find("null");
    assert_non_null(e);
    struct llmb_instance v[3] = {inst("null:pp_us=10:tg_us=200", 64, 0), inst("null:pp_us=10:tg_us=200", 0, 16),
                                 inst("null:pp_us=10:tg_us=200", 32, 8)};
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = 3;
    struct collected c = {0};
    struct llmb_runner_hooks h = {.on_result = collect, .user = &c};
    struct llmb_error err = {0};
    assert_int_equal(llmb_runner_run(e, v, 3, &rp, &h, &err), 0);
    assert_int_equal(c.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(c.samples[i], 3);
        assert_int_equal(c.stop[i], LLMB_STOP_FIXED);
    }
    /* 10 us per prompt token -> ~100000 t/s at most; 200 us per gen token -> ~5000 t/s at most */
    assert_true(c.pp[0] > 20000 && c.pp[0] <= 100000 * 1.01);
    assert_true(c.tg[1] > 1000 && c.tg[1] <= 5000 * 1.01);
    /* pg: TTFT covers the prompt and the first token: >= 32*10 + 200 us */
    assert_true(c.ttft[2] >= 0.52);
    /* tg-only: TTFT is one decode */
    assert_true(c.ttft[1] >= 0.2 && c.ttft[1] < 5.0);
}

static void test_auto_converges(void **state)
{
    (void)state;
    const struct llmb_engine_ops *e = llmb_engine_find("null");
    struct llmb_instance v = inst("null:tg_us=300", 0, 20);
    struct llmb_run_params rp = llmb_run_default_params();
    rp.auto_reps = 1;
    rp.ci_target_pct = 50; /* a steady engine meets a loose target quickly */
    struct collected c = {0};
    struct llmb_runner_hooks h = {.on_result = collect, .user = &c};
    assert_int_equal(llmb_runner_run(e, &v, 1, &rp, &h, NULL), 0);
    assert_int_equal(c.stop[0], LLMB_STOP_CONVERGED);
    assert_true(c.samples[0] >= 3 && c.samples[0] < 50);
}

/* --ci-stat reaches the result (the rule itself: test_stats). */
static void test_auto_ci_stat(void **state)
{
    (void)state;
    const struct llmb_engine_ops *e = llmb_engine_find("null");
    struct llmb_instance v = inst("null:tg_us=100", 0, 1);
    struct llmb_run_params rp = llmb_run_default_params();
    rp.auto_reps = 1;
    rp.ci_target_pct = 1e6;
    rp.ci_mean = 1;
    struct collected c = {0};
    struct llmb_runner_hooks h = {.on_result = collect, .user = &c};
    assert_int_equal(llmb_runner_run(e, &v, 1, &rp, &h, NULL), 0);
    assert_int_equal(c.stop[0], LLMB_STOP_CONVERGED);
    assert_int_equal(c.ci_mean[0], 1);
}

static void test_auto_caps(void **state)
{
    (void)state;
    const struct llmb_engine_ops *e = llmb_engine_find("null");
    /* +-90% noise on every step: 0.01% is out of reach */
    struct llmb_instance v = inst("null:tg_us=100:jitter=0.9", 0, 2);
    struct llmb_run_params rp = llmb_run_default_params();
    rp.auto_reps = 1;
    rp.ci_target_pct = 0.01;
    rp.max_reps = 7;
    struct collected c = {0};
    struct llmb_runner_hooks h = {.on_result = collect, .user = &c};
    assert_int_equal(llmb_runner_run(e, &v, 1, &rp, &h, NULL), 0);
    assert_int_equal(c.stop[0], LLMB_STOP_MAX_REPS);
    assert_int_equal(c.samples[0], 7);

    /* time budget: 20 ms per repetition, 0.1 s budget, far more reps allowed */
    v = inst("null:tg_us=10000:jitter=0.9", 0, 2);
    rp.max_reps = 1000;
    rp.max_time_s = 0.1;
    memset(&c, 0, sizeof c);
    assert_int_equal(llmb_runner_run(e, &v, 1, &rp, &h, NULL), 0);
    assert_int_equal(c.stop[0], LLMB_STOP_MAX_TIME);
    assert_true(c.samples[0] >= 3 && c.samples[0] <= 10);
}

static void test_failure_keeps_earlier(void **state)
{
    (void)state;
    const struct llmb_engine_ops *e = llmb_engine_find("null");
    /* the model is kept across instances; the 30th decode fails: warm-up 1 + 2x(8) per test */
    struct llmb_instance v[3] = {inst("null:tg_us=10:fail_at=30", 0, 8), inst("null:tg_us=10:fail_at=30", 0, 8),
                                 inst("null:tg_us=10:fail_at=30", 0, 8)};
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = 2;
    struct collected c = {0};
    struct llmb_runner_hooks h = {.on_result = collect, .user = &c};
    struct llmb_error err = {0};
    assert_int_equal(llmb_runner_run(e, v, 3, &rp, &h, &err), LLMB_E_ENGINE);
    assert_int_equal(c.n, 1);
    assert_non_null(strstr(err.msg, "fail_at"));
}

static void test_bad_engine_model(void **state)
{
    (void)state;
    const struct llmb_engine_ops *e = llmb_engine_find("null");
    struct llmb_instance v = inst("nope", 1, 0);
    struct llmb_run_params rp = llmb_run_default_params();
    struct llmb_error err = {0};
    assert_int_equal(llmb_runner_run(e, &v, 1, &rp, NULL, &err), LLMB_E_MODEL);
    assert_non_null(strstr(err.msg, "nope"));
    rp.reps = 0;
    assert_int_equal(llmb_runner_run(e, &v, 1, &rp, NULL, &err), LLMB_E_INVAL);
}

/* The null engine keeps a KV cache of the context's size, as llama.cpp:
 * tokens past it are refused. Five repetitions of a test that fills its
 * context exactly pass only because the runner clears the cache before each. */
static void test_kv_reset_between_reps(void **state)
{
    (void)state;
    const struct llmb_engine_ops *e = llmb_engine_find("null");
    struct llmb_instance v[2] = {inst("null:pp_us=1:tg_us=1", 48, 16), inst("null:pp_us=1:tg_us=1", 32, 0)};
    v[0].n_depth = 64;
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = 5;
    struct collected c = {0};
    struct llmb_runner_hooks h = {.on_result = collect, .user = &c};
    struct llmb_error err = {0};
    assert_int_equal(llmb_runner_run(e, v, 2, &rp, &h, &err), 0);
    assert_int_equal(c.n, 2);
    /* what a missing reset would meet: the engine refuses the second repetition's tokens */
    void *st;
    struct llmb_model_params mp = {.path = "null", .n_gpu_layers = -1};
    assert_int_equal(e->open(&mp, &st, &err), 0);
    struct llmb_context_params cp = {.n_ctx = 40, .n_batch = 2048, .n_ubatch = 512, .type_k = "f16",
                                     .type_v = "f16", .flash_attn = -1, .n_threads = 1};
    struct llmb_context_info ap;
    int32_t tok[32] = {0};
    assert_int_equal(e->context(st, &cp, &ap, &err), 0);
    assert_int_equal(e->prefill(st, tok, 32, 2048, &err), 0);
    assert_int_equal(e->decode(st, 1, &err), 0);
    assert_int_equal(e->prefill(st, tok, 32, 2048, &err), LLMB_E_ENGINE);
    assert_non_null(strstr(err.msg, "reset"));
    assert_int_equal(e->reset(st), 0);
    assert_int_equal(e->prefill(st, tok, 32, 2048, &err), 0);
    e->close(st);
}

/* Events: each instance started, its progress and samples, then finished;
 * nothing after a failure but its instance_failed; run started/finished
 * frame them (llmb_runner_execute). */
struct evlog {
    int types[512];
    int n, samples, finished, failed;
    size_t index[512];
};

static void on_event(const struct llmb_event *ev, void *user)
{
    struct evlog *l = user;
    if (l->n < 512) {
        l->index[l->n] = ev->index;
        l->types[l->n++] = ev->type;
    }
    l->samples += ev->type == LLMB_EV_SAMPLE;
    l->finished += ev->type == LLMB_EV_INSTANCE_FINISHED;
    l->failed += ev->type == LLMB_EV_INSTANCE_FAILED;
    if (ev->type == LLMB_EV_INSTANCE_FINISHED)
        assert_non_null(ev->result);
}

static void test_events(void **state)
{
    (void)state;
    const struct llmb_engine_ops *e = llmb_engine_find("null");
    struct llmb_instance v[3] = {inst("null:pp_us=1:tg_us=1", 16, 0), inst("null:pp_us=1:tg_us=1", 0, 4),
                                 inst("null:pp_us=1:tg_us=1:fail_at=9", 0, 4)};
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = 3;
    struct evlog l = {0};
    struct llmb_runner_hooks h = {.on_event = on_event, .user = &l};
    struct llmb_exec_params xp = llmb_exec_default_params();
    xp.isolate = 1;
    xp.n_planned = 5; /* two were stored before: these are instances 2..4 */
    struct llmb_error err = {0};
    assert_int_equal(llmb_runner_execute(e, v, 3, &rp, &xp, &h, &err), 0);
    assert_int_equal(l.types[0], LLMB_EV_RUN_STARTED);
    assert_int_equal(l.types[l.n - 1], LLMB_EV_RUN_FINISHED);
    assert_int_equal(l.samples, 7); /* 3 + 3, and the failing test's first repetition */
    assert_int_equal(l.finished, 2);
    assert_int_equal(l.failed, 1);
    int open = -1;
    for (int i = 1; i < l.n - 1; i++) {
        assert_true(l.index[i] >= 2 && l.index[i] <= 4);
        if (l.types[i] == LLMB_EV_INSTANCE_STARTED) {
            assert_int_equal(open, -1);
            open = (int)l.index[i];
        } else {
            assert_int_equal((int)l.index[i], open);
            if (l.types[i] == LLMB_EV_INSTANCE_FINISHED || l.types[i] == LLMB_EV_INSTANCE_FAILED)
                open = -1;
        }
    }
    assert_int_equal(open, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_auto_converges),
        cmocka_unit_test(test_auto_ci_stat),
        cmocka_unit_test(test_auto_caps),
        cmocka_unit_test(test_failure_keeps_earlier),
        cmocka_unit_test(test_bad_engine_model),
        cmocka_unit_test(test_kv_reset_between_reps),
        cmocka_unit_test(test_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
