/* bandwidth.c - STREAM-style memory bandwidth kernels (read, copy, triad)
 * on pthreads: each thread owns one slice of each array and touches it
 * first, so its pages sit on its NUMA node; a repetition is timed from the
 * barrier that releases every thread to the one that sees them all done. */
#pragma GCC optimize(                                                                                                  \
    "O3",                                                                                                              \
    "no-tree-loop-distribute-patterns") /* copy stays a loop of plain stores, as STREAM's, not memcpy's streaming ones */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "llmbench/bandwidth.h"
#include "llmbench/hw.h"
#include "llmbench/probe.h"

#define MIB (1024ull * 1024)

enum { K_READ = 0, K_COPY, K_TRIAD, K_INIT, K_QUIT };

struct bw_shared {
    double *a, *b, *c;
    size_t n; /* elements per array */
    int threads;
    int kernel;
    pthread_barrier_t start, done;
    pthread_mutex_t mu; /* threads wait for ready: the barriers are sized for those that started */
    pthread_cond_t cv;
    int ready;
    volatile uint64_t sink[64];
};

struct bw_thread {
    struct bw_shared *sh;
    int id;
    pthread_t th;
};

static void slice(const struct bw_shared *sh, int id, size_t *lo, size_t *hi)
{
    size_t per = sh->n / (size_t)sh->threads;
    *lo = per * (size_t)id;
    *hi = id == sh->threads - 1 ? sh->n : *lo + per;
}

static uint64_t k_read(const uint64_t *restrict a, size_t lo, size_t hi)
{
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = lo;
    for (; i + 4 <= hi; i += 4) {
        s0 += a[i];
        s1 += a[i + 1];
        s2 += a[i + 2];
        s3 += a[i + 3];
    }
    for (; i < hi; i++)
        s0 += a[i];
    return s0 + s1 + s2 + s3;
}

static void k_copy(double *restrict c, const double *restrict a, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++)
        c[i] = a[i];
}

static void k_triad(double *restrict a, const double *restrict b, const double *restrict c, size_t lo, size_t hi)
{
    const double q = 3.0;
    for (size_t i = lo; i < hi; i++)
        a[i] = b[i] + q * c[i];
}

static void *worker(void *arg)
{
    struct bw_thread *t = arg;
    struct bw_shared *sh = t->sh;
    pthread_mutex_lock(&sh->mu);
    while (!sh->ready)
        pthread_cond_wait(&sh->cv, &sh->mu);
    pthread_mutex_unlock(&sh->mu);
    if (sh->ready < 0)
        return NULL;
    size_t lo, hi;
    slice(sh, t->id, &lo, &hi);
    for (;;) {
        pthread_barrier_wait(&sh->start);
        int k = sh->kernel;
        if (k == K_QUIT)
            return NULL;
        if (k == K_INIT)
            for (size_t i = lo; i < hi; i++) {
                sh->a[i] = 1.0;
                sh->b[i] = 2.0;
                sh->c[i] = 0.0;
            }
        else if (k == K_READ)
            sh->sink[t->id % 64] += k_read((const uint64_t *)sh->a, lo, hi);
        else if (k == K_COPY)
            k_copy(sh->c, sh->a, lo, hi);
        else
            k_triad(sh->a, sh->b, sh->c, lo, hi);
        pthread_barrier_wait(&sh->done);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One pass of kernel k over every thread's slice; seconds. */
static double pass(struct bw_shared *sh, int k)
{
    sh->kernel = k;
    double t0 = now_s();
    pthread_barrier_wait(&sh->start);
    pthread_barrier_wait(&sh->done);
    return now_s() - t0;
}

uint64_t llmb_bw_default_bytes(void)
{
    static struct llmb_hw hw;
    llmb_hw_snapshot(NULL, 0, &hw);
    uint64_t llc = 0;
    int top = 0;
    for (int i = 0; i < hw.n_caches; i++)
        if (hw.caches[i].level >= top) {
            if (hw.caches[i].level > top)
                llc = 0;
            top = hw.caches[i].level;
            llc += hw.caches[i].size * (uint64_t)(hw.caches[i].count > 0 ? hw.caches[i].count : 1);
        }
    uint64_t want = 4 * llc;
    if (want < 256 * MIB)
        want = 256 * MIB;
    uint64_t cap = hw.ram_available ? hw.ram_available / 8 : 1024 * MIB;
    if (cap > 1024 * MIB) /* 3 x 1 GiB: past any last-level cache made so far, kind to a shared machine */
        cap = 1024 * MIB;
    if (want > cap)
        want = cap < 64 * MIB ? 64 * MIB : cap;
    return want & ~(MIB - 1);
}

int llmb_bw_measure(const struct llmb_bw_params *p, volatile int *stop, struct llmb_bw_result *r,
                    struct llmb_error *err)
{
    memset(r, 0, sizeof *r);
    int threads = p->threads > 0 ? p->threads : llmb_probe_cpu_physical_cores();
    int reps = p->reps > 0 ? p->reps : 5;
    uint64_t bytes = p->array_bytes ? p->array_bytes : llmb_bw_default_bytes();
    if (bytes < (uint64_t)threads * 4096 || bytes > (1ull << 40))
        return llmb_error_set(err, LLMB_E_INVAL, "bandwidth array of %llu bytes is too small or too large",
                              (unsigned long long)bytes);
    struct bw_shared *sh = calloc(1, sizeof *sh);
    struct bw_thread *ts = calloc((size_t)threads, sizeof *ts);
    if (!sh || !ts) {
        free(sh);
        free(ts);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    sh->n = (size_t)(bytes / sizeof(double));
    sh->threads = threads;
    int rc = LLMB_OK;
    sh->a = sh->b = sh->c = NULL;
    if (posix_memalign((void **)&sh->a, 4096, sh->n * sizeof(double)) ||
        posix_memalign((void **)&sh->b, 4096, sh->n * sizeof(double)) ||
        posix_memalign((void **)&sh->c, 4096, sh->n * sizeof(double))) {
        free(sh->a);
        free(sh->b);
        free(sh->c);
        free(sh);
        free(ts);
        return llmb_error_set(err, LLMB_E_NOMEM, "cannot allocate 3 arrays of %llu MiB for the bandwidth probe",
                              (unsigned long long)(bytes / MIB));
    }
    pthread_mutex_init(&sh->mu, NULL);
    pthread_cond_init(&sh->cv, NULL);
    int started = 0;
    for (; started < threads; started++) {
        ts[started].sh = sh;
        ts[started].id = started;
        if (pthread_create(&ts[started].th, NULL, worker, &ts[started]))
            break;
    }
    if (started < threads) /* fewer threads than asked would be another figure: none */
        rc = llmb_error_set(err, LLMB_E_IO, "cannot start %d bandwidth threads (%d started)", threads, started);
    else {
        pthread_barrier_init(&sh->start, NULL, (unsigned)threads + 1);
        pthread_barrier_init(&sh->done, NULL, (unsigned)threads + 1);
    }
    pthread_mutex_lock(&sh->mu);
    sh->ready = rc ? -1 : 1;
    pthread_cond_broadcast(&sh->cv);
    pthread_mutex_unlock(&sh->mu);
    if (rc) {
        for (int i = 0; i < started; i++)
            pthread_join(ts[i].th, NULL);
        free(sh->a);
        free(sh->b);
        free(sh->c);
        free(sh);
        free(ts);
        return rc;
    }
    pass(sh, K_INIT);
    double best[3] = {0, 0, 0};
    for (int rep = 0; rep <= reps && !rc; rep++) { /* repetition 0 warms up (page faults, clocks) */
        for (int k = K_READ; k <= K_TRIAD; k++) {
            double s = pass(sh, k);
            if (rep > 0 && (best[k] == 0 || s < best[k]))
                best[k] = s;
        }
        if (stop && *stop)
            rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "bandwidth measurement interrupted after %d of %d repetitions",
                                rep, reps);
    }
    sh->kernel = K_QUIT;
    pthread_barrier_wait(&sh->start);
    for (int i = 0; i < threads; i++)
        pthread_join(ts[i].th, NULL);
    pthread_barrier_destroy(&sh->start);
    pthread_barrier_destroy(&sh->done);
    pthread_mutex_destroy(&sh->mu);
    pthread_cond_destroy(&sh->cv);
    if (!rc) {
        double b = (double)(sh->n * sizeof(double));
        r->read_gbs = b / best[K_READ] / 1e9;
        r->copy_gbs = 2 * b / best[K_COPY] / 1e9;
        r->triad_gbs = 3 * b / best[K_TRIAD] / 1e9;
        r->threads = threads;
        r->reps = reps;
        r->array_bytes = sh->n * sizeof(double);
        time_t t = time(NULL);
        struct tm tm;
        strftime(r->measured_at, sizeof r->measured_at, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    }
    free(sh->a);
    free(sh->b);
    free(sh->c);
    free(sh);
    free(ts);
    return rc;
}
