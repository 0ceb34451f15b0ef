/* http-error.h: the one table that turns a failed transfer (HTTP status, libcurl result, local
 * errno) into what the client sees: an HRESULT, a BG_ERROR_CONTEXT, and whether the job retries
 * (transient: connection refused/reset, DNS failure, timeouts, 5xx, 408, 429) or stops (fatal: other
 * 4xx, local file errors, lying servers). Unit-tested row by row in tests/unit/test-http-error.c.
 * Also the parsers of the response headers that steer retries and resumes (Retry-After). */
#pragma once

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <deliveryoptimization.h>

typedef struct TransferError {
        HRESULT hresult;
        BG_ERROR_CONTEXT context;
        bool transient;
} TransferError;

/* `status` is the HTTP status of the last response (0 when none); `local_errno` is the errno of a
 * failed write/fsync of the temp file (0 when none), which wins over what curl reports. */
TransferError http_error_classify(CURLcode result, long status, int local_errno);

/* Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns 0 and the delay in
 * seconds from `now` (a date in the past gives 0), capped at `cap`; -EINVAL when unparsable. */
int http_parse_retry_after(const char *value, time_t now, uint64_t cap, uint64_t *ret_seconds);

/* Content-Range of a 206: "bytes FIRST-LAST/TOTAL", TOTAL "*" when unknown (UINT64_MAX). 0 or -EINVAL. */
int http_parse_content_range(const char *value, uint64_t *ret_first, uint64_t *ret_last, uint64_t *ret_total);
