/* load_print.c - the report of `llmbench load`: vLLM's `bench serve` result
 * block (so the two read side by side), percentiles as a table, then what
 * llmbench adds: failures by kind, the client's own cost, the server's own
 * timings and prefix cache where it says them; and a sweep's steps as one
 * table with its knee. */
#include <math.h>
#include <stdio.h>

#include "load_cli.h"

static int has(const struct llmb_load_figures *f, int k)
{
    return (f->known >> k & 1) != 0;
}

static void line(FILE *out, const char *label, const struct llmb_load_figures *f, int k, const char *fmt)
{
    fprintf(out, "%-40s", label);
    if (has(f, k))
        fprintf(out, fmt, f->v[k]);
    else
        fprintf(out, "-");
    fputc('\n', out);
}

static void dist(FILE *out, const char *label, const struct llmb_load_figures *f, int k)
{
    fprintf(out, "%-10s", label);
    for (int i = 0; i < 6; i++)
        if (has(f, k + i))
            fprintf(out, " %10.2f", f->v[k + i]);
        else
            fprintf(out, " %10s", "-");
    fputc('\n', out);
}

void llmb_load_print(FILE *out, const char *profile, const struct llmb_load_summary *s)
{
    const struct llmb_load_figures *f = &s->fig;
    fprintf(out, "============ Serving load: %s ============\n", profile);
    line(out, "Successful requests:", f, LLMB_LOADF_OK, "%.0f");
    fprintf(out, "%-40s%.0f%s%s%s\n", "Failed requests:", f->v[LLMB_LOADF_FAILED], f->errors[0] ? " (" : "", f->errors,
            f->errors[0] ? ")" : "");
    line(out, "Benchmark duration (s):", f, LLMB_LOADF_DURATION, "%.2f");
    line(out, "Total input tokens:", f, LLMB_LOADF_IN_TOKENS, "%.0f");
    fprintf(out, "%-40s%.0f (%s)\n", "Total generated tokens:", f->v[LLMB_LOADF_OUT_TOKENS], f->counts);
    line(out, "Request throughput (req/s):", f, LLMB_LOADF_REQ_S, "%.2f");
    line(out, "Output token throughput (tok/s):", f, LLMB_LOADF_OUT_TS, "%.2f");
    line(out, "Total token throughput (tok/s):", f, LLMB_LOADF_TOTAL_TS, "%.2f");
    if (f->slo[0]) {
        fprintf(out, "%-40s%.2f (%.0f of %.0f requests met %s)\n", "Request goodput (req/s):", f->v[LLMB_LOADF_GOODPUT],
                f->v[LLMB_LOADF_GOOD], f->v[LLMB_LOADF_OK], f->slo);
    }
    fprintf(out, "%-10s %10s %10s %10s %10s %10s %10s\n", "(ms)", "mean", "p50", "p90", "p95", "p99", "max");
    dist(out, "TTFT", f, LLMB_LOADF_TTFT_MEAN);
    dist(out, "TPOT", f, LLMB_LOADF_TPOT_MEAN);
    dist(out, "ITL", f, LLMB_LOADF_ITL_MEAN);
    dist(out, "E2EL", f, LLMB_LOADF_E2EL_MEAN);
    fprintf(out, "%-40s", "Client CPU:");
    if (has(f, LLMB_LOADF_CPU_REQ))
        fprintf(out, "%.3f ms/request", f->v[LLMB_LOADF_CPU_REQ]);
    if (has(f, LLMB_LOADF_CPU_TOK))
        fprintf(out, ", %.2f us/token", f->v[LLMB_LOADF_CPU_TOK]);
    fputc('\n', out);
    if (has(f, LLMB_LOADF_STAMP_MEAN))
        fprintf(out, "%-40s%.3f ms mean, %.3f ms max\n", "Server send -> client stamp:", f->v[LLMB_LOADF_STAMP_MEAN],
                f->v[LLMB_LOADF_STAMP_MAX]);
    if (has(f, LLMB_LOADF_SRV_TG))
        fprintf(out, "%-40sprompt %.2f ms mean, generation %.2f tok/s\n",
                "Server's own timings:", f->v[LLMB_LOADF_SRV_PROMPT], f->v[LLMB_LOADF_SRV_TG]);
    if (has(f, LLMB_LOADF_HIT_RATE))
        fprintf(out, "%-40s%.3f (%.0f prompt tokens cached)\n", "Prefix cache hit rate:", f->v[LLMB_LOADF_HIT_RATE],
                f->v[LLMB_LOADF_CACHED]);
    else if (has(f, LLMB_LOADF_CACHED))
        fprintf(out, "%-40s%.0f cached prompt tokens\n", "Prefix cache:", f->v[LLMB_LOADF_CACHED]);
    else
        fprintf(out, "%-40s-\n", "Prefix cache hit rate:");
    if (has(f, LLMB_LOADF_OFFERED))
        fprintf(out, "%-40s%.2f\n", "Offered request rate (req/s):", f->v[LLMB_LOADF_OFFERED]);
    if (has(f, LLMB_LOADF_CLI_TG))
        fprintf(out, "%-40s%.2f tok/s\n", "Generation seen by the client:", f->v[LLMB_LOADF_CLI_TG]);
    if (s->first_error[0])
        fprintf(out, "%-40s%s\n", "First failure:", s->first_error);
}

static void cell(FILE *out, const struct llmb_load_figures *f, int k, int width, int prec)
{
    if (f && has(f, k))
        fprintf(out, " %*.*f", width, prec, f->v[k]);
    else
        fprintf(out, " %*s", width, "-");
}

void llmb_load_print_sweep(FILE *out, const struct llmb_load_step *steps, size_t n, int knee, double capacity)
{
    fprintf(out, "============ Serving load sweep: %zu step%s ============\n", n, n == 1 ? "" : "s");
    if (capacity > 0)
        fprintf(out, "%-40s%.2f req/s\n", "Capacity at concurrency 1:", capacity);
    fprintf(out, "%9s %9s %9s %9s %10s %9s %9s %9s %9s %6s %7s\n", "rate", "offered", "ended/s", "req/s", "out tok/s",
            "TTFT p50", "TTFT p99", "TPOT p50", "goodput", "hit", "follows");
    const struct llmb_load_figures *first = n && steps[0].ok ? &steps[0].s.fig : NULL;
    for (size_t i = 0; i < n; i++) {
        const struct llmb_load_figures *f = steps[i].ok ? &steps[i].s.fig : NULL;
        fprintf(out, "%9.4g", steps[i].rate);
        if (!f) {
            fprintf(out, "  %s\n", steps[i].why);
            continue;
        }
        cell(out, f, LLMB_LOADF_OFFERED, 9, 2);
        cell(out, f, LLMB_LOADF_END_RATE, 9, 2);
        cell(out, f, LLMB_LOADF_REQ_S, 9, 2);
        cell(out, f, LLMB_LOADF_OUT_TS, 10, 1);
        cell(out, f, LLMB_LOADF_TTFT_P50, 9, 2);
        cell(out, f, LLMB_LOADF_TTFT_P99, 9, 2);
        cell(out, f, LLMB_LOADF_TPOT_P50, 9, 2);
        cell(out, f->slo[0] ? f : NULL, LLMB_LOADF_GOODPUT, 9, 2);
        cell(out, f, LLMB_LOADF_HIT_RATE, 6, 2);
        fprintf(out, " %7s\n", llmb_load_step_follows(f, first) ? "yes" : "no");
    }
    if (knee >= 0)
        fprintf(out, "%-40s%g req/s (step %d)\n", "Knee:", steps[knee].rate, knee + 1);
    else
        fprintf(out, "%-40snone: the first step did not follow its offered load\n", "Knee:");
    fprintf(out,
            "(knee: the highest rate of the leading steps whose requests end at >= %.0f%% of the offered rate\n"
            " with median TTFT <= %gx the first step's, or %g ms more; docs/metrics.md, Serving load)\n",
            100 * LLMB_LOAD_KNEE_FOLLOW, LLMB_LOAD_KNEE_TTFT, LLMB_LOAD_KNEE_TTFT_MS);
}
