/* worker.c - process isolation for the runner: every model configuration
 * runs in a forked worker that streams its events (results, progress, its
 * own failure) to the parent over a pipe; its stderr goes to a second pipe so
 * the parent can quote the last lines when it dies. The parent turns a
 * crash, an OOM kill, a non-zero exit or a timeout into one failed result and
 * starts a new worker for the tests after it. Only the parent prints, stores
 * and talks to the caller; the worker touches nothing but its engine. */
#define _GNU_SOURCE /* sigabbrev_np */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "llmbench/runner.h"

enum msg_type { MSG_RESULT = 1, MSG_PROGRESS, MSG_FAIL, MSG_DONE };

struct msg_head {
    uint32_t type;
    uint32_t index;  /* instance index in the caller's array; UINT32_MAX: none */
    uint32_t n_samples;
    uint32_t len;    /* bytes of text (progress, failure) */
    int32_t  code;
};

/* ---- the worker side ----------------------------------------------------------- */

struct child {
    int    fd;
    size_t base;     /* index of the first instance of this worker */
    size_t current;  /* index being run */
};

static int write_all(int fd, const void *p, size_t n)
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

static int send_msg(int fd, uint32_t type, uint32_t index, int32_t code, const char *text)
{
    struct msg_head h = {.type = type, .index = index, .code = code, .len = text ? (uint32_t)strlen(text) : 0};
    return write_all(fd, &h, sizeof h) || (h.len && write_all(fd, text, h.len)) ? -1 : 0;
}

static int child_result(const struct llmb_result *r, void *user)
{
    struct child *c = user;
    struct msg_head h = {.type = MSG_RESULT, .index = (uint32_t)c->current, .n_samples = (uint32_t)r->n_samples};
    const uint64_t *arrays[4] = {r->total_ns, r->pp_ns, r->tg_ns, r->ttft_ns};
    int bad = write_all(c->fd, &h, sizeof h) || write_all(c->fd, r, sizeof *r);
    for (int i = 0; i < 4 && !bad; i++)
        bad = write_all(c->fd, arrays[i], sizeof(uint64_t) * r->n_samples);
    c->current++;
    return bad ? LLMB_E_IO : LLMB_OK;
}

static void child_progress(const char *line, void *user)
{
    struct child *c = user;
    send_msg(c->fd, MSG_PROGRESS, (uint32_t)c->current, 0, line);
}

static void run_child(const struct llmb_engine_ops *e, const struct llmb_instance *v, size_t from, size_t to,
                      const struct llmb_run_params *rp, int want_progress, int fd)
{
    struct child c = {.fd = fd, .base = from, .current = from};
    struct llmb_runner_hooks h = {.on_result = child_result, .on_progress = want_progress ? child_progress : NULL,
                                  .user = &c};
    struct llmb_error err = {0};
    int rc = llmb_runner_run(e, v + from, to - from, rp, &h, &err);
    if (rc)
        send_msg(fd, MSG_FAIL, (uint32_t)c.current, rc, err.msg[0] ? err.msg : llmb_strerror(rc));
    else
        send_msg(fd, MSG_DONE, UINT32_MAX, 0, NULL);
    close(fd);
    _exit(rc ? 3 : 0);
}

/* ---- the parent side ------------------------------------------------------------- */

struct inbox {
    unsigned char *buf;
    size_t len, cap;
};

static int inbox_read(struct inbox *b, int fd)
{
    if (b->cap - b->len < 65536) {
        size_t nc = b->cap ? b->cap * 2 : 1 << 20;
        unsigned char *nb = realloc(b->buf, nc);
        if (!nb)
            return -1;
        b->buf = nb;
        b->cap = nc;
    }
    ssize_t n = read(fd, b->buf + b->len, b->cap - b->len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (n <= 0)
        return 0; /* end of stream */
    b->len += (size_t)n;
    return 1;
}

/* last lines of the worker's stderr, kept in a ring */
struct tail {
    char   text[2048];
    size_t len;
};

static void tail_add(struct tail *t, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t->len == sizeof t->text - 1) {
            memmove(t->text, t->text + 512, t->len - 512);
            t->len -= 512;
        }
        t->text[t->len++] = p[i] == '\n' ? ' ' : p[i];
    }
    t->text[t->len] = 0;
}

static const char *last_words(const struct tail *t)
{
    size_t n = t->len;
    while (n > 0 && t->text[n - 1] == ' ')
        n--;
    return n > 200 ? t->text + n - 200 : t->text;
}

static int deliver_failure(const struct llmb_runner_hooks *h, const struct llmb_instance *in, const char *why)
{
    struct llmb_result r;
    memset(&r, 0, sizeof r);
    r.inst = *in;
    snprintf(r.model.path, sizeof r.model.path, "%s", in->model);
    snprintf(r.model.desc, sizeof r.model.desc, "%s", in->model);
    r.error = why;
    time_t now = time(NULL);
    struct tm tm;
    strftime(r.test_time, sizeof r.test_time, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    return h && h->on_result ? h->on_result(&r, h->user) : LLMB_OK;
}

/* Handles complete messages in the inbox; returns an llmb code from the hooks. */
static int drain(struct inbox *b, const struct llmb_instance *v, const struct llmb_runner_hooks *h, size_t *next,
                 int *done, int *fail_code, char *fail_msg, size_t fail_len, uint64_t *last_event)
{
    size_t off = 0;
    int rc = LLMB_OK;
    while (!rc && b->len - off >= sizeof(struct msg_head)) {
        struct msg_head m;
        memcpy(&m, b->buf + off, sizeof m);
        size_t body = m.type == MSG_RESULT ? sizeof(struct llmb_result) + 4 * sizeof(uint64_t) * m.n_samples : m.len;
        if (b->len - off - sizeof m < body)
            break;
        const unsigned char *p = b->buf + off + sizeof m;
        *last_event = llmb_clock_ns();
        if (m.type == MSG_RESULT) {
            struct llmb_result r;
            memcpy(&r, p, sizeof r);
            uint64_t *arr = malloc(4 * sizeof(uint64_t) * (m.n_samples ? m.n_samples : 1));
            if (!arr)
                return LLMB_E_NOMEM;
            memcpy(arr, p + sizeof r, 4 * sizeof(uint64_t) * m.n_samples);
            r.inst = v[m.index];
            r.n_samples = m.n_samples;
            r.total_ns = arr;
            r.pp_ns = arr + m.n_samples;
            r.tg_ns = arr + 2 * (size_t)m.n_samples;
            r.ttft_ns = arr + 3 * (size_t)m.n_samples;
            r.error = NULL;
            if (h && h->on_result)
                rc = h->on_result(&r, h->user);
            free(arr);
            *next = m.index + 1;
        } else if (m.type == MSG_PROGRESS) {
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)m.len, (const char *)p);
            if (h && h->on_progress)
                h->on_progress(line, h->user);
        } else if (m.type == MSG_FAIL) {
            *fail_code = m.code ? m.code : LLMB_E_ENGINE;
            snprintf(fail_msg, fail_len, "%.*s", (int)m.len, (const char *)p);
        } else if (m.type == MSG_DONE) {
            *done = 1;
        }
        off += sizeof m + body;
    }
    memmove(b->buf, b->buf + off, b->len - off);
    b->len -= off;
    return rc;
}

static void describe_status(int status, int timed_out, double timeout_s, char *buf, size_t len)
{
    if (timed_out)
        snprintf(buf, len, "timed out after %g s", timeout_s);
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "worker killed by signal %d (SIG%s)%s", WTERMSIG(status), sigabbrev_np(WTERMSIG(status))
                 ? sigabbrev_np(WTERMSIG(status)) : "?", WTERMSIG(status) == SIGKILL ? ", out of memory?" : "");
    else if (WIFEXITED(status))
        snprintf(buf, len, "worker exited with status %d", WEXITSTATUS(status));
    else
        snprintf(buf, len, "worker ended abnormally");
}

int llmb_runner_run_isolated(const struct llmb_engine_ops *e, const struct llmb_instance *v, size_t n,
                             const struct llmb_run_params *rp, const struct llmb_runner_hooks *h, double timeout_s,
                             volatile int *stop, struct llmb_error *err)
{
    size_t i = 0;
    int rc = LLMB_OK;
    struct inbox box = {0};
    while (i < n && rc == LLMB_OK) {
        size_t j = i + 1;
        while (j < n && llmb_instance_same_model(&v[i], &v[j]))
            j++;
        int out[2], errp[2];
        if (pipe(out) || pipe(errp)) {
            rc = llmb_error_set(err, LLMB_E_IO, "cannot create a pipe: %s", strerror(errno));
            break;
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            close(out[0]), close(out[1]), close(errp[0]), close(errp[1]);
            rc = llmb_error_set(err, LLMB_E_IO, "cannot start a worker: %s", strerror(errno));
            break;
        }
        if (pid == 0) {
            close(out[0]);
            close(errp[0]);
            dup2(errp[1], 2);
            close(errp[1]);
            signal(SIGPIPE, SIG_DFL);
            run_child(e, v, i, j, rp, h && h->on_progress, out[1]);
        }
        close(out[1]);
        close(errp[1]);
        struct tail tail = {0};
        size_t next = i;
        int done = 0, fail_code = 0, timed_out = 0, open_out = 1, open_err = 1, status = 0;
        char fail_msg[512] = "";
        uint64_t last = llmb_clock_ns();
        box.len = 0;
        while ((open_out || open_err) && rc == LLMB_OK) {
            struct pollfd pf[2] = {{.fd = open_out ? out[0] : -1, .events = POLLIN},
                                   {.fd = open_err ? errp[0] : -1, .events = POLLIN}};
            int pr = poll(pf, 2, 100);
            if (pr < 0 && errno != EINTR) {
                rc = llmb_error_set(err, LLMB_E_IO, "poll: %s", strerror(errno));
                break;
            }
            if (stop && *stop) {
                kill(pid, SIGKILL);
                rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted: the test in progress was discarded");
                break;
            }
            if (timeout_s > 0 && (double)(llmb_clock_ns() - last) / 1e9 > timeout_s) {
                kill(pid, SIGKILL);
                timed_out = 1;
                break;
            }
            if (pr <= 0)
                continue;
            if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                int got = inbox_read(&box, out[0]);
                if (got < 0)
                    rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
                else if (got == 0)
                    open_out = 0;
                else
                    rc = drain(&box, v, h, &next, &done, &fail_code, fail_msg, sizeof fail_msg, &last);
            }
            if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buf[1024];
                ssize_t k = read(errp[0], buf, sizeof buf);
                if (k > 0)
                    tail_add(&tail, buf, (size_t)k);
                else if (k == 0 || errno != EINTR)
                    open_err = 0;
            }
        }
        close(out[0]);
        close(errp[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (!rc && stop && *stop) /* Ctrl-C reached the worker first */
            rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted: the test in progress was discarded");
        if (rc)
            break;
        if (done && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            i = j;
            continue;
        }
        /* the worker failed in test `next` (or before any test, loading the model) */
        char why[1024], how[160];
        describe_status(status, timed_out, timeout_s, how, sizeof how);
        if (fail_msg[0])
            snprintf(why, sizeof why, "%s", fail_msg);
        else if (tail.len)
            snprintf(why, sizeof why, "%s; last output: %.200s", how, last_words(&tail));
        else
            snprintf(why, sizeof why, "%s", how);
        if (next >= j)
            next = j - 1;
        /* a model that cannot be opened fails every test of its configuration */
        size_t last_failed = fail_code == LLMB_E_MODEL ? j : next + 1;
        for (size_t k = next; k < last_failed && rc == LLMB_OK; k++)
            rc = deliver_failure(h, &v[k], why);
        i = last_failed;
    }
    free(box.buf);
    return rc;
}
