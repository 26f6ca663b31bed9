/* commands.c - the registry of llmbench's commands (name, runner, help,
 * option table) and the one skeleton every command runs in: --help from the
 * registry, the command (flags -> params -> library call -> printer, an llmb
 * code back), its error printed once, the exit status from its code. main.c
 * dispatches through it; the option-table test walks every command's flags
 * through it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "signals.h"

const struct llmb_cli_command llmb_cli_commands[] = {
    {"bench", llmb_cmd_bench, "measure prompt processing and generation speed (llama-bench's flags)",
     "llmbench bench -m MODEL [options]",
     "Measures prompt processing (pp) and generation (tg) speed like llama-bench; LIST is\n"
     "a comma-separated list whose items may be ranges first-last[+step|*factor].",
     0, llmb_bench_opts},
    {"synth", llmb_cmd_synth, "write a synthetic model of a real shape (random weights, real tokenizer)",
     "llmbench synth SHAPE [options]",
     "Writes a GGUF with the architecture, tensor shapes and tokenizer of a real model and random\n"
     "weights (marked synthetic: speed figures only). Shapes: see --list.",
     0, llmb_synth_opts},
    {"quantize", llmb_cmd_quantize, "quantize an F16/BF16/F32 model to a ladder of llama.cpp types",
     "llmbench quantize -m MODEL [options]",
     "Quantizes an F32/F16/BF16 GGUF to each type of the ladder through llama.cpp, in process.", 0, llmb_quantize_opts},
    {"pipeline", llmb_cmd_pipeline, "synthesize or take a model, quantize the ladder, benchmark and compare",
     "llmbench pipeline (--shape NAME | -m MODEL) [options]",
     "Makes the quantization ladder of a model (or of a synthetic shape), benchmarks every variant\n"
     "and prints one comparison table. With --ppl and/or --suite every variant's quality is measured\n"
     "against the reference too, and the table shows the quality each keeps.",
     0, llmb_pipeline_opts},
    {"quality", llmb_cmd_quality, "perplexity, KL divergence against a reference, and a graded prompt suite",
     "llmbench quality -m MODEL[,MODEL...] [--ppl FILE] [--suite default|FILE] [options]",
     "Perplexity as llama-perplexity computes it, KL divergence against a reference, and a graded\n"
     "prompt suite. With several models the first (or --ref-model) is the reference.",
     0, llmb_quality_opts},
    {"run", llmb_cmd_run, "run a plan file: models, engine settings and workloads as one campaign",
     "llmbench run [--dry-run] PLAN [options]",
     "Runs the plan file PLAN (YAML or JSON, docs/plans.md): each of its runs is the bench,\n"
     "quality or pipeline command its keys stand for, checked before the first one starts.\n"
     "--dry-run prints each run's command line, its test matrix and an estimate instead.",
     0, llmb_run_opts},
    {"results", llmb_cmd_results, "list stored runs and test instances (filters: model, quant, device, date, tag)",
     "llmbench results [filters] [options]",
     "Lists the runs in the results database (with -i, their test instances); filters narrow\n"
     "the list and combine with AND.",
     1, llmb_results_opts},
    {"export", llmb_cmd_export, "write stored results as csv, json, jsonl, md or sql",
     "llmbench export [filters] [-f FMT] [-o FILE]",
     "Writes the stored results that match the filters (all when none) as CSV, JSON, JSON Lines,\n"
     "Markdown or an SQL script.",
     0, llmb_export_opts},
    {"import", llmb_cmd_import, "store llama-bench's -o json / -o jsonl output as runs",
     "llmbench import FILE... [options]",
     "Stores llama-bench's -o json or -o jsonl output in the results database, one run per\n"
     "file, so it can be listed, exported and compared. Nothing is written unless every file\n"
     "is llama-bench output.",
     0, llmb_import_opts},
    {"compare", llmb_cmd_compare, "compare two runs or selections test by test, with significance",
     "llmbench compare A B [options]",
     "Compares two selections of stored results, test by test: A and B are run ids (12) or\n"
     "filters (tag=baseline, model=7b,quant=Q4_K, since=2024-05-01...). Tests match when their\n"
     "model and every parameter match; samples of several runs are pooled. The interval is\n"
     "Welch's 95% interval of the change of the mean; 'significant' means it excludes 0.\n"
     "Quality metrics (ppl, kld, top1, suite) compare quality tests by their key (model, text,\n"
     "context, reference...), the latest of each: the interval comes from both standard errors\n"
     "(normal approximation; binomial for a suite's pass rate).",
     1, llmb_compare_opts},
    {"recommend", llmb_cmd_recommend, "the best configurations for given limits (Pareto front), and why others lost",
     "llmbench recommend [constraints] [filters] [options]",
     "Recommends configurations (model + engine parameters) from the stored results: those that\n"
     "meet the constraints and that no other beats on every figure (tg and pp speed, peak memory,\n"
     "KLD and perplexity where measured), best first, and why each other one lost.",
     1, llmb_recommend_opts},
    {"report", llmb_cmd_report, "one report (HTML or Markdown) of stored runs: matrix, speed, quality, findings",
     "llmbench report [RUN|FILTERS] -o report.html|report.md [options]",
     "Writes one document from the results store: what ran where (machines, llama.cpp build,\n"
     "conditions), the status matrix of model x backend/devices, speed and quality tables with\n"
     "their intervals, key findings (fastest, smallest that keeps quality, the Pareto front per\n"
     "memory budget and why each other configuration lost) and charts. RUN is a run id; FILTERS\n"
     "are key=value selections as compare takes them (tag=baseline,model=7b). The HTML report is\n"
     "one self-contained file (inline CSS and SVG, no script, nothing fetched).",
     0, llmb_report_opts},
    {"serve", llmb_cmd_serve, "the live dashboard: page, JSON API over the store, a run's events (SSE)",
     "llmbench serve [--port N] [--bind ADDR] [--follow EVENTS.jsonl] [--db PATH]",
     "The live dashboard: the page, a read-only JSON API over the results store and the events\n"
     "of a run (docs/dashboard.md). Runs until Ctrl-C.",
     0, llmb_serve_opts}, /* Ctrl-C is how it ends: exit 0 */
    {"hw", llmb_cmd_hw, "the machine: CPU, ISA, caches, NUMA, memory, devices, NVML; --bandwidth, --matrix",
     "llmbench hw [options]",
     "Prints the machine: CPU, instruction sets, topology, caches, NUMA, memory, OS, frequencies,\n"
     "devices and NVIDIA GPUs (NVML). A fact that cannot be read is absent, with the reason.",
     1, llmb_hw_opts},
    {"load", llmb_cmd_load, "serving load on an OpenAI-compatible server: TTFT, TPOT, ITL, throughput, goodput",
     "llmbench load --url URL --model NAME [options]",
     "Sends many concurrent requests to /v1/completions or /v1/chat/completions of a server\n"
     "(llama-server, vLLM, SGLang, TGI, Ollama...): a fixed concurrency (-c) or a request rate\n"
     "(--rate, Poisson or gamma), a number of requests (-N) or a --duration. Reports vLLM's\n"
     "bench serve figures (docs/metrics.md, Serving load) and stores the run (kind load).\n"
     "--sweep runs one load per rate and finds the knee: the highest rate of the leading steps\n"
     "whose requests end at >= 90% of the offered rate with median TTFT <= 2x the first step's\n"
     "(or +10 ms); every step is stored in one run with the knee (load_sweep_knee_req_per_s).",
     0, llmb_load_opts},
};

const size_t llmb_cli_n_commands = sizeof llmb_cli_commands / sizeof llmb_cli_commands[0];

const struct llmb_cli_command *llmb_cli_command_find(const char *name)
{
    for (size_t i = 0; name && i < llmb_cli_n_commands; i++)
        if (!strcmp(name, llmb_cli_commands[i].name))
            return &llmb_cli_commands[i];
    return NULL;
}

int llmb_cli_input(int rc)
{
    return rc && rc != LLMB_E_INTERRUPTED ? LLMB_E_INVAL : rc;
}

int llmb_cli_exit_status(int rc)
{
    switch (rc) {
    case LLMB_OK: return LLMB_EXIT_OK;
    case LLMB_E_INTERRUPTED: return 130;
    case LLMB_E_INVAL:
    case LLMB_E_MODEL: return LLMB_EXIT_USAGE;
    default: return LLMB_EXIT_FAIL;
    }
}

int llmb_cli_command_main(const struct llmb_cli_command *c, int argc, char **argv)
{
    if (llmb_opt_wants_help(c->opts, argc, argv)) {
        llmb_opt_usage(stdout, c->usage, c->about, c->opts);
        return LLMB_EXIT_OK;
    }
    struct llmb_error err = {0};
    int rc = c->run(argc, argv, &err);
    if (c->reads && llmb_cli_interrupted() && rc != LLMB_E_INTERRUPTED)
        rc = llmb_cli_interrupted_say("nothing was changed");
    /* an interruption was told in its own line; failed tests in their rows */
    if (rc && rc != LLMB_E_INTERRUPTED && (rc != LLMB_E_FAILED || err.msg[0]))
        llmb_cli_error("%s", err.msg[0] ? err.msg : llmb_strerror(rc));
    return llmb_cli_exit_status(rc);
}
