/* bench_flags.h - llama-bench's test parameters as bench's flags: every
 * flag of the pinned llama-bench's --help that sets a test parameter or how
 * tests run (-m ... --no-host, --numa, --prio, --delay, -rpc, -hf...), with
 * its names, list syntax and defaults. A table fragment for bench's option
 * table and the handler that fills struct llmb_bench_params. */
#ifndef LLMB_CLI_BENCH_FLAGS_H
#define LLMB_CLI_BENCH_FLAGS_H

#include "llmbench/plan.h"
#include "opt.h"

enum {
    LLMB_BOPT_MODEL = 800,
    LLMB_BOPT_PROMPT,
    LLMB_BOPT_GEN,
    LLMB_BOPT_PG,
    LLMB_BOPT_DEPTH,
    LLMB_BOPT_BATCH,
    LLMB_BOPT_UBATCH,
    LLMB_BOPT_CTK,
    LLMB_BOPT_CTV,
    LLMB_BOPT_THREADS,
    LLMB_BOPT_CPU_MASK,
    LLMB_BOPT_CPU_STRICT,
    LLMB_BOPT_POLL,
    LLMB_BOPT_NGL,
    LLMB_BOPT_NCMOE,
    LLMB_BOPT_SM,
    LLMB_BOPT_MG,
    LLMB_BOPT_NKVO,
    LLMB_BOPT_FA,
    LLMB_BOPT_DEV,
    LLMB_BOPT_LM,
    LLMB_BOPT_MMP,
    LLMB_BOPT_LZM,
    LLMB_BOPT_EMBD,
    LLMB_BOPT_TS,
    LLMB_BOPT_OT,
    LLMB_BOPT_NOPO,
    LLMB_BOPT_NOHOST,
    LLMB_BOPT_FITT,
    LLMB_BOPT_FITC,
    LLMB_BOPT_HF,
    LLMB_BOPT_HFF,
    LLMB_BOPT_HFT,
    LLMB_BOPT_OFFLINE,
    LLMB_BOPT_NUMA,
    LLMB_BOPT_PRIO,
    LLMB_BOPT_DELAY,
    LLMB_BOPT_RPC,
    LLMB_BOPT_INTERLEAVE,
};

/* the entries of bench's option table these flags add (one per flag) */
// clang-format off
#define LLMB_BENCH_PARAM_OPTS \
    {LLMB_BOPT_MODEL, "-m,--model", "FILE[,FILE]", NULL, "GGUF model(s) to test; repeatable", LLMB_OPT_STR, 0, 0, 0, \
     NULL}, \
    {LLMB_BOPT_HF, "-hf,-hfr,--hf-repo", "USER/MODEL[:QUANT]", NULL, \
     "Hugging Face model (refused: llmbench never downloads; fetch it, then -m FILE)", LLMB_OPT_STR, 0, 0, 0, NULL}, \
    {LLMB_BOPT_HFF, "-hff,--hf-file", "FILE", NULL, "Hugging Face model file (with -hf)", LLMB_OPT_STR, 0, 0, 0, \
     NULL}, \
    {LLMB_BOPT_HFT, "-hft,--hf-token", "TOKEN", NULL, "Hugging Face access token (with -hf)", LLMB_OPT_STR, 0, 0, 0, \
     NULL}, \
    {LLMB_BOPT_OFFLINE, "--offline", NULL, NULL, "Hugging Face cache only (with -hf)", LLMB_OPT_FLAG, 0, 0, 0, \
     NULL}, \
    {LLMB_BOPT_PROMPT, "-p,--n-prompt", "LIST", "512", "prompt lengths to process (0 skips)", LLMB_OPT_LIST, 0, \
     2147483647, 0, NULL}, \
    {LLMB_BOPT_GEN, "-n,--n-gen", "LIST", "128", "numbers of tokens to generate (0 skips)", LLMB_OPT_LIST, 0, \
     2147483647, 0, NULL}, \
    {LLMB_BOPT_PG, "-pg", "P,G", NULL, "prompt of P tokens then G generated, as one test; repeatable", \
     LLMB_OPT_LIST, 0, 2147483647, 0, NULL}, \
    {LLMB_BOPT_DEPTH, "-d,--n-depth", "LIST", "0", "tokens already in the KV cache before each test", LLMB_OPT_LIST, \
     0, 2147483647, 0, NULL}, \
    {LLMB_BOPT_BATCH, "-b,--batch-size", "LIST", "2048", "logical batch sizes", LLMB_OPT_LIST, 0, 16777216, 0, \
     NULL}, \
    {LLMB_BOPT_UBATCH, "-ub,--ubatch-size", "LIST", "512", "physical (micro) batch sizes", LLMB_OPT_LIST, 0, \
     16777216, 0, NULL}, \
    {LLMB_BOPT_CTK, "-ctk,--cache-type-k", "LIST", "f16", \
     "KV cache K types (f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1)", LLMB_OPT_STR, 0, 0, 0, NULL}, \
    {LLMB_BOPT_CTV, "-ctv,--cache-type-v", "LIST", "f16", "KV cache V types", LLMB_OPT_STR, 0, 0, 0, NULL}, \
    {LLMB_BOPT_THREADS, "-t,--threads", "LIST", "physical cores", "thread counts", LLMB_OPT_LIST, 0, \
     LLMB_MAX_THREADS, 0, NULL}, \
    {LLMB_BOPT_CPU_MASK, "-C,--cpu-mask", "HEX[,HEX]", "0x0", "CPU affinity masks of the threads", LLMB_OPT_STR, 0, \
     0, 0, NULL}, \
    {LLMB_BOPT_CPU_STRICT, "--cpu-strict", "0|1[,...]", "0", "strict CPU placement", LLMB_OPT_LIST, 0, 1, 0, NULL}, \
    {LLMB_BOPT_POLL, "--poll", "LIST", "50", "busy-wait level of idle threads (0...100)", LLMB_OPT_LIST, 0, 100, 0, \
     NULL}, \
    {LLMB_BOPT_NGL, "-ngl,--n-gpu-layers", "LIST", "-1 (all)", "layers offloaded to the GPU", LLMB_OPT_LIST, -1, \
     16777216, 0, NULL}, \
    {LLMB_BOPT_NCMOE, "-ncmoe,--n-cpu-moe", "LIST", "0", "layers whose MoE expert weights stay on the CPU", \
     LLMB_OPT_LIST, 0, 16777216, 0, NULL}, \
    {LLMB_BOPT_SM, "-sm,--split-mode", "none|layer|row|tensor", "layer", "how to split the model across GPUs", \
     LLMB_OPT_STR, 0, 0, 0, NULL}, \
    {LLMB_BOPT_MG, "-mg,--main-gpu", "LIST", "0", "the GPU for split mode none (the last -mg counts)", \
     LLMB_OPT_LIST, 0, 1024, 0, NULL}, \
    {LLMB_BOPT_NKVO, "-nkvo,--no-kv-offload", "0|1[,...]", "0", "keep the KV cache off the GPUs", LLMB_OPT_LIST, 0, \
     1, 0, NULL}, \
    {LLMB_BOPT_FA, "-fa,--flash-attn", "on|off|auto", "auto", "flash attention (1/0/-1 too)", LLMB_OPT_STR, 0, 0, 0, \
     NULL}, \
    {LLMB_BOPT_DEV, "-dev,--device", "DEV0/DEV1/..", "auto", "devices to use; none: CPU only; see --list-devices", \
     LLMB_OPT_STR, 0, 0, 0, NULL}, \
    {LLMB_BOPT_LM, "-lm,--load-mode", "auto|none|mmap|mlock|mmap+mlock|dio", "auto", "how to load the weights", \
     LLMB_OPT_STR, 0, 0, 0, NULL}, \
    {LLMB_BOPT_MMP, "-mmp,--mmap", "0|1[,...]", NULL, "older llama-bench's flag: -lm none (0) or -lm mmap (1)", \
     LLMB_OPT_LIST, 0, 1, 0, NULL}, \
    {LLMB_BOPT_LZM, "-lzm,--lazy-mode", "on|auto|off", "auto", "on-demand reading of tensors", LLMB_OPT_STR, 0, 0, \
     0, NULL}, \
    {LLMB_BOPT_EMBD, "-embd,--embeddings", "0|1[,...]", "0", "compute embeddings too", LLMB_OPT_LIST, 0, 1, 0, \
     NULL}, \
    {LLMB_BOPT_TS, "-ts,--tensor-split", "TS0/TS1/..", "0", "share of the model per GPU", LLMB_OPT_STR, 0, 0, 0, \
     NULL}, \
    {LLMB_BOPT_OT, "-ot,--override-tensor", "PATTERN=TYPE;...", "none", "place matching tensors in a buffer type", \
     LLMB_OPT_STR, 0, 0, 0, NULL}, \
    {LLMB_BOPT_NOPO, "-nopo,--no-op-offload", "0|1[,...]", "0", "do not offload host tensors' ops", LLMB_OPT_LIST, \
     0, 1, 0, NULL}, \
    {LLMB_BOPT_NOHOST, "--no-host", "0|1[,...]", "0", "bypass host buffers", LLMB_OPT_LIST, 0, 1, 0, NULL}, \
    {LLMB_BOPT_FITT, "-fitt,--fit-target", "MIB[,...]", "off", \
     "fit the model to device memory leaving MIB free per device", LLMB_OPT_LIST, 0, 1073741824, 0, NULL}, \
    {LLMB_BOPT_FITC, "-fitc,--fit-ctx", "N[,...]", "0", "smallest context --fit-target may choose", LLMB_OPT_LIST, \
     0, 16777216, 0, NULL}, \
    {LLMB_BOPT_NUMA, "--numa", "distribute|isolate|numactl", "disabled", "NUMA mode", LLMB_OPT_STR, 0, 0, 0, NULL}, \
    {LLMB_BOPT_PRIO, "--prio", "-1|0|1|2|3", "0", "process and thread priority", LLMB_OPT_INT, -1, 3, 0, NULL}, \
    {LLMB_BOPT_DELAY, "--delay", "SEC", "0", "rest before each test", LLMB_OPT_INT, 0, 86400, 0, NULL}, \
    {LLMB_BOPT_INTERLEAVE, "--interleave", NULL, NULL, \
     "run the configurations' repetitions in alternating rounds and compare each with the first", LLMB_OPT_FLAG, 0, \
     0, 0, NULL}, \
    {LLMB_BOPT_RPC, "-rpc,--rpc", "SERVERS", NULL, "register RPC devices (comma separated; builds with RPC)", \
     LLMB_OPT_STR, 0, 0, 0, NULL}
// clang-format on

/* What those flags set beyond the test matrix. */
struct llmb_bench_flags {
    int         numa;  /* 0 disabled, 1 distribute, 2 isolate, 3 numactl */
    int         prio;
    int         delay_s;
    int interleave; /* --interleave */
    const char *rpc;
    const char *hf;    /* -hf, refused after parsing */
};

/* Handles one of those flags: returns 1 when id is one (*rc its outcome), else 0. */
int llmb_cli_bench_param_opt(struct llmb_bench_params *p, struct llmb_bench_flags *f, int id, const char *name,
                             const char *val, int *rc, struct llmb_error *err);

struct llmb_run_params;
/* What of f the runner applies (delay, interleave, priority, NUMA, -rpc). */
void llmb_cli_bench_flags_to_run(const struct llmb_bench_flags *f, struct llmb_run_params *rp);

#endif
