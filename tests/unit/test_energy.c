/* test_energy.c - the RAPL reader and the energy sampler (src/probe/rapl.c,
 * energy.c) on copies of the fixture trees: a desktop with package, core and
 * dram domains, a wrap-around mid-test, a counter that goes backwards,
 * permission denied, a VM without RAPL; NVML power through the stub. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmbench/energy.h"

static char root[256];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/llmb_energy_XXXXXX");
    if (!mkdtemp(root))
        return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r '%s/hw/desktop/.' '%s/'", LLMB_FIXTURES, root);
    return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes a domain's counter as sysfs shows it: whole (a new file renamed over the old), so
 * the sampler's thread never reads it truncated half-way (it would take the domain for broken). */
static void put(const char *dom, unsigned long long uj)
{
    char p[512], t[520];
    snprintf(p, sizeof p, "%s/sys/class/powercap/%s/energy_uj", root, dom);
    snprintf(t, sizeof t, "%s.new", p);
    FILE *f = fopen(t, "w");
    assert_non_null(f);
    fprintf(f, "%llu\n", uj);
    fclose(f);
    assert_int_equal(rename(t, p), 0);
}

static void test_desktop(void **state)
{
    (void)state;
    struct llmb_rapl r;
    put("intel-rapl:0", 1000000000ull);
    put("intel-rapl:0:1", 200000000ull);
    assert_int_equal(llmb_rapl_open(root, &r), 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.d[0].name, "package-0");
    assert_string_equal(r.d[1].name, "core");
    assert_string_equal(r.d[2].name, "dram");
    put("intel-rapl:0", 1002000000ull);  /* +2 J */
    put("intel-rapl:0:0", 501000000ull); /* +1 J, inside the package */
    put("intel-rapl:0:1", 200500000ull); /* +0.5 J */
    assert_int_equal(llmb_rapl_sample(&r), 0);
    assert_true(fabs(llmb_rapl_joules(&r) - 2.5) < 1e-9);
}

static void test_wrap(void **state)
{
    (void)state;
    struct llmb_rapl r;
    put("intel-rapl:0", 262143328850ull - 1000000ull); /* 1 J before the end of the range */
    put("intel-rapl:0:1", 200000000ull);
    assert_int_equal(llmb_rapl_open(root, &r), 0);
    put("intel-rapl:0", 500000ull); /* wrapped: 1 J + 0.5 J */
    assert_int_equal(llmb_rapl_sample(&r), 0);
    assert_true(fabs(llmb_rapl_joules(&r) - 1.5) < 1e-9);
}

static void test_backwards(void **state)
{
    (void)state;
    struct llmb_rapl r;
    put("intel-rapl:0", 5000000000ull);
    assert_int_equal(llmb_rapl_open(root, &r), 0);
    put("intel-rapl:0", 4000000000ull); /* far from the end of the range: not a wrap */
    assert_int_equal(llmb_rapl_sample(&r), -1);
    assert_true(isnan(llmb_rapl_joules(&r)));
    assert_non_null(strstr(r.reason, "went backwards"));
}

static void test_denied(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof p, "%s/.llmb-deny", root);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fprintf(f, "/sys/class/powercap/intel-rapl:0/energy_uj\n");
    fclose(f);
    struct llmb_rapl r;
    assert_int_equal(llmb_rapl_open(root, &r), -1);
    assert_non_null(strstr(r.reason, "permission denied"));
    struct llmb_energy_sampler s;
    struct llmb_energy_result e;
    llmb_energy_start(&s, root, "/nonexistent/libnvidia-ml.so.1", 10);
    llmb_energy_stop(&s, &e);
    assert_int_equal(e.known, 0);
    assert_non_null(strstr(e.reason, "permission denied"));
    assert_non_null(strstr(e.reason, "no NVML"));
    unlink(p);
}

static void test_vm(void **state)
{
    (void)state;
    struct llmb_energy_sampler s;
    struct llmb_energy_result e;
    llmb_energy_start(&s, LLMB_FIXTURES "/hw/vm", "/nonexistent/libnvidia-ml.so.1", 20);
    llmb_energy_stop(&s, &e);
    assert_int_equal(e.known, 0);
    assert_true(isnan(e.cpu_joules) && isnan(e.gpu_joules));
    assert_non_null(strstr(e.reason, "no RAPL in this VM"));
}

static void test_sampler_rapl_nvml(void **state)
{
    (void)state;
    put("intel-rapl:0", 1000000000ull);
    put("intel-rapl:0:1", 200000000ull);
    setenv("NVML_STUB_POWER_MW", "170000", 1); /* GPUs: 170 W + 30 W */
    struct llmb_energy_sampler s;
    struct llmb_energy_result e;
    llmb_energy_start(&s, root, LLMB_NVML_STUB, 10);
    put("intel-rapl:0", 1003000000ull); /* +3 J while sampling */
    struct timespec ts = {0, 200000000};
    nanosleep(&ts, NULL);
    llmb_energy_stop(&s, &e);
    unsetenv("NVML_STUB_POWER_MW");
    assert_int_equal(e.known, 1);
    assert_string_equal(e.source, "RAPL+NVML");
    assert_true(fabs(e.cpu_joules - 3.0) < 1e-9);
    assert_true(e.n_samples >= 2);
    assert_true(fabs(e.gpu_joules - 200.0 * e.seconds) < 1e-6 * 200.0 + 1e-9 + 0.01 * 200.0 * e.seconds);
    assert_true(fabs(e.joules - (e.cpu_joules + e.gpu_joules)) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_desktop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backwards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_denied, setup, teardown),
        cmocka_unit_test(test_vm),
        cmocka_unit_test_setup_teardown(test_sampler_rapl_nvml, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
