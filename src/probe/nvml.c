/* nvml.c - NVIDIA GPUs through NVML, opened with dlopen at run time so that
 * llmbench neither links nor needs the driver: no libnvidia-ml.so.1 means
 * "no NVML", a stated absence. Tests point $LLMB_NVML_LIB at a stub. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/hw.h"
#include "probe/probe_int.h"

/* NVML's values (nvml.h), so that no NVIDIA header is needed */
enum { NVML_SUCCESS = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2, NVML_TEMPERATURE_GPU = 0 };

int llmb_nvml_open(const char *lib, struct llmb_nvml *n, char *why, size_t len)
{
    memset(n, 0, sizeof *n);
    if (!lib)
        lib = getenv("LLMB_NVML_LIB");
    if (!lib || !lib[0])
        lib = "libnvidia-ml.so.1";
    n->lib = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!n->lib) {
        snprintf(why, len, "no NVML (%s not found)", lib);
        return -1;
    }
    int (*init)(void) = (int (*)(void))dlsym(n->lib, "nvmlInit_v2");
    int (*count)(unsigned *) = (int (*)(unsigned *))dlsym(n->lib, "nvmlDeviceGetCount_v2");
    n->shutdown = (int (*)(void))dlsym(n->lib, "nvmlShutdown");
    n->handle = (int (*)(unsigned, void **))dlsym(n->lib, "nvmlDeviceGetHandleByIndex_v2");
    n->name = (int (*)(void *, char *, unsigned))dlsym(n->lib, "nvmlDeviceGetName");
    n->memory = (int (*)(void *, unsigned long long *))dlsym(n->lib, "nvmlDeviceGetMemoryInfo");
    n->clock = (int (*)(void *, int, unsigned *))dlsym(n->lib, "nvmlDeviceGetClockInfo");
    n->max_clock = (int (*)(void *, int, unsigned *))dlsym(n->lib, "nvmlDeviceGetMaxClockInfo");
    n->power = (int (*)(void *, unsigned *))dlsym(n->lib, "nvmlDeviceGetPowerUsage");
    n->power_limit = (int (*)(void *, unsigned *))dlsym(n->lib, "nvmlDeviceGetPowerManagementLimit");
    n->temperature = (int (*)(void *, int, unsigned *))dlsym(n->lib, "nvmlDeviceGetTemperature");
    n->pcie_gen = (int (*)(void *, unsigned *))dlsym(n->lib, "nvmlDeviceGetCurrPcieLinkGeneration");
    n->pcie_width = (int (*)(void *, unsigned *))dlsym(n->lib, "nvmlDeviceGetCurrPcieLinkWidth");
    int rc;
    if (!init || !count || !n->handle) {
        snprintf(why, len, "no NVML (%s lacks nvmlInit_v2/nvmlDeviceGetCount_v2)", lib);
    } else if ((rc = init()) != NVML_SUCCESS) {
        snprintf(why, len, "no NVML (nvmlInit failed: error %d; no NVIDIA driver loaded?)", rc);
    } else if ((rc = count(&n->n_gpus)) != NVML_SUCCESS) {
        snprintf(why, len, "no NVML (nvmlDeviceGetCount failed: error %d)", rc);
        if (n->shutdown)
            n->shutdown();
    } else
        return 0;
    dlclose(n->lib);
    memset(n, 0, sizeof *n);
    return -1;
}

double llmb_nvml_power_w(const struct llmb_nvml *n, unsigned i)
{
    void *h;
    unsigned mw;
    if (!n->lib || !n->power || n->handle(i, &h) != NVML_SUCCESS || n->power(h, &mw) != NVML_SUCCESS)
        return -1;
    return mw / 1000.0;
}

void llmb_nvml_close(struct llmb_nvml *n)
{
    if (n->lib) {
        if (n->shutdown)
            n->shutdown();
        dlclose(n->lib);
    }
    memset(n, 0, sizeof *n);
}

static int u(int (*fn)(void *, unsigned *), void *h)
{
    unsigned v;
    return fn && fn(h, &v) == NVML_SUCCESS ? (int)v : -1;
}

static int uk(int (*fn)(void *, int, unsigned *), void *h, int k)
{
    unsigned v;
    return fn && fn(h, k, &v) == NVML_SUCCESS ? (int)v : -1;
}

void llmb_hw_nvml(const char *lib, struct llmb_hw *hw)
{
    struct llmb_nvml n;
    if (llmb_nvml_open(lib, &n, hw->nvml_note, sizeof hw->nvml_note))
        return;
    for (unsigned i = 0; i < n.n_gpus && hw->n_gpus < LLMB_HW_MAX_GPUS; i++) {
        void *h;
        if (n.handle(i, &h) != NVML_SUCCESS)
            continue;
        struct llmb_hw_gpu *g = &hw->gpus[hw->n_gpus++];
        g->index = (int)i;
        if (!n.name || n.name(h, g->name, sizeof g->name) != NVML_SUCCESS)
            snprintf(g->name, sizeof g->name, "NVIDIA GPU %u", i);
        unsigned long long mem[3]; /* nvmlMemory_t: total, free, used */
        if (n.memory && n.memory(h, mem) == NVML_SUCCESS) {
            g->mem_total = mem[0];
            g->mem_used = mem[2];
        }
        g->clock_sm_mhz = uk(n.clock, h, NVML_CLOCK_SM);
        g->clock_mem_mhz = uk(n.clock, h, NVML_CLOCK_MEM);
        g->clock_sm_max_mhz = uk(n.max_clock, h, NVML_CLOCK_SM);
        int p = u(n.power, h), pl = u(n.power_limit, h);
        g->power_w = p < 0 ? -1 : p / 1000.0;
        g->power_limit_w = pl < 0 ? -1 : pl / 1000.0;
        g->temp_c = uk(n.temperature, h, NVML_TEMPERATURE_GPU);
        g->pcie_gen = u(n.pcie_gen, h);
        g->pcie_width = u(n.pcie_width, h);
    }
    if (!hw->n_gpus)
        snprintf(hw->nvml_note, sizeof hw->nvml_note, "NVML sees no GPU");
    llmb_nvml_close(&n);
}
