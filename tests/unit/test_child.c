/* test_child.c - work in a child process (src/core/child.c), and llama.cpp's
 * aborts through the engine's hook: an abort in a child gives llama.cpp's
 * own message (not a debugger's backtrace), a crash its signal, an uncaught
 * C++ exception its type and text, an error its code and line; messages
 * reach the parent; the stop flag ends a child that would run for ever; a
 * child dies with its parent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ggml.h>

#include "core/child.h"
#include "base/clock.h"
#include "llmbench/engine.h"

static int sends(void *arg, int fd, struct llmb_error *err)
{
    (void)err;
    for (int i = 0; i < *(int *)arg; i++)
        llmb_child_send(fd, &i, sizeof i);
    return LLMB_OK;
}

static void count_msgs(const void *msg, size_t len, void *user)
{
    int *n = user, v;
    assert_int_equal(len, sizeof v);
    memcpy(&v, msg, sizeof v);
    assert_int_equal(v, *n);
    (*n)++;
}

static void test_messages_and_result(void **state)
{
    (void)state;
    int want = 1000, got = 0;
    struct llmb_error e = {0};
    assert_int_equal(llmb_child_call(sends, &want, count_msgs, &got, NULL, &e), LLMB_OK);
    assert_int_equal(got, 1000);
}

static int fails(void *arg, int fd, struct llmb_error *err)
{
    (void)arg;
    (void)fd;
    return llmb_error_set(err, LLMB_E_MODEL, "model 'x' is not what it seems");
}

static void test_error(void **state)
{
    (void)state;
    struct llmb_error e = {0};
    assert_int_equal(llmb_child_call(fails, NULL, NULL, NULL, NULL, &e), LLMB_E_MODEL);
    assert_string_equal(e.msg, "model 'x' is not what it seems");
}

static int aborts(void *arg, int fd, struct llmb_error *err)
{
    (void)arg;
    (void)fd;
    (void)err;
    fprintf(stderr, "some log line before\n");
    GGML_ASSERT(1 + 1 == 3 && "arithmetic holds");
    return LLMB_OK;
}

static void test_abort(void **state)
{
    (void)state;
    llmb_engine_global_init(1); /* GGML_NO_BACKTRACE and the hook, as every command */
    struct llmb_error e = {0};
    uint64_t t0 = llmb_clock_ns();
    assert_int_equal(llmb_child_call(aborts, NULL, NULL, NULL, NULL, &e), LLMB_E_ENGINE);
    /* llama.cpp's own text, the file without its folders; no gdb attached (it would take seconds) */
    if (!strstr(e.msg, "llama.cpp aborted: test_child.c:") || !strstr(e.msg, "GGML_ASSERT(1 + 1 == 3"))
        fail_msg("reason: %s", e.msg);
    assert_null(strstr(e.msg, "gdb"));
    assert_true(llmb_clock_ns() - t0 < 5000000000ull);
}

static int crashes(void *arg, int fd, struct llmb_error *err)
{
    (void)arg;
    (void)fd;
    (void)err;
    raise(SIGSEGV);
    return LLMB_OK;
}

static void test_crash(void **state)
{
    (void)state;
    struct llmb_error e = {0};
    assert_int_equal(llmb_child_call(crashes, NULL, NULL, NULL, NULL, &e), LLMB_E_ENGINE);
    assert_non_null(strstr(e.msg, "SIGSEGV"));
}

static void test_exception_text(void **state)
{
    (void)state;
    struct llmb_child_log l;
    memset(&l, 0, sizeof l);
    const char *text = "terminate called after throwing an instance of 'std::out_of_range'\n"
                       "  what():  basic_string::substr: __pos (which is 3) > this->size() (which is 0)\n";
    for (const char *p = text; *p; p++) /* a byte at a time, as a pipe may deliver it */
        llmb_child_log_add(&l, p, 1);
    char why[512];
    llmb_child_log_reason(&l, SIGABRT, why, sizeof why); /* a status killed by SIGABRT */
    assert_string_equal(why, "llama.cpp threw an exception it did not catch: std::out_of_range "
                             "(basic_string::substr: __pos (which is 3) > this->size() (which is 0))");
    memset(&l, 0, sizeof l);
    const char *mixed = "noise\n" LLMB_ABORT_MARK "ops.cpp:3949: GGML_ASSERT(eps >= 0.0f) failed\nmore\n";
    llmb_child_log_add(&l, mixed, strlen(mixed));
    llmb_child_log_reason(&l, SIGABRT, why, sizeof why);
    assert_string_equal(why, "llama.cpp aborted: ops.cpp:3949: GGML_ASSERT(eps >= 0.0f) failed");
}

static int forever(void *arg, int fd, struct llmb_error *err)
{
    (void)arg;
    (void)fd;
    (void)err;
    for (;;)
        pause();
    return LLMB_OK;
}

static volatile int stop_flag;

static void raise_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void test_stop_flag(void **state)
{
    (void)state;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = raise_stop;
    sigaction(SIGALRM, &sa, &old);
    stop_flag = 0;
    ualarm(300000, 0);
    struct llmb_error e = {0};
    uint64_t t0 = llmb_clock_ns();
    assert_int_equal(llmb_child_call(forever, NULL, NULL, NULL, &stop_flag, &e), LLMB_E_INTERRUPTED);
    assert_true(llmb_clock_ns() - t0 < 3000000000ull);
    sigaction(SIGALRM, &old, NULL);
}

/* 1 while pid runs (a zombie waiting for its reaper does not). */
static int alive(pid_t pid)
{
    char p[64], st[512];
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(p, "r");
    if (!f)
        return 0;
    size_t n = fread(st, 1, sizeof st - 1, f);
    fclose(f);
    st[n] = 0;
    const char *c = strrchr(st, ')');
    return c && c[1] == ' ' && c[2] != 'Z' && c[2] != 'X';
}

/* A parent killed with SIGKILL takes its child along (PR_SET_PDEATHSIG). */
static void test_dies_with_parent(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t parent = fork();
    if (parent == 0) {
        close(p[0]);
        int r, er;
        pid_t child = llmb_child_fork(&r, &er, NULL);
        if (child == 0) {
            for (;;)
                pause();
        }
        (void)!write(p[1], &child, sizeof child);
        for (;;)
            pause();
    }
    close(p[1]);
    pid_t child = 0;
    assert_int_equal(read(p[0], &child, sizeof child), (ssize_t)sizeof child);
    close(p[0]);
    assert_true(alive(child));
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
    int gone = 0;
    for (int i = 0; i < 200 && !gone; i++) { /* within 2 s */
        gone = !alive(child);
        if (!gone)
            usleep(10000);
    }
    assert_true(gone);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages_and_result), cmocka_unit_test(test_error),
        cmocka_unit_test(test_abort),               cmocka_unit_test(test_crash),
        cmocka_unit_test(test_exception_text),      cmocka_unit_test(test_stop_flag),
        cmocka_unit_test(test_dies_with_parent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
