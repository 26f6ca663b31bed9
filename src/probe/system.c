/* system.c - the machine around the CPU, under a root: RAM (/proc/meminfo,
 * speed from the DMI memory-device tables where readable), OS release,
 * kernel, whether it is a virtual machine (CPUID hypervisor flag, DMI vendor)
 * or a container (/.dockerenv, /run/.containerenv, cgroup of PID 1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "llmbench/hw.h"

static int live(const char *root)
{
    return !root || !root[0] || !strcmp(root, "/");
}

static void meminfo(const char *root, struct llmb_hw *hw)
{
    FILE *f = llmb_sysfs_open(root, "/proc/meminfo");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, "MemTotal:", 9))
            hw->ram_total = strtoull(line + 9, NULL, 10) * 1024;
        else if (!strncmp(line, "MemAvailable:", 13))
            hw->ram_available = strtoull(line + 13, NULL, 10) * 1024;
    }
    if (f)
        fclose(f);
}

/* SMBIOS type 17 (memory device): speed at 0x15, configured speed at 0x20 (MT/s). */
static void ram_speed(const char *root, struct llmb_hw *hw)
{
    int denied = 0, any = 0;
    for (int i = 0; i < 64; i++) {
        char p[96];
        snprintf(p, sizeof p, "/sys/firmware/dmi/entries/17-%d/raw", i);
        FILE *f = llmb_sysfs_open(root, p);
        if (!f) {
            if (errno == EACCES)
                denied = 1;
            else
                break;
            continue;
        }
        unsigned char b[256];
        size_t n = fread(b, 1, sizeof b, f);
        fclose(f);
        any = 1;
        int speed = 0;
        if (n > 0x22 && b[1] > 0x21)
            speed = b[0x20] | b[0x21] << 8;
        if (!speed && n > 0x16 && b[1] > 0x16)
            speed = b[0x15] | b[0x16] << 8;
        if (speed != 0xffff && speed > hw->ram_speed_mts)
            hw->ram_speed_mts = speed;
    }
    if (hw->ram_speed_mts <= 0) {
        hw->ram_speed_mts = 0;
        snprintf(hw->ram_note, sizeof hw->ram_note, "%s",
                 denied ? "RAM speed unknown: DMI tables not readable (permission denied; needs root)"
                 : any  ? "RAM speed unknown: DMI memory devices report none"
                        : "RAM speed unknown: no DMI memory-device tables");
    }
}

void llmb_probe_os_name(const char *root, char *buf, size_t len)
{
    buf[0] = 0;
    FILE *f = llmb_sysfs_open(root, "/etc/os-release");
    if (!f)
        f = llmb_sysfs_open(root, "/usr/lib/os-release");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "PRETTY_NAME=", 12))
            continue;
        char *v = line + 12;
        v[strcspn(v, "\n")] = 0;
        size_t l = strlen(v);
        if (l >= 2 && (v[0] == '"' || v[0] == '\'') && v[l - 1] == v[0]) {
            v[l - 1] = 0;
            v++;
        }
        snprintf(buf, len, "%s", v);
        break;
    }
    if (f)
        fclose(f);
}

static void kernel(const char *root, struct llmb_hw *hw)
{
    char type[64] = "", rel[96] = "";
    if (live(root)) {
        struct utsname u;
        if (uname(&u) == 0) {
            snprintf(hw->kernel, sizeof hw->kernel, "%.60s %.60s", u.sysname, u.release);
            snprintf(hw->machine, sizeof hw->machine, "%.30s", u.machine);
        }
        return;
    }
    llmb_sysfs_read(root, "/proc/sys/kernel/ostype", type, sizeof type);
    llmb_sysfs_read(root, "/proc/sys/kernel/osrelease", rel, sizeof rel);
    if (type[0] || rel[0])
        snprintf(hw->kernel, sizeof hw->kernel, "%s%s%s", type, type[0] && rel[0] ? " " : "", rel);
    llmb_sysfs_read(root, "/proc/sys/kernel/arch", hw->machine, sizeof hw->machine);
}

static void virt(const char *root, struct llmb_hw *hw)
{
    static const char *const vms[] = {
        "QEMU",       "KVM",    "VMware",    "VirtualBox", "innotek",   "Xen",          "Microsoft Corporation",
        "Amazon EC2", "Google", "Parallels", "Bochs",      "OpenStack", "DigitalOcean", "Hetzner"};
    char vendor[128] = "", product[128] = "", hv[32] = "", line[8192];
    llmb_sysfs_read(root, "/sys/class/dmi/id/sys_vendor", vendor, sizeof vendor);
    llmb_sysfs_read(root, "/sys/class/dmi/id/product_name", product, sizeof product);
    llmb_sysfs_read(root, "/sys/hypervisor/type", hv, sizeof hv);
    int flag = 0;
    FILE *f = llmb_sysfs_open(root, "/proc/cpuinfo");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "flags", 5)) {
            flag = strstr(line, " hypervisor") != NULL;
            break;
        }
    if (f)
        fclose(f);
    const char *known = NULL;
    for (size_t i = 0; i < sizeof vms / sizeof vms[0] && !known; i++)
        if (strstr(vendor, vms[i]) || strstr(product, vms[i]))
            known = vms[i];
    if (known && strstr(product, "Virtual Machine") && !strcmp(known, "Microsoft Corporation"))
        known = "Microsoft Hyper-V";
    if (known)
        snprintf(hw->virt, sizeof hw->virt, "%s", known);
    else if (hv[0])
        snprintf(hw->virt, sizeof hw->virt, "%s", hv);
    else if (flag)
        snprintf(hw->virt, sizeof hw->virt, "%s", vendor[0] ? vendor : "unknown hypervisor");
    else
        snprintf(hw->virt, sizeof hw->virt, "none");
}

static void container(const char *root, struct llmb_hw *hw)
{
    char b[4096];
    const char *c = "none";
    if (llmb_sysfs_read(root, "/.dockerenv", b, 16) != -ENOENT)
        c = "docker";
    else if (llmb_sysfs_read(root, "/run/.containerenv", b, 16) != -ENOENT)
        c = "podman";
    else if (!llmb_sysfs_read(root, "/proc/1/cgroup", b, sizeof b)) {
        if (strstr(b, "kubepods"))
            c = "kubernetes";
        else if (strstr(b, "docker"))
            c = "docker";
        else if (strstr(b, "lxc"))
            c = "lxc";
    }
    snprintf(hw->container, sizeof hw->container, "%s", c);
}

void llmb_hw_system(const char *root, struct llmb_hw *hw)
{
    meminfo(root, hw);
    ram_speed(root, hw);
    llmb_probe_os_name(root, hw->os, sizeof hw->os);
    kernel(root, hw);
    virt(root, hw);
    container(root, hw);
}
