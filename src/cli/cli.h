/* cli.h - the commands of the llmbench program, one file each. */
#ifndef LLMB_CLI_CLI_H
#define LLMB_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "llmbench/llmbench.h"

/* Exit codes: 0 success, 1 failure while running, 2 bad usage or input. */
enum { LLMB_EXIT_OK = 0, LLMB_EXIT_FAIL = 1, LLMB_EXIT_USAGE = 2 };

int llmb_cmd_bench(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_synth(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_quantize(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_pipeline(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_quality(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_results(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_export(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_import(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_compare(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_recommend(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_serve(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_hw(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_report(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_run(int argc, char **argv, struct llmb_error *err);
int llmb_cmd_load(int argc, char **argv, struct llmb_error *err);

/* Each command's option table (the registry in commands.c lists them). */
#include "opt.h"
extern const struct llmb_opt llmb_bench_opts[], llmb_synth_opts[], llmb_quantize_opts[], llmb_pipeline_opts[],
    llmb_quality_opts[], llmb_results_opts[], llmb_export_opts[], llmb_import_opts[], llmb_compare_opts[],
    llmb_recommend_opts[], llmb_serve_opts[], llmb_hw_opts[], llmb_report_opts[], llmb_run_opts[],
    llmb_load_opts[];

struct llmb_shape;
struct llmb_error;
/* Default path of a synthetic model in the data folder. */
int llmb_synth_default_path(const struct llmb_shape *s, int overridden, int ftype, uint64_t seed, char *buf,
                            size_t len, struct llmb_error *err);

/* An error found while checking the input is the input's (LLMB_E_INVAL,
 * exit 2), whatever its code; 0 and LLMB_E_INTERRUPTED stay. */
int llmb_cli_input(int rc);

/* Prints "llmbench: error: MSG" to stderr: the one place errors are printed
 * (llmb_cli_command_main calls it). */
void llmb_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
