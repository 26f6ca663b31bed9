/* compare.c - `llmbench compare A B`: two selections of stored results (run
 * ids or filter expressions such as tag=baseline) matched test by test on
 * their configuration (the instance key: model identity and every
 * parameter), each pair shown with both means, the change, its 95% interval
 * (Welch) and whether it is significant, then one summary line
 * ("B is 1.07 ± 0.02x faster than A"). --fail-on-regression PCT makes it a CI
 * gate: exit 1 when a significant slowdown exceeds PCT. Samples of several
 * runs with the same key are pooled. --metric ppl, kld, top1 or suite
 * compares quality tests instead (compare_quality.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare_quality.h"
#include "llmbench/compare.h"
#include "store_cli.h"
#include "table.h"

enum { O_METRIC = 1, O_FAIL };

const struct llmb_opt llmb_compare_opts[] = {
    {O_METRIC, "--metric", "NAME", "ts",
     "ts (tokens/s of the test), pp, tg (their parts), ttft (ms); or quality: ppl, kld, top1 (agreement with the "
     "reference), suite (pass rate)",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_FAIL, "--fail-on-regression", "PCT", NULL,
     "exit 1 when a significant change for the worse exceeds PCT (e.g. 5%): slower, higher PPL/KLD, lower top-1 or "
     "pass rate",
     LLMB_OPT_PCT, 0, 1000, 0, NULL},
    LLMB_STORE_DB_OPTS,
    {0},
};

enum metric { M_TS, M_PP, M_TG, M_TTFT, M_PPL, M_KLD, M_TOP1, M_SUITE, M_COUNT };
static const char *const metric_names[] = {"ts", "pp", "tg", "ttft", "ppl", "kld", "top1", "suite"};
static const char *const metric_units[] = {"t/s", "pp t/s", "tg t/s", "ttft ms"};

struct compare_cli {
    struct llmb_cli_store st;
    const char           *expr[2];
    int                   n_expr;
    int                   metric;
    double                fail_pct; /* < 0: no gate */
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct compare_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1:
        if (c->n_expr == 2)
            return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (compare takes A and B)", v);
        c->expr[c->n_expr++] = v;
        return LLMB_OK;
    case O_METRIC:
        for (int i = 0; i < M_COUNT; i++)
            if (!strcmp(v, metric_names[i])) {
                c->metric = i;
                return LLMB_OK;
            }
        return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown metric '%s' (ts, pp, tg, ttft, ppl, kld, top1, suite)",
                              name, v);
    case O_FAIL: c->fail_pct = llmb_opt_value(v); return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* The metric's value in repetition i of r; NAN when the test has no such part. */
static double sample(const struct llmb_result *r, int metric, size_t i)
{
    const struct llmb_instance *in = &r->inst;
    switch (metric) {
    case M_TS: return r->total_ns[i] ? 1e9 * (in->n_prompt + in->n_gen) / (double)r->total_ns[i] : NAN;
    case M_PP: return in->n_prompt > 0 && r->pp_ns[i] ? 1e9 * in->n_prompt / (double)r->pp_ns[i] : NAN;
    case M_TG: return in->n_gen > 0 && r->tg_ns[i] ? 1e9 * in->n_gen / (double)r->tg_ns[i] : NAN;
    default: return in->n_gen > 0 && r->ttft_ns[i] ? (double)r->ttft_ns[i] / 1e6 : NAN;
    }
}

/* One configuration: its samples pooled over every record with the key. */
struct group {
    const struct llmb_store_record *first;
    double *x;
    size_t  n, cap;
};

struct side {
    struct llmb_store_record *recs;
    size_t n_recs;
    struct group *g;
    size_t n_g;
    const struct llmb_store_record **failed; /* one per key: the latest failed record */
    size_t n_failed;
};

static struct group *find(struct side *s, const char *key)
{
    for (size_t i = 0; i < s->n_g; i++)
        if (!strcmp(s->g[i].first->instance_key, key))
            return &s->g[i];
    return NULL;
}

static int group_side(struct side *s, int metric)
{
    if (!(s->g = calloc(s->n_recs ? s->n_recs : 1, sizeof *s->g)) ||
        !(s->failed = calloc(s->n_recs ? s->n_recs : 1, sizeof *s->failed)))
        return -1;
    for (size_t i = 0; i < s->n_recs; i++) {
        const struct llmb_store_record *rec = &s->recs[i];
        if (rec->r.inst.kind != LLMB_WL_SPEED) /* quality tests have no speed samples */
            continue;
        if (rec->r.error) { /* oldest first: the latest failure of a key stays */
            size_t j = 0;
            while (j < s->n_failed && strcmp(s->failed[j]->instance_key, rec->instance_key))
                j++;
            s->failed[j] = rec;
            s->n_failed += j == s->n_failed;
            continue;
        }
        struct group *g = find(s, rec->instance_key);
        if (!g) {
            g = &s->g[s->n_g++];
            g->first = rec;
        }
        for (size_t k = 0; k < rec->r.n_samples; k++) {
            double v = sample(&rec->r, metric, k);
            if (isnan(v))
                continue;
            if (g->n == g->cap) {
                double *p = realloc(g->x, (g->cap = g->cap ? 2 * g->cap : 16) * sizeof *p);
                if (!p)
                    return -1;
                g->x = p;
            }
            g->x[g->n++] = v;
        }
    }
    return 0;
}

static void side_free(struct side *s)
{
    for (size_t i = 0; s->g && i < s->n_g; i++)
        free(s->g[i].x);
    free(s->g);
    free(s->failed);
    llmb_store_records_free(s->recs, s->n_recs);
}

static int load_side(struct llmb_store *st, const char *expr, int metric, struct side *s, struct llmb_error *err)
{
    struct llmb_store_filter f;
    int rc = llmb_store_filter_parse(&f, expr, err);
    if (!rc)
        rc = llmb_store_query(st, &f, &s->recs, &s->n_recs, err);
    if (!rc && s->n_recs == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' selects no results", expr);
    if (!rc && group_side(s, metric))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    return rc;
}

/* "llama 1B Q4_0 t=4 b=512": the model and the parameters that differ from
 * llama-bench's defaults. */
static void describe(const struct llmb_result *r, char *buf, size_t len)
{
    const struct llmb_instance *in = &r->inst;
    size_t n = (size_t)snprintf(buf, len, "%s t=%d", r->model.desc[0] ? r->model.desc : in->model, in->n_threads);
    if (in->n_batch != 2048 && n < len)
        n += (size_t)snprintf(buf + n, len - n, " b=%d", in->n_batch);
    if (in->n_ubatch != 512 && n < len)
        n += (size_t)snprintf(buf + n, len - n, " ub=%d", in->n_ubatch);
    if ((strcmp(in->type_k, "f16") || strcmp(in->type_v, "f16")) && n < len)
        n += (size_t)snprintf(buf + n, len - n, " kv=%s/%s", in->type_k, in->type_v);
    if (in->flash_attn != -1 && n < len)
        n += (size_t)snprintf(buf + n, len - n, " fa=%d", in->flash_attn);
    if (in->n_gpu_layers != -1 && n < len)
        n += (size_t)snprintf(buf + n, len - n, " ngl=%d", in->n_gpu_layers);
    /* llama-bench's other parameters, and which of repeated tests, where not the default */
    size_t nf;
    const struct llmb_field *f = llmb_result_fields(&nf);
    for (size_t i = 0; i < nf && n < len; i++) {
        struct llmb_value v = {0};
        char text[256];
        if (!(f[i].flags & LLMB_FIELD_KEY) || !f[i].def)
            continue;
        f[i].get(r, &v);
        llmb_value_text(&f[i], &v, text, sizeof text);
        if (strcmp(text, f[i].def))
            n += (size_t)snprintf(buf + n, len - n, " %s=%s", f[i].md_name ? f[i].md_name : f[i].name, text);
    }
}

struct pair {
    const struct group *a, *b;
    struct llmb_compare c;
};

static void fmt_mean(char *buf, size_t len, double mean, double sd)
{
    snprintf(buf, len, "%.2f \xc2\xb1 %.2f", mean, sd);
}

static int print_pairs(const struct pair *p, size_t n, int metric, FILE *f)
{
    char ha[32], hb[32];
    snprintf(ha, sizeof ha, "A %s", metric_units[metric]);
    snprintf(hb, sizeof hb, "B %s", metric_units[metric]);
    const char *head[] = {"test", "configuration", ha, hb, "change", "95% CI", "significant"};
    struct llmb_table *t = llmb_table_new(7, head, "llrrrrl");
    int rc = t ? 0 : -1;
    for (size_t i = 0; !rc && i < n; i++) {
        const struct llmb_compare *c = &p[i].c;
        char test[96], conf[256], a[64], b[64], ch[32], ci[64];
        llmb_instance_test_name(&p[i].a->first->r.inst, test, sizeof test);
        describe(&p[i].a->first->r, conf, sizeof conf);
        fmt_mean(a, sizeof a, c->mean_a, c->sd_a);
        fmt_mean(b, sizeof b, c->mean_b, c->sd_b);
        snprintf(ch, sizeof ch, "%+.2f%%", c->change_pct);
        if (isnan(c->ci_lo_pct))
            snprintf(ci, sizeof ci, "n/a");
        else
            snprintf(ci, sizeof ci, "[%+.2f%%, %+.2f%%]", c->ci_lo_pct, c->ci_hi_pct);
        const char *cells[] = {test, conf, a, b, ch, ci, isnan(c->ci_lo_pct) ? "n/a (1 sample)" : c->significant ? "yes" : "no"};
        rc = llmb_table_add(t, cells);
    }
    if (!rc)
        rc = llmb_table_print(t, f);
    llmb_table_free(t);
    return rc;
}

int llmb_cmd_compare(int argc, char **argv)
{
    struct compare_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    c.fail_pct = -1;
    struct llmb_error err = {0};
    struct llmb_store *s = NULL;
    struct side side[2];
    memset(side, 0, sizeof side);
    struct pair *pairs = NULL;
    int rc = llmb_opt_parse(llmb_compare_opts, argc, argv, on_opt, &c, &err);
    if (rc == LLMB_OPT_HELP) {
        llmb_opt_usage(stdout, "llmbench compare A B [options]",
                       "Compares two selections of stored results, test by test: A and B are run ids (12) or\n"
                       "filters (tag=baseline, model=7b,quant=Q4_K, since=2024-05-01...). Tests match when their\n"
                       "model and every parameter match; samples of several runs are pooled. The interval is\n"
                       "Welch's 95% interval of the change of the mean; 'significant' means it excludes 0.\n"
                       "Quality metrics (ppl, kld, top1, suite) compare quality tests by their key (model, text,\n"
                       "context, reference...), the latest of each: the interval comes from both standard errors\n"
                       "(normal approximation; binomial for a suite's pass rate).",
                       llmb_compare_opts);
        return LLMB_EXIT_OK;
    }
    if (!rc && c.n_expr != 2)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "compare needs two selections, A and B (see --help)");
    struct llmb_store_filter check;
    for (int i = 0; !rc && i < 2; i++) /* bad selections fail before the database opens */
        rc = llmb_store_filter_parse(&check, c.expr[i], &err);
    int exit_code = rc ? LLMB_EXIT_USAGE : LLMB_EXIT_FAIL;
    if (!rc)
        rc = llmb_cli_store_open(&c.st, 1, &s, &err);
    if (!rc && c.metric >= M_PPL) {
        int usage = 0;
        rc = llmb_cli_compare_quality(s, c.expr[0], c.expr[1], c.metric - M_PPL, c.fail_pct, &usage, &err);
        if (usage)
            exit_code = LLMB_EXIT_USAGE;
        else if (!rc)
            exit_code = LLMB_EXIT_OK;
        goto done;
    }
    for (int i = 0; !rc && i < 2; i++)
        rc = load_side(s, c.expr[i], c.metric, &side[i], &err);
    size_t n = 0, only_a = 0;
    if (!rc && !(pairs = calloc(side[0].n_g ? side[0].n_g : 1, sizeof *pairs)))
        rc = llmb_error_set(&err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < side[0].n_g; i++) {
        const struct group *a = &side[0].g[i], *b = find(&side[1], a->first->instance_key);
        if (!b) {
            only_a++;
            continue;
        }
        if (a->n && b->n && llmb_compare_welch(a->x, a->n, b->x, b->n, &pairs[n].c) == 0) {
            pairs[n].a = a;
            pairs[n].b = b;
            n++;
        }
    }
    /* tests A passed and B failed: a regression whatever the figures say */
    size_t n_broke = 0;
    char broke[600] = "";
    for (size_t i = 0; !rc && i < side[1].n_failed; i++) {
        const struct llmb_store_record *fb = side[1].failed[i];
        if (!find(&side[0], fb->instance_key))
            continue;
        char test[96];
        llmb_instance_test_name(&fb->r.inst, test, sizeof test);
        size_t l = strlen(broke);
        if (l < sizeof broke)
            snprintf(broke + l, sizeof broke - l, "%s%s on %.100s (%.120s)", n_broke ? "; " : "", test,
                     fb->r.model.desc[0] ? fb->r.model.desc : fb->r.model.path, fb->r.error);
        n_broke++;
    }
    if (!rc && n == 0 && n_broke) {
        printf("A: %s (%zu tests)\nB: %s (%zu tests, %zu failed)\n\n%zu test%s passed in A and failed in B: %s\n",
               c.expr[0], side[0].n_g, c.expr[1], side[1].n_g, side[1].n_failed, n_broke, n_broke == 1 ? "" : "s",
               broke);
        rc = llmb_error_set(&err, LLMB_E_INVAL, "regression: %zu test%s passed in A and failed in B: %s", n_broke,
                            n_broke == 1 ? "" : "s", broke);
        goto done;
    }
    if (!rc && n == 0) {
        exit_code = LLMB_EXIT_USAGE;
        rc = llmb_error_set(&err, LLMB_E_INVAL, "no test of '%s' matches a test of '%s' with %s figures "
                            "(same model and parameters)", c.expr[0], c.expr[1], metric_names[c.metric]);
    }
    if (rc)
        goto done;
    printf("A: %s (%zu tests)\nB: %s (%zu tests)\n\n", c.expr[0], side[0].n_g, c.expr[1], side[1].n_g);
    if (print_pairs(pairs, n, c.metric, stdout)) {
        rc = llmb_error_set(&err, LLMB_E_IO, "cannot write to stdout");
        goto done;
    }
    if (only_a || side[1].n_g > n)
        printf("\n%zu tests only in A, %zu only in B (not compared)\n", only_a - n_broke, side[1].n_g - n);
    if (n_broke)
        printf("\n%zu test%s passed in A and failed in B: %s\n", n_broke, n_broke == 1 ? "" : "s", broke);
    for (size_t i = 0; i < side[0].n_failed; i++)
        if (!find(&side[0], side[0].failed[i]->instance_key) && find(&side[1], side[0].failed[i]->instance_key)) {
            char test[96];
            llmb_instance_test_name(&side[0].failed[i]->r.inst, test, sizeof test);
            printf("%s failed in A and passed in B\n", test);
        }
    /* the summary: "faster" means a higher rate, or a lower TTFT */
    struct llmb_compare *cs = calloc(n, sizeof *cs);
    if (!cs) {
        rc = llmb_error_set(&err, LLMB_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        cs[i] = pairs[i].c;
    double ratio, rerr;
    llmb_compare_summary(cs, n, &ratio, &rerr);
    free(cs);
    if (c.metric == M_TTFT) {
        rerr = rerr / (ratio * ratio);
        ratio = 1.0 / ratio;
    }
    const char *fast = ratio >= 1 ? "B" : "A", *slow = ratio >= 1 ? "A" : "B";
    double r = ratio >= 1 ? ratio : 1.0 / ratio, e = ratio >= 1 ? rerr : rerr / (ratio * ratio);
    printf("\n%s (%s) is %.3f \xc2\xb1 %.3fx %s than %s (%s) over %zu matched test%s (geometric mean of %s)\n",
           fast, c.expr[fast[0] == 'B'], r, e, c.metric == M_TTFT ? "quicker to the first token" : "faster", slow,
           c.expr[slow[0] == 'B'], n, n == 1 ? "" : "s", metric_units[c.metric]);
    if (c.fail_pct >= 0) {
        char list[400] = "";
        size_t k = 0, len = 0;
        for (size_t i = 0; i < n; i++) {
            const struct llmb_compare *pc = &pairs[i].c;
            double worse = c.metric == M_TTFT ? pc->change_pct : -pc->change_pct;
            if (!pc->significant || worse <= c.fail_pct)
                continue;
            char test[96];
            llmb_instance_test_name(&pairs[i].a->first->r.inst, test, sizeof test);
            if (len < sizeof list)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s %+.1f%%", k ? ", " : "", test,
                                        pc->change_pct);
            k++;
        }
        if (k || n_broke) {
            if (k)
                rc = llmb_error_set(&err, LLMB_E_INVAL, "regression: %zu of %zu tests significantly slower by more "
                                    "than %g%%: %s%s%s", k, n, c.fail_pct, list,
                                    n_broke ? "; and tests that failed in B: " : "", n_broke ? broke : "");
            else
                rc = llmb_error_set(&err, LLMB_E_INVAL, "regression: %zu test%s passed in A and failed in B: %s",
                                    n_broke, n_broke == 1 ? "" : "s", broke);
            goto done;
        }
    }
    exit_code = LLMB_EXIT_OK;
done:
    if (rc)
        llmb_cli_error("%s", err.msg[0] ? err.msg : llmb_strerror(rc));
    free(pairs);
    side_free(&side[0]);
    side_free(&side[1]);
    llmb_store_close(s);
    return exit_code;
}
