/* fuzz_plan_file.c - libFuzzer target for the plan-file parser
 * (src/plan/: libyaml events into a tree, the top-level keys, each run's keys
 * into a command line). The input is a whole plan, parsed without touching
 * the filesystem (no base folder: paths and patterns kept as written).
 * Checks what a success promises (one command line per run, each NULL-
 * terminated, of a known command) and that a failure says where; nothing
 * survives between inputs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/planfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct llmb_planfile *pf = NULL;
    struct llmb_error e = {0};
    if (llmb_planfile_parse("fuzz.yaml", (const char *)data, size, NULL, &pf, &e) == LLMB_OK) {
        check(pf && pf->n_steps >= 1 && pf->n_steps <= 256);
        for (size_t i = 0; i < pf->n_steps; i++) {
            const struct llmb_plan_step *s = &pf->steps[i];
            check(s->argc >= 1 && s->argv && !s->argv[s->argc] && s->name && s->line >= 1);
            check(!strcmp(s->cmd, "bench") || !strcmp(s->cmd, "quality") || !strcmp(s->cmd, "pipeline"));
            check(!strcmp(s->argv[0], s->cmd));
            for (int j = 0; j < s->argc; j++)
                check(s->argv[j] != NULL);
        }
        llmb_planfile_free(pf);
    } else {
        check(!pf && e.msg[0] != 0);
    }
    /* the "did you mean" of unknown keys, on the input's first word */
    char word[48] = "";
    size_t n = size < sizeof word - 1 ? size : sizeof word - 1;
    memcpy(word, data, n);
    word[n] = 0;
    static const char *const names[] = {"threads", "batch", "ubatch", "models", "runs", "version"};
    const char *s = llmb_planfile_suggest(word, names, 6);
    check(!s || strlen(s) > 0);
    return 0;
}
