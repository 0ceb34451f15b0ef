/* test-http-error.c: the failed-transfer → (HRESULT, context) table of src/daemon/http-error.c,
 * row by row. */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http-error.h"

static void expect(CURLcode result, long status, int local_errno, uint32_t hr, BG_ERROR_CONTEXT context) {
        TransferError e = http_error_classify(result, status, local_errno);

        assert_int_equal((uint32_t) e.hresult, hr);
        assert_int_equal(e.context, context);
}

static void test_http_error__success(void **state) {
        expect(CURLE_OK, 200, 0, 0x00000000, BG_ERROR_CONTEXT_NONE);
        expect(CURLE_OK, 206, 0, 0x00000000, BG_ERROR_CONTEXT_NONE);
}

static void test_http_error__404_is_bits_0x80190194_remote_file(void **state) {
        expect(CURLE_HTTP_RETURNED_ERROR, 404, 0, 0x80190194, BG_ERROR_CONTEXT_REMOTE_FILE);
}

static void test_http_error__403_is_0x80190193_remote_file(void **state) {
        expect(CURLE_HTTP_RETURNED_ERROR, 403, 0, 0x80190193, BG_ERROR_CONTEXT_REMOTE_FILE);
}

static void expect_transient(CURLcode result, long status, bool transient) {
        assert_int_equal(http_error_classify(result, status, 0).transient, transient);
}

static void test_http_error__transient_and_fatal_rows(void **state) {
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 500, true);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 502, true);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 503, true);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 504, true);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 408, true);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 429, true);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 400, false);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 401, false);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 403, false);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 404, false);
        expect_transient(CURLE_HTTP_RETURNED_ERROR, 410, false);
        expect_transient(CURLE_COULDNT_CONNECT, 0, true);
        expect_transient(CURLE_COULDNT_RESOLVE_HOST, 0, true);
        expect_transient(CURLE_OPERATION_TIMEDOUT, 200, true);
        expect_transient(CURLE_RECV_ERROR, 200, true);
        expect_transient(CURLE_PARTIAL_FILE, 206, true);
        expect_transient(CURLE_TOO_MANY_REDIRECTS, 302, false);
        expect_transient(CURLE_PEER_FAILED_VERIFICATION, 0, false);
        assert_false(http_error_classify(CURLE_WRITE_ERROR, 200, ENOSPC).transient);
}

static void test_http_error__retry_after_seconds_and_dates(void **state) {
        uint64_t s;
        time_t now = 1784000000; /* 2026-07-14 */

        assert_int_equal(http_parse_retry_after("120", now, 3600, &s), 0);
        assert_int_equal(s, 120);
        assert_int_equal(http_parse_retry_after(" 7 \r\n", now, 3600, &s), 0);
        assert_int_equal(s, 7);
        assert_int_equal(http_parse_retry_after("999999", now, 3600, &s), 0);
        assert_int_equal(s, 3600);
        assert_int_equal(http_parse_retry_after("Tue, 14 Jul 2026 03:33:40 GMT", now, 3600, &s), 0);
        assert_int_equal(s, 20);
        assert_int_equal(http_parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now, 3600, &s), 0);
        assert_int_equal(s, 0);
        assert_int_equal(http_parse_retry_after("", now, 3600, &s), -EINVAL);
        assert_int_equal(http_parse_retry_after("soon", now, 3600, &s), -EINVAL);
        assert_int_equal(http_parse_retry_after("-5", now, 3600, &s), -EINVAL);
}

static void test_http_error__retry_after_future_date(void **state) {
        uint64_t s;

        /* 2026-07-14 03:33:20 GMT is 1784000000; 100 s later: */
        assert_int_equal(http_parse_retry_after("Tue, 14 Jul 2026 03:35:00 GMT", 1784000000, 3600, &s), 0);
        assert_int_equal(s, 100);
}

static void test_http_error__content_range(void **state) {
        uint64_t f, l, t;

        assert_int_equal(http_parse_content_range("bytes 0-99/1000", &f, &l, &t), 0);
        assert_int_equal(f, 0); assert_int_equal(l, 99); assert_int_equal(t, 1000);
        assert_int_equal(http_parse_content_range(" bytes 500-999/*\r\n", &f, &l, &t), 0);
        assert_int_equal(f, 500); assert_int_equal(l, 999); assert_true(t == UINT64_MAX);
        assert_int_equal(http_parse_content_range("bytes */1000", &f, &l, &t), -EINVAL);
        assert_int_equal(http_parse_content_range("bytes 10-5/1000", &f, &l, &t), -EINVAL);
        assert_int_equal(http_parse_content_range("bytes 0-1000/1000", &f, &l, &t), -EINVAL);
        assert_int_equal(http_parse_content_range("items 0-1/2", &f, &l, &t), -EINVAL);
        assert_int_equal(http_parse_content_range("bytes 0-99999999999999999999/1", &f, &l, &t), -EINVAL);
}

static void test_http_error__other_statuses_follow_0x80190000_plus_status(void **state) {
        expect(CURLE_HTTP_RETURNED_ERROR, 400, 0, 0x80190190, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_HTTP_RETURNED_ERROR, 401, 0, 0x80190191, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_HTTP_RETURNED_ERROR, 410, 0, 0x8019019A, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_HTTP_RETURNED_ERROR, 416, 0, 0x801901A0, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_HTTP_RETURNED_ERROR, 500, 0, 0x801901F4, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_HTTP_RETURNED_ERROR, 503, 0, 0x801901F7, BG_ERROR_CONTEXT_REMOTE_FILE);
}

static void test_http_error__local_errno_wins_with_local_file_context(void **state) {
        expect(CURLE_WRITE_ERROR, 200, ENOSPC, 0x80070070, BG_ERROR_CONTEXT_LOCAL_FILE);
        expect(CURLE_WRITE_ERROR, 206, EACCES, 0x80070005, BG_ERROR_CONTEXT_LOCAL_FILE);
        expect(CURLE_WRITE_ERROR, 200, EIO, 0x8007001F, BG_ERROR_CONTEXT_LOCAL_FILE);
        expect(CURLE_WRITE_ERROR, 200, EROFS, 0x80070013, BG_ERROR_CONTEXT_LOCAL_FILE);
}

static void test_http_error__network_failures_use_winhttp_codes(void **state) {
        expect(CURLE_COULDNT_CONNECT, 0, 0, 0x80072EFD, BG_ERROR_CONTEXT_GENERAL_TRANSPORT);
        expect(CURLE_COULDNT_RESOLVE_HOST, 0, 0, 0x80072EE7, BG_ERROR_CONTEXT_GENERAL_TRANSPORT);
        expect(CURLE_OPERATION_TIMEDOUT, 0, 0, 0x80072EE2, BG_ERROR_CONTEXT_GENERAL_TRANSPORT);
        expect(CURLE_PARTIAL_FILE, 200, 0, 0x80072EFE, BG_ERROR_CONTEXT_GENERAL_TRANSPORT);
        expect(CURLE_RECV_ERROR, 200, 0, 0x80072EFE, BG_ERROR_CONTEXT_GENERAL_TRANSPORT);
        expect(CURLE_GOT_NOTHING, 0, 0, 0x80072EFE, BG_ERROR_CONTEXT_GENERAL_TRANSPORT);
        expect(CURLE_SSL_CONNECT_ERROR, 0, 0, 0x80072F8F, BG_ERROR_CONTEXT_GENERAL_TRANSPORT);
}

static void test_http_error__server_and_redirect_failures(void **state) {
        expect(CURLE_TOO_MANY_REDIRECTS, 302, 0, 0x80072F7C, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_UNSUPPORTED_PROTOCOL, 302, 0, 0x80072EE6, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_WEIRD_SERVER_REPLY, 0, 0, 0x80072F78, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_PEER_FAILED_VERIFICATION, 0, 0, 0x80D05002, BG_ERROR_CONTEXT_REMOTE_FILE);
        expect(CURLE_WRITE_ERROR, 206, 0, 0x80D05001, BG_ERROR_CONTEXT_REMOTE_FILE);
        /* libcurl's "out of memory" during a transfer is a header over its size limit */
        expect(CURLE_OUT_OF_MEMORY, 200, 0, 0x80072F97, BG_ERROR_CONTEXT_REMOTE_FILE);
}

static void test_http_error__unknown_curl_failure_is_e_fail_context_none(void **state) {
        expect(CURLE_FUNCTION_NOT_FOUND, 0, 0, 0x80004005, BG_ERROR_CONTEXT_NONE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_http_error__success),
                cmocka_unit_test(test_http_error__404_is_bits_0x80190194_remote_file),
                cmocka_unit_test(test_http_error__403_is_0x80190193_remote_file),
                cmocka_unit_test(test_http_error__other_statuses_follow_0x80190000_plus_status),
                cmocka_unit_test(test_http_error__transient_and_fatal_rows),
                cmocka_unit_test(test_http_error__retry_after_seconds_and_dates),
                cmocka_unit_test(test_http_error__retry_after_future_date),
                cmocka_unit_test(test_http_error__content_range),
                cmocka_unit_test(test_http_error__local_errno_wins_with_local_file_context),
                cmocka_unit_test(test_http_error__network_failures_use_winhttp_codes),
                cmocka_unit_test(test_http_error__server_and_redirect_failures),
                cmocka_unit_test(test_http_error__unknown_curl_failure_is_e_fail_context_none),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
