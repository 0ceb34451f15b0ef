/* test-http-error.c: the failed-transfer → (HRESULT, context) table of src/daemon/http-error.c,
 * row by row. */
#include <errno.h>
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
                cmocka_unit_test(test_http_error__local_errno_wins_with_local_file_context),
                cmocka_unit_test(test_http_error__network_failures_use_winhttp_codes),
                cmocka_unit_test(test_http_error__server_and_redirect_failures),
                cmocka_unit_test(test_http_error__unknown_curl_failure_is_e_fail_context_none),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
