/* main.c - the llmbench program: dispatches to one command per file. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/atomic_file.h"
#include "cli.h"
#include "llmbench/engine.h"
#include "llmbench/llmbench.h"

void llmb_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("llmbench: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* llama.cpp aborting in this process (bench --no-isolate, a quantizer's dry
 * run): one line, no temporary file left, an exit status below 128. The
 * process state cannot be trusted any more: only async-signal-safe calls. */
static void on_engine_abort(const char *message)
{
    static const char pre[] = "llmbench: error: llama.cpp aborted: ";
    size_t n = strlen(message);
    while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == ' '))
        n--;
    (void)!write(2, pre, sizeof pre - 1);
    (void)!write(2, message, n);
    (void)!write(2, "\n", 1);
    llmb_atomic_remove_all();
    _exit(LLMB_EXIT_FAIL);
}

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *help;
} commands[] = {
    {"bench", llmb_cmd_bench, "measure prompt processing and generation speed (llama-bench's flags)"},
    {"synth", llmb_cmd_synth, "write a synthetic model of a real shape (random weights, real tokenizer)"},
    {"quantize", llmb_cmd_quantize, "quantize an F16/BF16/F32 model to a ladder of llama.cpp types"},
    {"pipeline", llmb_cmd_pipeline, "synthesize or take a model, quantize the ladder, benchmark and compare"},
    {"quality", llmb_cmd_quality, "perplexity, KL divergence against a reference, and a graded prompt suite"},
    {"results", llmb_cmd_results, "list stored runs and test instances (filters: model, quant, device, date, tag)"},
    {"export", llmb_cmd_export, "write stored results as csv, json, jsonl, md or sql"},
    {"import", llmb_cmd_import, "store llama-bench's -o json / -o jsonl output as runs"},
    {"compare", llmb_cmd_compare, "compare two runs or selections test by test, with significance"},
    {"recommend", llmb_cmd_recommend, "the best configurations for given limits (Pareto front), and why others lost"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: llmbench COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "  %-10s %s\n", "version", "print the version of llmbench");
    fprintf(f, "\n'llmbench COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    setlocale(LC_NUMERIC, "C");
    setenv("GGML_NO_BACKTRACE", "1", 1); /* ggml attaches no debugger when it aborts */
    llmb_engine_set_abort_handler(on_engine_abort);
    if (argc < 2) {
        usage(stderr);
        return LLMB_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return LLMB_EXIT_OK;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("llmbench %s\n", llmb_version());
        return LLMB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(argc - 2, argv + 2);
    llmb_cli_error("unknown command '%s' (see llmbench --help)", cmd);
    return LLMB_EXIT_USAGE;
}
