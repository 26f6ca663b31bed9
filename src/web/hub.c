/* hub.c - the ring of published events and the readers waiting on it (see
 * hub.h). One mutex guards everything; publishing copies the text and
 * broadcasts, so the runner's thread never waits on a page. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub.h"

struct slot {
    uint64_t id;
    char *data;
    size_t len;
};

struct llmb_web_hub {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct slot *ring;
    size_t cap, bytes_max, bytes;
    uint64_t first, last; /* ids kept: first..last (first > last: none) */
    uint64_t run_start;   /* id of the latest run_started kept, 0: none */
    int closed;
    int used[LLMB_WEB_HUB_READERS];
    uint64_t pos[LLMB_WEB_HUB_READERS];
};

struct llmb_web_hub *llmb_web_hub_new(size_t cap, size_t bytes)
{
    struct llmb_web_hub *h = calloc(1, sizeof *h);
    if (!h || !(h->ring = calloc(cap ? cap : 1, sizeof *h->ring))) {
        free(h);
        return NULL;
    }
    h->cap = cap ? cap : 1;
    h->bytes_max = bytes;
    h->first = 1;
    pthread_mutex_init(&h->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->cv, &ca);
    pthread_condattr_destroy(&ca);
    return h;
}

void llmb_web_hub_free(struct llmb_web_hub *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->cap; i++)
        free(h->ring[i].data);
    free(h->ring);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
}

/* Drops the oldest event (lock held). */
static void drop_oldest(struct llmb_web_hub *h)
{
    struct slot *s = &h->ring[h->first % h->cap];
    h->bytes -= s->len;
    free(s->data);
    s->data = NULL;
    s->len = 0;
    if (h->run_start == h->first)
        h->run_start = 0;
    h->first++;
}

void llmb_web_hub_publish(struct llmb_web_hub *h, const char *data, size_t len, int is_run_start)
{
    if (!h || len > h->bytes_max)
        return;
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, data, len);
    copy[len] = 0;
    pthread_mutex_lock(&h->mu);
    while (h->first <= h->last && (h->last - h->first + 1 >= h->cap || h->bytes + len > h->bytes_max))
        drop_oldest(h);
    h->last++;
    struct slot *s = &h->ring[h->last % h->cap];
    s->id = h->last;
    s->data = copy;
    s->len = len;
    h->bytes += len;
    if (is_run_start)
        h->run_start = h->last;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

void llmb_web_hub_close(struct llmb_web_hub *h)
{
    pthread_mutex_lock(&h->mu);
    h->closed = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

uint64_t llmb_web_hub_start(struct llmb_web_hub *h, uint64_t last)
{
    pthread_mutex_lock(&h->mu);
    uint64_t at = last > 0 && last <= h->last ? last : h->run_start ? h->run_start - 1 : h->first - 1;
    pthread_mutex_unlock(&h->mu);
    return at;
}

uint64_t llmb_web_hub_last(struct llmb_web_hub *h)
{
    pthread_mutex_lock(&h->mu);
    uint64_t v = h->last;
    pthread_mutex_unlock(&h->mu);
    return v;
}

static void deadline(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int llmb_web_hub_next(struct llmb_web_hub *h, uint64_t after, int wait_ms, char **data, size_t *len, uint64_t *id)
{
    struct timespec ts;
    deadline(&ts, wait_ms);
    pthread_mutex_lock(&h->mu);
    int rc = 0;
    while (!h->closed && h->last <= after)
        if (pthread_cond_timedwait(&h->cv, &h->mu, &ts) == ETIMEDOUT)
            break;
    if (h->last > after) {
        uint64_t want = after + 1 < h->first ? h->first : after + 1; /* fell behind: skip */
        struct slot *s = &h->ring[want % h->cap];
        if ((*data = malloc(s->len + 1))) {
            memcpy(*data, s->data, s->len + 1);
            *len = s->len;
            *id = s->id;
            rc = 1;
        }
    } else if (h->closed) {
        rc = -1;
    }
    pthread_mutex_unlock(&h->mu);
    return rc;
}

int llmb_web_hub_enter(struct llmb_web_hub *h, unsigned max, uint64_t pos)
{
    int slot = -1;
    unsigned n = 0;
    pthread_mutex_lock(&h->mu);
    for (int i = 0; i < LLMB_WEB_HUB_READERS; i++)
        n += h->used[i] != 0;
    for (int i = 0; n < max && slot < 0 && i < LLMB_WEB_HUB_READERS; i++)
        if (!h->used[i]) {
            h->used[i] = 1;
            h->pos[i] = pos;
            slot = i;
        }
    pthread_mutex_unlock(&h->mu);
    return slot;
}

void llmb_web_hub_seen(struct llmb_web_hub *h, int slot, uint64_t pos)
{
    pthread_mutex_lock(&h->mu);
    h->pos[slot] = pos;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

void llmb_web_hub_leave(struct llmb_web_hub *h, int slot)
{
    pthread_mutex_lock(&h->mu);
    h->used[slot] = 0;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

void llmb_web_hub_drain(struct llmb_web_hub *h, int wait_ms)
{
    struct timespec ts;
    deadline(&ts, wait_ms);
    pthread_mutex_lock(&h->mu);
    for (;;) {
        int behind = 0;
        for (int i = 0; i < LLMB_WEB_HUB_READERS; i++)
            behind |= h->used[i] && h->pos[i] < h->last;
        if (!behind || pthread_cond_timedwait(&h->cv, &h->mu, &ts) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&h->mu);
}
