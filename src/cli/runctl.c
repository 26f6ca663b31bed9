/* runctl.c - the run around the runner for bench, quality and pipeline (see
 * runctl.h): flags, store and resume, listeners, signals, closing line. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "llmbench/bandwidth.h"
#include "cli.h"
#include "llmbench/analysis.h"
#include "runctl.h"
#include "signals.h"

void llmb_cli_run_init(struct llmb_cli_run *r)
{
    memset(r, 0, sizeof *r);
    llmb_cli_store_init(&r->store_opts);
    r->progress_mode = LLMB_PROGRESS_AUTO;
    llmb_cli_live_init(&r->live);
}

int llmb_cli_run_opt(struct llmb_cli_run *r, int id, const char *name, const char *val, int *rc,
                     struct llmb_error *err)
{
    *rc = LLMB_OK;
    if (llmb_cli_store_opt(&r->store_opts, id, name, val, rc, err) || llmb_cli_live_opt(&r->live, id, val))
        return 1;
    switch (id) {
    case LLMB_ROPT_NO_DB: r->no_db = 1; return 1;
    case LLMB_ROPT_RESUME: r->resume = 1; return 1;
    case LLMB_ROPT_TAG:
        r->tags = val;
        *rc = llmb_store_tags_check(val, err);
        return 1;
    case LLMB_ROPT_QUIET: r->quiet = 1; return 1;
    case LLMB_ROPT_TIMEOUT: r->timeout_s = llmb_opt_value(val); return 1;
    case LLMB_ROPT_DRY_RUN:
        r->dry_run = val && !strcmp(val, "quiet") ? 2 : 1;
        if (val && strcmp(val, "quiet"))
            *rc = llmb_error_set(err, LLMB_E_INVAL, "--dry-run=%s: only --dry-run=quiet takes a value", val);
        return 1;
    default: return 0;
    }
}

int llmb_cli_run_check_outputs(const struct llmb_cli_run *r, const char *const *inputs, size_t n_in,
                               const char *const *what, const char *const *paths, size_t n_out,
                               struct llmb_error *err)
{
    if (r->no_db && r->resume)
        return llmb_error_set(err, LLMB_E_INVAL, "--resume needs the results database (drop --no-db)");
    const char **in = calloc(n_in + n_out + 2, sizeof *in);
    if (!in)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < n_in; i++)
        in[n++] = inputs[i];
    char db[4096];
    if (!r->no_db && llmb_cli_store_path(&r->store_opts, db, sizeof db, NULL) == LLMB_OK)
        in[n++] = db;
    int rc = LLMB_OK;
    const char *ev = r->live.events_path;
    if (ev && strcmp(ev, "-") && !(rc = llmb_output_check(ev, "--events", in, n, err)))
        in[n++] = ev;
    for (size_t i = 0; !rc && i < n_out; i++)
        if (paths[i] && !(rc = llmb_output_check(paths[i], what[i], in, n, err)))
            in[n++] = paths[i];
    free(in);
    return rc;
}

static int begin(struct llmb_cli_run *r, const char *cmd, int argc, char **argv, size_t n, const char *extra,
                 unsigned char *done, struct llmb_error *err)
{
    const char **kp = malloc((n ? n : 1) * sizeof *kp);
    if (!kp)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        kp[i] = r->keys[i];
    char plan[65], line[4096];
    llmb_store_plan_hash(kp, n, extra, plan);
    free(kp);
    llmb_cli_command_line(cmd, argc, argv, line, sizeof line);
    int rc = LLMB_OK;
    r->run_id = 0;
    if (r->resume)
        rc = llmb_store_find_resumable(r->store, plan, &r->run_id, err);
    if (!rc && r->run_id) {
        rc = llmb_store_resume_run(r->store, r->run_id, err);
        size_t left = 0;
        for (size_t i = 0; !rc && i < n; i++) {
            int d = llmb_store_instance_done(r->store, r->run_id, r->keys[i], err);
            if (d < 0)
                rc = err->code ? err->code : LLMB_E_IO;
            done[i] = d > 0;
            left += d == 0;
        }
        if (!rc && left)
            fprintf(stderr, "llmbench: resuming run %lld: %zu of %zu tests left\n", (long long)r->run_id, left, n);
        return rc;
    }
    if (!rc && r->resume) { /* a complete run of this plan: nothing to do, and say so */
        struct llmb_store_filter f;
        memset(&f, 0, sizeof f);
        snprintf(f.plan, sizeof f.plan, "%s", plan);
        struct llmb_store_run *runs = NULL;
        size_t nr = 0;
        if ((rc = llmb_store_list_runs(r->store, &f, &runs, &nr, err)))
            return rc;
        for (size_t i = 0; i < nr; i++)
            if (runs[i].status == LLMB_RUN_COMPLETE && runs[i].id > r->run_id)
                r->run_id = runs[i].id;
        free(runs);
        if (r->run_id) {
            r->complete = 1;
            for (size_t i = 0; !rc && i < n; i++) {
                int d = llmb_store_instance_done(r->store, r->run_id, r->keys[i], err);
                if (d < 0)
                    rc = err->code ? err->code : LLMB_E_IO;
                done[i] = d > 0;
            }
            return rc;
        }
        fprintf(stderr, "llmbench: no interrupted run of this plan to resume: starting a new one\n");
    }
    struct llmb_run_info ri = {.command = line, .tags = r->tags, .plan_hash = plan, .n_planned = n, .source = cmd};
    return rc ? rc : llmb_store_begin_run(r->store, &ri, &r->run_id, err);
}

int llmb_cli_run_open(struct llmb_cli_run *r, const char *cmd, int argc, char **argv,
                      const struct llmb_instance *inst, size_t n, const char *extra, unsigned char *done,
                      struct llmb_error *err)
{
    memset(done, 0, n);
    r->n_planned = n;
    int rc = LLMB_OK;
    if (r->dry_run) { /* nothing opened: every test counts as done */
        memset(done, 1, n);
        return llmb_cli_run_dry(r, inst, n, err);
    }
    char db[4096]; /* the page comes first: a port in use stops the run before anything is stored */
    if (!r->no_db && (rc = llmb_cli_store_path(&r->store_opts, db, sizeof db, err)))
        return rc;
    if ((rc = llmb_cli_live_open(&r->live, r->no_db ? NULL : db, r->store_opts.lock_wait_s, err)))
        return rc;
    if (r->no_db)
        return LLMB_OK;
    if ((rc = llmb_cli_store_open(&r->store_opts, 0, &r->store, err)))
        return rc;
    if (!(r->keys = malloc((n ? n : 1) * sizeof *r->keys)))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        rc = llmb_store_instance_key(r->store, &inst[i], r->keys[i], sizeof r->keys[i], err);
    return rc ? rc : begin(r, cmd, argc, argv, n, extra, done, err);
}

static int run_result(const struct llmb_result *in, void *user)
{
    struct llmb_cli_run *r = user;
    struct llmb_result x = *in, *res = &x; /* a speed test's interval across runs: unknown when the store cannot say */
    llmb_run_interval(r->store, r->run_id, LLMB_CMP_RUN_CV_PCT, res, &(struct llmb_error){0});
    int rc = r->on_result ? r->on_result(res, r->user) : LLMB_OK;
    if (!rc && r->store && llmb_store_put_result(r->store, r->run_id, res, &r->store_err))
        rc = r->store_err.code ? r->store_err.code : LLMB_E_IO;
    if (rc)
        return rc;
    if (res->error) {
        r->n_failed++;
        if (r->quiet || !r->progress) { /* the progress view says it otherwise */
            char test[96];
            llmb_instance_test_name(&res->inst, test, sizeof test);
            fprintf(stderr, "llmbench: %s on %s failed: %s\n", test, res->inst.model, res->error);
        }
    } else {
        r->n_done++;
        llmb_progress_conditions(r->progress, res);
    }
    return LLMB_OK;
}

static void run_event(const struct llmb_event *ev, void *user)
{
    struct llmb_cli_run *r = user;
    llmb_progress_event(r->progress, ev);
    llmb_cli_live_emit(&r->live, ev);
    if (r->on_event)
        r->on_event(ev, r->user);
}

int llmb_cli_run_execute(struct llmb_cli_run *r, const struct llmb_engine_ops *engine,
                         const struct llmb_instance *inst, size_t n, const struct llmb_run_params *rp, int isolate,
                         struct llmb_error *err)
{
    if (!r->quiet)
        r->progress = llmb_progress_new(r->progress_mode, stderr);
    struct llmb_exec_params xp = llmb_exec_default_params();
    xp.isolate = isolate;
    xp.timeout_s = r->timeout_s;
    xp.stop = llmb_cli_signals_catch();
    xp.run_id = r->run_id;
    xp.n_planned = r->n_planned;
    struct llmb_runner_hooks h = {.on_result = run_result, .on_event = run_event, .user = r};
    struct llmb_run_params rpm = *rp; /* each result's roofline: the machine's peak, when the store has it */
    const char *procfs = getenv("LLMBENCH_PROCFS_ROOT"); /* tests: a fake /proc and /sys (docs/metrics.md) */
    if (procfs && *procfs)
        rpm.procfs_root = procfs;
    struct llmb_bw_result bw;
    int found = 0;
    if (r->store && !llmb_store_get_bandwidth(r->store, NULL, &bw, &found, err) && found)
        rpm.peak_gbs = bw.read_gbs;
    int rc = llmb_runner_execute(engine, inst, n, &rpm, &xp, &h, err);
    for (size_t i = 0; i < n; i++) /* a worker killed while writing a reference left its temporary */
        if (inst[i].ref_out)
            llmb_atomic_remove_stale(inst[i].ref_out);
    llmb_progress_free(r->progress);
    r->progress = NULL;
    if (rc && r->store_err.code && rc == r->store_err.code)
        *err = r->store_err;
    if (r->store) { /* a run with a failed test is not complete: --resume runs it again */
        struct llmb_error e2 = {0};
        int st = rc == LLMB_E_INTERRUPTED ? LLMB_RUN_INTERRUPTED
               : rc || r->n_failed       ? LLMB_RUN_FAILED
                                         : LLMB_RUN_COMPLETE;
        if (llmb_store_end_run(r->store, r->run_id, st, &e2) && !rc)
            rc = e2.code, *err = e2;
    }
    size_t fin = r->n_done + r->n_failed;
    const char *resume = r->store ? " (the same command with --resume goes on)" : "";
    if (rc == LLMB_E_INTERRUPTED && fin)
        fprintf(stderr, "llmbench: interrupted: %zu of %zu tests finished and were kept, the test in progress was "
                "discarded%s\n", fin, n, r->store ? resume : " (not stored: --no-db)");
    else if (rc == LLMB_E_INTERRUPTED)
        fprintf(stderr, "llmbench: interrupted: no test had finished; nothing was kept\n");
    else if (rc && fin)
        fprintf(stderr, "llmbench: %zu of %zu tests finished before the failure; their results were kept%s\n", fin,
                n, resume);
    return rc;
}

int llmb_cli_run_close(struct llmb_cli_run *r, struct llmb_error *err)
{
    int rc = llmb_cli_live_close(&r->live, err);
    llmb_store_close(r->store);
    r->store = NULL;
    free(r->keys);
    r->keys = NULL;
    return rc;
}

int llmb_cli_run_result(int stage, int rc, size_t n_failed)
{
    if (rc == LLMB_E_INTERRUPTED || (rc && stage == 0))
        return llmb_cli_input(rc);
    if (rc && stage == 1) /* opening the run: the database's trouble, unless the input was bad */
        return rc == LLMB_E_INVAL ? rc : LLMB_E_FAILED;
    return rc ? rc : n_failed ? LLMB_E_FAILED : LLMB_OK;
}

int llmb_cli_run_nothing_left(struct llmb_cli_run *r, size_t n, struct llmb_error *err)
{
    if (r->dry_run)
        return LLMB_OK;
    fprintf(stderr, "llmbench: run %lld already holds all %zu tests: nothing to run\n", (long long)r->run_id, n);
    return r->complete ? LLMB_OK : llmb_store_end_run(r->store, r->run_id, LLMB_RUN_COMPLETE, err);
}
