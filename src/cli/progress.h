/* progress.h - the terminal's view of a run, one consumer of the runner's
 * events: a progress bar with an ETA on a terminal, one line per step
 * otherwise, nothing when quiet. */
#ifndef LLMB_CLI_PROGRESS_H
#define LLMB_CLI_PROGRESS_H

#include <stdio.h>

#include "llmbench/events.h"
#include "llmbench/result.h"

enum { LLMB_PROGRESS_NONE = 0, LLMB_PROGRESS_LINES, LLMB_PROGRESS_BAR, LLMB_PROGRESS_AUTO };

struct llmb_progress;
/* mode AUTO: a bar when out is a terminal, else lines. NULL on no memory. */
struct llmb_progress *llmb_progress_new(int mode, FILE *out);
void llmb_progress_event(struct llmb_progress *p, const struct llmb_event *ev);
/* Prints one whole line (a warning) to stderr, clearing the bar first; the
 * bar comes back at its next redraw. p may be NULL (no progress shown). */
void llmb_progress_note(struct llmb_progress *p, const char *line);
/* One warning line per finding about a test's conditions (interference;
 * drift, warm-up), --quiet or not (p NULL): a figure measured under
 * interference is wrong, and nobody would see it otherwise. */
void llmb_progress_conditions(struct llmb_progress *p, const struct llmb_result *res);
/* Ends an unfinished bar line (after an interruption) and frees. */
void llmb_progress_free(struct llmb_progress *p);

#endif
