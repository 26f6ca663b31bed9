/* serve.c - `llmbench serve`: the dashboard on its own, over the results
 * store, following a run of another process through its events log
 * (--follow FILE, the run's --events FILE) and the store. Runs until Ctrl-C
 * or SIGTERM. The server itself is libllmbench's (src/web). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "llmbench/web.h"
#include "signals.h"
#include "store_cli.h"

enum { O_BIND = 1, O_PORT, O_TOKEN, O_FOLLOW, O_MAX_CONNS };

const struct llmb_opt llmb_serve_opts[] = {
    {O_BIND, "--bind", "ADDR", "127.0.0.1", "address to listen on (any other than loopback requires a token)",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_PORT, "--port", "N", "8090", "port to listen on (0: any free port; the URL printed says which)", LLMB_OPT_INT, 0,
     65535, 0, NULL},
    {O_TOKEN, "--token", "TOKEN", NULL,
     "required on every request (16-128 of A-Za-z0-9-_); generated for a non-loopback --bind when not given",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_FOLLOW, "--follow", "FILE", NULL, "stream the events a run writes to FILE (its --events FILE) as they come",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_MAX_CONNS, "--max-conns", "N", "64", "connections served at once (more are refused)", LLMB_OPT_INT, 4, 1024, 0,
     NULL},
    LLMB_STORE_DB_OPTS,
    {0},
};

struct serve_cli {
    struct llmb_cli_store st;
    struct llmb_web_params wp;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct serve_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case O_BIND: c->wp.bind = v; return LLMB_OK;
    case O_PORT: c->wp.port = (int)llmb_opt_value(v); return LLMB_OK;
    case O_TOKEN: c->wp.token = v; return LLMB_OK;
    case O_FOLLOW: c->wp.follow = v; return LLMB_OK;
    case O_MAX_CONNS: c->wp.max_conns = (unsigned)llmb_opt_value(v); return LLMB_OK;
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (see --help)", v);
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

int llmb_cmd_serve(int argc, char **argv, struct llmb_error *err)
{
    struct serve_cli c = {.wp = llmb_web_default_params()};
    llmb_cli_store_init(&c.st);
    int rc = llmb_opt_parse(llmb_serve_opts, argc, argv, on_opt, &c, err);
    char db[4096];
    if (rc || (rc = llmb_cli_store_path(&c.st, db, sizeof db, err)))
        return llmb_cli_input(rc);
    if (access(db, F_OK) != 0 && !c.wp.follow)
        return llmb_error_set(err, LLMB_E_INVAL,
                              "no results database at '%s' (run a benchmark first, or name one with --db)", db);
    c.wp.db_path = db;
    c.wp.lock_wait_s = c.st.lock_wait_s;
    struct llmb_web *w = NULL;
    volatile int *stop = llmb_cli_signals_catch();
    /* blocked before the server's threads start (they inherit it): only this
     * thread takes Ctrl-C, in sigsuspend, so none is lost */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    if (!(rc = llmb_web_start(&c.wp, &w, err))) {
        fprintf(stderr, "llmbench: dashboard at %s (Ctrl-C stops it)\n", llmb_web_url(w));
        fflush(stderr);
        while (!*stop)
            sigsuspend(&old);
    }
    llmb_web_stop(w, 0);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
