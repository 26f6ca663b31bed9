/* cli.h - the commands of the llmbench program, one file each. */
#ifndef LLMB_CLI_CLI_H
#define LLMB_CLI_CLI_H

/* Exit codes: 0 success, 1 failure while running, 2 bad usage or input. */
enum { LLMB_EXIT_OK = 0, LLMB_EXIT_FAIL = 1, LLMB_EXIT_USAGE = 2 };

int llmb_cmd_bench(int argc, char **argv);

/* Prints "llmbench: error: MSG" to stderr: the one place errors are printed. */
void llmb_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
