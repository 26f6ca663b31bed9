/* sysfs.c - reading /proc and /sys under a root folder, so that every
 * hardware reader runs against this machine ("/") or a fixture tree. Errors
 * are returned as -errno: the caller says "absent" or "permission denied".
 * A fixture tree lists in .llmb-deny the files that read as permission denied
 * (tests run as root, for whom chmod denies nothing). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/hw.h"

static int is_live(const char *root)
{
    return !root || !root[0] || !strcmp(root, "/");
}

void llmb_sysfs_path(const char *root, const char *path, char *buf, size_t len)
{
    if (is_live(root))
        snprintf(buf, len, "%s", path);
    else
        snprintf(buf, len, "%s%s%s", root, path[0] == '/' ? "" : "/", path);
}

static int denied(const char *root, const char *path)
{
    if (is_live(root))
        return 0;
    char p[4096], line[1024];
    llmb_sysfs_path(root, ".llmb-deny", p, sizeof p);
    FILE *f = fopen(p, "r");
    if (!f)
        return 0;
    int hit = 0;
    while (!hit && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        const char *a = line[0] == '/' ? line + 1 : line, *b = path[0] == '/' ? path + 1 : path;
        hit = a[0] && !strcmp(a, b);
    }
    fclose(f);
    return hit;
}

FILE *llmb_sysfs_open(const char *root, const char *path)
{
    if (denied(root, path)) {
        errno = EACCES;
        return NULL;
    }
    char p[4096];
    llmb_sysfs_path(root, path, p, sizeof p);
    return fopen(p, "r");
}

int llmb_sysfs_read(const char *root, const char *path, char *buf, size_t len)
{
    if (len)
        buf[0] = 0;
    FILE *f = llmb_sysfs_open(root, path);
    if (!f)
        return -(errno ? errno : EIO);
    size_t n = len ? fread(buf, 1, len - 1, f) : 0;
    int e = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (e)
        return -e;
    if (len) {
        buf[n] = 0;
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
            buf[--n] = 0;
    }
    return 0;
}

int llmb_sysfs_u64(const char *root, const char *path, uint64_t *v)
{
    char b[64], *end;
    int rc = llmb_sysfs_read(root, path, b, sizeof b);
    if (rc)
        return rc;
    if (b[0] < '0' || b[0] > '9')
        return -EINVAL;
    errno = 0;
    unsigned long long x = strtoull(b, &end, 10);
    if (errno || *end)
        return -EINVAL;
    *v = x;
    return 0;
}
