/* topology.c - sockets, cores, threads, caches and NUMA nodes. On this
 * machine hwloc (which also reads CPUID: VMs often hide caches from sysfs);
 * under another root, the sysfs files hwloc itself reads, so fixture trees
 * (two NUMA nodes, big.LITTLE) test the same facts. */
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/hw.h"
#include "probe/probe_int.h"

static void add_cache(struct llmb_hw *hw, int level, const char *type, uint64_t size, int count)
{
    for (int i = 0; i < hw->n_caches; i++)
        if (hw->caches[i].level == level && !strcmp(hw->caches[i].type, type) && hw->caches[i].size == size) {
            hw->caches[i].count += count;
            return;
        }
    if (hw->n_caches >= LLMB_HW_MAX_CACHES)
        return;
    struct llmb_hw_cache *c = &hw->caches[hw->n_caches++];
    c->level = level;
    snprintf(c->type, sizeof c->type, "%s", type);
    c->size = size;
    c->count = count;
}

static void from_hwloc(struct llmb_hw *hw)
{
    hwloc_topology_t t;
    if (hwloc_topology_init(&t))
        return;
    if (hwloc_topology_load(t)) {
        hwloc_topology_destroy(t);
        return;
    }
    snprintf(hw->topology_source, sizeof hw->topology_source, "hwloc");
    hw->sockets = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
    hw->cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
    hw->threads = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
    for (int lv = 1; lv <= 5; lv++) {
        hwloc_obj_type_t ty[3];
        int nt = 0;
        if (lv == 1) {
            ty[nt++] = HWLOC_OBJ_L1CACHE;
            ty[nt++] = HWLOC_OBJ_L1ICACHE;
        } else
            ty[nt++] = lv == 2   ? HWLOC_OBJ_L2CACHE
                       : lv == 3 ? HWLOC_OBJ_L3CACHE
                       : lv == 4 ? HWLOC_OBJ_L4CACHE
                                 : HWLOC_OBJ_L5CACHE;
        for (int k = 0; k < nt; k++) {
            int n = hwloc_get_nbobjs_by_type(t, ty[k]);
            for (int i = 0; i < n; i++) {
                hwloc_obj_t o = hwloc_get_obj_by_type(t, ty[k], (unsigned)i);
                const char *kind = o->attr->cache.type == HWLOC_OBJ_CACHE_DATA          ? "Data"
                                   : o->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION ? "Instruction"
                                                                                        : "Unified";
                add_cache(hw, lv, kind, o->attr->cache.size, 1);
            }
        }
    }
    int nn = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
    for (int i = 0; i < nn && hw->n_nodes < LLMB_HW_MAX_NODES; i++) {
        hwloc_obj_t o = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, (unsigned)i);
        struct llmb_hw_node *n = &hw->nodes[hw->n_nodes++];
        n->id = (int)o->os_index;
        n->mem_total = o->attr->numanode.local_memory;
        hwloc_bitmap_list_snprintf(n->cpus, sizeof n->cpus, o->cpuset);
    }
    hwloc_topology_destroy(t);
}

/* "32K", "1024K", "8M" -> bytes */
static uint64_t size_of(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    switch (*end) {
    case 'K': return v << 10;
    case 'M': return v << 20;
    case 'G': return v << 30;
    default: return v;
    }
}

static void from_sysfs(const char *root, struct llmb_hw *hw)
{
    static unsigned char online[LLMB_HW_MAX_CPUS];
    char b[256], p[256];
    memset(online, 0, sizeof online);
    if (llmb_sysfs_read(root, "/sys/devices/system/cpu/online", b, sizeof b) ||
        llmb_hw_cpulist_parse(b, online, LLMB_HW_MAX_CPUS) <= 0)
        return;
    snprintf(hw->topology_source, sizeof hw->topology_source, "sysfs");
    /* cores: distinct (package, core); sockets: distinct packages */
    static long pkg_of[LLMB_HW_MAX_CPUS], core_of[LLMB_HW_MAX_CPUS];
    int n_cpu = 0;
    for (int c = 0; c < LLMB_HW_MAX_CPUS; c++) {
        if (!online[c])
            continue;
        uint64_t pk = 0, co = (uint64_t)c;
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
        llmb_sysfs_u64(root, p, &pk);
        snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/core_id", c);
        llmb_sysfs_u64(root, p, &co);
        int seen_core = 0, seen_pkg = 0;
        for (int i = 0; i < n_cpu; i++) {
            seen_pkg |= pkg_of[i] == (long)pk;
            seen_core |= pkg_of[i] == (long)pk && core_of[i] == (long)co;
        }
        hw->sockets += !seen_pkg;
        hw->cores += !seen_core;
        pkg_of[n_cpu] = (long)pk;
        core_of[n_cpu++] = (long)co;
        hw->threads++;
        /* caches: one instance per distinct shared_cpu_list, counted at its first CPU */
        for (int k = 0; k < 8; k++) {
            char lv[16], ty[32], sz[32], sh[128];
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/level", c, k);
            if (llmb_sysfs_read(root, p, lv, sizeof lv))
                break;
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/type", c, k);
            llmb_sysfs_read(root, p, ty, sizeof ty);
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/size", c, k);
            llmb_sysfs_read(root, p, sz, sizeof sz);
            snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list", c, k);
            if (llmb_sysfs_read(root, p, sh, sizeof sh))
                snprintf(sh, sizeof sh, "%d", c);
            unsigned char first[LLMB_HW_MAX_CPUS] = {0};
            llmb_hw_cpulist_parse(sh, first, LLMB_HW_MAX_CPUS);
            int lowest = c;
            for (int i = 0; i < c; i++)
                if (first[i] && online[i]) {
                    lowest = i;
                    break;
                }
            if (lowest == c && sz[0])
                add_cache(hw, atoi(lv), ty[0] ? ty : "Unified", size_of(sz), 1);
        }
    }
    /* NUMA nodes */
    unsigned char nodes[LLMB_HW_MAX_NODES * 4] = {0};
    if (llmb_sysfs_read(root, "/sys/devices/system/node/online", b, sizeof b) ||
        llmb_hw_cpulist_parse(b, nodes, (int)sizeof nodes) <= 0)
        return;
    for (int i = 0; i < (int)sizeof nodes && hw->n_nodes < LLMB_HW_MAX_NODES; i++) {
        if (!nodes[i])
            continue;
        struct llmb_hw_node *n = &hw->nodes[hw->n_nodes++];
        n->id = i;
        snprintf(p, sizeof p, "/sys/devices/system/node/node%d/cpulist", i);
        llmb_sysfs_read(root, p, n->cpus, sizeof n->cpus);
        snprintf(p, sizeof p, "/sys/devices/system/node/node%d/meminfo", i);
        FILE *f = llmb_sysfs_open(root, p);
        char line[256];
        while (f && fgets(line, sizeof line, f)) {
            char *m = strstr(line, "MemTotal:");
            if (m)
                n->mem_total = strtoull(m + 9, NULL, 10) * 1024;
        }
        if (f)
            fclose(f);
    }
}

void llmb_hw_topology(const char *root, struct llmb_hw *hw)
{
    if (!root || !root[0] || !strcmp(root, "/"))
        from_hwloc(hw);
    else
        from_sysfs(root, hw);
}
