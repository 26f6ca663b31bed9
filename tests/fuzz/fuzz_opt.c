/* fuzz_opt.c - libFuzzer target for the option-table parser (src/cli/opt.c):
 * the input, split at NUL bytes, is an argv for a table shaped like the
 * commands' (short and long names, "--name=value", values, flags). Checks
 * what the callback is promised; the callback fails on the value "stop" so
 * the error path runs too. No state outlives one input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { O_MODEL = 1, O_PROMPT, O_PG, O_WARMUP, O_VERBOSE, O_OUT };

static const struct llmb_opt table[] = {
    {O_MODEL, "-m,--model", "FILE", NULL, "model", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_PROMPT, "-p,--n-prompt", "LIST", "512", "prompt lengths", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_PG, "-pg", "P,G", NULL, "prompt and generation", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_WARMUP, "--no-warmup", NULL, NULL, "no warm-up", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_VERBOSE, "-v,--verbose", NULL, NULL, "engine log", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_OUT, "-o,--output", "FMT", "md", "format", LLMB_OPT_STR, 0, 0, 0, NULL},
    {0},
};

static int on_opt(int id, const char *name, const char *val, void *user, struct llmb_error *err)
{
    int *calls = user;
    (*calls)++;
    if (id == -1) {
        if (name || !val)
            abort();
    } else {
        if (id < O_MODEL || id > O_OUT || !name || name[0] != '-')
            abort();
        if ((table[id - 1].arg != NULL) != (val != NULL))
            abort();
    }
    if (val && !strcmp(val, "stop"))
        return llmb_error_set(err, LLMB_E_INVAL, "stopped at '%s'", val);
    return LLMB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    char **argv = malloc(sizeof *argv * (size + 1));
    if (!buf || !argv) {
        free(buf);
        free(argv);
        return 0;
    }
    memcpy(buf, data, size);
    buf[size] = 0;
    int argc = 0;
    for (size_t i = 0; i < size; i++)
        if (i == 0 || buf[i - 1] == 0)
            argv[argc++] = buf + i;
    argv[argc] = NULL;
    int calls = 0;
    struct llmb_error e = {0};
    int rc = llmb_opt_parse(table, argc, argv, on_opt, &calls, &e);
    if (calls > argc || (rc != LLMB_OK && rc != LLMB_OPT_HELP && !e.msg[0]))
        abort();
    free(argv);
    free(buf);
    return 0;
}
