/* atomic_file.c - outputs that respect what is at their path, see
 * atomic_file.h. Owns the one piece of process-wide state outside the engine
 * registry: the list of temporaries this process has open, so a process that
 * must end abnormally (llama.cpp aborting in process) can remove them from
 * its last breath (llmb_atomic_remove_all). */
#define _GNU_SOURCE /* mkostemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

/* ---- the temporaries this process has open ---------------------------------- */

#define LIVE_MAX 64
static const char *volatile live[LIVE_MAX];

static void live_add(const char *tmp)
{
    for (int i = 0; i < LIVE_MAX; i++)
        if (!live[i]) {
            live[i] = tmp;
            return;
        }
}

static void live_del(const char *tmp)
{
    for (int i = 0; i < LIVE_MAX; i++)
        if (live[i] == tmp)
            live[i] = NULL;
}

static int live_has(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    for (int i = 0; i < LIVE_MAX; i++) {
        const char *t = live[i];
        if (t && !strncmp(t, dir, dl) && t[dl] == '/' && !strcmp(t + dl + 1, name))
            return 1;
    }
    return 0;
}

void llmb_atomic_remove_all(void)
{
    for (int i = 0; i < LIVE_MAX; i++)
        if (live[i] && live[i][0])
            unlink(live[i]);
}

/* ---- names ------------------------------------------------------------------- */

/* dir and the temporary prefix ".<name>.tmp." of path (the name cut to 200
 * bytes so the temporary's name stays under NAME_MAX). */
static int tmp_prefix(const char *path, char *dir, size_t dlen, char *prefix, size_t plen)
{
    char d[4096], b[4096];
    if (snprintf(d, sizeof d, "%s", path) >= (int)sizeof d)
        return -1;
    snprintf(b, sizeof b, "%s", path);
    if (snprintf(dir, dlen, "%s", dirname(d)) >= (int)dlen)
        return -1;
    snprintf(prefix, plen, ".%.200s.tmp.", basename(b));
    return 0;
}

static int pid_alive(long pid)
{
    return pid > 0 && pid <= INT_MAX && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int llmb_atomic_remove_stale(const char *path)
{
    char dir[4096], prefix[256];
    if (tmp_prefix(path, dir, sizeof dir, prefix, sizeof prefix))
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t pl = strlen(prefix);
    int n = 0, dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, pl) || live_has(dir, e->d_name))
            continue;
        /* "<pid>.XXXXXX" (or an older "XXXXXX"): a writer still alive keeps it */
        const char *rest = e->d_name + pl;
        char *end;
        long pid = strtol(rest, &end, 10);
        if (end != rest && *end == '.' && strlen(end + 1) == 6 && pid != getpid() && pid_alive(pid))
            continue;
        if (!((end != rest && *end == '.' && strlen(end + 1) == 6) || strlen(rest) == 6))
            continue; /* not a name this file makes */
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat sb;
        if (fd < 0)
            continue;
        if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            unlinkat(dfd, e->d_name, 0) == 0)
            n++;
        close(fd);
    }
    closedir(d);
    return n;
}

/* ---- what is at the path ------------------------------------------------------ */

enum kind { K_NEW, K_REGULAR, K_STDOUT, K_STDERR, K_DEVICE };

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static const char *type_name(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISBLK(m)  ? "a block device"
           : S_ISCHR(m)  ? "a character device"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

/* Resolves path: *kind, the path to write (links followed) and, when it
 * exists, its stat. Refuses what must not be written. */
static int resolve(const char *path, const char *what, enum kind *kind, char *final, size_t flen, struct stat *sb,
                   struct llmb_error *err)
{
    if (!path || !*path)
        return llmb_error_set(err, LLMB_E_INVAL, "%s: empty path", what);
    if (!strcmp(path, "-")) {
        *kind = K_STDOUT;
        snprintf(final, flen, "-");
        return LLMB_OK;
    }
    if (snprintf(final, flen, "%s", path) >= (int)flen)
        return llmb_error_set(err, LLMB_E_INVAL, "%s: path too long (%zu bytes)", what, strlen(path));
    struct stat lsb;
    if (lstat(path, &lsb) != 0) {
        if (errno != ENOENT)
            return llmb_error_set(err, LLMB_E_IO, "%s '%s': %s", what, path, strerror(errno));
        *kind = K_NEW;
        return LLMB_OK;
    }
    *sb = lsb;
    if (S_ISLNK(lsb.st_mode) && stat(path, sb) != 0) {
        if (errno == ENOENT)
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "%s '%s' is a symbolic link to nothing (its target does not "
                                  "exist); give the target's path",
                                  what, path);
        return llmb_error_set(err, LLMB_E_IO, "%s '%s': %s", what, path, strerror(errno));
    }
    struct stat o; /* /dev/stdout, /proc/self/fd/1, the file stdout goes to */
    if (fstat(1, &o) == 0 && same_file(&o, sb)) {
        *kind = K_STDOUT;
        return LLMB_OK;
    }
    if (fstat(2, &o) == 0 && same_file(&o, sb)) {
        *kind = K_STDERR;
        return LLMB_OK;
    }
    if (S_ISLNK(lsb.st_mode)) { /* the target is written; a link to a pipe ("pipe:[N]") is opened by its own name */
        char *real = realpath(path, NULL);
        if (!real && S_ISREG(sb->st_mode))
            return llmb_error_set(err, LLMB_E_IO, "%s '%s': %s", what, path, strerror(errno));
        int bad = real && snprintf(final, flen, "%s", real) >= (int)flen;
        free(real);
        if (bad)
            return llmb_error_set(err, LLMB_E_INVAL, "%s '%s': its target's path is too long", what, path);
    }
    if (S_ISDIR(sb->st_mode))
        return llmb_error_set(err, LLMB_E_INVAL, "%s '%s' is a directory", what, path);
    if (S_ISBLK(sb->st_mode))
        return llmb_error_set(err, LLMB_E_INVAL, "%s '%s' is a block device: refusing to write to it", what, path);
    if (!S_ISREG(sb->st_mode)) {
        *kind = K_DEVICE;
        return LLMB_OK;
    }
    if (access(final, W_OK) != 0)
        return llmb_error_set(err, LLMB_E_IO, "%s '%s' cannot be written: %s", what, path, strerror(errno));
    if (!(sb->st_mode & 0222))
        return llmb_error_set(err, LLMB_E_INVAL, "%s '%s' is read-only (mode %04o): refusing to replace it", what, path,
                              (unsigned)(sb->st_mode & 07777));
    *kind = K_REGULAR;
    return LLMB_OK;
}

int llmb_output_check(const char *path, const char *what, const char *const *inputs, size_t n, struct llmb_error *err)
{
    enum kind kind;
    char final[4096];
    struct stat sb;
    int rc = resolve(path, what, &kind, final, sizeof final, &sb, err);
    if (rc || kind == K_STDOUT || kind == K_STDERR)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (inputs[i] && !strcmp(inputs[i], path))
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "%s '%s' is the same file as '%s' (an input or another "
                                  "output): refusing to overwrite it",
                                  what, path, inputs[i]);
    for (size_t i = 0; kind != K_NEW && i < n; i++) {
        struct stat ib;
        if (inputs[i] && stat(inputs[i], &ib) == 0 && same_file(&ib, &sb))
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "%s '%s' is the same file as '%s' (an input or another "
                                  "output): refusing to overwrite it",
                                  what, path, inputs[i]);
    }
    if (kind == K_DEVICE)
        return LLMB_OK;
    char dir[4096], prefix[256];
    if (tmp_prefix(final, dir, sizeof dir, prefix, sizeof prefix))
        return llmb_error_set(err, LLMB_E_INVAL, "%s: path too long", what);
    struct stat db;
    if (stat(dir, &db) != 0 || !S_ISDIR(db.st_mode))
        return llmb_error_set(err, LLMB_E_IO, "%s '%s': folder '%s' %s", what, path, dir,
                              errno == ENOENT || !errno ? "does not exist" : strerror(errno));
    if (access(dir, W_OK | X_OK) != 0)
        return llmb_error_set(err, LLMB_E_IO, "%s '%s': cannot write in folder '%s': %s", what, path, dir,
                              strerror(errno));
    return LLMB_OK;
}

/* ---- open, commit, abort --------------------------------------------------------- */

static int open_tmp(struct llmb_atomic_file *af, const struct stat *old, int have_old, struct llmb_error *err)
{
    char dir[4096], prefix[256];
    if (tmp_prefix(af->final_path, dir, sizeof dir, prefix, sizeof prefix) ||
        snprintf(af->tmp_path, sizeof af->tmp_path, "%s/%s%ld.XXXXXX", dir, prefix, (long)getpid()) >=
            (int)sizeof af->tmp_path) {
        af->tmp_path[0] = 0;
        return llmb_error_set(err, LLMB_E_INVAL, "path too long: '%s'", af->final_path);
    }
    llmb_atomic_remove_stale(af->final_path);
    int fd = mkostemp(af->tmp_path, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        af->tmp_path[0] = 0;
        return llmb_error_set(err, LLMB_E_IO, "cannot create '%s': %s", af->final_path, llmb_errno_text(e));
    }
    flock(fd, LOCK_EX); /* a fresh file: nobody else holds it */
    live_add(af->tmp_path);
    /* mkstemp makes 0600: a replaced file keeps its mode, a new one gets 0666 & ~umask */
    mode_t mask = umask(0);
    umask(mask);
    mode_t mode = have_old ? old->st_mode & 07777 : 0666 & ~mask;
    if (fchmod(fd, mode) != 0 || !(af->f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(af->tmp_path);
        live_del(af->tmp_path);
        af->tmp_path[0] = 0;
        return llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", af->final_path, llmb_errno_text(e));
    }
    af->own = 1;
    return LLMB_OK;
}

static int do_open(struct llmb_atomic_file *af, const char *path, int by_name, struct llmb_error *err)
{
    memset(af, 0, sizeof *af);
    enum kind kind;
    struct stat sb;
    int rc = resolve(path, "output", &kind, af->final_path, sizeof af->final_path, &sb, err);
    if (rc)
        return rc;
    if (by_name && kind != K_NEW && kind != K_REGULAR)
        return llmb_error_set(err, LLMB_E_INVAL, "'%s' is %s: a model is written only to a regular file", path,
                              kind == K_DEVICE ? type_name(sb.st_mode) : "this process's output stream");
    switch (kind) {
    case K_STDOUT:
    case K_STDERR:
        af->f = kind == K_STDOUT ? stdout : stderr;
        af->through = 1;
        return LLMB_OK;
    case K_DEVICE: {
        int fd = open(af->final_path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || !(af->f = fdopen(fd, "w"))) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            return llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", path, llmb_errno_text(e));
        }
        af->through = af->own = 1;
        return LLMB_OK;
    }
    default: return open_tmp(af, &sb, kind == K_REGULAR, err);
    }
}

int llmb_atomic_open(struct llmb_atomic_file *af, const char *path, struct llmb_error *err)
{
    return do_open(af, path, 0, err);
}

int llmb_atomic_open_tmp(struct llmb_atomic_file *af, const char *path, struct llmb_error *err)
{
    return do_open(af, path, 1, err);
}

int llmb_atomic_commit(struct llmb_atomic_file *af, struct llmb_error *err)
{
    if (!af->f)
        return llmb_error_set(err, LLMB_E_IO, "'%s' is not open", af->final_path);
    int bad = fflush(af->f) != 0 || ferror(af->f);
    int e = errno;
    if (!bad && !af->through && fsync(fileno(af->f)) != 0)
        bad = 1, e = errno;
    if (af->own && fclose(af->f) != 0 && !bad)
        bad = 1, e = errno;
    af->f = NULL;
    if (!bad && !af->through && rename(af->tmp_path, af->final_path) != 0)
        bad = 1, e = errno;
    if (af->tmp_path[0]) {
        if (bad)
            unlink(af->tmp_path);
        live_del(af->tmp_path);
        af->tmp_path[0] = 0;
    }
    if (bad)
        return llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", af->final_path,
                              e ? llmb_errno_text(e) : "write error");
    return LLMB_OK;
}

void llmb_atomic_abort(struct llmb_atomic_file *af)
{
    if (af->f && af->own)
        fclose(af->f);
    else if (af->f)
        fflush(af->f);
    af->f = NULL;
    if (af->tmp_path[0]) {
        unlink(af->tmp_path);
        live_del(af->tmp_path);
    }
    af->tmp_path[0] = 0;
}
