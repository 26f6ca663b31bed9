/* fuzz_gguf.c - libFuzzer target for GGUF validation (src/model/gguf_check.c):
 * the bytes become an anonymous in-memory file (memfd), read by path through
 * /proc/self/fd as a model (llmb_model_facts) and as a vocabulary file
 * (llmb_gguf_check). Whatever the bytes, it must not crash, leak or hang, and
 * must say why it refuses. ggml's log is silenced on every run; the memfd is
 * closed before returning. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

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
    int fd = memfd_create("fuzz_gguf", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
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
