/* worker.c - process isolation for the runner: every model configuration
 * runs in a forked worker that streams its events (results, progress, its
 * own failure) to the parent over a pipe; its stderr goes to a second pipe so
 * the parent can quote the last lines when it dies. The parent turns a
 * crash, an OOM kill, a non-zero exit or a timeout into one failed result and
 * starts a new worker for the tests after it. Only the parent prints, stores
 * and talks to the caller; the worker touches nothing but its engine. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "base/clock.h"
#include "llmbench/runner.h"

enum msg_type { MSG_RESULT = 1, MSG_EVENT, MSG_FAIL, MSG_DONE };

struct msg_head {
    uint32_t type;
    uint32_t index;  /* instance index in the caller's array; UINT32_MAX: none */
    uint32_t len;    /* bytes of the body that follows */
    int32_t  code;
};

/* An event on the wire: the numbers, then phase, unit and text bytes. */
struct ev_wire {
    int32_t  type, i, of;
    uint32_t phase_len, unit_len, text_len;
    double   value, t_ms;
    uint64_t start_ns; /* instance_started: the worker's clock when the test began (the timeout's origin) */
};

/* ---- packing ------------------------------------------------------------------- */

struct buf {
    unsigned char *p;
    size_t len, cap;
};

static int buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->len + n)
            nc *= 2;
        unsigned char *np = realloc(b->p, nc);
        if (!np)
            return -1;
        b->p = np;
        b->cap = nc;
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

/* result: the struct, 4 sample arrays, the token timeline when there is one, then each answer and its text */
static int pack_result(struct buf *b, const struct llmb_result *r)
{
    const uint64_t *arrays[4] = {r->total_ns, r->pp_ns, r->tg_ns, r->ttft_ns};
    int bad = buf_add(b, r, sizeof *r);
    for (int i = 0; i < 4 && !bad; i++)
        bad = buf_add(b, arrays[i], sizeof(uint64_t) * r->n_samples);
    if (r->token_ns && !bad) /* the timeline: n_samples x n_gen (the struct's pointer says it follows) */
        bad = buf_add(b, r->token_ns, sizeof(uint64_t) * r->n_samples * (size_t)r->inst.n_gen);
    for (size_t i = 0; i < r->n_answers && !bad; i++) {
        const struct llmb_suite_answer *a = &r->answers[i];
        uint32_t n = a->response ? (uint32_t)strlen(a->response) : 0;
        bad = buf_add(b, a, sizeof *a) || buf_add(b, &n, sizeof n) || buf_add(b, a->response, n);
    }
    return bad ? -1 : 0;
}

/* The inverse; *r owns arrays and answers afterwards (unpacked_free). */
static int unpack_result(const unsigned char *p, size_t len, struct llmb_result *r)
{
    if (len < sizeof *r)
        return -1;
    memcpy(r, p, sizeof *r);
    size_t off = sizeof *r, ns = r->n_samples, na = r->n_answers;
    r->total_ns = r->pp_ns = r->tg_ns = r->ttft_ns = NULL;
    uint64_t *had_timeline = r->token_ns; /* only says whether one follows */
    r->token_ns = NULL;
    r->answers = NULL;
    r->error = NULL;
    if (ns > (len - off) / (4 * sizeof(uint64_t)))
        return -1;
    uint64_t *arr = malloc(4 * sizeof(uint64_t) * (ns ? ns : 1));
    if (!arr)
        return -1;
    memcpy(arr, p + off, 4 * sizeof(uint64_t) * ns);
    off += 4 * sizeof(uint64_t) * ns;
    r->total_ns = arr;
    r->pp_ns = arr + ns;
    r->tg_ns = arr + 2 * ns;
    r->ttft_ns = arr + 3 * ns;
    if (had_timeline) {
        size_t nt = r->inst.n_gen > 0 ? (size_t)r->inst.n_gen : 0;
        r->token_ns = NULL;
        if (nt == 0 || ns > (len - off) / sizeof(uint64_t) / nt || !(r->token_ns = malloc(sizeof(uint64_t) * ns * nt)))
            return -1;
        memcpy(r->token_ns, p + off, sizeof(uint64_t) * ns * nt);
        off += sizeof(uint64_t) * ns * nt;
    }
    if (na) {
        if (!(r->answers = calloc(na, sizeof *r->answers)))
            return -1;
        for (size_t i = 0; i < na; i++) {
            uint32_t n;
            if (len - off < sizeof *r->answers + sizeof n)
                return -1;
            memcpy(&r->answers[i], p + off, sizeof *r->answers);
            r->answers[i].response = NULL;
            off += sizeof *r->answers;
            memcpy(&n, p + off, sizeof n);
            off += sizeof n;
            if (len - off < n || !(r->answers[i].response = strndup((const char *)p + off, n)))
                return -1;
            off += n;
        }
    }
    return 0;
}

static void unpacked_free(struct llmb_result *r)
{
    free(r->total_ns);
    free(r->token_ns);
    r->total_ns = r->token_ns = NULL;
    llmb_result_free_answers(r);
}

/* ---- the worker side ----------------------------------------------------------- */

struct child {
    int    fd;
    const struct llmb_instance *v;
    size_t base;     /* index of the first instance of this worker */
    size_t end;      /* ... and one past its last */
    size_t current;  /* index being run */
    struct buf out;
};

static int send_msg(int fd, uint32_t type, uint32_t index, int32_t code, const void *body, size_t len)
{
    struct msg_head h = {.type = type, .index = index, .code = code, .len = (uint32_t)len};
    return llmb_write_all(fd, &h, sizeof h) || (len && llmb_write_all(fd, body, len)) ? -1 : 0;
}

static int child_result(const struct llmb_result *r, void *user)
{
    struct child *c = user;
    for (size_t k = c->base; k < c->end; k++) /* interleaved tests finish together: which one is this */
        if (memcmp(&c->v[k], &r->inst, sizeof r->inst) == 0) {
            c->current = k;
            break;
        }
    c->out.len = 0;
    if (pack_result(&c->out, r))
        return LLMB_E_NOMEM;
    return send_msg(c->fd, MSG_RESULT, (uint32_t)c->current, 0, c->out.p, c->out.len) ? LLMB_E_IO : LLMB_OK;
}

static void child_event(const struct llmb_event *ev, void *user)
{
    struct child *c = user;
    if (ev->type == LLMB_EV_INSTANCE_STARTED)
        c->current = c->base + ev->index;
    if (ev->type != LLMB_EV_INSTANCE_STARTED && ev->type != LLMB_EV_PROGRESS && ev->type != LLMB_EV_TOKEN &&
        ev->type != LLMB_EV_SAMPLE)
        return; /* the parent says finished / failed itself */
    size_t pl = ev->phase ? strlen(ev->phase) : 0, ul = ev->unit ? strlen(ev->unit) : 0;
    size_t tl = ev->text ? (ev->len ? ev->len : strlen(ev->text)) : 0;
    struct ev_wire w = {.type = ev->type, .i = ev->i, .of = ev->of, .phase_len = (uint32_t)pl,
                        .unit_len = (uint32_t)ul, .text_len = (uint32_t)tl, .value = ev->value, .t_ms = ev->t_ms};
    if (ev->type == LLMB_EV_INSTANCE_STARTED) /* when the test began (one monotonic clock for both processes) */
        w.start_ns = llmb_clock_ns();
    c->out.len = 0;
    if (buf_add(&c->out, &w, sizeof w) || buf_add(&c->out, ev->phase, pl) || buf_add(&c->out, ev->unit, ul) ||
        buf_add(&c->out, ev->text, tl))
        return;
    send_msg(c->fd, MSG_EVENT, (uint32_t)(c->base + ev->index), 0, c->out.p, c->out.len);
}

static void run_child(const struct llmb_engine_ops *e, const struct llmb_instance *v, size_t from, size_t to,
                      const struct llmb_run_params *rp, int fd)
{
    struct child c = {.fd = fd, .v = v, .base = from, .end = to, .current = from};
    struct llmb_runner_hooks h = {.on_result = child_result, .on_event = child_event, .user = &c};
    struct llmb_error err = {0};
    int rc = llmb_runner_run(e, v + from, to - from, rp, &h, &err);
    const char *msg = err.msg[0] ? err.msg : llmb_strerror(rc);
    if (rc)
        send_msg(fd, MSG_FAIL, (uint32_t)c.current, rc, msg, strlen(msg));
    else
        send_msg(fd, MSG_DONE, UINT32_MAX, 0, NULL, 0);
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

static void parent_event(const struct llmb_runner_hooks *h, struct llmb_event *ev, const struct llmb_instance *v,
                         size_t index, size_t n)
{
    if (!h || !h->on_event)
        return;
    ev->index = index;
    ev->n = n;
    ev->inst = &v[index];
    h->on_event(ev, h->user);
}

static int deliver_failure(const struct llmb_runner_hooks *h, const struct llmb_instance *v, size_t k, size_t n,
                           const char *why)
{
    const struct llmb_instance *in = &v[k];
    struct llmb_result r;
    memset(&r, 0, sizeof r);
    r.inst = *in;
    snprintf(r.model.path, sizeof r.model.path, "%s", in->model);
    snprintf(r.model.desc, sizeof r.model.desc, "%s", in->model);
    r.error = why;
    time_t now = time(NULL);
    struct tm tm;
    strftime(r.test_time, sizeof r.test_time, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    int rc = h && h->on_result ? h->on_result(&r, h->user) : LLMB_OK;
    if (!rc) {
        struct llmb_event ev = {.type = LLMB_EV_INSTANCE_FAILED, .value = NAN, .text = why, .result = &r};
        parent_event(h, &ev, v, k, n);
    }
    return rc;
}

/* Handles complete messages in the inbox; returns an llmb code from the hooks.
 * *last_start is when the worker last started a test (the timeout's clock). */
static int drain(struct inbox *b, const struct llmb_instance *v, size_t n, const struct llmb_runner_hooks *h,
                 size_t *next, int *done, int *fail_code, char *fail_msg, size_t fail_len, uint64_t *last_start)
{
    size_t off = 0;
    int rc = LLMB_OK;
    while (!rc && b->len - off >= sizeof(struct msg_head)) {
        struct msg_head m;
        memcpy(&m, b->buf + off, sizeof m);
        if (b->len - off - sizeof m < m.len)
            break;
        const unsigned char *p = b->buf + off + sizeof m;
        if (m.type != MSG_DONE && m.index >= n && m.index != UINT32_MAX)
            return LLMB_E_IO; /* a worker that says nonsense */
        if (m.type == MSG_RESULT) {
            struct llmb_result r;
            if (unpack_result(p, m.len, &r)) {
                unpacked_free(&r);
                return LLMB_E_NOMEM;
            }
            r.inst = v[m.index];
            if (h && h->on_result)
                rc = h->on_result(&r, h->user);
            if (!rc) {
                struct llmb_event ev = {.type = LLMB_EV_INSTANCE_FINISHED, .value = NAN, .result = &r};
                parent_event(h, &ev, v, m.index, n);
            }
            unpacked_free(&r);
            *next = m.index + 1;
            *last_start = llmb_clock_ns();
        } else if (m.type == MSG_EVENT && m.len >= sizeof(struct ev_wire)) {
            struct ev_wire w;
            memcpy(&w, p, sizeof w);
            size_t need = sizeof w + (size_t)w.phase_len + w.unit_len + w.text_len;
            if (need <= m.len && w.phase_len < 64 && w.unit_len < 64) {
                char phase[64], unit[64];
                const char *q = (const char *)p + sizeof w;
                snprintf(phase, sizeof phase, "%.*s", (int)w.phase_len, q);
                snprintf(unit, sizeof unit, "%.*s", (int)w.unit_len, q + w.phase_len);
                struct llmb_event ev = {.type = w.type, .i = w.i, .of = w.of, .value = w.value, .t_ms = w.t_ms,
                                        .phase = w.phase_len ? phase : NULL, .unit = w.unit_len ? unit : NULL,
                                        .text = w.text_len ? q + w.phase_len + w.unit_len : NULL,
                                        .len = w.text_len};
                if (w.type == LLMB_EV_INSTANCE_STARTED) { /* the timeout runs from the test's start, not from
                                                            * when this (maybe busy) parent read about it */
                    *next = m.index;
                    *last_start = w.start_ns && w.start_ns <= llmb_clock_ns() ? w.start_ns : llmb_clock_ns();
                }
                if (w.type >= 0 && w.type < LLMB_EV_COUNT)
                    parent_event(h, &ev, v, m.index, n);
            }
        } else if (m.type == MSG_FAIL) {
            *fail_code = m.code ? m.code : LLMB_E_ENGINE;
            snprintf(fail_msg, fail_len, "%.*s", (int)m.len, (const char *)p);
        } else if (m.type == MSG_DONE) {
            *done = 1;
        }
        off += sizeof m + m.len;
    }
    memmove(b->buf, b->buf + off, b->len - off);
    b->len -= off;
    return rc;
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
        while (j < n && (rp->interleave || llmb_instance_same_model(&v[i], &v[j])))
            j++; /* one worker per model; an interleaved comparison holds them all */
        int out[2], errp[2];
        pid_t pid = llmb_child_fork(&out[1], &errp[0], err);
        if (pid < 0) {
            rc = err && err->code ? err->code : LLMB_E_IO;
            break;
        }
        if (pid == 0)
            run_child(e, v, i, j, rp, out[1]);
        out[0] = out[1];
        struct llmb_child_log log;
        memset(&log, 0, sizeof log);
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
                    rc = drain(&box, v, n, h, &next, &done, &fail_code, fail_msg, sizeof fail_msg, &last);
            }
            if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                char buf[1024];
                ssize_t k = read(errp[0], buf, sizeof buf);
                if (k > 0 && rp->verbose && write(2, buf, (size_t)k) < 0) {
                    /* -v: the engine's log goes on to ours; a failed write loses only log */
                }
                if (k > 0)
                    llmb_child_log_add(&log, buf, (size_t)k);
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
        char why[1024];
        if (timed_out)
            snprintf(why, sizeof why, "timed out after %g s", timeout_s);
        else if (fail_msg[0])
            snprintf(why, sizeof why, "%s", fail_msg);
        else
            llmb_child_log_reason(&log, status, why, sizeof why);
        if (next >= j)
            next = j - 1;
        /* a model that cannot be opened fails every test of its configuration */
        size_t last_failed = fail_code == LLMB_E_MODEL ? j : next + 1;
        for (size_t k = next; k < last_failed && rc == LLMB_OK; k++)
            rc = deliver_failure(h, v, k, n, why);
        i = last_failed;
    }
    free(box.buf);
    return rc;
}
