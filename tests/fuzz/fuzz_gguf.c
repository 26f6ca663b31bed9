/* fuzz_gguf.c - libFuzzer target for GGUF validation (src/model/gguf_check.c):
 * the bytes become an anonymous in-memory file (memfd), read by path through
 * /proc/self/fd as a model (llmb_model_facts) and as a vocabulary file
 * (llmb_gguf_check). Whatever the bytes, it must not crash, leak or hang, and
 * must say why it refuses. ggml's log is silenced on every run; the memfd is
 * closed before returning. */
#include "fuzz_file.h"

#include <stdint.h>
#include <stdlib.h>

#include <ggml.h>

#include "llmbench/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(enum ggml_log_level level, const char *text, void *user)
{
    (void)level;
    (void)text;
    (void)user;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ggml_log_set(quiet, NULL);
    char path[64];
    int fd = fuzz_file(data, size, path);
    if (fd < 0)
        return 0;
    struct llmb_gguf_facts facts;
    struct llmb_error e = {0};
    uint64_t fsize = 0;
    if (llmb_model_facts(path, &facts, &e) == LLMB_OK) {
        if (facts.n_tensors < 1 || facts.file_size != size || facts.tensor_bytes > size)
            abort();
    } else if (!e.msg[0]) {
        abort();
    }
    e.msg[0] = 0;
    if (llmb_gguf_check(path, "vocabulary file", &fsize, &e) == LLMB_OK) {
        if (fsize != size)
            abort();
    } else if (!e.msg[0]) {
        abort();
    }
    close(fd);
    return 0;
}
