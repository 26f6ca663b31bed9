/* main.c - the llmbench program: dispatches to one command per file. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "cli.h"
#include "opt.h"
#include "signals.h"
#include "llmbench/engine.h"
#include "llmbench/llmbench.h"

void llmb_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    llmb_cli_vsay("error", fmt, ap);
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

static void usage(FILE *f)
{
    fprintf(f, "usage: llmbench COMMAND [options]\n\ncommands:\n");
    for (size_t i = 0; i < llmb_cli_n_commands; i++)
        fprintf(f, "  %-10s %s\n", llmb_cli_commands[i].name, llmb_cli_commands[i].help);
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
    const struct llmb_cli_command *c = llmb_cli_command_find(cmd);
    if (c)
        return finish(llmb_cli_command_main(c, argc - 2, argv + 2));
    llmb_cli_error("unknown command '%s' (see llmbench --help)", cmd);
    return LLMB_EXIT_USAGE;
}
