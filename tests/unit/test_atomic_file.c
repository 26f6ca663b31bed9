/* test_atomic_file.c - outputs that respect what is at their path
 * (src/base/atomic_file.c), each case from the problem it answers: a model
 * replaced by its own results (same file, hard and symbolic links, 0444
 * even for root), /dev/null replaced by a regular file (a character device
 * made here with mknod, and a FIFO, are written through), symbolic links
 * followed not replaced, stdout written through, temporaries of killed
 * writers removed by name and lock while live ones stay. Everything happens
 * in a folder of this test's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/atomic_file.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/llmb_atomic_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static void put(const char *p, const char *text, mode_t mode)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
}

static char *get(const char *p)
{
    static char buf[256];
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Files in dir whose name starts with prefix. */
static int count(const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        n += !strncmp(e->d_name, prefix, strlen(prefix));
    closedir(d);
    return n;
}

static void write_ok(const char *p, const char *text)
{
    struct llmb_atomic_file af;
    struct llmb_error e = {0};
    if (llmb_atomic_open(&af, p, &e))
        fail_msg("open %s: %s", p, e.msg);
    fputs(text, af.f);
    if (llmb_atomic_commit(&af, &e))
        fail_msg("commit %s: %s", p, e.msg);
    llmb_atomic_abort(&af);
}

static void test_regular(void **state)
{
    (void)state;
    char p[300];
    path(p, sizeof p, "r.json");
    write_ok(p, "one");
    assert_string_equal(get(p), "one");
    chmod(p, 0640);
    write_ok(p, "two"); /* replaced, its mode kept */
    assert_string_equal(get(p), "two");
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0640);
    /* aborted: nothing under the final name changes, no temporary left */
    struct llmb_atomic_file af;
    struct llmb_error e = {0};
    assert_int_equal(llmb_atomic_open(&af, p, &e), 0);
    assert_true(af.tmp_path[0] && !af.through);
    fputs("three", af.f);
    llmb_atomic_abort(&af);
    llmb_atomic_abort(&af); /* twice: harmless */
    assert_string_equal(get(p), "two");
    assert_int_equal(count(".r.json.tmp."), 0);
    struct llmb_atomic_file zero;
    memset(&zero, 0, sizeof zero);
    llmb_atomic_abort(&zero); /* a zeroed struct: harmless */
}

static void test_refusals(void **state)
{
    (void)state;
    char model[300], hard[300], soft[300], ro[300], dangling[300], sub[300];
    path(model, sizeof model, "m.gguf");
    path(hard, sizeof hard, "hard.gguf");
    path(soft, sizeof soft, "soft.gguf");
    path(ro, sizeof ro, "ro.json");
    path(dangling, sizeof dangling, "dangling.json");
    path(sub, sizeof sub, "sub");
    put(model, "GGUF model bytes", 0644);
    assert_int_equal(link(model, hard), 0);
    assert_int_equal(symlink(model, soft), 0);
    put(ro, "read-only", 0444);
    assert_int_equal(symlink("nothing-here", dangling), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    const char *in[] = {NULL, model};
    struct llmb_error e = {0};
    /* the model itself, under its name, a hard link and a symbolic link */
    assert_int_equal(llmb_output_check(model, "--export-json", in, 2, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "is the same file as"));
    assert_int_equal(llmb_output_check(hard, "--export-json", in, 2, &e), LLMB_E_INVAL);
    assert_int_equal(llmb_output_check(soft, "--export-json", in, 2, &e), LLMB_E_INVAL);
    assert_string_equal(get(model), "GGUF model bytes");
    /* a file without write permission, even for root; a directory; a link to nothing */
    assert_int_not_equal(llmb_output_check(ro, "-o", NULL, 0, &e), 0);
    assert_non_null(strstr(e.msg, geteuid() == 0 ? "read-only (mode 0444)" : "cannot be written"));
    struct llmb_atomic_file af;
    assert_int_not_equal(llmb_atomic_open(&af, ro, &e), 0);
    assert_string_equal(get(ro), "read-only");
    assert_int_not_equal(llmb_atomic_open(&af, sub, &e), 0);
    assert_non_null(strstr(e.msg, "is a directory"));
    assert_int_not_equal(llmb_atomic_open(&af, dangling, &e), 0);
    assert_non_null(strstr(e.msg, "symbolic link to nothing"));
    assert_int_not_equal(llmb_output_check(dangling, "-o", NULL, 0, &e), 0);
    /* a missing folder is said before anything runs */
    char missing[300];
    path(missing, sizeof missing, "no/such/out.json");
    assert_int_not_equal(llmb_output_check(missing, "-o", NULL, 0, &e), 0);
    assert_non_null(strstr(e.msg, "does not exist"));
    /* a new file beside the model is fine */
    char fresh[300];
    path(fresh, sizeof fresh, "fresh.json");
    assert_int_equal(llmb_output_check(fresh, "-o", in, 2, &e), 0);
    /* and so is the same name given twice when it is an output of its own: not an input */
    const char *outs[] = {fresh};
    assert_int_not_equal(llmb_output_check(fresh, "--export-csv", outs, 1, &e), 0);
}

static void test_symlink_followed(void **state)
{
    (void)state;
    char target[300], link_[300];
    path(target, sizeof target, "target.json");
    path(link_, sizeof link_, "link.json");
    put(target, "old", 0644);
    assert_int_equal(symlink("target.json", link_), 0);
    write_ok(link_, "new");
    struct stat sb;
    assert_int_equal(lstat(link_, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode)); /* the link stays a link */
    assert_string_equal(get(target), "new");
}

static void test_fifo_through(void **state)
{
    (void)state;
    char fifo[300];
    path(fifo, sizeof fifo, "fifo");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) { /* the reader: copies what comes to the pipe */
        close(p[0]);
        int fd = open(fifo, O_RDONLY);
        char buf[64];
        ssize_t n = read(fd, buf, sizeof buf);
        (void)!write(p[1], buf, n > 0 ? (size_t)n : 0);
        _exit(0);
    }
    close(p[1]);
    struct llmb_atomic_file af;
    struct llmb_error e = {0};
    assert_int_equal(llmb_atomic_open(&af, fifo, &e), 0);
    assert_true(af.through && !af.tmp_path[0]);
    fputs("through", af.f);
    assert_int_equal(llmb_atomic_commit(&af, &e), 0);
    char buf[64] = "";
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = 0;
    assert_string_equal(buf, "through");
    waitpid(pid, NULL, 0);
    close(p[0]);
    struct stat sb;
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode)); /* still a FIFO */
    assert_int_equal(count(".fifo.tmp."), 0);
}

static void test_device_through(void **state)
{
    (void)state;
    char dev[300];
    path(dev, sizeof dev, "null");
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0) { /* /dev/null's numbers, in our own folder */
        print_message("skipped: mknod needs privileges (%s)\n", strerror(errno));
        return;
    }
    write_ok(dev, "into the void");
    struct stat sb;
    assert_int_equal(lstat(dev, &sb), 0);
    assert_true(S_ISCHR(sb.st_mode)); /* never replaced by a regular file */
    assert_int_equal(count(".null.tmp."), 0);
}

static void test_stdout_through(void **state)
{
    (void)state;
    char out[300];
    path(out, sizeof out, "stdout.txt");
    fflush(stdout);
    int saved = dup(1), fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    close(fd);
    struct llmb_atomic_file af;
    struct llmb_error e = {0};
    int rc1 = llmb_atomic_open(&af, "/proc/self/fd/1", &e);
    int through = af.through, is_stdout = af.f == stdout;
    if (!rc1) {
        fputs("via /proc/self/fd/1\n", af.f);
        rc1 = llmb_atomic_commit(&af, &e);
    }
    int rc2 = llmb_atomic_open(&af, "-", &e);
    if (!rc2) {
        fputs("via -\n", af.f);
        rc2 = llmb_atomic_commit(&af, &e);
    }
    int rc3 = llmb_atomic_open(&af, out, &e); /* the very file stdout goes to */
    int through3 = af.through;
    if (!rc3) {
        fputs("by name\n", af.f);
        rc3 = llmb_atomic_commit(&af, &e);
    }
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    assert_int_equal(rc1, 0);
    assert_int_equal(rc2, 0);
    assert_int_equal(rc3, 0);
    assert_true(through && is_stdout && through3);
    assert_string_equal(get(out), "via /proc/self/fd/1\nvia -\nby name\n");
}

static void test_stale(void **state)
{
    (void)state;
    char target[300], p[400];
    path(target, sizeof target, "out.json");
    /* a writer that died: its pid gone, its lock free */
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    snprintf(p, sizeof p, "%s/.out.json.tmp.%d.AbCdEf", dir, (int)dead);
    put(p, "half", 0600);
    snprintf(p, sizeof p, "%s/.out.json.tmp.QwErTy", dir); /* an older name, no pid */
    put(p, "half", 0600);
    /* a writer alive (this test's child), and a file locked by one */
    pid_t alive = fork();
    if (alive == 0) {
        pause();
        _exit(0);
    }
    snprintf(p, sizeof p, "%s/.out.json.tmp.%d.ZxCvBn", dir, (int)alive);
    put(p, "live", 0600);
    snprintf(p, sizeof p, "%s/.out.json.tmp.LoCkEd", dir);
    put(p, "locked", 0600);
    int lock = open(p, O_RDONLY);
    assert_int_equal(flock(lock, LOCK_EX), 0);
    snprintf(p, sizeof p, "%s/.other.json.tmp.%d.AbCdEf", dir, (int)dead); /* another output's: not ours */
    put(p, "other", 0600);
    assert_int_equal(count(".out.json.tmp."), 4);
    write_ok(target, "whole"); /* the next writer of the path removes the dead ones */
    assert_int_equal(count(".out.json.tmp."), 2);
    assert_int_equal(count(".other.json.tmp."), 1);
    close(lock);
    kill(alive, SIGKILL);
    waitpid(alive, NULL, 0);
    assert_int_equal(llmb_atomic_remove_stale(target), 2);
    assert_int_equal(count(".out.json.tmp."), 0);
    assert_string_equal(get(target), "whole");
}

static void test_remove_all(void **state)
{
    (void)state;
    char a[300], b[300];
    path(a, sizeof a, "a.json");
    path(b, sizeof b, "b.json");
    struct llmb_atomic_file fa, fb;
    struct llmb_error e = {0};
    assert_int_equal(llmb_atomic_open(&fa, a, &e), 0);
    assert_int_equal(llmb_atomic_open(&fb, b, &e), 0);
    assert_int_equal(count(".a.json.tmp.") + count(".b.json.tmp."), 2);
    llmb_atomic_remove_all(); /* what a dying process does */
    assert_int_equal(count(".a.json.tmp.") + count(".b.json.tmp."), 0);
    llmb_atomic_abort(&fa);
    llmb_atomic_abort(&fb);
}

static void test_by_name(void **state)
{
    (void)state;
    char fifo[300], model[300];
    path(fifo, sizeof fifo, "q.fifo");
    path(model, sizeof model, "q.gguf");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    struct llmb_atomic_file af;
    struct llmb_error e = {0};
    /* a writer that opens by name (llama.cpp's quantizer) gets a temporary of a regular file only */
    assert_int_not_equal(llmb_atomic_open_tmp(&af, fifo, &e), 0);
    assert_non_null(strstr(e.msg, "regular file"));
    assert_int_equal(llmb_atomic_open_tmp(&af, model, &e), 0);
    FILE *f = fopen(af.tmp_path, "w"); /* as llama.cpp does */
    assert_non_null(f);
    fputs("quantized", f);
    fclose(f);
    assert_int_equal(llmb_atomic_commit(&af, &e), 0);
    assert_string_equal(get(model), "quantized");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular),       cmocka_unit_test(test_refusals),     cmocka_unit_test(test_symlink_followed),
        cmocka_unit_test(test_fifo_through),  cmocka_unit_test(test_device_through), cmocka_unit_test(test_stdout_through),
        cmocka_unit_test(test_stale),         cmocka_unit_test(test_remove_all),   cmocka_unit_test(test_by_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
