/* llama_fit.h - llama-bench's fitting to device memory (common_fit_params
 * of llama.cpp's libllama-common), callable from C (llama_fit.cpp). */
#ifndef LLMB_ENGINE_LLAMA_FIT_H
#define LLMB_ENGINE_LLAMA_FIT_H

#include <stddef.h>
#include <stdint.h>

#include <llama.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Adjusts mp (layers, tensor split, overrides: written into the
 * caller's tensor_split[llama_max_devices()] and
 * overrides[llama_max_tensor_buft_overrides()]) and cp so the model fits
 * with margin_bytes free per device. 0 fits, 1 does not, 2 error. */
int llmb_llama_fit(const char *path, struct llama_model_params *mp, struct llama_context_params *cp,
                   float *tensor_split, struct llama_model_tensor_buft_override *overrides, size_t margin_bytes,
                   uint32_t n_ctx_min, int verbose);

/* What ctx and its model hold per buffer type, as
 * "NAME=model+context+compute;..." in bytes ("CPU_Mapped=14680064+0+0;
 * CPU=0+262144+1310720"); "" when llama.cpp cannot say or it does not fit. */
void llmb_llama_memory(const struct llama_context *ctx, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
