/* vocab_hash.h - the identity of a vocabulary: FNV-1a steps (hash.h) over
 * every token's text in id order, each followed by a 0xff separator, from
 * LLMB_HASH_STABLE_START so fingerprints stay comparable across releases.
 * The engine computes it from the loaded model, model/ from the GGUF file's
 * tokenizer.ggml.tokens, so the two agree and a reference file made with one
 * vocabulary is recognised before a model of another is loaded. */
#ifndef LLMB_CORE_VOCAB_HASH_H
#define LLMB_CORE_VOCAB_HASH_H

#include <stdint.h>
#include <string.h>

#include "base/hash.h"

#define LLMB_VOCAB_HASH_INIT LLMB_HASH_STABLE_START

static inline uint64_t llmb_vocab_hash_add(uint64_t h, const char *text)
{
    static const unsigned char sep = 0xff;
    if (text)
        h = llmb_fnv1a64(h, text, strlen(text));
    return llmb_fnv1a64(h, &sep, 1);
}

#endif
