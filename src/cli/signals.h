/* signals.h - SIGINT (Ctrl-C), SIGTERM and SIGHUP for every command: each
 * sets one flag that the work in progress polls; the command then stops,
 * removes its temporary files, ends its progress line, says in one line
 * what was kept and exits with 130 (llmb_cli_interrupted_say). */
#ifndef LLMB_CLI_SIGNALS_H
#define LLMB_CLI_SIGNALS_H

#include <stdarg.h>

/* Catches the three signals (again: a no-op) and returns the flag. */
volatile int *llmb_cli_signals_catch(void);
/* 1 once one of them arrived. */
int llmb_cli_interrupted(void);
/* "llmbench: interrupted: <what was kept>" on stderr; returns
 * LLMB_E_INTERRUPTED (exit 130, said: nothing more is printed). */
int llmb_cli_interrupted_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "llmbench: LABEL: MSG" on stderr: the shape of every such line. */
void llmb_cli_vsay(const char *label, const char *fmt, va_list ap);

#endif
