/* fuzz_import_llama_bench.c - libFuzzer target for the llama-bench JSON /
 * JSON Lines import (src/store/import_llama_bench.c): the bytes become an
 * anonymous in-memory file (memfd) read by path through /proc/self/fd. Any
 * input must give results or one message, never a crash, leak or hang; a
 * success must hold results with their samples. Everything is freed and the
 * memfd closed before returning. */
#include "fuzz_file.h"

#include <stdint.h>
#include <stdlib.h>

#include "llmbench/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file(data, size, path);
    if (fd < 0)
        return 0;
    struct llmb_import im;
    struct llmb_error e = {0};
    if (llmb_store_import_llama_bench(path, &im, &e) == LLMB_OK) {
        if (im.n == 0 || !im.results || !im.model_sha256)
            abort();
        for (size_t i = 0; i < im.n; i++) {
            const struct llmb_result *r = &im.results[i];
            if (!im.model_sha256[i] || (r->n_samples && (!r->total_ns || r->total_ns[r->n_samples - 1] == 0)))
                abort();
        }
    } else if (!e.msg[0]) {
        abort();
    }
    llmb_store_import_free(&im);
    close(fd);
    return 0;
}
