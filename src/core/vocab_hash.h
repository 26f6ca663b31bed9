/* vocab_hash.h - the identity of a vocabulary: a 64-bit FNV-style hash over
 * every token's text in id order, each followed by a 0xff separator. The
 * engine computes it from the loaded model, model/ from the GGUF file's
 * tokenizer.ggml.tokens, so the two agree and a reference file made with one
 * vocabulary is recognised before a model of another is loaded. (The start
 * value is not FNV-1a's offset basis; it is kept so that vocabulary hashes
 * stay comparable across versions: it is a name, not a checksum.) */
#ifndef LLMB_CORE_VOCAB_HASH_H
#define LLMB_CORE_VOCAB_HASH_H

#include <stdint.h>

#define LLMB_VOCAB_HASH_INIT 1469598103934665603ull

static inline uint64_t llmb_vocab_hash_add(uint64_t h, const char *text)
{
    for (; text && *text; text++)
        h = (h ^ (unsigned char)*text) * 1099511628211ull;
    return (h ^ 0xffu) * 1099511628211ull;
}

#endif
