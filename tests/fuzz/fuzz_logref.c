/* fuzz_logref.c - libFuzzer target for the KL-divergence reference reader
 * (src/workload/logref.c): the bytes as a reference file (memfd), opened
 * with and without an expected vocabulary. Any input must be accepted whole
 * or refused with one message, never a crash, leak or hang; an accepted one
 * has tokens inside its vocabulary and readable records. */
#include "fuzz_file.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workload/logref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file(data, size, path);
    if (fd < 0)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        struct llmb_logref r;
        struct llmb_error e = {0};
        if (llmb_logref_open(&r, path, 0, pass ? 512 : 0, &e) == LLMB_OK) {
            uint64_t nt = (uint64_t)r.h.n_chunk * r.h.n_ctx;
            for (uint64_t i = 0; i < nt; i++)
                if (r.tokens[i] < 0 || (uint32_t)r.tokens[i] >= r.h.n_vocab)
                    abort();
            size_t rs = llmb_logref_record_size(r.h.top_k);
            float f;
            for (uint64_t i = 0; i < r.h.n_records; i++)
                memcpy(&f, r.records + i * rs, sizeof f);
            llmb_logref_close(&r);
        } else if (!e.msg[0]) {
            abort();
        }
    }
    close(fd);
    return 0;
}
