/* results.c - `llmbench results`: the runs in the results store (or, with
 * --instances, every stored test instance of every kind), filtered by model,
 * quant, device, date, tag, host, build or kind, as a markdown table. When
 * quality tests are among the instances, two columns say each one's kind and
 * main figure (PPL, KLD, suite pass rate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "cli.h"
#include "output/records.h"
#include "store_cli.h"
#include "output/table.h"

enum { O_INSTANCES = 1, O_CHECK };

const struct llmb_opt llmb_results_opts[] = {
    {O_INSTANCES, "-i,--instances", NULL, NULL, "list test instances instead of runs", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_CHECK, "--check", NULL, NULL, "check the database itself (PRAGMA integrity_check): exit 1 and every problem",
     LLMB_OPT_FLAG, 0, 0, 0, NULL},
    LLMB_STORE_FILTER_OPTS,
    LLMB_STORE_DB_OPTS,
    {0},
};

struct results_cli {
    struct llmb_cli_store st;
    int                   instances, check;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct results_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    if (id == O_INSTANCES || id == O_CHECK) {
        *(id == O_INSTANCES ? &c->instances : &c->check) = 1;
        return LLMB_OK;
    }
    if (id == -1)
        return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (filters are flags: see --help)", v);
    return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
}

/* Prints t (which should hold n rows) to stdout, or a note that nothing
 * matched; frees t. */
static int show(struct llmb_table *t, size_t n, const char *what, struct llmb_error *err)
{
    int rc = LLMB_OK;
    if (!t || llmb_table_rows(t) != (int)n)
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    else if (n == 0)
        fprintf(stderr, "llmbench: no %s match\n", what);
    else if (llmb_table_print(t, stdout))
        rc = llmb_error_set(err, LLMB_E_IO, "cannot write to stdout");
    llmb_table_free(t);
    return rc;
}

static int print_runs(struct llmb_store *s, const struct llmb_store_filter *f, struct llmb_error *err)
{
    struct llmb_store_run *v = NULL;
    size_t n = 0;
    int rc = llmb_store_list_runs(s, f, &v, &n, err);
    if (rc)
        return rc;
    static const char *const head[] = {"run", "started (UTC)", "status", "tests", "source", "build", "tags", "host",
                                       "cpu / gpu", "command"};
    struct llmb_table *t = llmb_table_new(10, head, "rllrllllll");
    for (size_t i = 0; t && i < n; i++) {
        char id[24], tests[48], build[80], hw[520], cmd[84];
        snprintf(id, sizeof id, "%lld", (long long)v[i].id);
        size_t l = v[i].n_planned ? (size_t)snprintf(tests, sizeof tests, "%zu/%zu", v[i].n_done, v[i].n_planned)
                                  : (size_t)snprintf(tests, sizeof tests, "%zu", v[i].n_done);
        if (v[i].n_failed && l < sizeof tests)
            snprintf(tests + l, sizeof tests - l, ", %zu failed", v[i].n_failed);
        char status[48];
        snprintf(status, sizeof status, "%s%s", llmb_run_status_name(v[i].status),
                 v[i].process_gone ? " (process gone)" : "");
        snprintf(build, sizeof build, "%s (%d)", v[i].build_commit, v[i].build_number);
        snprintf(hw, sizeof hw, "%s%s%s", v[i].hw.cpu_name, v[i].hw.gpu_info[0] ? " / " : "", v[i].hw.gpu_info);
        snprintf(cmd, sizeof cmd, "%.80s%s", v[i].command, strlen(v[i].command) > 80 ? "..." : "");
        const char *cells[] = {id,    v[i].started_at, status,    tests, v[i].source,
                               build, v[i].tags,       v[i].host, hw,    cmd};
        if (llmb_table_add(t, cells))
            break;
    }
    rc = show(t, n, "runs", err);
    free(v);
    return rc;
}

static int print_instances(struct llmb_store *s, const struct llmb_store_filter *f, struct llmb_error *err)
{
    struct llmb_store_record *v = NULL;
    size_t n = 0;
    int rc = llmb_store_query(s, f, &v, &n, err);
    if (rc)
        return rc;
    int quality = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        quality |= llmb_record_is_quality(&v[i]);
        failed |= v[i].r.error != NULL;
    }
    /* speed tests alone: the columns as they always were; failed tests add their reason */
    static const char *const head[] = {"run", "model", "quant", "backend", "threads", "n_batch", "n_ubatch",
                                       "type_k/v", "fa", "ngl", "test", "t/s", "reps", "peak RSS", "kind", "quality",
                                       "failed: why"};
    const char *h[17];
    int nc = quality ? 16 : 14;
    memcpy(h, head, (size_t)nc * sizeof *h);
    if (failed)
        h[nc++] = head[16];
    struct llmb_table *t = llmb_table_new(nc, h, quality ? "rlllrrrlrrlrrrlll" : "rlllrrrlrrlrrrl");
    for (size_t i = 0; t && i < n; i++) {
        const struct llmb_result *r = &v[i].r;
        int q = llmb_record_is_quality(&v[i]);
        char id[24], th[16], b[16], ub[16], kv[40], fa[16], ngl[16], test[96], ts[64], reps[16], rss[32], fig[160];
        snprintf(id, sizeof id, "%lld", (long long)v[i].run_id);
        /* speed tests: what was asked, as llama-bench reports it (imports know nothing else) */
        snprintf(th, sizeof th, "%d", q ? r->applied.n_threads : r->inst.n_threads);
        snprintf(b, sizeof b, "%d", q ? r->applied.n_batch : r->inst.n_batch);
        snprintf(ub, sizeof ub, "%d", q ? r->applied.n_ubatch : r->inst.n_ubatch);
        snprintf(kv, sizeof kv, "%s/%s", q ? r->applied.type_k : r->inst.type_k, q ? r->applied.type_v : r->inst.type_v);
        snprintf(fa, sizeof fa, "%s", r->inst.flash_attn == 1 ? "on" : r->inst.flash_attn == 0 ? "off" : "auto");
        snprintf(ngl, sizeof ngl, "%d", r->inst.n_gpu_layers);
        if (q)
            snprintf(test, sizeof test, "%s", v[i].test);
        else
            llmb_instance_test_name(&r->inst, test, sizeof test);
        if (r->error) {
            snprintf(ts, sizeof ts, "FAILED");
            snprintf(reps, sizeof reps, "-");
        } else if (q) {
            snprintf(ts, sizeof ts, "-");
            snprintf(reps, sizeof reps, "-");
        } else {
            snprintf(ts, sizeof ts, "%.2f \xc2\xb1 %.2f", r->ts.mean, r->ts.stddev);
            snprintf(reps, sizeof reps, "%zu", r->n_samples);
        }
        llmb_fmt_bytes(rss, sizeof rss, (double)r->peak_rss);
        llmb_record_quality_figure(&v[i], fig, sizeof fig);
        const char *cells[17] = {id, r->model.desc[0] ? r->model.desc : r->model.path, r->model.quant,
                                 r->model.backends, th, b, ub, kv, fa, ngl, test, ts, reps, rss,
                                 llmb_workload_kind_name(r->inst.kind), fig};
        if (failed)
            cells[nc - 1] = r->error ? r->error : "";
        if (llmb_table_add(t, cells))
            break;
    }
    rc = show(t, n, "results", err);
    llmb_store_records_free(v, n);
    return rc;
}

int llmb_cmd_results(int argc, char **argv, struct llmb_error *err)
{
    struct results_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    struct llmb_store *s = NULL;
    int rc = llmb_opt_parse(llmb_results_opts, argc, argv, on_opt, &c, err);
    if (!rc && c.check) { /* the file as SQLite sees it, damaged or not */
        int ok = 0;
        char *report = NULL;
        if (!(rc = llmb_cli_store_open(&c.st, LLMB_STORE_READONLY | LLMB_STORE_NO_CHECK, &s, err)) &&
            !(rc = llmb_store_check(s, 1, &ok, &report, err)))
            printf("%s\n", ok ? "ok: PRAGMA integrity_check found no problem" : report);
        free(report);
        llmb_store_close(s);
        return rc ? rc : ok ? LLMB_OK : LLMB_E_FAILED;
    }
    if (!rc && !(rc = llmb_cli_store_open(&c.st, 1, &s, err)))
        rc = c.instances ? print_instances(s, &c.st.filter, err) : print_runs(s, &c.st.filter, err);
    llmb_store_close(s);
    return rc;
}
