/* utf8.h - is a byte string valid UTF-8 (what JSON can carry exactly)? */
#ifndef LLMB_BASE_UTF8_H
#define LLMB_BASE_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF); else 0 and *bad (may be NULL) the offset of the first
 * byte that is not. */
int llmb_utf8_valid(const char *s, size_t n, size_t *bad);

#endif
