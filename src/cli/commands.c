/* commands.c - the registry of llmbench's commands: name, runner, one line
 * of help and option table. main.c dispatches through it; the option-table
 * test walks every command's flags through it. */
#include "cli.h"
#include "opt.h"

const struct llmb_cli_command llmb_cli_commands[] = {
    {"bench", llmb_cmd_bench, "measure prompt processing and generation speed (llama-bench's flags)", 0,
     llmb_bench_opts},
    {"synth", llmb_cmd_synth, "write a synthetic model of a real shape (random weights, real tokenizer)", 0,
     llmb_synth_opts},
    {"quantize", llmb_cmd_quantize, "quantize an F16/BF16/F32 model to a ladder of llama.cpp types", 0,
     llmb_quantize_opts},
    {"pipeline", llmb_cmd_pipeline, "synthesize or take a model, quantize the ladder, benchmark and compare", 0,
     llmb_pipeline_opts},
    {"quality", llmb_cmd_quality, "perplexity, KL divergence against a reference, and a graded prompt suite", 0,
     llmb_quality_opts},
    {"results", llmb_cmd_results, "list stored runs and test instances (filters: model, quant, device, date, tag)", 1,
     llmb_results_opts},
    {"export", llmb_cmd_export, "write stored results as csv, json, jsonl, md or sql", 0, llmb_export_opts},
    {"import", llmb_cmd_import, "store llama-bench's -o json / -o jsonl output as runs", 0, llmb_import_opts},
    {"compare", llmb_cmd_compare, "compare two runs or selections test by test, with significance", 1,
     llmb_compare_opts},
    {"recommend", llmb_cmd_recommend, "the best configurations for given limits (Pareto front), and why others lost", 1,
     llmb_recommend_opts},
    {"hw", llmb_cmd_hw, "the machine: CPU, ISA, caches, NUMA, memory, devices, NVML; --bandwidth, --matrix", 1,
     llmb_hw_opts},
};

const size_t llmb_cli_n_commands = sizeof llmb_cli_commands / sizeof llmb_cli_commands[0];
