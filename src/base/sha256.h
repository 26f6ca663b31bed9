/* sha256.h - SHA-256 (FIPS 180-4) for content identities: model files
 * (header + tensor index), plans (--resume), imported files. */
#ifndef LLMB_BASE_SHA256_H
#define LLMB_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct llmb_sha256 {
    uint32_t h[8];
    uint64_t len; /* bytes hashed so far */
    uint8_t buf[64];
    size_t used; /* bytes in buf */
};

void llmb_sha256_init(struct llmb_sha256 *s);
void llmb_sha256_update(struct llmb_sha256 *s, const void *data, size_t n);
/* Writes 64 lowercase hex digits and a NUL to hex[65]. */
void llmb_sha256_final_hex(struct llmb_sha256 *s, char hex[65]);

#endif
