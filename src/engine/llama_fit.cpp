// llama_fit.cpp - the one C++ file of libllmbench: llama-bench's -fitt/-fitc
// fit a model to free device memory with common_fit_params from llama.cpp's
// libllama-common, which has no C interface. This wraps it for llama.c.
#include <vector>

#include "fit.h"
#include "llama_fit.h"

extern "C" int llmb_llama_fit(const char *path, struct llama_model_params *mp, struct llama_context_params *cp,
                              float *tensor_split, struct llama_model_tensor_buft_override *overrides,
                              size_t margin_bytes, uint32_t n_ctx_min, int verbose)
{
    try {
        std::vector<size_t> margins(llama_max_devices(), margin_bytes);
        return (int)common_fit_params(path, mp, cp, tensor_split, overrides, margins.data(), n_ctx_min, nullptr,
                                      verbose ? GGML_LOG_LEVEL_DEBUG : GGML_LOG_LEVEL_ERROR);
    } catch (...) {
        return 2;
    }
}
