/* where.c - the report's account of what ran where: the runs (command,
 * status, llmbench version, llama.cpp build), the machines they ran on (the
 * hardware snapshot stored with each run), the status matrix of model x
 * backends/devices (the store's, as `llmbench hw --matrix` reads it,
 * narrowed to the selection's models and hosts), and the conditions each
 * test ran under (interference and drift flags of the result table). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "report/sections.h"

void llmb_report_where(struct llmb_rctx *c)
{
    struct llmb_report *d = c->doc;
    llmb_rdoc_heading(d, 2, "where", "What ran where");
    static const char *const rh[] = {"run",  "started (UTC)", "status",   "tests",
                                     "tags", "command",       "llmbench", "llama.cpp build"};
    llmb_rdoc_table(d, 8, rh, "rllrllll");
    for (size_t i = 0; i < c->n_runs; i++) {
        const struct llmb_store_run *u = &c->runs[i];
        char id[24], tests[64], build[96];
        snprintf(id, sizeof id, "%lld", (long long)u->id);
        if (u->n_failed)
            snprintf(tests, sizeof tests, "%zu (%zu failed)", u->n_done, u->n_failed);
        else
            snprintf(tests, sizeof tests, "%zu", u->n_done);
        snprintf(build, sizeof build, "%s (%d)", u->build_commit[0] ? u->build_commit : "?", u->build_number);
        const char *row[] = {
            id, u->started_at, llmb_run_status_name(u->status), tests, u->tags, u->command, u->llmbench_version, build};
        llmb_rdoc_row(d, row);
    }
    llmb_rdoc_heading(d, 3, NULL, "Machines");
    static const char *const mh[] = {"host",     "CPU", "cores",  "memory", "GPU",
                                     "backends", "OS",  "kernel", "arch",   "runs"};
    llmb_rdoc_table(d, 10, mh, "llrrllllll");
    for (size_t i = 0; i < c->n_runs; i++) {
        const struct llmb_store_run *u = &c->runs[i];
        size_t j = 0;
        while (j < i && (strcmp(c->runs[j].host, u->host) || strcmp(c->runs[j].hw.cpu_name, u->hw.cpu_name) ||
                         strcmp(c->runs[j].hw.gpu_info, u->hw.gpu_info)))
            j++;
        if (j < i)
            continue; /* this machine has its row */
        char cores[24], mem[32], runs[256] = "";
        snprintf(cores, sizeof cores, "%d", u->hw.cpu_cores);
        llmb_fmt_bytes(mem, sizeof mem, (double)u->hw.mem_total);
        size_t len = 0;
        for (size_t k = i; k < c->n_runs && len < sizeof runs - 24; k++)
            if (!strcmp(c->runs[k].host, u->host) && !strcmp(c->runs[k].hw.cpu_name, u->hw.cpu_name) &&
                !strcmp(c->runs[k].hw.gpu_info, u->hw.gpu_info))
                len += (size_t)snprintf(runs + len, sizeof runs - len, "%s%lld", len ? ", " : "",
                                        (long long)c->runs[k].id);
        const char *row[] = {u->host,  u->hw.cpu_name, u->hw.cpu_cores > 0 ? cores : "-",
                             mem,      u->hw.gpu_info, u->hw.backends,
                             u->hw.os, u->hw.kernel,   u->hw.machine,
                             runs};
        llmb_rdoc_row(d, row);
    }
}

/* 1 when the selection has a test of this model on this host. */
static int selected(const struct llmb_rctx *c, const struct llmb_store_matrix_row *m)
{
    for (size_t i = 0; i < c->n_recs; i++)
        if (!strcmp(c->recs[i].r.model.path, m->model) && !strcmp(c->recs[i].host, m->host))
            return 1;
    return 0;
}

int llmb_report_matrix(struct llmb_rctx *c, struct llmb_error *err)
{
    struct llmb_store_matrix_row *v = NULL;
    size_t n = 0;
    int rc = llmb_store_matrix(c->s, &v, &n, err);
    if (rc)
        return rc;
    struct llmb_report *d = c->doc;
    llmb_rdoc_heading(d, 2, "matrix", "Status matrix");
    llmb_rdoc_para(d, "Each model on each machine, backend and device set: ran, failed (with the latest reason) or "
                      "refused because it does not fit; tests counted over the whole store.");
    static const char *const h[] = {"host",    "model", "quant",  "backends",    "devices",
                                    "outcome", "ran",   "failed", "last reason", "last (UTC)"};
    llmb_rdoc_table(d, 10, h, "llllllrrll");
    for (size_t i = 0; i < n; i++) {
        if (!selected(c, &v[i]))
            continue;
        char ran[24], failed[24];
        snprintf(ran, sizeof ran, "%lld", (long long)v[i].n_ran);
        snprintf(failed, sizeof failed, "%lld", (long long)v[i].n_failed);
        const char *row[] = {v[i].host,
                             llmb_report_base(v[i].model),
                             v[i].quant,
                             v[i].backends,
                             v[i].devices,
                             v[i].outcome,
                             ran,
                             failed,
                             v[i].last_error,
                             v[i].last_at};
        llmb_rdoc_row(d, row);
    }
    free(v);
    return LLMB_OK;
}

/* The flag fields of a test's conditions, by name in the result table. */
static const char *const cond_fields[] = {"interference", "drift",         "others_cpu_cores",
                                          "steal_pct",    "freq_drop_pct", "throttled"};

void llmb_report_conditions(struct llmb_rctx *c)
{
    struct llmb_report *d = c->doc;
    llmb_rdoc_heading(d, 2, "conditions", "Conditions");
    size_t flagged = 0, checked = 0;
    for (size_t i = 0; i < c->n_recs; i++) {
        const struct llmb_result *r = &c->recs[i].r;
        if (r->error || r->inst.kind != LLMB_WL_SPEED)
            continue;
        checked += r->cond.known != 0;
        if (!r->cond.interference[0] && !r->cond.drift[0])
            continue;
        if (!flagged++) {
            static const char *const h[] = {"run",           "model",   "test",        "interference", "drift",
                                            "others' cores", "steal %", "freq drop %", "throttled"};
            llmb_rdoc_table(d, 9, h, "rllllrrrr");
        }
        char run[24], test[96], cell[4][64];
        snprintf(run, sizeof run, "%lld", (long long)c->recs[i].run_id);
        llmb_instance_test_name(&r->inst, test, sizeof test);
        const char *row[9] = {run, llmb_report_base(r->model.path), test};
        for (size_t k = 0; k < sizeof cond_fields / sizeof *cond_fields; k++) {
            const struct llmb_field *f = llmb_result_field(cond_fields[k]);
            struct llmb_value v = {0};
            if (f)
                f->get(r, &v);
            if (k < 2) {
                row[3 + k] = v.known && v.s ? v.s : "-";
                continue;
            }
            if (f && v.known && f->type == LLMB_FIELD_INT)
                snprintf(cell[k - 2], sizeof cell[k - 2], "%lld", v.i);
            else if (f && v.known)
                snprintf(cell[k - 2], sizeof cell[k - 2], "%.2f", v.d);
            else
                snprintf(cell[k - 2], sizeof cell[k - 2], "-");
            row[3 + k] = cell[k - 2];
        }
        llmb_rdoc_row(d, row);
    }
    if (!flagged)
        llmb_rdoc_para(d,
                       "No speed test was flagged for interference (other processes' CPU use, steal, swap, "
                       "throttling, spread) or drift (%zu of %zu checked).",
                       checked, c->n_speed);
    else
        llmb_rdoc_para(d,
                       "%zu of %zu speed tests ran under conditions that make their figures less reliable "
                       "(docs/metrics.md says what each flag means).",
                       flagged, c->n_speed);
}
