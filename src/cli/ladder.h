/* ladder.h - the quantization ladder shared by `quantize` and `pipeline`:
 * parsing a list of types, naming the outputs, skipping those up to date. */
#ifndef LLMB_CLI_LADDER_H
#define LLMB_CLI_LADDER_H

#include "llmbench/model.h"

#define LLMB_LADDER_MAX 32

struct llmb_ladder_item {
    int    ftype;
    char   path[4096];
    int    made;      /* 1: quantized now, 0: was up to date */
    double seconds;
    struct llmb_gguf_facts facts;
};

/* "Q8_0,Q4_K_M", or the words default / extra / all. */
int llmb_ladder_parse(const char *spec, int *ftypes, int *n, struct llmb_error *err);

/* <outdir>/<stem of input>-<TYPE>.gguf; the stem drops ".gguf" and a
 * trailing -F16/-BF16/-F32. */
void llmb_ladder_output(const char *input, const char *outdir, int ftype, char *buf, size_t len);

/* Quantizes input to every type (threads <= 0: all cores), skipping outputs
 * that exist, are newer than the input and have the type, unless force.
 * Each quantization runs in a child process (llama.cpp aborting costs it,
 * not the command); *stop (may be NULL) is polled: LLMB_E_INTERRUPTED, the
 * file in progress removed, items[i].made / .path say what was kept. */
int llmb_ladder_make(const char *input, const char *outdir, const int *ftypes, int n, int threads, int force,
                     int show_progress, volatile int *stop, struct llmb_ladder_item *items, struct llmb_error *err);
/* "Q8_0 (path), Q6_K (path)": the items made, for the line an interruption
 * prints; "none" when none. */
void llmb_ladder_kept(const struct llmb_ladder_item *items, int n, char *buf, size_t len);

#endif
