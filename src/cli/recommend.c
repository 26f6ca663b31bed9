/* recommend.c - `llmbench recommend`: which configurations to use, from what
 * the store holds. The ranking is the library's (src/analysis/recommend.c:
 * the Pareto front over speed, memory and quality of those meeting the
 * limits); this prints it: the front best first, then every other
 * configuration with the reason it lost. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "llmbench/analysis.h"
#include "output/table.h"
#include "store_cli.h"

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

struct recommend_cli {
    struct llmb_cli_store st;
    struct llmb_rec_params p;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct recommend_cli *c = user;
    int rc;
    static const int fig_of[] = {[O_MAX_MEM] = LLMB_RF_MEM,
                                 [O_MIN_TG] = LLMB_RF_TG,
                                 [O_MIN_PP] = LLMB_RF_PP,
                                 [O_MAX_KLD] = LLMB_RF_KLD,
                                 [O_MAX_PPL] = LLMB_RF_PPL};
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    if (id == -1)
        return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (see --help)", v);
    if (id < O_MAX_MEM || id > O_MAX_PPL)
        return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    c->p.limit[fig_of[id]] = llmb_opt_value(v);
    return LLMB_OK;
}

static int print_front(const struct llmb_rec_result *r)
{
    printf("Recommended (Pareto-optimal over speed, memory and quality where measured; best first):\n\n");
    const char *head[] = {"#", "configuration", "tg t/s", "pp t/s", "peak RSS", "KLD", "PPL"};
    struct llmb_table *t = llmb_table_new(7, head, "rlrrrrr");
    int rc = t ? 0 : -1;
    for (size_t i = 0; !rc && i < r->n_front; i++) {
        char num[24], v[LLMB_RF_COUNT][32];
        snprintf(num, sizeof num, "%zu", i + 1);
        for (int f = 0; f < LLMB_RF_COUNT; f++)
            llmb_rec_figure_text(f, r->front[i]->fig[f], v[f], sizeof v[f]);
        const char *cells[] = {
            num, r->front[i]->label, v[LLMB_RF_TG], v[LLMB_RF_PP], v[LLMB_RF_MEM], v[LLMB_RF_KLD], v[LLMB_RF_PPL]};
        rc = llmb_table_add(t, cells);
    }
    if (!rc)
        rc = llmb_table_print(t, stdout);
    llmb_table_free(t);
    return rc;
}

int llmb_cmd_recommend(int argc, char **argv, struct llmb_error *err)
{
    struct recommend_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    llmb_rec_params_init(&c.p);
    struct llmb_store *s = NULL;
    struct llmb_rec_result r = {0};
    int rc = llmb_opt_parse(llmb_recommend_opts, argc, argv, on_opt, &c, err);
    c.p.filter = c.st.filter;
    if (!rc && !(rc = llmb_cli_store_open(&c.st, 1, &s, err)))
        rc = llmb_rec_run(s, &c.p, &r, err);
    if (!rc && r.n_front && print_front(&r))
        rc = llmb_error_set(err, LLMB_E_IO, "cannot write the table");
    if (!rc && r.n_front < r.n_configs) {
        printf("\nNot recommended:\n");
        for (size_t i = 0; i < r.n_configs; i++)
            if (!r.configs[i].rank)
                printf("- %s: %s\n", r.configs[i].label, r.configs[i].why);
    }
    if (!rc && r.n_front == 0)
        rc = llmb_error_set(err, LLMB_E_FAILED, "no configuration meets the constraints (%zu considered)", r.n_configs);
    llmb_rec_free(&r);
    llmb_store_close(s);
    return rc;
}
