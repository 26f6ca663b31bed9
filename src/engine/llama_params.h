/* llama_params.h - llama-bench's model and thread parameters as llama.cpp
 * takes them (llama_params.c): device sets, buffer-type overrides with the
 * MoE expert layers kept on the CPU, split/load/lazy modes, RPC servers,
 * CPU masks. Internal to the llama engine. */
#ifndef LLMB_ENGINE_LLAMA_PARAMS_H
#define LLMB_ENGINE_LLAMA_PARAMS_H

#include <stdbool.h>

#include <ggml-backend.h>
#include <llama.h>

#include "llmbench/engine.h"

/* -ot and -ncmoe: a NULL-terminated override list and the patterns it points to. */
struct llmb_llama_overrides {
    struct llama_model_tensor_buft_override *v; /* NULL when none */
    char  **patterns;
    size_t  n_patterns;
};

/* -dev: "auto"/NULL (every device: *n = -1), "none" (CPU only: 0), or names
 * joined by '/' (out[0..n), not NULL-terminated; at most LLMB_MAX_DEVICES). */
int  llmb_llama_devices(const char *spec, ggml_backend_dev_t *out, int *n, struct llmb_error *err);
/* -ot "pattern=BUFFER;..." (NULL or "none": none) and the first n_cpu_moe
 * layers' expert tensors on the CPU, as llama-bench's to_llama_mparams. */
int  llmb_llama_overrides(const char *spec, int n_cpu_moe, struct llmb_llama_overrides *out, struct llmb_error *err);
void llmb_llama_overrides_free(struct llmb_llama_overrides *o);
/* split, load and lazy modes of mp into p */
void llmb_llama_modes(const struct llmb_model_params *mp, struct llama_model_params *p);
/* -rpc: registers the servers' devices, once per process. */
int  llmb_llama_register_rpc(const char *servers, struct llmb_error *err);
/* A device's copy bandwidth within its own memory, GB/s (llama_bw.c): two
 * arrays of *bytes (made at most a quarter of its free memory each, whole
 * pages; *bytes says what was used), best of reps after a warm-up; the
 * host's memory (CPU) is refused. */
int llmb_llama_copy_bandwidth(const char *device, uint64_t *bytes, int reps, double *gbs, struct llmb_error *err);
/* common's parse_cpu_mask: hex digits (0x optional), lowest bit = CPU 0, into
 * cpus[GGML_MAX_N_THREADS]; -1 when malformed. */
int  llmb_llama_cpu_mask(const char *mask, bool *cpus);

#endif
