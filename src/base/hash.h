/* hash.h - the one 64-bit FNV-1a step of the project. FNV-1a 64 proper
 * starts from LLMB_FNV1A64_BASIS (the reference file's checksum does).
 * LLMB_HASH_STABLE_START is not FNV's offset basis (it is one digit short):
 * older releases used it by mistake for values that must stay comparable
 * (vocabulary fingerprints, synthetic weight streams), so it is kept, under
 * its own name, for exactly those. */
#ifndef LLMB_BASE_HASH_H
#define LLMB_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define LLMB_FNV1A64_BASIS 14695981039346656037ull
#define LLMB_FNV1A64_PRIME 1099511628211ull
#define LLMB_HASH_STABLE_START 1469598103934665603ull

static inline uint64_t llmb_fnv1a64(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * LLMB_FNV1A64_PRIME;
    return h;
}

#endif
