/* test-hresult.c: unit tests for src/shared/hresult.c and its table.
 *
 * The table must agree with the public header value for value (generated from the same X-macro), names
 * must round-trip, aliases must resolve to canonical names, and the errno / HTTP / D-Bus conversions
 * must give the documented codes. Pure code: no daemon, no I/O.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hresult-table.h"
#include "hresult.h"

static void test_hresult__table_matches_header(void **state) {
        (void) state;

#define CHECK_PUBLIC(name, value, message) \
        assert_int_equal((uint32_t) (name), (uint32_t) (value));
        HRESULT_TABLE_PUBLIC(CHECK_PUBLIC)
#undef CHECK_PUBLIC

#define CHECK_WIN32(name, value, message) \
        assert_int_equal((uint32_t) HRESULT_FROM_WIN32(name), (uint32_t) (value));
        HRESULT_TABLE_WIN32(CHECK_WIN32)
#undef CHECK_WIN32
}

static void test_hresult__every_row_has_a_sentence(void **state) {
        (void) state;

#define CHECK_MESSAGE(name, value, message) \
        do { \
                const char *m = DoHResultMessage((HRESULT) (value)); \
                assert_non_null(m); \
                assert_string_equal(m, message); \
                assert_true(m[0] >= 'A' && m[0] <= 'Z'); \
                assert_int_equal(m[strlen(m) - 1], '.'); \
        } while (0);
        HRESULT_TABLE(CHECK_MESSAGE)
#undef CHECK_MESSAGE
}

static void test_hresult__names_round_trip(void **state) {
        (void) state;

        /* Every value's name leads back to a row with that name and value (the first such row). */
#define CHECK_NAME(name, value, message) \
        do { \
                const char *n = DoHResultName((HRESULT) (value)); \
                assert_non_null(n); \
                if (strcmp(n, #name) != 0) { \
                        /* Only the aliases may lose to an earlier row. */ \
                        assert_true(strcmp(#name, "DO_E_NOT_FOUND") == 0 || strcmp(#name, "DO_E_EMPTY") == 0); \
                } \
        } while (0);
        HRESULT_TABLE(CHECK_NAME)
#undef CHECK_NAME

        assert_string_equal(DoHResultName(S_OK), "S_OK");
        assert_string_equal(DoHResultName(DO_E_INVALID_STATE), "DO_E_INVALID_STATE");
        assert_string_equal(DoHResultName(BG_S_PARTIAL_COMPLETE), "BG_S_PARTIAL_COMPLETE");
        assert_string_equal(DoHResultName(E_NOT_SET), "E_NOT_SET");
        assert_string_equal(DoHResultName(HRESULT_FROM_WIN32(ERROR_DISK_FULL)), "ERROR_DISK_FULL");
        assert_string_equal(DoHResultName((HRESULT) 0x80070717u), "ERROR_RESOURCE_LANG_NOT_FOUND");
}

static void test_hresult__aliases_resolve_to_canonical_names(void **state) {
        (void) state;

        assert_int_equal((uint32_t) DO_E_NOT_FOUND, 0x80D02003u);
        assert_int_equal((uint32_t) DO_E_EMPTY, 0x80D02004u);
        assert_string_equal(DoHResultName(DO_E_NOT_FOUND), "DO_E_JOB_NOT_FOUND");
        assert_string_equal(DoHResultName(DO_E_EMPTY), "DO_E_JOB_EMPTY");
        assert_string_equal(DoHResultMessage(DO_E_NOT_FOUND), DoHResultMessage(DO_E_JOB_NOT_FOUND));
}

static void test_hresult__http_names(void **state) {
        (void) state;

        assert_string_equal(DoHResultName((HRESULT) 0x80190194u), "BG_E_HTTP_ERROR_404");
        assert_string_equal(DoHResultName(BG_E_HTTP_ERROR_505), "BG_E_HTTP_ERROR_505");
        /* 403 has no Windows name. */
        assert_null(DoHResultName((HRESULT) 0x80190193u));
        assert_string_equal(DoHResultMessage((HRESULT) 0x80190193u), "The server returned an HTTP error status.");
}

static void test_hresult__unknown_codes(void **state) {
        (void) state;

        assert_null(DoHResultName((HRESULT) 0x80D0FFFFu));
        assert_non_null(DoHResultMessage((HRESULT) 0x80D0FFFFu));
        assert_non_null(DoHResultMessage((HRESULT) 0x8123ABCDu));
        assert_non_null(DoHResultMessage((HRESULT) 0x00000002u));
        assert_null(DoHResultName((HRESULT) 0x80070002u));
        assert_string_equal(DoHResultMessage((HRESULT) 0x80070002u), "A system error occurred.");
}

static void test_hresult__from_http_status(void **state) {
        (void) state;

        assert_int_equal((uint32_t) hresult_from_http_status(404), 0x80190194u);
        assert_int_equal((uint32_t) hresult_from_http_status(404), (uint32_t) BG_E_HTTP_ERROR_404);
        assert_int_equal((uint32_t) hresult_from_http_status(403), 0x80190193u);
        assert_int_equal((uint32_t) hresult_from_http_status(400), (uint32_t) BG_E_HTTP_ERROR_400);
        assert_int_equal((uint32_t) hresult_from_http_status(503), (uint32_t) BG_E_HTTP_ERROR_503);
        assert_int_equal((uint32_t) hresult_from_http_status(599), 0x80190257u);
        assert_int_equal((uint32_t) hresult_from_http_status(100), 0x80190064u);
        assert_int_equal((uint32_t) hresult_from_http_status(301), 0x8019012Du);
        assert_int_equal(hresult_from_http_status(200), S_OK);
        assert_int_equal(hresult_from_http_status(206), S_OK);
        assert_int_equal(hresult_from_http_status(0), E_INVALIDARG);
        assert_int_equal(hresult_from_http_status(99), E_INVALIDARG);
        assert_int_equal(hresult_from_http_status(600), E_INVALIDARG);
        assert_int_equal(hresult_from_http_status(-404), E_INVALIDARG);
}

static void test_hresult__from_errno(void **state) {
        (void) state;

        assert_int_equal(hresult_from_errno(0), S_OK);
        assert_int_equal(hresult_from_errno(EACCES), E_ACCESSDENIED);
        assert_int_equal(hresult_from_errno(-EACCES), E_ACCESSDENIED);
        assert_int_equal(hresult_from_errno(-EPERM), E_ACCESSDENIED);
        assert_int_equal(hresult_from_errno(-ENOMEM), E_OUTOFMEMORY);
        assert_int_equal(hresult_from_errno(-EINVAL), E_INVALIDARG);
        assert_int_equal(hresult_from_errno(-E2BIG), E_INVALIDARG);
        assert_int_equal((uint32_t) hresult_from_errno(-ENOENT), 0x80070003u);
        assert_int_equal((uint32_t) hresult_from_errno(-ENOSPC), 0x80070070u);
        assert_int_equal((uint32_t) hresult_from_errno(-EIO), 0x8007001Fu);
        assert_int_equal((uint32_t) hresult_from_errno(-EEXIST), 0x80070050u);
        assert_int_equal((uint32_t) hresult_from_errno(-ENAMETOOLONG), 0x800700CEu);
        assert_int_equal((uint32_t) hresult_from_errno(-EROFS), 0x80070013u);
        assert_int_equal((uint32_t) hresult_from_errno(-ENOTDIR), 0x8007010Bu);
        assert_int_equal(hresult_from_errno(-EOPNOTSUPP), E_NOTIMPL);
        assert_int_equal(hresult_from_errno(-ECANCELED), E_ABORT);
        assert_int_equal(hresult_from_errno(-EBADMSG), E_FAIL);
        assert_int_equal(hresult_from_errno(12345), E_FAIL);

        /* Every mapped code prints with a name. */
        assert_string_equal(DoHResultName(hresult_from_errno(-ENOSPC)), "ERROR_DISK_FULL");
        assert_string_equal(DoHResultName(hresult_from_errno(-ENOENT)), "ERROR_PATH_NOT_FOUND");
}

static void test_hresult__format(void **state) {
        char buf[HRESULT_FORMAT_MAX], small[12];
        (void) state;

        assert_int_equal(hresult_format(DO_E_JOB_NOT_FOUND, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "0x80D02003 DO_E_JOB_NOT_FOUND: The job was not found.");

        assert_int_equal(hresult_format((HRESULT) 0x80190193u, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "0x80190193: The server returned an HTTP error status.");

        assert_int_equal(hresult_format(S_OK, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "0x00000000 S_OK: The operation succeeded.");

        assert_int_equal(hresult_format(DO_E_JOB_NOT_FOUND, small, sizeof(small)), -ENOBUFS);
        assert_string_equal(small, "0x80D02003 ");
        assert_int_equal(hresult_format(S_OK, NULL, 10), -EINVAL);
        assert_int_equal(hresult_format(S_OK, buf, 0), -EINVAL);

        /* HRESULT_FORMAT_MAX fits every row. */
#define CHECK_FITS(name, value, message) \
        assert_int_equal(hresult_format((HRESULT) (value), buf, sizeof(buf)), 0);
        HRESULT_TABLE(CHECK_FITS)
#undef CHECK_FITS
}

static void test_hresult__bus_error_names_round_trip(void **state) {
        char buf[HRESULT_BUS_ERROR_NAME_MAX];
        HRESULT hr = S_OK;
        (void) state;

        assert_int_equal(hresult_to_bus_error_name(DO_E_JOB_NOT_FOUND, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "org.dosvc1.Error.HR_80D02003");
        assert_int_equal(hresult_from_bus_error_name(buf, &hr), 0);
        assert_int_equal(hr, DO_E_JOB_NOT_FOUND);

        assert_int_equal(hresult_to_bus_error_name(E_INVALIDARG, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "org.dosvc1.Error.HR_80070057");

        assert_int_equal(hresult_to_bus_error_name(S_FALSE, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "org.dosvc1.Error.HR_00000001");

#define CHECK_BUS(name, value, message) \
        do { \
                HRESULT back = E_FAIL; \
                assert_int_equal(hresult_to_bus_error_name((HRESULT) (value), buf, sizeof(buf)), 0); \
                assert_int_equal(hresult_from_bus_error_name(buf, &back), 0); \
                assert_int_equal((uint32_t) back, (uint32_t) (value)); \
        } while (0);
        HRESULT_TABLE(CHECK_BUS)
#undef CHECK_BUS

        assert_int_equal(hresult_to_bus_error_name(S_OK, buf, sizeof(buf) - 1), -ENOBUFS);
        assert_string_equal(buf, "");
        assert_int_equal(hresult_to_bus_error_name(S_OK, NULL, 64), -EINVAL);
}

static void test_hresult__bad_bus_error_names(void **state) {
        HRESULT hr = S_FALSE;
        (void) state;

        assert_int_equal(hresult_from_bus_error_name("org.dosvc1.Error.HR_80d02003", &hr), -EINVAL);
        assert_int_equal(hresult_from_bus_error_name("org.dosvc1.Error.HR_80D0200", &hr), -EINVAL);
        assert_int_equal(hresult_from_bus_error_name("org.dosvc1.Error.HR_80D020030", &hr), -EINVAL);
        assert_int_equal(hresult_from_bus_error_name("org.dosvc1.Error.HR_", &hr), -EINVAL);
        assert_int_equal(hresult_from_bus_error_name("org.freedesktop.DBus.Error.Failed", &hr), -EINVAL);
        assert_int_equal(hresult_from_bus_error_name("org.dosvc1.Error.HR_0x80D020", &hr), -EINVAL);
        assert_int_equal(hresult_from_bus_error_name(NULL, &hr), -EINVAL);
        assert_int_equal(hresult_from_bus_error_name("org.dosvc1.Error.HR_80D02003", NULL), -EINVAL);
        assert_int_equal(hr, S_FALSE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hresult__table_matches_header),
                cmocka_unit_test(test_hresult__every_row_has_a_sentence),
                cmocka_unit_test(test_hresult__names_round_trip),
                cmocka_unit_test(test_hresult__aliases_resolve_to_canonical_names),
                cmocka_unit_test(test_hresult__http_names),
                cmocka_unit_test(test_hresult__unknown_codes),
                cmocka_unit_test(test_hresult__from_http_status),
                cmocka_unit_test(test_hresult__from_errno),
                cmocka_unit_test(test_hresult__format),
                cmocka_unit_test(test_hresult__bus_error_names_round_trip),
                cmocka_unit_test(test_hresult__bad_bus_error_names),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
