/* cpuinfo.c - the CPU from /proc/cpuinfo under a root: model name, vendor,
 * family/model/stepping and the instruction sets llama.cpp builds kernels
 * for (x86 "flags", ARM "Features"), in llama.cpp's own names; plus CPU list
 * helpers the other readers share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/hw.h"
#include "probe/probe_int.h"

/* llama.cpp's name (as its system info prints it) and the kernel's flag. */
static const struct {
    const char *name, *flag;
} isa_x86[] =
    {
        {"SSE3", "pni"},
        {"SSSE3", "ssse3"},
        {"AVX", "avx"},
        {"AVX2", "avx2"},
        {"AVX_VNNI", "avx_vnni"},
        {"F16C", "f16c"},
        {"FMA", "fma"},
        {"BMI2", "bmi2"},
        {"AVX512F", "avx512f"},
        {"AVX512BW", "avx512bw"},
        {"AVX512VL", "avx512vl"},
        {"AVX512DQ", "avx512dq"},
        {"AVX512CD", "avx512cd"},
        {"AVX512_VBMI", "avx512vbmi"},
        {"AVX512_VNNI", "avx512_vnni"},
        {"AVX512_BF16", "avx512_bf16"},
        {"AVX512_FP16", "avx512_fp16"},
        {"AMX_TILE", "amx_tile"},
        {"AMX_INT8", "amx_int8"},
        {"AMX_BF16", "amx_bf16"},
},
  isa_arm[] = {
      {"NEON", "asimd"}, {"FP16_VA", "asimdhp"}, {"DOTPROD", "asimddp"}, {"I8MM", "i8mm"},
      {"SVE", "sve"},    {"SVE2", "sve2"},       {"SME", "sme"},         {"BF16", "bf16"},
};

static int has_word(const char *list, const char *w)
{
    size_t l = strlen(w);
    for (const char *p = list; (p = strstr(p, w)); p += l)
        if ((p == list || p[-1] == ' ' || p[-1] == '\t') && (p[l] == 0 || p[l] == ' ' || p[l] == '\n'))
            return 1;
    return 0;
}

static void add_isa(char *isa, size_t len, const char *flags, int arm)
{
    size_t n = arm ? sizeof isa_arm / sizeof isa_arm[0] : sizeof isa_x86 / sizeof isa_x86[0];
    for (size_t i = 0; i < n; i++) {
        const char *name = arm ? isa_arm[i].name : isa_x86[i].name, *flag = arm ? isa_arm[i].flag : isa_x86[i].flag;
        if (has_word(flags, flag) && !has_word(isa, name)) {
            size_t u = strlen(isa);
            snprintf(isa + u, len - u, "%s%s", u ? " " : "", name);
        }
    }
}

/* "key\t: value" -> value (NULL when the line has no colon) */
static char *value_of(char *line)
{
    char *c = strchr(line, ':');
    if (!c)
        return NULL;
    c++;
    while (*c == ' ' || *c == '\t')
        c++;
    c[strcspn(c, "\n")] = 0;
    return c;
}

static int key_is(const char *line, const char *key)
{
    size_t l = strlen(key);
    return !strncmp(line, key, l) && (line[l] == ' ' || line[l] == '\t' || line[l] == ':');
}

void llmb_hw_cpuinfo(const char *root, struct llmb_hw *hw)
{
    hw->family = hw->model = hw->stepping = -1;
    FILE *f = llmb_sysfs_open(root, "/proc/cpuinfo");
    if (!f)
        return;
    char line[8192], implementer[16] = "", arch[16] = "", part[16] = "";
    while (fgets(line, sizeof line, f)) {
        char *v = value_of(line);
        if (!v)
            continue;
        if (key_is(line, "model name") && !hw->cpu_model[0])
            snprintf(hw->cpu_model, sizeof hw->cpu_model, "%s", v);
        else if (key_is(line, "vendor_id") && !hw->vendor[0])
            snprintf(hw->vendor, sizeof hw->vendor, "%s", v);
        else if (key_is(line, "cpu family") && hw->family < 0)
            hw->family = atoi(v);
        else if (key_is(line, "model") && hw->model < 0 && *v >= '0' && *v <= '9')
            hw->model = atoi(v);
        else if (key_is(line, "stepping") && hw->stepping < 0 && *v >= '0' && *v <= '9')
            hw->stepping = atoi(v);
        else if (key_is(line, "flags"))
            add_isa(hw->isa, sizeof hw->isa, v, 0);
        else if (key_is(line, "Features"))
            add_isa(hw->isa, sizeof hw->isa, v, 1);
        else if (key_is(line, "CPU implementer") && !implementer[0])
            snprintf(implementer, sizeof implementer, "%s", v);
        else if (key_is(line, "CPU architecture") && !arch[0])
            snprintf(arch, sizeof arch, "%s", v);
        else if (key_is(line, "CPU part") && !part[0])
            snprintf(part, sizeof part, "%s", v);
        else if (key_is(line, "Hardware") && !hw->cpu_model[0])
            snprintf(hw->cpu_model, sizeof hw->cpu_model, "%s", v);
    }
    fclose(f);
    if (implementer[0] && !hw->vendor[0]) { /* ARM: the implementer code, named where known */
        long code = strtol(implementer, NULL, 0);
        const char *name = code == 0x41   ? "ARM"
                           : code == 0x61 ? "Apple"
                           : code == 0x51 ? "Qualcomm"
                           : code == 0x48 ? "HiSilicon"
                           : code == 0xc0 ? "Ampere"
                           : code == 0x4e ? "NVIDIA"
                                          : NULL;
        if (name)
            snprintf(hw->vendor, sizeof hw->vendor, "%s", name);
        else
            snprintf(hw->vendor, sizeof hw->vendor, "implementer %s", implementer);
        if (arch[0])
            hw->family = atoi(arch);
        if (part[0])
            hw->model = (int)strtol(part, NULL, 0);
    }
    if (!hw->cpu_model[0]) { /* ARM boards name themselves in the device tree */
        char m[128];
        if (!llmb_sysfs_read(root, "/proc/device-tree/model", m, sizeof m) && m[0])
            snprintf(hw->cpu_model, sizeof hw->cpu_model, "%s", m);
    }
}

int llmb_hw_cpu_parts(const char *root, char (*parts)[16], int max)
{
    FILE *f = llmb_sysfs_open(root, "/proc/cpuinfo");
    if (!f)
        return 0;
    char line[1024];
    int cpu = -1, top = 0;
    while (fgets(line, sizeof line, f)) {
        char *v = value_of(line);
        if (!v)
            continue;
        if (key_is(line, "processor"))
            cpu = atoi(v);
        else if (key_is(line, "CPU part") && cpu >= 0 && cpu < max) {
            snprintf(parts[cpu], sizeof parts[cpu], "%s", v);
            if (cpu + 1 > top)
                top = cpu + 1;
        }
    }
    fclose(f);
    return top;
}

int llmb_hw_cpulist_parse(const char *s, unsigned char *have, int max)
{
    int n = 0;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s || a < 0)
            return -1;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            if (end == s + 1 || b < a)
                return -1;
            s = end;
        }
        for (long i = a; i <= b && i < max; i++)
            if (!have[i]) {
                have[i] = 1;
                n++;
            }
        if (*s == ',')
            s++;
        else if (*s && *s != '\n')
            return -1;
        else if (*s)
            s++;
    }
    return n;
}

void llmb_hw_cpulist_format(const unsigned char *have, int max, char *buf, size_t len)
{
    size_t u = 0;
    buf[0] = 0;
    for (int i = 0; i < max; i++) {
        if (!have[i])
            continue;
        int j = i;
        while (j + 1 < max && have[j + 1])
            j++;
        int w = j > i ? snprintf(buf + u, len - u, "%s%d-%d", u ? "," : "", i, j)
                      : snprintf(buf + u, len - u, "%s%d", u ? "," : "", i);
        if (w < 0 || (size_t)w >= len - u)
            return;
        u += (size_t)w;
        i = j;
    }
}
