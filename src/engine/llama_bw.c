/* llama_bw.c - a device's own memory bandwidth (llmbench hw --bandwidth):
 * one tensor copied to another in the device's memory through ggml's
 * backend interface (the buffer's cpy_tensor: cudaMemcpy device to device
 * on CUDA, a copy on the server for RPC, likewise on Vulkan and Metal),
 * best of reps, bytes counted as STREAM's copy counts them (read + write),
 * as CUDA's bandwidthTest counts its device-to-device figure. */
#include <math.h>
#include <stdio.h>

#include <ggml-alloc.h>
#include <ggml-backend.h>
#include <ggml.h>

#include "base/clock.h"
#include "engine/llama_params.h"

int llmb_llama_copy_bandwidth(const char *device, uint64_t *bytes_io, int reps, double *gbs, struct llmb_error *err)
{
    *gbs = NAN;
    ggml_backend_dev_t dev = ggml_backend_dev_by_name(device);
    if (!dev)
        return llmb_error_set(err, LLMB_E_INVAL, "no device '%s'", device);
    size_t free_b = 0, total = 0;
    ggml_backend_dev_memory(dev, &free_b, &total);
    uint64_t bytes = *bytes_io;
    if (free_b && bytes > free_b / 4) /* two arrays, with room to spare */
        bytes = free_b / 4;
    bytes &= ~(uint64_t)4095;
    *bytes_io = bytes;
    if (bytes < 4096)
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "%s: too little free memory to measure", device);
    struct ggml_init_params ip = {.mem_size = 2 * ggml_tensor_overhead(), .mem_buffer = NULL, .no_alloc = true};
    struct ggml_context *ctx = ggml_init(ip);
    if (!ctx)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    struct ggml_tensor *a = ggml_new_tensor_1d(ctx, GGML_TYPE_I8, (int64_t)bytes);
    struct ggml_tensor *b = ggml_new_tensor_1d(ctx, GGML_TYPE_I8, (int64_t)bytes);
    ggml_backend_buffer_t buf = ggml_backend_alloc_ctx_tensors_from_buft(ctx, ggml_backend_dev_buffer_type(dev));
    ggml_backend_t be = buf ? ggml_backend_dev_init(dev, NULL) : NULL;
    int rc = LLMB_OK;
    if (!buf || !be) {
        rc = llmb_error_set(err, LLMB_E_NOMEM, "%s: cannot allocate 2 x %.0f MiB", device, (double)bytes / 1048576.0);
    } else if (ggml_backend_buffer_is_host(buf)) {
        rc = llmb_error_set(err, LLMB_E_UNSUPPORTED, "%s: its memory is the host's (hw --bandwidth measures it)",
                            device);
    } else {
        ggml_backend_buffer_clear(buf, 1); /* touched before it is timed */
        ggml_backend_synchronize(be);
        double best = INFINITY;
        for (int r = 0; r < reps + 1; r++) { /* the first is a warm-up */
            uint64_t t0 = llmb_clock_ns();
            ggml_backend_tensor_copy(a, b); /* the buffer's own copy (a backend without one: via the host) */
            ggml_backend_synchronize(be);
            double s = (double)(llmb_clock_ns() - t0) / 1e9;
            if (r && s < best)
                best = s;
        }
        if (!rc && best > 0 && isfinite(best))
            *gbs = 2.0 * (double)bytes / best / 1e9;
    }
    if (be)
        ggml_backend_free(be);
    if (buf)
        ggml_backend_buffer_free(buf);
    ggml_free(ctx);
    return rc;
}
