/* quantize.c - `llmbench quantize`: an F16/BF16/F32 GGUF to a ladder of
 * llama.cpp quantization types, in process (llama_model_quantize), skipping
 * outputs that are already up to date, then a table of sizes and bits per weight. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ladder.h"
#include "llmbench/engine.h"
#include "llmbench/quant.h"
#include "opt.h"
#include "signals.h"

enum { O_MODEL = 1, O_TYPES, O_OUTDIR, O_THREADS, O_FORCE, O_QUIET };

const struct llmb_opt llmb_quantize_opts[] = {
    {O_MODEL, "-m,--model", "FILE", NULL, "F32, F16 or BF16 GGUF to quantize", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_TYPES, "-q,--types", "LIST", "default",
     "types, or: default (" LLMB_LADDER_DEFAULT "), extra (" LLMB_LADDER_EXTRA "), all", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_OUTDIR, "-O,--outdir", "DIR", "the model's folder", "where the quantized files go (<stem>-<TYPE>.gguf)",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_THREADS, "-t,--threads", "N", "all cores", "quantization threads", LLMB_OPT_INT, 1, LLMB_MAX_THREADS, 0, NULL},
    {O_FORCE, "--force", NULL, NULL, "quantize even when an output is up to date", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_QUIET, "--quiet", NULL, NULL, "no progress on stderr", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {0},
};

struct quant_cli {
    const char *model, *types, *outdir;
    int threads, force, quiet;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct quant_cli *c = user;
    switch (id) {
    case -1:
        return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (the model goes after -m)", v);
    case O_MODEL: c->model = v; return LLMB_OK;
    case O_TYPES: c->types = v; return LLMB_OK;
    case O_OUTDIR: c->outdir = v; return LLMB_OK;
    case O_THREADS: c->threads = (int)llmb_opt_value(v); return LLMB_OK;
    case O_FORCE: c->force = 1; return LLMB_OK;
    case O_QUIET: c->quiet = 1; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

int llmb_cmd_quantize(int argc, char **argv, struct llmb_error *err)
{
    struct quant_cli c = {.types = "default"};
    int rc = llmb_opt_parse(llmb_quantize_opts, argc, argv, on_opt, &c, err);
    int ftypes[LLMB_LADDER_MAX], n = 0;
    if (!rc && !c.model)
        rc = llmb_error_set(err, LLMB_E_INVAL, "no model given (use -m FILE)");
    if (!rc)
        rc = llmb_ladder_parse(c.types, ftypes, &n, err);
    if (!rc && c.outdir && access(c.outdir, W_OK) != 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--outdir '%s' is not a writable folder", c.outdir);
    if (rc)
        return llmb_cli_input(rc);
    signal(SIGXFSZ, SIG_IGN);
    volatile int *stop = llmb_cli_signals_catch();
    llmb_engine_global_init(1);
    struct llmb_ladder_item items[LLMB_LADDER_MAX];
    rc = llmb_ladder_make(c.model, c.outdir, ftypes, n, c.threads, c.force, !c.quiet && isatty(2), stop, items, err);
    if (rc == LLMB_E_INTERRUPTED || (!rc && llmb_cli_interrupted())) {
        char kept[2048];
        llmb_ladder_kept(items, n, kept, sizeof kept);
        return llmb_cli_interrupted_say("quantized files kept: %s; the one in progress was removed", kept);
    }
    if (rc)
        return rc;
    printf("| type | file | size | bits/weight | seconds | status |\n| --- | --- | ---: | ---: | ---: | --- |\n");
    for (int i = 0; i < n; i++)
        printf("| %s | %s | %.2f MiB | %.2f | %.1f | %s |\n", llmb_ftype_name(items[i].ftype), items[i].path,
               items[i].facts.file_size / 1048576.0, items[i].facts.bpw, items[i].seconds,
               items[i].made ? "quantized" : "up to date");
    return LLMB_OK;
}
