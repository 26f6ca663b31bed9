/* test_hw.c - the hardware snapshot (src/probe: sysfs, cpuinfo, topology,
 * system, freq, nvml, hw) against the fixture trees of tests/fixtures/hw: a
 * desktop, two NUMA nodes (with DMI tables denied), a big.LITTLE ARM board and
 * a GPU-less VM in a container; NVML through the stub library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/hw.h"
#include "probe/probe_int.h"

#define FIX(name) LLMB_FIXTURES "/hw/" name

static struct llmb_hw hw;

static void snap(const char *root)
{
    llmb_hw_snapshot(root, 0, &hw);
}

static void test_sysfs(void **state)
{
    (void)state;
    char b[64];
    uint64_t v = 0;
    assert_int_equal(llmb_sysfs_read(FIX("desktop"), "/sys/devices/system/cpu/online", b, sizeof b), 0);
    assert_string_equal(b, "0-7"); /* newline trimmed */
    assert_int_equal(llmb_sysfs_read(FIX("desktop"), "/sys/nothing/here", b, sizeof b), -ENOENT);
    assert_int_equal(llmb_sysfs_read(FIX("numa2"), "/sys/firmware/dmi/entries/17-0/raw", b, sizeof b), -EACCES);
    assert_int_equal(llmb_sysfs_u64(FIX("desktop"), "/sys/class/powercap/intel-rapl:0/energy_uj", &v), 0);
    assert_true(v == 1000000000ull);
    assert_int_equal(llmb_sysfs_u64(FIX("desktop"), "/sys/class/powercap/intel-rapl:0/name", &v), -EINVAL);
    unsigned char have[16] = {0};
    assert_int_equal(llmb_hw_cpulist_parse("0-3,8,10-11", have, 16), 7);
    llmb_hw_cpulist_format(have, 16, b, sizeof b);
    assert_string_equal(b, "0-3,8,10-11");
    assert_int_equal(llmb_hw_cpulist_parse("3-1", have, 16), -1);
    assert_int_equal(llmb_hw_cpulist_parse("x", have, 16), -1);
}

static void test_desktop(void **state)
{
    (void)state;
    snap(FIX("desktop"));
    assert_string_equal(hw.cpu_model, "Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz");
    assert_string_equal(hw.vendor, "GenuineIntel");
    assert_int_equal(hw.family, 6);
    assert_int_equal(hw.model, 158);
    assert_int_equal(hw.stepping, 9);
    assert_string_equal(hw.isa, "SSE3 SSSE3 AVX AVX2 F16C FMA BMI2");
    assert_int_equal(hw.sockets, 1);
    assert_int_equal(hw.cores, 4);
    assert_int_equal(hw.threads, 8);
    assert_string_equal(hw.topology_source, "sysfs");
    assert_int_equal(hw.n_caches, 4);
    assert_int_equal(hw.caches[3].level, 3);
    assert_true(hw.caches[3].size == 8u << 20);
    assert_int_equal(hw.caches[3].count, 1);
    assert_int_equal(hw.caches[0].count, 4); /* L1d shared by two SMT threads: one per core */
    assert_int_equal(hw.n_nodes, 1);
    assert_true(hw.ram_total == 32768000ull * 1024);
    assert_int_equal(hw.ram_speed_mts, 2133); /* configured speed */
    assert_string_equal(hw.os, "Debian GNU/Linux 12 (bookworm)");
    assert_string_equal(hw.kernel, "Linux 6.1.0-18-amd64");
    assert_string_equal(hw.machine, "x86_64");
    assert_string_equal(hw.virt, "none");
    assert_string_equal(hw.container, "none");
    assert_int_equal(hw.n_clusters, 1);
    assert_string_equal(hw.clusters[0].governor, "performance");
    assert_true(hw.clusters[0].max_khz == 4500000 && hw.clusters[0].min_khz == 800000);
    assert_string_equal(hw.clusters[0].cpus, "0-7");
    assert_string_equal(hw.freq_note, "");
}

static void test_numa2(void **state)
{
    (void)state;
    snap(FIX("numa2"));
    assert_int_equal(hw.sockets, 2);
    assert_int_equal(hw.cores, 4);
    assert_int_equal(hw.n_nodes, 2);
    assert_string_equal(hw.nodes[1].cpus, "2-3");
    assert_true(hw.nodes[1].mem_total == 65536000ull * 1024);
    assert_int_equal(hw.caches[2].count, 2); /* one L3 per socket */
    assert_int_equal(hw.ram_speed_mts, 0);
    assert_non_null(strstr(hw.ram_note, "permission denied"));
}

static void test_biglittle(void **state)
{
    (void)state;
    snap(FIX("biglittle"));
    assert_string_equal(hw.vendor, "ARM");
    assert_string_equal(hw.cpu_model, "Radxa ROCK 5B");
    assert_string_equal(hw.isa, "NEON FP16_VA DOTPROD");
    assert_string_equal(hw.machine, "aarch64");
    assert_int_equal(hw.n_clusters, 2);
    assert_string_equal(hw.clusters[0].cpus, "0-3");
    assert_string_equal(hw.clusters[0].part, "0xd05");
    assert_true(hw.clusters[0].max_khz == 1800000);
    assert_string_equal(hw.clusters[1].cpus, "4-7");
    assert_string_equal(hw.clusters[1].part, "0xd0b");
    assert_true(hw.clusters[1].max_khz == 2400000 && hw.clusters[1].cur_khz == 2256000);
    assert_int_equal(hw.cores, 8);
}

static void test_vm(void **state)
{
    (void)state;
    snap(FIX("vm"));
    assert_string_equal(hw.virt, "QEMU");
    assert_string_equal(hw.container, "docker");
    assert_int_equal(hw.n_caches, 0);
    assert_string_equal(hw.freq_note, "no cpufreq in this VM");
    assert_non_null(strstr(hw.ram_note, "no DMI"));
    assert_non_null(strstr(hw.isa, "AVX512F"));
    /* JSON: unknown is null, never 0 */
    char *s = llmb_hw_json(&hw, NULL, 0);
    assert_non_null(s);
    json_t *o = json_loads(s, 0, NULL);
    assert_non_null(o);
    assert_true(json_is_null(json_object_get(json_object_get(o, "memory"), "speed_mts")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "cpu"), "frequency_note")),
                        "no cpufreq in this VM");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "cpu"), "threads")), 2);
    assert_int_equal(json_array_size(json_object_get(json_object_get(o, "cpu"), "caches")), 0);
    json_decref(o);
    free(s);
}

static void test_missing_root(void **state)
{
    (void)state;
    snap("/nonexistent/llmbench-root");
    assert_string_equal(hw.cpu_model, "");
    assert_int_equal(hw.family, -1);
    assert_int_equal(hw.threads, 0);
    assert_non_null(strstr(hw.freq_note, "no CPU list"));
    char *s = llmb_hw_json(&hw, NULL, 1);
    assert_non_null(s);
    free(s);
}

static void test_nvml(void **state)
{
    (void)state;
    memset(&hw, 0, sizeof hw);
    llmb_hw_nvml("/nonexistent/libnvidia-ml.so.1", &hw);
    assert_int_equal(hw.n_gpus, 0);
    assert_non_null(strstr(hw.nvml_note, "no NVML"));

    memset(&hw, 0, sizeof hw);
    llmb_hw_nvml(LLMB_NVML_STUB, &hw);
    assert_int_equal(hw.n_gpus, 2);
    assert_string_equal(hw.nvml_note, "");
    assert_string_equal(hw.gpus[0].name, "NVIDIA Stub 3090");
    assert_int_equal(hw.gpus[0].clock_sm_mhz, 1395);
    assert_int_equal(hw.gpus[0].temp_c, 61);
    assert_int_equal(hw.gpus[1].temp_c, -1); /* refused: absent */
    assert_true(hw.gpus[0].power_w == 250.0 && hw.gpus[0].power_limit_w == 350.0);
    assert_int_equal(hw.gpus[0].pcie_gen, 4);
    assert_int_equal(hw.gpus[0].pcie_width, 16);
    char *s = llmb_hw_json(&hw, NULL, 0);
    json_t *o = json_loads(s, 0, NULL);
    json_t *g1 = json_array_get(json_object_get(json_object_get(o, "nvml"), "gpus"), 1);
    assert_true(json_is_null(json_object_get(g1, "temperature_c")));
    json_decref(o);
    free(s);

    setenv("NVML_STUB_FAIL", "1", 1);
    memset(&hw, 0, sizeof hw);
    llmb_hw_nvml(LLMB_NVML_STUB, &hw);
    unsetenv("NVML_STUB_FAIL");
    assert_int_equal(hw.n_gpus, 0);
    assert_non_null(strstr(hw.nvml_note, "nvmlInit failed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sysfs),     cmocka_unit_test(test_desktop), cmocka_unit_test(test_numa2),
        cmocka_unit_test(test_biglittle), cmocka_unit_test(test_vm),      cmocka_unit_test(test_missing_root),
        cmocka_unit_test(test_nvml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
