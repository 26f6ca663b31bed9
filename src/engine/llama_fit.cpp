// llama_fit.cpp - the one C++ file of libllmbench: llama-bench's -fitt/-fitc
// fit a model to free device memory with common_fit_params from llama.cpp's
// libllama-common, and the memory a context holds per buffer type
// (llama_get_memory_breakdown of llama-ext.h, a staging C++ API): neither
// has a C interface. This wraps them for llama.c.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "fit.h"
#include "llama-ext.h"
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

// the name an entry goes under: a device's own name for its memory ("RPC1",
// "CUDA0"; the buffer type's name may be the server's, "RPC0[host:port]"),
// the buffer type's for host memory ("CPU", "CPU_Mapped", "CUDA_Host")
static std::string memory_name(ggml_backend_buffer_type_t buft)
{
    ggml_backend_dev_t dev = ggml_backend_buft_get_device(buft);
    if (dev && !ggml_backend_buft_is_host(buft))
        return ggml_backend_dev_name(dev);
    return ggml_backend_buft_name(buft);
}

extern "C" void llmb_llama_memory(const struct llama_context *ctx, char *buf, size_t len)
{
    if (!len)
        return;
    buf[0] = 0;
    try {
        // one entry per name, in llama.cpp's order (a device with two buffer types is summed)
        std::vector<std::pair<std::string, llama_memory_breakdown_data>> rows;
        for (const auto &kv : llama_get_memory_breakdown(ctx)) {
            std::string name = memory_name(kv.first);
            auto it = std::find_if(rows.begin(), rows.end(), [&](const auto &r) { return r.first == name; });
            if (it == rows.end()) {
                rows.emplace_back(name, kv.second);
                continue;
            }
            it->second.model += kv.second.model;
            it->second.context += kv.second.context;
            it->second.compute += kv.second.compute;
        }
        size_t at = 0;
        for (const auto &r : rows) {
            int n = snprintf(buf + at, len - at, "%s%s=%zu+%zu+%zu", at ? ";" : "", r.first.c_str(), r.second.model,
                             r.second.context, r.second.compute);
            if (n < 0 || (size_t)n >= len - at) { /* cut: nothing rather than a part */
                buf[0] = 0;
                return;
            }
            at += (size_t)n;
        }
    } catch (...) {
        buf[0] = 0;
    }
}
