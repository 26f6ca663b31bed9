/* test_interference.c - the interference probe (src/probe/interference.c)
 * and the judgement of a test's conditions (src/core/conditions.c) on the
 * fake procfs/sysfs trees of tests/fixtures/procfs: each holds two moments
 * (0 and 1) two seconds apart on a 2-CPU machine. quiet: others 0.05 core;
 * busy: another process at 0.9 core; vm: 10% steal, 12 pages swapped, 3
 * throttling events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "llmbench/conditions.h"
#include "llmbench/result.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))
#define FIX LLMB_SOURCE_DIR "/tests/fixtures/procfs/"

/* The two snapshots of a tree, 2 s apart, 100 ticks a second. */
static void pair(const char *name, struct llmb_intf_snap *a, struct llmb_intf_snap *b)
{
    char p[512];
    snprintf(p, sizeof p, FIX "%s/0", name);
    llmb_intf_read(p, LLMB_INTF_ALL, a);
    snprintf(p, sizeof p, FIX "%s/1", name);
    llmb_intf_read(p, LLMB_INTF_ALL, b);
    a->t_ns = 1000000000ull;
    b->t_ns = 3000000000ull;
    a->hz = b->hz = 100;
}

/* A pp512 result judged from a tree's delta. */
static void judge(const char *name, struct llmb_result *r)
{
    struct llmb_intf_snap a, b;
    struct llmb_intf_delta d;
    pair(name, &a, &b);
    llmb_intf_delta(&a, &b, &d);
    memset(r, 0, sizeof *r);
    r->inst.kind = LLMB_WL_SPEED;
    r->inst.n_prompt = 512;
    llmb_cond_apply_delta(&r->cond, &d);
}

static void test_snapshot(void **state)
{
    (void)state;
    struct llmb_intf_snap a, b;
    pair("quiet", &a, &b);
    assert_int_equal(a.known, LLMB_INTF_ALL);
    assert_int_equal(a.n_cpus, 2);
    assert_int_equal(a.busy, 1500);
    assert_int_equal(a.idle, 10010);
    assert_int_equal(a.procs_running, 2);
    assert_int_equal(a.self_ticks, 100); /* the name "(llm bench)" holds a space */
    assert_int_equal(a.self_running, 1);
    assert_int_equal(b.self_running, 2);
    NEAR(a.load1, 0.30, 1e-9);
    assert_int_equal(a.swap_pages, 16);
    NEAR(a.freq_khz, 2000000, 1e-6);
    NEAR(b.freq_khz, 1950000, 1e-6);
    assert_string_equal(a.governor, "performance");
    assert_int_equal(a.throttle_core, 2);
    assert_int_equal(a.throttle_package, 4);
}

static void test_quiet(void **state)
{
    (void)state;
    struct llmb_intf_snap a, b;
    struct llmb_intf_delta d;
    pair("quiet", &a, &b);
    llmb_intf_delta(&a, &b, &d);
    assert_true(d.others_known && d.steal_known && d.swap_known && d.throttle_known);
    NEAR(d.wall_s, 2.0, 1e-12);
    NEAR(d.others_cores, 0.05, 1e-9);      /* (310 - 300) ticks / 100 / 2 s */
    NEAR(d.resolution_cores, 0.015, 1e-9); /* 3 ticks / 100 / 2 s */
    NEAR(d.steal_pct, 0, 1e-12);
    assert_int_equal(d.swap_pages, 0);
    assert_int_equal(d.throttle_events, 0);
    struct llmb_result r;
    judge("quiet", &r);
    assert_string_equal(r.cond.interference, "");
    assert_true(r.cond.known & LLMB_COND_OTHERS);
    char msg[512];
    assert_int_equal(llmb_cond_warning(&r, 0, msg, sizeof msg), 0);
    assert_int_equal(llmb_cond_warning(&r, 1, msg, sizeof msg), 0);
}

static void test_busy(void **state)
{
    (void)state;
    struct llmb_intf_snap a, b;
    struct llmb_intf_delta d;
    pair("busy", &a, &b);
    llmb_intf_delta(&a, &b, &d);
    NEAR(d.others_cores, 0.9, 1e-9); /* (390 - 210) ticks / 100 / 2 s */
    assert_false(d.throttle_known);  /* no thermal_throttle in that tree: unknown, no error */
    struct llmb_result r;
    judge("busy", &r);
    assert_string_equal(r.cond.interference, "others_cpu");
    NEAR(r.cond.others_cpu_cores, 0.9, 1e-9);
    assert_false(r.cond.known & LLMB_COND_THROTTLE);
    char msg[512];
    assert_int_equal(llmb_cond_warning(&r, 0, msg, sizeof msg), 1);
    assert_string_equal(msg, "another process used 0.9 cores during pp512: results unreliable; stop it or run with "
                             "fewer threads");
    snprintf(r.model.devices, sizeof r.model.devices, "RPC0"); /* a loopback RPC server is that process */
    assert_int_equal(llmb_cond_warning(&r, 0, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "another process used 0.9 cores during pp512 (an RPC server on this machine"));
    r.model.devices[0] = 0;
    /* the field table says it */
    struct llmb_value v = {0};
    llmb_result_field("interference")->get(&r, &v);
    assert_true(v.known);
    assert_string_equal(v.s, "others_cpu");
    llmb_result_field("others_cpu_cores")->get(&r, &v);
    assert_true(v.known);
    NEAR(v.d, 0.9, 1e-9);
    llmb_result_field("throttled")->get(&r, &v);
    assert_false(v.known);
}

static void test_vm(void **state)
{
    (void)state;
    struct llmb_result r;
    judge("vm", &r);
    assert_string_equal(r.cond.interference, "steal,swap,throttle");
    NEAR(r.cond.steal_pct, 10.0, 1e-9);
    assert_int_equal(r.cond.swap_pages, 12);
    assert_int_equal(r.cond.throttled, 3);
    NEAR(r.cond.others_cpu_cores, 0.1, 1e-9);
    char msg[512];
    assert_int_equal(llmb_cond_warning(&r, 0, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "the hypervisor took 10% of the CPU time (steal) during pp512"));
    assert_non_null(strstr(msg, "swapped 12 pages"));
    assert_non_null(strstr(msg, "throttled 3 times"));
}

/* A short span: one tick more of others is within the counters' resolution. */
static void test_resolution(void **state)
{
    (void)state;
    struct llmb_intf_snap a, b;
    struct llmb_intf_delta d;
    pair("busy", &a, &b);
    b.t_ns = a.t_ns + 20000000000ull; /* the same ticks over 20 s: 0.09 cores */
    llmb_intf_delta(&a, &b, &d);
    NEAR(d.others_cores, 0.09, 1e-9);
    struct llmb_conditions c;
    memset(&c, 0, sizeof c);
    llmb_cond_apply_delta(&c, &d);
    assert_string_equal(c.interference, "");
    /* 0.3 cores measured over a span where the resolution is 0.1: not beyond 0.25 + 0.1 */
    d.others_cores = 0.3;
    d.resolution_cores = 0.1;
    memset(&c, 0, sizeof c);
    llmb_cond_apply_delta(&c, &d);
    assert_string_equal(c.interference, "");
    d.others_cores = 0.4;
    memset(&c, 0, sizeof c);
    llmb_cond_apply_delta(&c, &d);
    assert_string_equal(c.interference, "others_cpu");
}

/* Nothing readable: everything unknown, no flag, no failure. */
static void test_missing(void **state)
{
    (void)state;
    struct llmb_intf_snap a, b;
    llmb_intf_read(FIX "does-not-exist", LLMB_INTF_ALL, &a);
    llmb_intf_read(FIX "does-not-exist", LLMB_INTF_ALL, &b);
    assert_int_equal(a.known, 0);
    struct llmb_intf_delta d;
    llmb_intf_delta(&a, &b, &d);
    assert_false(d.others_known || d.steal_known || d.swap_known || d.throttle_known);
    struct llmb_cond_sampler s;
    struct llmb_conditions c;
    memset(&c, 0, sizeof c);
    llmb_cond_begin(&s, FIX "does-not-exist");
    llmb_cond_sample(&s);
    llmb_cond_end(&s, &c);
    assert_int_equal(c.known, LLMB_COND_CHECKED);
    assert_string_equal(c.interference, "");
    /* a counter that went backwards (a different machine, a reboot) is unknown */
    pair("busy", &a, &b);
    llmb_intf_delta(&b, &a, &d);
    assert_false(d.others_known);
}

/* The sampler on this machine: figures known, nothing absurd. */
static void test_live(void **state)
{
    (void)state;
    struct llmb_cond_sampler s;
    struct llmb_conditions c;
    memset(&c, 0, sizeof c);
    llmb_cond_begin(&s, NULL);
    for (volatile long i = 0; i < 30000000; i++)
        ;
    llmb_cond_sample(&s);
    llmb_cond_end(&s, &c);
    assert_true(c.known & LLMB_COND_CHECKED);
    if (c.known & LLMB_COND_OTHERS)
        assert_true(c.others_cpu_cores >= 0 && c.others_cpu_cores < 4096);
    assert_true(c.known & LLMB_COND_RUNQ);
    assert_true(c.run_queue >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot), cmocka_unit_test(test_quiet),      cmocka_unit_test(test_busy),
        cmocka_unit_test(test_vm),       cmocka_unit_test(test_resolution), cmocka_unit_test(test_missing),
        cmocka_unit_test(test_live),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
