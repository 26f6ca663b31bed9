/* signals.c - the interrupt flag every command polls (see signals.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "llmbench/llmbench.h"
#include "signals.h"

static volatile int interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

volatile int *llmb_cli_signals_catch(void)
{
    static int caught;
    if (!caught) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        caught = 1;
    }
    return &interrupted;
}

int llmb_cli_interrupted(void)
{
    return interrupted != 0;
}

void llmb_cli_vsay(const char *label, const char *fmt, va_list ap)
{
    fprintf(stderr, "llmbench: %s: ", label);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int llmb_cli_interrupted_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    llmb_cli_vsay("interrupted", fmt, ap);
    va_end(ap);
    return LLMB_E_INTERRUPTED;
}
