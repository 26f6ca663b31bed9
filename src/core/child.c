/* child.c - work in a forked child process, see child.h: the fork with its
 * pipes and parent-death handling, the parent's reading of the child's
 * stderr (llama.cpp's abort line, uncaught exceptions, the last output), and
 * a call-and-wait for one function. */
#define _GNU_SOURCE /* sigabbrev_np */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "llmbench/engine.h"

/* ---- the child's stderr ---------------------------------------------------------- */

static void end_line(struct llmb_child_log *l)
{
    static const char mark[] = LLMB_ABORT_MARK, term[] = "terminate called after throwing an instance of '",
                      what[] = "  what():  ";
    l->line[l->line_len] = 0;
    if (!strncmp(l->line, mark, sizeof mark - 1))
        snprintf(l->abort_msg, sizeof l->abort_msg, "%s", l->line + sizeof mark - 1);
    else if (!strncmp(l->line, term, sizeof term - 1))
        snprintf(l->threw, sizeof l->threw, "%.*s", (int)strcspn(l->line + sizeof term - 1, "'"),
                 l->line + sizeof term - 1);
    else if (!strncmp(l->line, what, sizeof what - 1) && l->threw[0] && !l->have_what) {
        size_t n = strlen(l->threw);
        snprintf(l->threw + n, sizeof l->threw - n, " (%s)", l->line + sizeof what - 1);
        l->have_what = 1;
    }
    l->line_len = 0;
}

void llmb_child_log_add(struct llmb_child_log *l, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (l->tail_len == sizeof l->tail - 1) {
            memmove(l->tail, l->tail + 512, l->tail_len - 512);
            l->tail_len -= 512;
        }
        l->tail[l->tail_len++] = p[i] == '\n' ? ' ' : p[i];
        l->tail[l->tail_len] = 0;
        if (p[i] == '\n')
            end_line(l);
        else if (l->line_len < sizeof l->line - 1)
            l->line[l->line_len++] = p[i];
    }
}

static const char *last_words(const struct llmb_child_log *l)
{
    size_t n = l->tail_len;
    while (n > 0 && l->tail[n - 1] == ' ')
        n--;
    return n > 200 ? l->tail + n - 200 : l->tail;
}

void llmb_child_log_reason(const struct llmb_child_log *l, int status, char *buf, size_t len)
{
    if (l->abort_msg[0]) {
        snprintf(buf, len, "llama.cpp aborted: %s", l->abort_msg);
        return;
    }
    if (l->threw[0]) {
        snprintf(buf, len, "llama.cpp threw an exception it did not catch: %s", l->threw);
        return;
    }
    char how[160];
    if (WIFSIGNALED(status))
        snprintf(how, sizeof how, "worker killed by signal %d (SIG%s)%s", WTERMSIG(status),
                 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
                 WTERMSIG(status) == SIGKILL ? ", out of memory?" : "");
    else if (WIFEXITED(status))
        snprintf(how, sizeof how, "worker exited with status %d", WEXITSTATUS(status));
    else
        snprintf(how, sizeof how, "worker ended abnormally");
    char t[256];
    snprintf(t, sizeof t, "%.200s", last_words(l));
    if (t[0])
        snprintf(buf, len, "%s; last output: %s", how, t);
    else
        snprintf(buf, len, "%s", how);
}

/* ---- fork ------------------------------------------------------------------------- */

pid_t llmb_child_fork(int *reply_fd, int *err_fd, struct llmb_error *err)
{
    int out[2], errp[2];
    if (pipe(out)) {
        llmb_error_set(err, LLMB_E_IO, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe(errp)) {
        close(out[0]), close(out[1]);
        llmb_error_set(err, LLMB_E_IO, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]), close(out[1]), close(errp[0]), close(errp[1]);
        llmb_error_set(err, LLMB_E_IO, "cannot start a worker process: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        close(out[0]);
        close(errp[0]);
        dup2(errp[1], 2);
        close(errp[1]);
        /* a crash is the child's own: no handler of the parent's (a test harness, a sanitizer) catches it */
        static const int crash[] = {SIGPIPE, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
        for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
            signal(crash[i], SIG_DFL);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* the child dies with its parent */
        if (getppid() != parent)          /* ... which may be gone already */
            _exit(3);
        llmb_engine_set_abort_handler(NULL); /* llama.cpp's aborts: one line on stderr for the parent */
        *reply_fd = out[1];
        return 0;
    }
    close(out[1]);
    close(errp[1]);
    *reply_fd = out[0];
    *err_fd = errp[0];
    return pid;
}

/* ---- call and wait ----------------------------------------------------------------- */

enum { M_MSG = 1, M_DONE };

struct head {
    uint32_t type, len;
    int32_t  code;
};

int llmb_write_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_frame(int fd, uint32_t type, int32_t code, const void *p, size_t len)
{
    struct head h = {.type = type, .len = (uint32_t)len, .code = code};
    return llmb_write_all(fd, &h, sizeof h) || (len && llmb_write_all(fd, p, len)) ? -1 : 0;
}

int llmb_child_send(int reply_fd, const void *msg, size_t len)
{
    return len > 65536 ? -1 : send_frame(reply_fd, M_MSG, 0, msg, len);
}

int llmb_child_call(llmb_child_fn fn, void *arg, llmb_child_msg_cb on_msg, void *user, volatile int *stop,
                    struct llmb_error *err)
{
    int rfd = -1, efd = -1;
    pid_t pid = llmb_child_fork(&rfd, &efd, err);
    if (pid < 0)
        return err ? err->code : LLMB_E_IO;
    if (pid == 0) {
        struct llmb_error e = {0};
        int rc = fn(arg, rfd, &e);
        const char *m = rc ? (e.msg[0] ? e.msg : llmb_strerror(rc)) : "";
        send_frame(rfd, M_DONE, rc, m, strlen(m));
        close(rfd);
        _exit(0);
    }
    struct llmb_child_log log;
    memset(&log, 0, sizeof log);
    unsigned char *box = malloc(65536 + 4096);
    size_t have = 0;
    int open_r = 1, open_e = 1, done = 0, code = 0, rc = LLMB_OK, status = 0;
    char msg[512] = "";
    if (!box)
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    while (!rc && (open_r || open_e)) {
        struct pollfd pf[2] = {{.fd = open_r ? rfd : -1, .events = POLLIN}, {.fd = open_e ? efd : -1, .events = POLLIN}};
        int pr = poll(pf, 2, 100);
        if (stop && *stop) {
            rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted");
            break;
        }
        if (pr < 0 && errno != EINTR) {
            rc = llmb_error_set(err, LLMB_E_IO, "poll: %s", strerror(errno));
            break;
        }
        if (pr <= 0)
            continue;
        if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[1024];
            ssize_t k = read(efd, buf, sizeof buf);
            if (k > 0)
                llmb_child_log_add(&log, buf, (size_t)k);
            else if (k == 0 || errno != EINTR)
                open_e = 0;
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = read(rfd, box + have, 65536 + 4096 - have);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                open_r = 0;
                continue;
            }
            have += (size_t)k;
            struct head h;
            while (have >= sizeof h) { /* whole frames */
                memcpy(&h, box, sizeof h);
                if (h.len > 65536) { /* nonsense */
                    open_r = 0;
                    have = 0;
                    break;
                }
                if (have - sizeof h < h.len)
                    break;
                if (h.type == M_MSG && on_msg)
                    on_msg(box + sizeof h, h.len, user);
                if (h.type == M_DONE) {
                    done = 1;
                    code = h.code;
                    snprintf(msg, sizeof msg, "%.*s", (int)h.len, (const char *)box + sizeof h);
                }
                memmove(box, box + sizeof h + h.len, have - sizeof h - h.len);
                have -= sizeof h + h.len;
            }
        }
    }
    if (rc)
        kill(pid, SIGKILL);
    close(rfd);
    close(efd);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    free(box);
    if (!rc && stop && *stop) /* Ctrl-C reached the child first */
        rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted");
    if (rc)
        return rc;
    if (done && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return code ? llmb_error_set(err, code, "%s", msg) : LLMB_OK;
    char why[1024];
    llmb_child_log_reason(&log, status, why, sizeof why);
    return llmb_error_set(err, LLMB_E_ENGINE, "%s", why);
}
