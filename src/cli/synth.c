/* synth.c - `llmbench synth`: writes a synthetic GGUF of a named shape (or
 * explicit hyper-parameters) at any llama.cpp file type, for speed tests of
 * models nobody has downloaded. Default output: the XDG data folder. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "cli.h"
#include "llmbench/engine.h"
#include "llmbench/paths.h"
#include "llmbench/quant.h"
#include "llmbench/synth.h"
#include "opt.h"
#include "signals.h"

enum { O_OUT = 1, O_TYPE, O_SEED, O_LAYERS, O_EMBD, O_HEADS, O_KV, O_FF, O_VOCAB, O_VOCAB_FILE, O_DRY, O_LIST, O_QUIET };

const struct llmb_opt llmb_synth_opts[] = {
    {O_OUT, "-o,--output", "FILE", "XDG data folder", "where to write the model", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_TYPE, "-q,--type", "TYPE", "F16", "file type: F32, F16, BF16 or a quantization (Q8_0, Q6_K, Q4_K_M, ...)",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_SEED, "--seed", "N", "42", "seed of the random weights", LLMB_OPT_INT, 1, 2147483647, 0, NULL},
    {O_LAYERS, "--layers", "N", NULL, "override the number of layers", LLMB_OPT_INT, 1, 4000000, 0, NULL},
    {O_EMBD, "--embd", "N", NULL, "override the embedding width", LLMB_OPT_INT, 1, 4000000, 0, NULL},
    {O_HEADS, "--heads", "N", NULL, "override the attention heads", LLMB_OPT_INT, 1, 4000000, 0, NULL},
    {O_KV, "--kv-heads", "N", NULL, "override the key/value heads", LLMB_OPT_INT, 1, 4000000, 0, NULL},
    {O_FF, "--ff", "N", NULL, "override the feed-forward width", LLMB_OPT_INT, 1, 4000000, 0, NULL},
    {O_VOCAB, "--vocab", "N", NULL, "override the vocabulary size (>= the tokenizer's; pads it)", LLMB_OPT_INT, 1,
     4000000, 0, NULL},
    {O_VOCAB_FILE, "--vocab-file", "FILE", NULL, "tokenizer from this GGUF instead of llama.cpp's for the shape",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_DRY, "--dry-run", NULL, NULL, "print the sizes, write nothing", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_LIST, "--list", NULL, NULL, "list the built-in shapes", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_QUIET, "--quiet", NULL, NULL, "no progress on stderr", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {0},
};

struct synth_cli {
    const char *shape, *out, *vocab_file;
    int ftype, dry, list, quiet, overridden;
    uint64_t seed;
    int ov[6]; /* layers embd heads kv ff vocab; 0 = keep */
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct synth_cli *c = user;
    switch (id) {
    case -1:
        if (c->shape)
            return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (one shape only)", v);
        c->shape = v;
        return LLMB_OK;
    case O_OUT: c->out = v; return LLMB_OK;
    case O_TYPE:
        if ((c->ftype = llmb_ftype_from_name(v)) < 0)
            return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown type '%s' (one of %s)", name, v, llmb_ftype_names());
        return LLMB_OK;
    case O_SEED: c->seed = (uint64_t)llmb_opt_value(v); return LLMB_OK;
    case O_LAYERS: case O_EMBD: case O_HEADS: case O_KV: case O_FF: case O_VOCAB:
        c->ov[id - O_LAYERS] = (int)llmb_opt_value(v);
        c->overridden = 1;
        return LLMB_OK;
    case O_VOCAB_FILE: c->vocab_file = v; return LLMB_OK;
    case O_DRY: c->dry = 1; return LLMB_OK;
    case O_LIST: c->list = 1; return LLMB_OK;
    case O_QUIET: c->quiet = 1; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

static void progress(int i, int n, void *user)
{
    int *open = user; /* a progress line waits for its end */
    if (i == n || i % 8 == 0) {
        fprintf(stderr, "\rllmbench: synth: tensor %d/%d", i, n);
        *open = 1;
    }
    if (i == n) {
        fputc('\n', stderr);
        *open = 0;
    }
}

static void list_shapes(void)
{
    size_t n;
    const struct llmb_shape *s = llmb_shape_list(&n);
    printf("| shape | arch | layers | embd | heads | kv-heads | ff | vocab | tied |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (size_t i = 0; i < n; i++)
        printf("| %s | %s | %d | %d | %d | %d | %d | %d | %s |\n", s[i].name, s[i].arch, s[i].n_layer, s[i].n_embd,
               s[i].n_head, s[i].n_head_kv, s[i].n_ff, s[i].n_vocab, s[i].tied ? "yes" : "no");
}

/* Default file name: synth-<shape>[-<hash of overrides>]-s<seed>-<TYPE>.gguf in the data folder
 * (the quantization ladder of the F16 one then names its files ...-s<seed>-<TYPE>.gguf too). */
int llmb_synth_default_path(const struct llmb_shape *s, int overridden, int ftype, uint64_t seed, char *buf,
                            size_t len, struct llmb_error *err)
{
    char dir[4096], tag[32] = "";
    int rc = llmb_path_data_dir("models", dir, sizeof dir, err);
    if (rc)
        return rc;
    if (overridden) {
        uint32_t h = 2166136261u;
        int v[6] = {s->n_layer, s->n_embd, s->n_head, s->n_head_kv, s->n_ff, s->n_vocab};
        for (int i = 0; i < 6; i++)
            h = (h ^ (uint32_t)v[i]) * 16777619u;
        snprintf(tag, sizeof tag, "-custom%08x", h);
    }
    if (snprintf(buf, len, "%s/synth-%s%s-s%llu-%s.gguf", dir, s->name, tag, (unsigned long long)seed,
                 llmb_ftype_name(ftype)) >= (int)len)
        return llmb_error_set(err, LLMB_E_INVAL, "path too long");
    return LLMB_OK;
}

int llmb_cmd_synth(int argc, char **argv, struct llmb_error *err)
{
    struct synth_cli c;
    memset(&c, 0, sizeof c);
    c.ftype = 1;
    c.seed = 42;
    int rc = llmb_opt_parse(llmb_synth_opts, argc, argv, on_opt, &c, err);
    if (!rc && c.list) {
        list_shapes();
        return LLMB_OK;
    }
    struct llmb_synth_params p = llmb_synth_default_params();
    if (!rc && !c.shape)
        rc = llmb_error_set(err, LLMB_E_INVAL, "no shape given (see llmbench synth --list)");
    if (!rc)
        rc = llmb_shape_find(c.shape, &p.shape, err);
    if (rc)
        return llmb_cli_input(rc);
    int *fields[6] = {&p.shape.n_layer, &p.shape.n_embd, &p.shape.n_head, &p.shape.n_head_kv, &p.shape.n_ff,
                      &p.shape.n_vocab};
    for (int i = 0; i < 6; i++)
        if (c.ov[i])
            *fields[i] = c.ov[i];
    p.ftype = c.ftype;
    p.seed = c.seed;
    p.vocab_file = c.vocab_file;
    p.dry_run = c.dry;
    int line_open = 0;
    p.progress = c.quiet || !isatty(2) ? NULL : progress;
    p.user = &line_open;
    p.stop = llmb_cli_signals_catch();
    char path[4096];
    if (c.out)
        snprintf(path, sizeof path, "%s", c.out);
    else if (!c.dry && (rc = llmb_synth_default_path(&p.shape, c.overridden, c.ftype, c.seed, path, sizeof path, err)))
        return rc;
    p.output = path;
    if ((rc = llmb_shape_validate(&p.shape, err)))
        return llmb_cli_input(rc);
    const char *in[] = {c.vocab_file};
    if (!c.dry && (rc = llmb_output_check(path, "-o", in, 1, err)))
        return llmb_cli_input(rc);
    signal(SIGXFSZ, SIG_IGN); /* a file size limit is a write error, not a kill */
    llmb_engine_global_init(1);
    struct llmb_synth_info info;
    rc = llmb_synth_write(&p, &info, err);
    if (line_open)
        fputc('\n', stderr);
    if (rc == LLMB_E_INTERRUPTED)
        return llmb_cli_interrupted_say("'%s' was not written (its temporary file was removed)", path);
    if (rc)
        return rc;
    printf("%s%s: %s %s, %llu bytes (%.2f MiB), %.3f B params, %.2f bits per weight, %d tensors, vocab %d\n",
           c.dry ? "would write " : "wrote ", c.dry ? (c.out ? c.out : "(dry run)") : path, p.shape.name,
           llmb_ftype_name(c.ftype), (unsigned long long)info.file_size, info.file_size / 1048576.0,
           info.n_params / 1e9, info.bpw, info.n_tensors, info.n_vocab);
    return LLMB_OK;
}
