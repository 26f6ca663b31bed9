/* live.c - the --events log and the --dashboard page of a run (live.h):
 * one place that opens, feeds and closes them, for the commands built on
 * the runner (runctl.c) and for load (load_live.c). */
#include <stdio.h>
#include <string.h>

#include "live.h"

void llmb_cli_live_init(struct llmb_cli_live *l)
{
    memset(l, 0, sizeof *l);
    l->dashboard_port = -1;
}

int llmb_cli_live_opt(struct llmb_cli_live *l, int id, const char *val)
{
    switch (id) {
    case LLMB_ROPT_EVENTS: l->events_path = val; return 1;
    case LLMB_ROPT_DASHBOARD: l->dashboard_port = val ? (int)llmb_opt_value(val) : LLMB_WEB_DEFAULT_PORT; return 1;
    default: return 0;
    }
}

int llmb_cli_live_open(struct llmb_cli_live *l, const char *db, double lock_wait_s, struct llmb_error *err)
{
    int rc = LLMB_OK;
    if (l->events_path && (rc = llmb_event_log_open(l->events_path, &l->log, err)))
        return rc;
    if (l->dashboard_port < 0)
        return LLMB_OK;
    struct llmb_web_params wp = llmb_web_default_params();
    wp.port = l->dashboard_port;
    wp.db_path = db;
    wp.lock_wait_s = lock_wait_s;
    if (!(rc = llmb_web_start(&wp, &l->web, err))) {
        fprintf(stderr, "llmbench: dashboard at %s\n", llmb_web_url(l->web));
        fflush(stderr);
    }
    return rc;
}

void llmb_cli_live_emit(struct llmb_cli_live *l, const struct llmb_event *ev)
{
    llmb_event_log_write(l->log, ev);
    llmb_web_publish(l->web, ev);
}

int llmb_cli_live_close(struct llmb_cli_live *l, struct llmb_error *err)
{
    int rc = llmb_event_log_close(l->log, err);
    l->log = NULL;
    llmb_web_stop(l->web, 1.0); /* the pages get the run's last events first */
    l->web = NULL;
    return rc;
}
