/* live.h - a run's live listeners besides the terminal: the --events JSON
 * Lines log and the --dashboard page. bench, quality and pipeline hold them
 * in their run (runctl.c) and hand them the runner's events; load, which
 * runs no runner, holds its own and emits its events itself (load_live.c). */
#ifndef LLMB_CLI_LIVE_H
#define LLMB_CLI_LIVE_H

#include "llmbench/events.h"
#include "llmbench/web.h"
#include "opt.h"

enum { LLMB_ROPT_EVENTS = 940, LLMB_ROPT_DASHBOARD };

/* The two flags, for a command's option table. */
#define LLMB_LIVE_OPT_EVENTS                                                                                           \
    {                                                                                                                  \
        LLMB_ROPT_EVENTS, "--events", "FILE|-", NULL, "write the run's events as JSON Lines (docs/events.md)",         \
            LLMB_OPT_STR, 0, 0, 0, NULL                                                                                \
    }
#define LLMB_LIVE_OPT_DASHBOARD                                                                                        \
    {                                                                                                                  \
        LLMB_ROPT_DASHBOARD, "--dashboard", "[=PORT]", "8090",                                                         \
            "serve the live dashboard on 127.0.0.1 during the run (PORT 0: any free one); prints its URL",             \
            LLMB_OPT_INT, 0, 65535, 0, NULL                                                                            \
    }

struct llmb_cli_live {
    const char *events_path; /* --events: NULL none, "-" stdout */
    int dashboard_port;      /* --dashboard: its port, -1 when not asked */
    struct llmb_event_log *log;
    struct llmb_web *web;
};

void llmb_cli_live_init(struct llmb_cli_live *l);
/* Handles --events or --dashboard: returns 1 when id is one, else 0. */
int llmb_cli_live_opt(struct llmb_cli_live *l, int id, const char *val);
/* Opens the events log, then the page (its store read from db by the
 * server's own connection; db NULL: only the live view), printing its URL
 * on stderr. Fails with one line (the log unwritable, the port in use);
 * what was opened is closed by llmb_cli_live_close. */
int llmb_cli_live_open(struct llmb_cli_live *l, const char *db, double lock_wait_s, struct llmb_error *err);
/* Hands an event to the log and the page (either may be absent). */
void llmb_cli_live_emit(struct llmb_cli_live *l, const struct llmb_event *ev);
/* Closes the log and stops the page (open pages get the last events first,
 * for up to 1 s); returns a failed write of the log (err set). */
int llmb_cli_live_close(struct llmb_cli_live *l, struct llmb_error *err);

#endif
