/* fuzz_suite.c - libFuzzer target for the prompt-suite loader
 * (src/workload/suite.c): the bytes as a suite file (memfd). Any input must
 * give a suite or one message, never a crash, leak or hang; a loaded suite
 * has prompts with ids, categories and prompts, and grading a response and
 * the ROUGE-L of two prompts stay in range. */
#include "fuzz_file.h"

#include <stdint.h>
#include <stdlib.h>

#include "llmbench/quality.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file(data, size, path);
    if (fd < 0)
        return 0;
    struct llmb_suite s;
    struct llmb_error e = {0};
    if (llmb_suite_load(path, &s, &e) == LLMB_OK) {
        if (s.n == 0)
            abort();
        for (size_t i = 0; i < s.n; i++) {
            const struct llmb_suite_item *it = &s.items[i];
            if (!it->id || !it->category || !it->prompt)
                abort();
            int pass = llmb_suite_check(it, it->prompt);
            if (pass < -1 || pass > 1)
                abort();
            double f = llmb_rouge_l(it->prompt, s.items[0].prompt);
            if (!(f >= 0 && f <= 1))
                abort();
        }
        llmb_suite_free(&s);
    } else if (!e.msg[0]) {
        abort();
    }
    close(fd);
    return 0;
}
