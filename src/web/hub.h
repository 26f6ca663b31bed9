/* hub.h - the events every page sees: a bounded ring of event texts with
 * sequence numbers, one writer (the runner's callback or the follower),
 * many readers (one per event stream), each waiting on a condition variable
 * for the next event. A reader that falls behind the ring skips to its
 * oldest event; the writer never waits for a reader. */
#ifndef LLMB_WEB_HUB_H
#define LLMB_WEB_HUB_H

#include <stddef.h>
#include <stdint.h>

struct llmb_web_hub;

/* cap events at most, bytes of their texts at most. NULL on no memory. */
struct llmb_web_hub *llmb_web_hub_new(size_t cap, size_t bytes);
void llmb_web_hub_free(struct llmb_web_hub *h); /* NULL: no-op */
/* Copies one event in (is_run_start: a reader that connects later starts
 * its replay there). An event larger than the byte budget is dropped. */
void llmb_web_hub_publish(struct llmb_web_hub *h, const char *data, size_t len, int is_run_start);
/* Wakes every reader for good (they get -1). */
void llmb_web_hub_close(struct llmb_web_hub *h);
/* Where a new reader starts: just before the latest run's first event (or
 * the oldest kept), or after `last` (a reconnecting page's Last-Event-ID)
 * when last > 0. */
uint64_t llmb_web_hub_start(struct llmb_web_hub *h, uint64_t last);
/* The first event after `after`, waiting at most wait_ms: 1 and *data (a
 * malloc'd copy, *len bytes, *id its number), 0 on timeout, -1 closed. */
int llmb_web_hub_next(struct llmb_web_hub *h, uint64_t after, int wait_ms, char **data, size_t *len, uint64_t *id);
/* The newest event's number (0: none yet). */
uint64_t llmb_web_hub_last(struct llmb_web_hub *h);
/* Waits (at most wait_ms) until no reader is behind the newest event. */
void llmb_web_hub_drain(struct llmb_web_hub *h, int wait_ms);
/* Readers: each stream takes a slot (-1: all LLMB_WEB_HUB_READERS or max
 * are taken), says how far it has sent (seen) and gives it back (leave). */
#define LLMB_WEB_HUB_READERS 64
int llmb_web_hub_enter(struct llmb_web_hub *h, unsigned max, uint64_t pos);
void llmb_web_hub_seen(struct llmb_web_hub *h, int slot, uint64_t pos);
void llmb_web_hub_leave(struct llmb_web_hub *h, int slot);

#endif
