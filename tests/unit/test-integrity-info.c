/* test-integrity-info.c: the forms of DOFilePropertyId_IntegrityCheckInfo that dosvc accepts
 * (src/daemon/integrity-info.c), and the ones it refuses or cannot do. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "integrity-info.h"

/* SHA-256("test") */
#define HEX "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
static const uint8_t digest[32] = {
        0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c, 0x7d, 0x65, 0x9a, 0x2f, 0xea, 0xa0, 0xc5, 0x5a, 0xd0, 0x15,
        0xa3, 0xbf, 0x4f, 0x1b, 0x2b, 0x0b, 0x82, 0x2c, 0xd1, 0x5d, 0x6c, 0x15, 0xb0, 0xf0, 0x0a, 0x08,
};

static void expect_digest(const char *s) {
        uint8_t d[32] = {};

        assert_int_equal(integrity_info_parse(s, d), 0);
        assert_memory_equal(d, digest, 32);
}

static void expect_error(const char *s, int error) {
        uint8_t d[32] = { 0xaa };

        assert_int_equal(integrity_info_parse(s, d), error);
        assert_int_equal(d[0], 0xaa);   /* untouched on failure */
}

static void test_integrity_info__bare_hex_any_case(void **state) {
        expect_digest(HEX);
        expect_digest("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08");
}

static void test_integrity_info__sha256_prefix(void **state) {
        expect_digest("sha256:" HEX);
        expect_digest("SHA256:" HEX);
        expect_error("sha256:", -EINVAL);
        expect_error("sha-256:" HEX, -EINVAL);
        expect_error("sha1:" HEX, -EINVAL);
}

static void test_integrity_info__json_object(void **state) {
        expect_digest("{\"Sha256\":\"" HEX "\"}");
        expect_digest("{ \"sha256\" : \"" HEX "\" }");
        expect_error("{\"Sha256\":5}", -EINVAL);
        expect_error("{\"Sha256\":\"" HEX "\",\"Other\":1}", -EINVAL);
        expect_error("{\"Other\":\"" HEX "\"}", -EINVAL);
        expect_error("{}", -EINVAL);
        expect_error("{\"Sha256\":\"" HEX "\"} x", -EINVAL);
        expect_error("{\"Sha256\":\"" HEX "\"", -EINVAL);
        expect_error("[\"" HEX "\"]", -EINVAL);
        expect_error("{'Sha256':'" HEX "'}", -EINVAL);          /* strict JSON only */
        expect_error("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", -EINVAL);   /* deeper than the limit */
}

static void test_integrity_info__piece_hashes_are_not_supported(void **state) {
        expect_error("{\"PiecesHashFileUrl\":\"http://x/y.phf\",\"PiecesHashFileDigest\":\"AA\","
                     "\"PiecesHashFileDigestAlgorithm\":\"SHA256\",\"HashOfHashes\":\"BB\"}",
                     -EOPNOTSUPP);
        expect_error("{\"hashofhashes\":\"BB\"}", -EOPNOTSUPP);
        /* even beside a whole-file digest: the caller asked for piece checks */
        expect_error("{\"Sha256\":\"" HEX "\",\"PiecesHashFileUrl\":\"http://x\"}", -EOPNOTSUPP);
}

static void test_integrity_info__malformed_hex(void **state) {
        expect_error("", -EINVAL);
        expect_error(HEX "0", -EINVAL);
        expect_error("9f86", -EINVAL);
        expect_error(" " HEX, -EINVAL);
        expect_error("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g", -EINVAL);
        expect_error(NULL, -EINVAL);
}

static void test_integrity_info__length_limit(void **state) {
        char *s = malloc(INTEGRITY_INFO_MAX + 2);

        assert_non_null(s);
        memset(s, 'a', INTEGRITY_INFO_MAX + 1);
        s[INTEGRITY_INFO_MAX + 1] = '\0';
        expect_error(s, -E2BIG);
        free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_integrity_info__bare_hex_any_case),
                cmocka_unit_test(test_integrity_info__sha256_prefix),
                cmocka_unit_test(test_integrity_info__json_object),
                cmocka_unit_test(test_integrity_info__piece_hashes_are_not_supported),
                cmocka_unit_test(test_integrity_info__malformed_hex),
                cmocka_unit_test(test_integrity_info__length_limit),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
