/* load_store.c - the stored run of `llmbench load`: one result of kind load
 * per measured run (one, or each step of a sweep), all in one run, so the
 * run is listed, exported and compared like any other. Each result's
 * samples are its completed requests (E2E, TTFT, the rest). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "llmbench/result.h"
#include "load_cli.h"

void llmb_load_step_result(const struct llmb_load_cli *c, const struct llmb_load_step *st, struct llmb_result *r,
                           double *tmp)
{
    const struct llmb_load_summary *s = &st->s;
    memset(r, 0, sizeof *r);
    r->inst.kind = LLMB_WL_LOAD;
    r->inst.model = c->p.model;
    r->inst.load_profile = st->profile;
    r->inst.n_prompt = c->p.dataset ? 0 : c->p.input_len;
    r->inst.n_gen = c->p.output_len;
    r->inst.n_gpu_layers = -1;
    snprintf(r->model.path, sizeof r->model.path, "%s", c->p.model);
    snprintf(r->model.desc, sizeof r->model.desc, "%.60s at %.60s", c->p.model, s->fig.url);
    time_t now = time(NULL);
    struct tm tm;
    strftime(r->test_time, sizeof r->test_time, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    r->load = s->fig;
    r->n_samples = s->n_ok;
    r->total_ns = s->e2e_ns;
    r->ttft_ns = s->ttft_ns;
    r->tg_ns = s->tg_ns;
    llmb_stats_rates(s->e2e_ns, s->n_ok, r->inst.n_prompt + r->inst.n_gen, tmp, &r->ts);
    llmb_stats_rates(s->tg_ns, s->n_ok, r->inst.n_gen, tmp, &r->tg_ts);
    for (size_t i = 0; i < s->n_ok; i++)
        tmp[i] = (double)s->ttft_ns[i] / 1e6;
    llmb_stats_compute(tmp, s->n_ok, &r->ttft_ms);
    for (size_t i = 0; i < s->n_ok; i++)
        tmp[i] = (double)s->e2e_ns[i];
    llmb_stats_compute(tmp, s->n_ok, &r->total_ns_stats);
}

int llmb_load_store(const struct llmb_load_cli *c, int argc, char **argv, const struct llmb_load_step *steps, size_t n,
                    int64_t *run_id, struct llmb_error *err)
{
    struct llmb_store *db = NULL;
    struct llmb_result *r = malloc(sizeof *r);
    size_t most = 0, n_ok = 0;
    for (size_t i = 0; i < n; i++) {
        most = steps[i].ok && steps[i].s.n_ok > most ? steps[i].s.n_ok : most;
        n_ok += steps[i].ok != 0;
    }
    double *tmp = malloc((most + 1) * sizeof *tmp);
    int64_t run = 0;
    int rc = r && tmp ? llmb_cli_store_open(&c->st, 0, &db, err) : llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (!rc) {
        char cmd[1024];
        llmb_load_command_line(argc, argv, cmd, sizeof cmd);
        struct llmb_run_info ri = {.command = cmd, .tags = c->tags, .n_planned = n_ok, .source = "load"};
        rc = llmb_store_begin_run(db, &ri, &run, err);
        for (size_t i = 0; !rc && i < n; i++) {
            if (!steps[i].ok)
                continue;
            llmb_load_step_result(c, &steps[i], r, tmp);
            rc = llmb_store_put_result(db, run, r, err);
        }
        if (!rc)
            rc = llmb_store_end_run(db, run, LLMB_RUN_COMPLETE, err);
        else if (run)
            llmb_store_end_run(db, run, LLMB_RUN_FAILED, NULL);
    }
    if (!rc)
        printf("stored as run %lld\n", (long long)run);
    *run_id = rc ? 0 : run;
    llmb_store_close(db);
    free(r);
    free(tmp);
    return rc;
}

int llmb_load_live_step_done(struct llmb_load_cli *c, const struct llmb_load_step *st, struct llmb_error *err)
{
    struct llmb_result r;
    double *tmp = malloc((st->s.n_ok + 1) * sizeof *tmp);
    if (tmp)
        llmb_load_step_result(c, st, &r, tmp);
    llmb_load_live_step_end(&c->lv, tmp ? &r : NULL, "out of memory");
    free(tmp);
    return tmp ? LLMB_OK : llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
}
