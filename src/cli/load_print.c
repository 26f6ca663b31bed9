/* load_print.c - the report of `llmbench load`: vLLM's `bench serve` result
 * block (so the two read side by side), percentiles as a table, then what
 * llmbench adds: failures by kind, the client's own cost, and the server's
 * own timings where it sends them. */
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
    if (has(f, LLMB_LOADF_CLI_TG))
        fprintf(out, "%-40s%.2f tok/s\n", "Generation seen by the client:", f->v[LLMB_LOADF_CLI_TG]);
    if (s->first_error[0])
        fprintf(out, "%-40s%s\n", "First failure:", s->first_error);
}
