/* main.c - the llmbench program: dispatches to one command per file. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "cli.h"
#include "signals.h"
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
    int reads; /* changes nothing: an interruption has nothing to undo or keep */
} commands[] = {
    {"bench", llmb_cmd_bench, "measure prompt processing and generation speed (llama-bench's flags)", 0},
    {"synth", llmb_cmd_synth, "write a synthetic model of a real shape (random weights, real tokenizer)", 0},
    {"quantize", llmb_cmd_quantize, "quantize an F16/BF16/F32 model to a ladder of llama.cpp types", 0},
    {"pipeline", llmb_cmd_pipeline, "synthesize or take a model, quantize the ladder, benchmark and compare", 0},
    {"quality", llmb_cmd_quality, "perplexity, KL divergence against a reference, and a graded prompt suite", 0},
    {"results", llmb_cmd_results, "list stored runs and test instances (filters: model, quant, device, date, tag)", 1},
    {"export", llmb_cmd_export, "write stored results as csv, json, jsonl, md or sql", 0},
    {"import", llmb_cmd_import, "store llama-bench's -o json / -o jsonl output as runs", 0},
    {"compare", llmb_cmd_compare, "compare two runs or selections test by test, with significance", 1},
    {"recommend", llmb_cmd_recommend, "the best configurations for given limits (Pareto front), and why others lost", 1},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: llmbench COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "  %-10s %s\n", "version", "print the version of llmbench");
    fprintf(f, "\n'llmbench COMMAND --help' describes a command.\n");
}

/* Every write to stdout is checked: a command that printed into a full disk
 * or a closed pipe fails, saying so once. */
static int finish(int rc)
{
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && !bad)
        bad = 1, e = errno;
    if (bad && rc == 0) { /* (a command that failed said why already) */
        llmb_cli_error("cannot write to standard output: %s", e ? llmb_errno_text(e) : "write error");
        return rc ? rc : LLMB_EXIT_FAIL;
    }
    return rc;
}

int main(int argc, char **argv)
{
    setlocale(LC_NUMERIC, "C");
    setenv("GGML_NO_BACKTRACE", "1", 1); /* ggml attaches no debugger when it aborts */
    signal(SIGPIPE, SIG_IGN);            /* a closed pipe is a write error, said once, not a silent death */
    llmb_engine_set_abort_handler(on_engine_abort);
    if (argc < 2) {
        usage(stderr);
        return LLMB_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return finish(LLMB_EXIT_OK);
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("llmbench %s\n", llmb_version());
        return finish(LLMB_EXIT_OK);
    }
    llmb_cli_signals_catch(); /* SIGINT, SIGTERM, SIGHUP: every command stops cleanly, exit 130 */
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name)) {
            int rc = commands[i].run(argc - 2, argv + 2);
            if (commands[i].reads && llmb_cli_interrupted())
                rc = llmb_cli_interrupted_exit("nothing was changed");
            return finish(rc);
        }
    llmb_cli_error("unknown command '%s' (see llmbench --help)", cmd);
    return LLMB_EXIT_USAGE;
}
