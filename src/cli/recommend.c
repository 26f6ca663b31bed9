/* recommend.c - `llmbench recommend`: which configurations to use, from what
 * the store holds. A configuration is a model with its engine parameters
 * (threads, batch, ubatch, KV types, flash attention, GPU layers); its figures
 * are generation speed (tg t/s), prompt speed (pp t/s), peak memory and, where
 * measured, quality (KLD, perplexity: the model's latest figures from the
 * quality tests stored for the same file, see llmb_store_record). Quality
 * tests are no configurations of their own. Those meeting the constraints
 * (--max-memory, --min-tg, ...) and not dominated by another on every figure
 * both have are printed best first (the Pareto front); every other one is
 * listed with the reason it lost. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store_cli.h"
#include "table.h"

enum { O_MAX_MEM = 1, O_MIN_TG, O_MIN_PP, O_MAX_KLD, O_MAX_PPL };

const struct llmb_opt llmb_recommend_opts[] = {
    {O_MAX_MEM, "--max-memory", "SIZE", NULL, "peak memory at most SIZE (4G, 512M)", LLMB_OPT_SIZE, 1, 1e18, 0, NULL},
    {O_MIN_TG, "--min-tg", "T/S", NULL, "generation at least T/S tokens/s", LLMB_OPT_DOUBLE, 0, 1e12, 0, NULL},
    {O_MIN_PP, "--min-pp", "T/S", NULL, "prompt processing at least T/S tokens/s", LLMB_OPT_DOUBLE, 0, 1e12, 0, NULL},
    {O_MAX_KLD, "--max-kld", "X", NULL, "KL divergence from the reference at most X", LLMB_OPT_DOUBLE, 0, 1e12, 0,
     NULL},
    {O_MAX_PPL, "--max-ppl", "X", NULL, "perplexity at most X", LLMB_OPT_DOUBLE, 0, 1e12, 0, NULL},
    LLMB_STORE_FILTER_OPTS,
    LLMB_STORE_DB_OPTS,
    {0},
};

/* The figures, each to be maximised (sign +1) or minimised (-1). */
enum { F_TG, F_PP, F_MEM, F_KLD, F_PPL, F_COUNT };
static const struct {
    const char *name, *unit, *flag;
    int sign;
} figs[F_COUNT] = {
    [F_TG] = {"tg", "t/s", "--min-tg", +1},       [F_PP] = {"pp", "t/s", "--min-pp", +1},
    [F_MEM] = {"memory", "", "--max-memory", -1}, [F_KLD] = {"KLD", "", "--max-kld", -1},
    [F_PPL] = {"PPL", "", "--max-ppl", -1},
};

struct recommend_cli {
    struct llmb_cli_store st;
    double limit[F_COUNT]; /* NAN: no constraint */
};

struct cand {
    char   key[LLMB_STORE_KEY_MAX]; /* the instance key without the test shape */
    const struct llmb_store_record *rec;
    double fig[F_COUNT];            /* NAN: not measured */
    double sum[2];                  /* tg, pp sums for the means */
    int    cnt[2];
    char   label[320];
    int    rank;                    /* 1.. on the front, 0 otherwise */
    char   why[512];
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct recommend_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (see --help)", v);
    case O_MAX_MEM: c->limit[F_MEM] = llmb_opt_value(v); return LLMB_OK;
    case O_MIN_TG: c->limit[F_TG] = llmb_opt_value(v); return LLMB_OK;
    case O_MIN_PP: c->limit[F_PP] = llmb_opt_value(v); return LLMB_OK;
    case O_MAX_KLD: c->limit[F_KLD] = llmb_opt_value(v); return LLMB_OK;
    case O_MAX_PPL: c->limit[F_PPL] = llmb_opt_value(v); return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

static void fmt_fig(char *buf, size_t len, int f, double v)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (f == F_MEM)
        llmb_cli_fmt_bytes(buf, len, v);
    else if (f == F_KLD)
        snprintf(buf, len, "%.4f", v);
    else
        snprintf(buf, len, "%.2f", v);
}

static void label(const struct llmb_result *r, char *buf, size_t len)
{
    const struct llmb_instance *in = &r->inst;
    snprintf(buf, len, "%s, t=%d b=%d ub=%d kv=%s/%s fa=%s ngl=%d", r->model.desc[0] ? r->model.desc : in->model,
             in->n_threads, in->n_batch, in->n_ubatch, in->type_k, in->type_v,
             in->flash_attn == 1 ? "on" : in->flash_attn == 0 ? "off" : "auto", in->n_gpu_layers);
}

/* Groups records into configurations and averages their figures. */
static struct cand *gather(const struct llmb_store_record *v, size_t n, size_t *nc)
{
    struct cand *c = calloc(n ? n : 1, sizeof *c);
    if (!c)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct llmb_result *r = &v[i].r;
        if (r->inst.kind != LLMB_WL_SPEED)
            continue; /* its figures reach the speed tests of its model through kld/ppl */
        char key[LLMB_STORE_KEY_MAX];
        snprintf(key, sizeof key, "%s", v[i].instance_key);
        char *shape = strstr(key, ";d=");
        if (shape)
            *shape = 0;
        struct cand *x = NULL;
        for (size_t j = 0; j < k && !x; j++)
            if (!strcmp(c[j].key, key))
                x = &c[j];
        if (!x) {
            x = &c[k++];
            snprintf(x->key, sizeof x->key, "%s", key);
            x->rec = &v[i];
            label(r, x->label, sizeof x->label);
            for (int f = 0; f < F_COUNT; f++)
                x->fig[f] = NAN;
        }
        if (r->inst.n_gen > 0 && r->tg_ts.n > 0) {
            x->sum[0] += r->tg_ts.mean;
            x->cnt[0]++;
        }
        if (r->inst.n_prompt > 0 && r->pp_ts.n > 0) {
            x->sum[1] += r->pp_ts.mean;
            x->cnt[1]++;
        }
        if (r->peak_rss > 0 && (isnan(x->fig[F_MEM]) || (double)r->peak_rss > x->fig[F_MEM]))
            x->fig[F_MEM] = (double)r->peak_rss;
        if (!isnan(v[i].kld))
            x->fig[F_KLD] = v[i].kld;
        if (!isnan(v[i].ppl))
            x->fig[F_PPL] = v[i].ppl;
    }
    for (size_t j = 0; j < k; j++) {
        c[j].fig[F_TG] = c[j].cnt[0] ? c[j].sum[0] / c[j].cnt[0] : NAN;
        c[j].fig[F_PP] = c[j].cnt[1] ? c[j].sum[1] / c[j].cnt[1] : NAN;
    }
    *nc = k;
    return c;
}

/* Appends the constraints x violates to x->why; returns how many. */
static int violations(const struct recommend_cli *cli, struct cand *x)
{
    int bad = 0;
    size_t len = 0;
    for (int f = 0; f < F_COUNT; f++) {
        double lim = cli->limit[f], v = x->fig[f];
        if (isnan(lim) || (!isnan(v) && (figs[f].sign > 0 ? v >= lim : v <= lim)))
            continue;
        char a[32], b[32];
        fmt_fig(a, sizeof a, f, v);
        fmt_fig(b, sizeof b, f, lim);
        if (len < sizeof x->why)
            len += (size_t)snprintf(x->why + len, sizeof x->why - len, "%sviolates %s %s (%s)", bad ? "; " : "",
                                    figs[f].flag, b, isnan(v) ? "not measured" : a);
        bad++;
    }
    return bad;
}

/* 1 when a is at least as good as b on every figure both have, better on
 * one, and they share a figure. */
static int dominates(const struct cand *a, const struct cand *b)
{
    int shared = 0, better = 0;
    for (int f = 0; f < F_COUNT; f++) {
        if (isnan(a->fig[f]) || isnan(b->fig[f]))
            continue;
        shared++;
        double d = figs[f].sign * (a->fig[f] - b->fig[f]);
        if (d < 0)
            return 0;
        better |= d > 0;
    }
    return shared && better;
}

static void why_dominated(const struct cand *a, struct cand *b)
{
    char who[340];
    if (a->rank)
        snprintf(who, sizeof who, "#%d", a->rank);
    else
        snprintf(who, sizeof who, "%s", a->label);
    size_t len = (size_t)snprintf(b->why, sizeof b->why, "dominated by %s (", who);
    int first = 1;
    for (int f = 0; f < F_COUNT && len < sizeof b->why; f++) {
        if (isnan(a->fig[f]) || isnan(b->fig[f]) || figs[f].sign * (a->fig[f] - b->fig[f]) <= 0)
            continue;
        char x[32], y[32];
        fmt_fig(x, sizeof x, f, a->fig[f]);
        fmt_fig(y, sizeof y, f, b->fig[f]);
        len += (size_t)snprintf(b->why + len, sizeof b->why - len, "%s%s %s vs %s%s%s", first ? "" : ", ",
                                figs[f].name, x, y, figs[f].unit[0] ? " " : "", figs[f].unit);
        first = 0;
    }
    if (len < sizeof b->why)
        snprintf(b->why + len, sizeof b->why - len, ", no worse elsewhere)");
}

static int by_speed(const void *pa, const void *pb)
{
    const struct cand *a = *(const struct cand *const *)pa, *b = *(const struct cand *const *)pb;
    for (int f = F_TG; f <= F_PP; f++) {
        double x = isnan(a->fig[f]) ? -1 : a->fig[f], y = isnan(b->fig[f]) ? -1 : b->fig[f];
        if (x != y)
            return x < y ? 1 : -1;
    }
    return 0;
}

static int report(struct recommend_cli *cli, struct cand *c, size_t n, struct llmb_error *err)
{
    struct cand **front = calloc(n, sizeof *front);
    if (!front)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    int *bad = calloc(n, sizeof *bad);
    if (!bad) {
        free(front);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    size_t nf = 0;
    for (size_t i = 0; i < n; i++)
        bad[i] = violations(cli, &c[i]);
    for (size_t i = 0; i < n; i++) {
        int dom = bad[i] != 0;
        for (size_t j = 0; j < n && !dom; j++)
            dom = j != i && !bad[j] && dominates(&c[j], &c[i]);
        if (!dom)
            front[nf++] = &c[i];
    }
    qsort(front, nf, sizeof *front, by_speed);
    for (size_t i = 0; i < nf; i++)
        front[i]->rank = (int)i + 1;
    for (size_t i = 0; i < n; i++) { /* the reason each other one lost: a front member first */
        if (bad[i] || c[i].rank)
            continue;
        const struct cand *by = NULL;
        for (size_t j = 0; j < nf && !by; j++)
            if (dominates(front[j], &c[i]))
                by = front[j];
        for (size_t j = 0; j < n && !by; j++)
            if (j != i && !bad[j] && dominates(&c[j], &c[i]))
                by = &c[j];
        if (by)
            why_dominated(by, &c[i]);
    }
    int rc = LLMB_OK;
    if (nf) {
        printf("Recommended (Pareto-optimal over speed, memory and quality where measured; best first):\n\n");
        const char *head[] = {"#", "configuration", "tg t/s", "pp t/s", "peak RSS", "KLD", "PPL"};
        struct llmb_table *t = llmb_table_new(7, head, "rlrrrrr");
        for (size_t i = 0; t && i < nf; i++) {
            char num[24], v[F_COUNT][32];
            snprintf(num, sizeof num, "%zu", i + 1);
            for (int f = 0; f < F_COUNT; f++)
                fmt_fig(v[f], sizeof v[f], f, front[i]->fig[f]);
            const char *cells[] = {num, front[i]->label, v[F_TG], v[F_PP], v[F_MEM], v[F_KLD], v[F_PPL]};
            if (llmb_table_add(t, cells))
                break;
        }
        if (!t || llmb_table_rows(t) != (int)nf || llmb_table_print(t, stdout))
            rc = llmb_error_set(err, LLMB_E_IO, "cannot write the table");
        llmb_table_free(t);
    }
    if (!rc && nf < n) {
        printf("\nNot recommended:\n");
        for (size_t i = 0; i < n; i++)
            if (!c[i].rank)
                printf("- %s: %s\n", c[i].label, c[i].why);
    }
    if (!rc && nf == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "no configuration meets the constraints (%zu considered)", n);
    free(front);
    free(bad);
    return rc;
}

int llmb_cmd_recommend(int argc, char **argv)
{
    struct recommend_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    for (int f = 0; f < F_COUNT; f++)
        c.limit[f] = NAN;
    struct llmb_error err = {0};
    struct llmb_store *s = NULL;
    struct llmb_store_record *v = NULL;
    struct cand *cands = NULL;
    size_t n = 0, nc = 0;
    int rc = llmb_opt_parse(llmb_recommend_opts, argc, argv, on_opt, &c, &err);
    if (rc == LLMB_OPT_HELP) {
        llmb_opt_usage(stdout, "llmbench recommend [constraints] [filters] [options]",
                       "Recommends configurations (model + engine parameters) from the stored results: those that\n"
                       "meet the constraints and that no other beats on every figure (tg and pp speed, peak memory,\n"
                       "KLD and perplexity where measured), best first, and why each other one lost.",
                       llmb_recommend_opts);
        return LLMB_EXIT_OK;
    }
    int exit_code = rc ? LLMB_EXIT_USAGE : LLMB_EXIT_FAIL;
    if (!rc && !(rc = llmb_cli_store_open(&c.st, 1, &s, &err)))
        rc = llmb_store_query(s, (c.st.filter.complete_only = 1, &c.st.filter), &v, &n, &err);
    if (!rc && n == 0)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "no results match: nothing to recommend from");
    if (!rc && !(cands = gather(v, n, &nc)))
        rc = llmb_error_set(&err, LLMB_E_NOMEM, "out of memory");
    if (!rc)
        rc = report(&c, cands, nc, &err);
    if (!rc)
        exit_code = LLMB_EXIT_OK;
    else
        llmb_cli_error("%s", err.msg[0] ? err.msg : llmb_strerror(rc));
    free(cands);
    llmb_store_records_free(v, n);
    llmb_store_close(s);
    return exit_code;
}
