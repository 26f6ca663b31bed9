/* engine.h - the engine seam: a table of operations over an opaque state,
 * like fio's ioengines. The runner knows only this table; llama.cpp in process
 * is one engine, a null engine (no model, for tests) another, an HTTP engine
 * joins later by adding its table to the registry (src/engine/registry.c). */
#ifndef LLMBENCH_ENGINE_H
#define LLMBENCH_ENGINE_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_context_params;

/* Model-level parameters: changing one means reloading the model. Zero /
 * NULL is llama-bench's default for each (an engine that cannot honour a
 * value other than the default fails with LLMB_E_UNSUPPORTED). */
struct llmb_model_params {
    const char *path;
    int         n_gpu_layers; /* -1: all */
    int         n_cpu_moe;    /* the first N layers keep their MoE expert weights on the CPU */
    int         split_mode;   /* enum llmb_split_mode */
    int         main_gpu;
    const char *tensor_split; /* "a/b/..." proportions per GPU, NULL: none */
    const char *devices;      /* NULL or "auto": every device; "none"; names joined by '/' */
    const char *tensor_buft_overrides; /* NULL or "none"; "pattern=BUFFER_TYPE;..." */
    int         load_mode;    /* enum llmb_load_mode */
    int         lazy_mode;    /* enum llmb_lazy_mode */
    int         no_host;
    int         numa;         /* 0 off, 1 distribute, 2 isolate, 3 numactl (once per process) */
    const char *rpc;          /* RPC servers to register first ("host:port,..."), NULL: none */
    /* fitting to device memory (llama-bench's -fitt/-fitc): when either is
     * non-zero the engine fits layers, split and overrides for fit_ctx */
    int         fit_target;   /* MiB to leave free per device */
    int         fit_min_ctx;
    const struct llmb_context_params *fit_ctx;
};

/* How the threads of a context run (llama-bench's -C, --cpu-strict, --poll,
 * --prio). */
struct llmb_threadpool_params {
    const char *cpu_mask;   /* hex, NULL or "0x0": no mask */
    int         cpu_strict;
    int         poll;       /* busy-wait level 0..100 */
    int         prio;       /* -1 low, 0 normal, 1 medium, 2 high, 3 realtime */
};

/* Context-level parameters, asked for. Zero / NULL fields are the defaults. */
struct llmb_context_params {
    int         n_ctx;
    int         n_batch;
    int         n_ubatch;
    const char *type_k;
    const char *type_v;
    int         flash_attn; /* enum llmb_flash_attn */
    int         n_threads;
    int         n_seq;      /* parallel sequences (0 or 1: one) */
    int         no_kv_offload;
    int         embeddings;
    int         no_op_offload;
    const struct llmb_threadpool_params *tp; /* NULL: the engine's defaults */
};

/* What the engine really applied to a context. */
struct llmb_context_info {
    int  n_ctx;
    int  n_batch;
    int  n_ubatch;
    int  n_threads;
    char type_k[16];
    char type_v[16];
    int  flash_attn;
    /* memory per buffer type (device), bytes: "NAME=model+context+compute;..."
     * ("CPU_Mapped=14680064+0+0;CPU=0+262144+1310720"); "" unknown */
    char memory[384];
};

/* Facts about the loaded model and where it runs. */
struct llmb_model_info {
    char     path[4096];     /* PATH_MAX: a path is never cut */
    char     desc[128];      /* llama.cpp's "llama 1B Q4_K - Medium" */
    char     arch[64];
    char     quant[64];      /* file type name, e.g. "Q4_K - Medium" */
    uint64_t file_size;      /* bytes on disk */
    uint64_t model_size;     /* bytes of tensor data */
    uint64_t n_params;
    double   bpw;            /* bits per weight: model_size * 8 / n_params */
    int      n_vocab;
    int      n_ctx_train;
    int      n_layer;
    int      add_bos;
    int32_t  bos;
    int      synthetic;      /* 1 when the file says it has random weights */
    uint64_t vocab_hash;     /* FNV-1a over every token's text: same vocabulary, same hash */
    char     backends[128];  /* "CPU", "CUDA", ... */
    char     devices[256];   /* devices used, comma separated */
    char     cpu_info[256];
    char     gpu_info[256];
    char     build_commit[64];
    int      build_number;
    double   load_ms;        /* time to load the model */
    /* shape, for the roofline (0: unknown) */
    int n_embd, n_head, n_head_kv;
    uint64_t tok_embd_bytes, output_bytes; /* output 0: tied to the token embeddings */
};

/* One chat-style generation request (the prompt suite; serving later). */
struct llmb_gen_request {
    const char *prompt;            /* the user's message */
    const char *system;            /* optional system message, NULL for none */
    int         use_chat_template; /* 1: wrap in the model's chat template when it has one */
    int         max_tokens;
    float       temperature;       /* 0: greedy */
    uint32_t    seed;              /* sampling seed (temperature > 0) */
    /* Called with each generated token's text (may be NULL) between decode
     * steps; the time it takes is left out of every timing. */
    void (*on_token)(const char *text, size_t len, double t_ms, void *user);
    void       *user;
};

struct llmb_gen_result {
    char  *text;          /* the response (malloc'd, caller frees) */
    int    n_prompt;      /* prompt tokens */
    int    n_gen;         /* generated tokens */
    int    template_used; /* 1 when the chat template wrapped the prompt */
    int    stopped;       /* 1: end-of-generation token; 0: max_tokens */
    double ttft_ms;       /* tokens handed over -> first token sampled */
    double total_ms;
    double tg_ts;         /* generated tokens/s after the first */
};

/* A device an engine can run on (llama.cpp: a ggml backend device). */
struct llmb_engine_device {
    char name[64]; /* "CPU", "RPC0", "CUDA0" */
    char description[128];
    char type[16];                /* "cpu", "gpu", "igpu", "accel" */
    uint64_t mem_free, mem_total; /* bytes; 0: unknown */
};

/* What an engine is, for the commands that use it without naming it. */
enum llmb_engine_caps {
    LLMB_ENGINE_MODEL_FILES = 1, /* models are files it loads (GGUF): checked before anything runs */
};

struct llmb_engine_ops {
    const char *name;
    unsigned caps; /* enum llmb_engine_caps */
    /* Optional: once per process before any model is opened; quiet hides
     * the engine's own log. */
    void (*global_init)(int quiet);
    /* Optional: checks the models of a plan before anything runs (files
     * sound, memory enough unless force); one line naming the culprit. */
    int (*preflight)(const char *const *models, size_t n, int force, struct llmb_error *err);
    /* Loads a model. On success *state is owned by the caller (close it). */
    int (*open)(const struct llmb_model_params *mp, void **state, struct llmb_error *err);
    int (*describe)(void *state, struct llmb_model_info *out);
    /* (Re)creates the context for a test; frees the previous one. */
    int (*context)(void *state, const struct llmb_context_params *cp, struct llmb_context_info *applied,
                   struct llmb_error *err);
    /* Clears the KV cache / memory of the context. */
    int (*reset)(void *state);
    /* Processes n tokens in batches of n_batch, returns when done. */
    int (*prefill)(void *state, const int32_t *tokens, int n, int n_batch, struct llmb_error *err);
    /* One generation step: processes one token, returns when its logits exist. */
    int (*decode)(void *state, int32_t token, struct llmb_error *err);
    /* Logits of the last processed position (n_vocab floats, owned by the engine). */
    int (*logits)(void *state, const float **out, int *n_vocab, struct llmb_error *err);
    /* Text to tokens (add_special: BOS etc. as the model wants). *out is malloc'd. */
    int (*tokenize)(void *state, const char *text, size_t len, int add_special, int32_t **out, int *n,
                    struct llmb_error *err);
    /* Scoring pass (perplexity): clears the memory, evaluates n_seq sequences of
     * n_tokens tokens each (sequence s at tokens + s * n_tokens, positions
     * 0..n_tokens-1) in batches of at most n_batch tokens, and points *logits
     * at n_seq * (n_tokens - first) rows of n_vocab floats: positions >= first
     * of each sequence, in order (owned by the engine, valid until its next call). */
    int (*eval)(void *state, const int32_t *tokens, int n_seq, int n_tokens, int first, int n_batch,
                const float **logits, struct llmb_error *err);
    /* Generates a response; the context must hold prompt + max_tokens. */
    int (*generate)(void *state, const struct llmb_gen_request *rq, struct llmb_gen_result *res,
                    struct llmb_error *err);
    void (*close)(void *state);
    /* Optional: checks parameters before anything runs (devices, buffer
     * types, masks this engine knows); NULL when the engine checks nothing. */
    int (*check)(const struct llmb_model_params *mp, const struct llmb_context_params *cp, struct llmb_error *err);
    /* Optional: prints the devices it can use, as llama-bench --list-devices. */
    void (*list_devices)(FILE *out);
    /* Optional: every device it can use, CPU included; returns how many it
     * wrote (at most max). */
    int (*devices)(struct llmb_engine_device *out, int max);
    /* Optional: the copy bandwidth of a device's own memory (a GPU's, an RPC
     * server's), GB/s, as hw --bandwidth reports it beside the host's: two
     * arrays of *bytes each (made fewer when the device has less free: *bytes
     * says what was used), best of reps. */
    int (*copy_bandwidth)(const char *device, uint64_t *bytes, int reps, double *gbs, struct llmb_error *err);
    /* Optional: the engine's own version line(s), as llama-bench --version. */
    void (*version)(FILE *out);
    /* Optional: the clock the speed test reads (ns); NULL: the monotonic
     * clock. Only the null engine's virtual time (null:virtual=1) has one:
     * its tests then time exactly what it was told to take, whatever the
     * machine's load, so statistics can be tested deterministically. */
    uint64_t (*clock_ns)(void *state);
};

/* The registry: the only global table. NULL when the name is unknown. */
const struct llmb_engine_ops *llmb_engine_find(const char *name);
/* The engine commands use unless told otherwise (the first registered). */
const struct llmb_engine_ops *llmb_engine_default(void);
/* Its names, comma separated ("llama, null"), for messages and --help. */
const char *llmb_engine_names(void);
/* NULL-terminated list of all engines. */
const struct llmb_engine_ops *const *llmb_engine_list(void);

/* Once per process, before any engine is opened: every registered
 * engine's global_init (quiet hides engine logs). Also sets
 * GGML_NO_BACKTRACE (ggml attaches no debugger when it aborts) and routes
 * llama.cpp's aborts (GGML_ABORT, GGML_ASSERT) as below. */
void llmb_engine_global_init(int quiet);

/* llama-bench's --list-devices: the devices e can use, the -rpc servers'
 * (rpc: a comma-separated list, or NULL) among them, as llama-bench lists
 * them ("(none)" for an engine without devices). */
int llmb_engine_print_devices(const struct llmb_engine_ops *e, const char *rpc, FILE *out, struct llmb_error *err);
/* Adds the devices of the -rpc servers (a comma-separated list; NULL or ""
 * none) to e's, as its check does before a model loads; an error when one
 * cannot be reached or e has no RPC backend. */
int llmb_engine_use_rpc(const struct llmb_engine_ops *e, const char *rpc, struct llmb_error *err);

/* preflight of engines whose models are GGUF files: each model sound
 * (llmb_model_check) and, unless force, about its tensors' size of memory
 * available. */
int llmb_engine_files_preflight(const char *const *models, size_t n, int force, struct llmb_error *err);
/* When llama.cpp aborts, its message goes to the handler set here (a program
 * running the engine in its own process says it once, cleans up and ends);
 * with none (NULL, what a worker process has), it is written to stderr as
 * one line, LLMB_ABORT_MARK then the message, for the parent to quote as the
 * test's reason. A handler that returns lets the process abort. */
#define LLMB_ABORT_MARK "llmbench-llama-abort: "
typedef void (*llmb_engine_abort_fn)(const char *message);
void llmb_engine_set_abort_handler(llmb_engine_abort_fn fn);

#ifdef __cplusplus
}
#endif

#endif
