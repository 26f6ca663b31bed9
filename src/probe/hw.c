/* hw.c - the whole hardware snapshot (every reader of this module, the
 * engine's devices, NVML) and its two forms: JSON (`llmbench hw --json`, the
 * store's hardware.details) and text for a person. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/bandwidth.h"
#include "llmbench/engine.h"
#include "llmbench/hw.h"

void llmb_hw_snapshot(const char *root, unsigned parts, struct llmb_hw *hw)
{
    memset(hw, 0, sizeof *hw);
    llmb_hw_cpuinfo(root, hw);
    llmb_hw_topology(root, hw);
    llmb_hw_system(root, hw);
    llmb_hw_freq(root, hw);
    if (parts & LLMB_HW_DEVICES) {
        const struct llmb_engine_ops *e = llmb_engine_default();
        int n = e && e->devices ? e->devices(hw->devices, LLMB_HW_MAX_DEVICES) : -1;
        if (n < 0)
            snprintf(hw->devices_note, sizeof hw->devices_note, "the engine lists no devices");
        hw->n_devices = n < 0 ? 0 : n;
    }
    if (parts & LLMB_HW_NVML)
        llmb_hw_nvml(NULL, hw);
    else
        snprintf(hw->nvml_note, sizeof hw->nvml_note, "NVML not asked");
}

/* a string, or null when empty */
static json_t *str(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

/* a count or size, or null when unknown (0 / negative) */
static json_t *num(long long v)
{
    return v > 0 ? json_integer(v) : json_null();
}

static json_t *numz(long long v) /* 0 is a value, negative unknown */
{
    return v >= 0 ? json_integer(v) : json_null();
}

char *llmb_hw_json(const struct llmb_hw *hw, const struct llmb_bw_result *bw, int pretty)
{
    json_t *o = json_object(), *cpu = json_object(), *caches = json_array(), *nodes = json_array();
    json_object_set_new(cpu, "model", str(hw->cpu_model));
    json_object_set_new(cpu, "vendor", str(hw->vendor));
    json_object_set_new(cpu, "family", numz(hw->family));
    json_object_set_new(cpu, "model_number", numz(hw->model));
    json_object_set_new(cpu, "stepping", numz(hw->stepping));
    json_t *isa = json_array();
    char buf[sizeof hw->isa];
    snprintf(buf, sizeof buf, "%s", hw->isa);
    for (char *sv, *t = strtok_r(buf, " ", &sv); t; t = strtok_r(NULL, " ", &sv))
        json_array_append_new(isa, json_string(t));
    json_object_set_new(cpu, "isa", isa);
    json_object_set_new(cpu, "sockets", num(hw->sockets));
    json_object_set_new(cpu, "cores", num(hw->cores));
    json_object_set_new(cpu, "threads", num(hw->threads));
    json_object_set_new(cpu, "topology_source", str(hw->topology_source));
    for (int i = 0; i < hw->n_caches; i++) {
        const struct llmb_hw_cache *c = &hw->caches[i];
        json_array_append_new(caches, json_pack("{s:i,s:s,s:I,s:i}", "level", c->level, "type", c->type, "size_bytes",
                                                (json_int_t)c->size, "count", c->count));
    }
    json_object_set_new(cpu, "caches", caches);
    json_t *cl = json_array();
    for (int i = 0; i < hw->n_clusters; i++) {
        const struct llmb_hw_cluster *c = &hw->clusters[i];
        json_t *x = json_object();
        json_object_set_new(x, "cpus", str(c->cpus));
        json_object_set_new(x, "n_cpus", json_integer(c->n_cpus));
        json_object_set_new(x, "part", str(c->part));
        json_object_set_new(x, "governor", str(c->governor));
        json_object_set_new(x, "min_khz", num((long long)c->min_khz));
        json_object_set_new(x, "cur_khz", num((long long)c->cur_khz));
        json_object_set_new(x, "max_khz", num((long long)c->max_khz));
        json_array_append_new(cl, x);
    }
    json_object_set_new(cpu, "clusters", cl);
    json_object_set_new(cpu, "frequency_note", str(hw->freq_note));
    json_object_set_new(o, "cpu", cpu);
    for (int i = 0; i < hw->n_nodes; i++)
        json_array_append_new(nodes, json_pack("{s:i,s:o,s:o}", "id", hw->nodes[i].id, "cpus", str(hw->nodes[i].cpus),
                                               "mem_total_bytes", num((long long)hw->nodes[i].mem_total)));
    json_object_set_new(o, "numa_nodes", nodes);
    json_t *mem = json_object();
    json_object_set_new(mem, "total_bytes", num((long long)hw->ram_total));
    json_object_set_new(mem, "available_bytes", num((long long)hw->ram_available));
    json_object_set_new(mem, "speed_mts", num(hw->ram_speed_mts));
    json_object_set_new(mem, "note", str(hw->ram_note));
    json_object_set_new(o, "memory", mem);
    json_t *sys = json_object();
    json_object_set_new(sys, "os", str(hw->os));
    json_object_set_new(sys, "kernel", str(hw->kernel));
    json_object_set_new(sys, "machine", str(hw->machine));
    json_object_set_new(sys, "vm", str(hw->virt));
    json_object_set_new(sys, "container", str(hw->container));
    json_object_set_new(o, "system", sys);
    json_t *devs = json_array();
    for (int i = 0; i < hw->n_devices; i++) {
        const struct llmb_engine_device *d = &hw->devices[i];
        json_t *x = json_object();
        json_object_set_new(x, "name", str(d->name));
        json_object_set_new(x, "description", str(d->description));
        json_object_set_new(x, "type", str(d->type));
        json_object_set_new(x, "mem_free_bytes", num((long long)d->mem_free));
        json_object_set_new(x, "mem_total_bytes", num((long long)d->mem_total));
        json_array_append_new(devs, x);
    }
    json_object_set_new(o, "devices", devs);
    if (hw->devices_note[0])
        json_object_set_new(o, "devices_note", json_string(hw->devices_note));
    json_t *gpus = json_array();
    for (int i = 0; i < hw->n_gpus; i++) {
        const struct llmb_hw_gpu *g = &hw->gpus[i];
        json_t *x = json_object();
        json_object_set_new(x, "index", json_integer(g->index));
        json_object_set_new(x, "name", str(g->name));
        json_object_set_new(x, "mem_total_bytes", num((long long)g->mem_total));
        json_object_set_new(x, "mem_used_bytes", numz(g->mem_total ? (long long)g->mem_used : -1));
        json_object_set_new(x, "clock_sm_mhz", numz(g->clock_sm_mhz));
        json_object_set_new(x, "clock_mem_mhz", numz(g->clock_mem_mhz));
        json_object_set_new(x, "clock_sm_max_mhz", numz(g->clock_sm_max_mhz));
        json_object_set_new(x, "power_w", g->power_w >= 0 ? json_real(g->power_w) : json_null());
        json_object_set_new(x, "power_limit_w", g->power_limit_w >= 0 ? json_real(g->power_limit_w) : json_null());
        json_object_set_new(x, "temperature_c", numz(g->temp_c));
        json_object_set_new(x, "pcie_gen", numz(g->pcie_gen));
        json_object_set_new(x, "pcie_width", numz(g->pcie_width));
        json_array_append_new(gpus, x);
    }
    json_t *nv = json_object();
    json_object_set_new(nv, "gpus", gpus);
    json_object_set_new(nv, "note", str(hw->nvml_note));
    json_object_set_new(o, "nvml", nv);
    if (bw) {
        json_t *b =
            json_pack("{s:f,s:f,s:f,s:s,s:i,s:I,s:i,s:s}", "read_gbs", bw->read_gbs, "copy_gbs", bw->copy_gbs,
                      "triad_gbs", bw->triad_gbs, "unit", "GB/s (1e9 bytes/s)", "threads", bw->threads, "array_bytes",
                      (json_int_t)bw->array_bytes, "reps", bw->reps, "measured_at", bw->measured_at);
        json_t *devs = json_array();
        for (int i = 0; i < bw->n_dev; i++) {
            const struct llmb_bw_device *d = &bw->dev[i];
            json_t *j = json_pack("{s:s,s:o,s:I,s:o}", "name", d->name, "copy_gbs",
                                  isfinite(d->copy_gbs) ? json_real(d->copy_gbs) : json_null(), "array_bytes",
                                  (json_int_t)d->array_bytes, "note", str(d->note));
            json_array_append_new(devs, j);
        }
        json_object_set_new(b, "devices", devs);
        json_object_set_new(o, "bandwidth", b);
    }
    char *s = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static void size_text(uint64_t b, char *buf, size_t len)
{
    if (!b)
        snprintf(buf, len, "unknown");
    else if (b >= (1ull << 30))
        snprintf(buf, len, "%.1f GiB", b / 1073741824.0);
    else if (b >= (1ull << 20))
        snprintf(buf, len, "%.1f MiB", b / 1048576.0);
    else
        snprintf(buf, len, "%llu KiB", (unsigned long long)(b >> 10));
}

void llmb_hw_print(FILE *out, const struct llmb_hw *hw, const struct llmb_bw_result *bw)
{
    char a[32], b[32];
    fprintf(out, "CPU:        %s (%s", hw->cpu_model[0] ? hw->cpu_model : "unknown",
            hw->vendor[0] ? hw->vendor : "unknown vendor");
    if (hw->family >= 0)
        fprintf(out, ", family %d model %d stepping %d", hw->family, hw->model, hw->stepping);
    fprintf(out, ")\n");
    fprintf(out, "ISA:        %s\n", hw->isa[0] ? hw->isa : "(none llama.cpp uses)");
    fprintf(out, "Topology:   %d socket(s), %d core(s), %d thread(s) (%s)\n", hw->sockets, hw->cores, hw->threads,
            hw->topology_source[0] ? hw->topology_source : "unknown");
    for (int i = 0; i < hw->n_caches; i++) {
        size_text(hw->caches[i].size, a, sizeof a);
        fprintf(out, "Cache:      L%d %s %s x %d\n", hw->caches[i].level, hw->caches[i].type, a, hw->caches[i].count);
    }
    if (!hw->n_caches)
        fprintf(out, "Cache:      unknown\n");
    for (int i = 0; i < hw->n_nodes; i++) {
        size_text(hw->nodes[i].mem_total, a, sizeof a);
        fprintf(out, "NUMA:       node %d: CPUs %s, %s\n", hw->nodes[i].id, hw->nodes[i].cpus, a);
    }
    size_text(hw->ram_total, a, sizeof a);
    size_text(hw->ram_available, b, sizeof b);
    fprintf(out, "Memory:     %s (%s available)", a, b);
    if (hw->ram_speed_mts)
        fprintf(out, ", %d MT/s\n", hw->ram_speed_mts);
    else
        fprintf(out, "; %s\n", hw->ram_note);
    fprintf(out, "System:     %s, %s, %s; VM: %s; container: %s\n", hw->os[0] ? hw->os : "unknown OS",
            hw->kernel[0] ? hw->kernel : "unknown kernel", hw->machine[0] ? hw->machine : "?", hw->virt, hw->container);
    for (int i = 0; i < hw->n_clusters; i++) {
        const struct llmb_hw_cluster *c = &hw->clusters[i];
        if (!c->max_khz && !c->governor[0] && !c->part[0])
            continue;
        fprintf(out, "Frequency:  CPUs %s%s%s: %s, %.2f GHz now, %.2f-%.2f GHz\n", c->cpus, c->part[0] ? " part " : "",
                c->part, c->governor[0] ? c->governor : "governor unknown", c->cur_khz / 1e6, c->min_khz / 1e6,
                c->max_khz / 1e6);
    }
    if (hw->freq_note[0])
        fprintf(out, "Frequency:  %s\n", hw->freq_note);
    for (int i = 0; i < hw->n_devices; i++) {
        const struct llmb_engine_device *d = &hw->devices[i];
        size_text(d->mem_total, a, sizeof a);
        size_text(d->mem_free, b, sizeof b);
        fprintf(out, "Device:     %s (%s): %s, %s, %s free\n", d->name, d->type, d->description, a, b);
    }
    if (hw->devices_note[0])
        fprintf(out, "Devices:    %s\n", hw->devices_note);
    for (int i = 0; i < hw->n_gpus; i++) {
        const struct llmb_hw_gpu *g = &hw->gpus[i];
        size_text(g->mem_total, a, sizeof a);
        fprintf(out, "GPU %d:      %s, %s, SM %d/%d MHz, mem %d MHz, %.0f W of %.0f W, %d C, PCIe gen %d x%d\n",
                g->index, g->name, a, g->clock_sm_mhz, g->clock_sm_max_mhz, g->clock_mem_mhz, g->power_w,
                g->power_limit_w, g->temp_c, g->pcie_gen, g->pcie_width);
    }
    if (hw->nvml_note[0])
        fprintf(out, "NVML:       %s\n", hw->nvml_note);
    if (bw)
        fprintf(
            out,
            "Bandwidth:  read %.1f GB/s, copy %.1f GB/s, triad %.1f GB/s (%d threads, 3 x %.0f MiB, best of %d; %s)\n",
            bw->read_gbs, bw->copy_gbs, bw->triad_gbs, bw->threads, bw->array_bytes / 1048576.0, bw->reps,
            bw->measured_at);
    for (int i = 0; bw && i < bw->n_dev; i++) {
        const struct llmb_bw_device *d = &bw->dev[i];
        if (isfinite(d->copy_gbs))
            fprintf(out, "Bandwidth:  %s: copy %.1f GB/s (its own memory, 2 x %.0f MiB, best of %d)\n", d->name,
                    d->copy_gbs, d->array_bytes / 1048576.0, bw->reps);
        else
            fprintf(out, "Bandwidth:  %s: not measured (%s)\n", d->name, d->note);
    }
}
