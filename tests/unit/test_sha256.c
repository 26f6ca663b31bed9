/* test_sha256.c - SHA-256 (src/base/sha256.c) against the FIPS 180-4 /
 * NIST CAVP known answers: empty, "abc", the two-block message, a million
 * 'a', and the same input fed in pieces of every size across block edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/sha256.h"

static void hash(const void *data, size_t n, char hex[65])
{
    struct llmb_sha256 s;
    llmb_sha256_init(&s);
    llmb_sha256_update(&s, data, n);
    llmb_sha256_final_hex(&s, hex);
}

static void test_vectors(void **state)
{
    (void)state;
    char hex[65];
    hash("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hash("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hash(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *four =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
        "mnopqrstnopqrstu";
    hash(four, strlen(four), hex);
    assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a_in_pieces(void **state)
{
    (void)state;
    static char a[1000000];
    memset(a, 'a', sizeof a);
    char hex[65];
    hash(a, sizeof a, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* pieces of 1..130 bytes: every position relative to the 64-byte block */
    struct llmb_sha256 s;
    llmb_sha256_init(&s);
    size_t off = 0, k = 1;
    while (off < sizeof a) {
        size_t n = k < sizeof a - off ? k : sizeof a - off;
        llmb_sha256_update(&s, a + off, n);
        off += n;
        k = k % 130 + 1;
    }
    llmb_sha256_final_hex(&s, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_vectors), cmocka_unit_test(test_million_a_in_pieces)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
