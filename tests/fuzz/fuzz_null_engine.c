/* fuzz_null_engine.c - libFuzzer target for the null engine's settings
 * string ("null[:key=value...]", parsed by open in src/engine/null.c): the
 * input is the model path. An engine that opens must describe itself and
 * hand out logits of the vocabulary size it reports; it is closed before
 * returning. Prefill and decode are not run: they spin for the configured
 * time by design. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct llmb_engine_ops *eng = llmb_engine_find("null");
    char *path = malloc(size + 1);
    if (!eng || !path) {
        free(path);
        return 0;
    }
    memcpy(path, data, size);
    path[size] = 0;
    struct llmb_model_params mp = {.path = path, .n_gpu_layers = 0};
    struct llmb_error e = {0};
    void *st = NULL;
    if (eng->open(&mp, &st, &e) == LLMB_OK) {
        struct llmb_model_info mi;
        const float *logits = NULL;
        int n_vocab = 0;
        if (eng->describe(st, &mi) != LLMB_OK || eng->logits(st, &logits, &n_vocab, &e) != LLMB_OK ||
            n_vocab != mi.n_vocab || n_vocab < 1 || !logits)
            abort();
        if (logits[0] != 0 || logits[n_vocab - 1] != 0)
            abort();
        eng->close(st);
    } else if (!e.msg[0]) {
        abort();
    }
    free(path);
    return 0;
}
