/* http-error.h: the one table that turns a failed transfer (HTTP status, libcurl result, local
 * errno) into what the client sees: an HRESULT and a BG_ERROR_CONTEXT. Unit-tested row by row in
 * tests/unit/test-http-error.c. Whether an error is transient (retried) arrives with issue 3; today
 * every transfer error is fatal. */
#pragma once

#include <curl/curl.h>
#include <stdbool.h>
#include <deliveryoptimization.h>

typedef struct TransferError {
        HRESULT hresult;
        BG_ERROR_CONTEXT context;
        bool transient;
} TransferError;

/* `status` is the HTTP status of the last response (0 when none); `local_errno` is the errno of a
 * failed write/fsync of the temp file (0 when none), which wins over what curl reports. */
TransferError http_error_classify(CURLcode result, long status, int local_errno);
