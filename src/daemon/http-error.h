/* http-error.h: the one table that turns a failed transfer (HTTP status, libcurl result, local
 * errno) into what the client sees: an HRESULT and a BG_ERROR_CONTEXT. Unit-tested row by row in
 * tests/unit/test-http-error.c. Whether an error is transient (retried) arrives with issue 3; today
 * every transfer error is fatal. */
#pragma once

#include <curl/curl.h>
#include <stdbool.h>
#include <deliveryoptimization.h>

/* HRESULTs of WinHTTP failures (HRESULT_FROM_WIN32(ERROR_WINHTTP_*)), as BITS reports them. */
#define DOSVC_E_WINHTTP_TIMEOUT            ((HRESULT) 0x80072EE2u)  /* 12002 */
#define DOSVC_E_WINHTTP_UNRECOGNIZED_SCHEME ((HRESULT) 0x80072EE6u) /* 12006 */
#define DOSVC_E_WINHTTP_NAME_NOT_RESOLVED  ((HRESULT) 0x80072EE7u)  /* 12007 */
#define DOSVC_E_WINHTTP_CANNOT_CONNECT     ((HRESULT) 0x80072EFDu)  /* 12029 */
#define DOSVC_E_WINHTTP_CONNECTION_ERROR   ((HRESULT) 0x80072EFEu)  /* 12030 */
#define DOSVC_E_WINHTTP_INVALID_SERVER_RESPONSE ((HRESULT) 0x80072F78u) /* 12152 */
#define DOSVC_E_WINHTTP_REDIRECT_FAILED    ((HRESULT) 0x80072F7Cu)  /* 12156 */
#define DOSVC_E_WINHTTP_SECURE_FAILURE     ((HRESULT) 0x80072F8Fu)  /* 12175 */

typedef struct TransferError {
        HRESULT hresult;
        BG_ERROR_CONTEXT context;
        bool transient;
} TransferError;

/* `status` is the HTTP status of the last response (0 when none); `local_errno` is the errno of a
 * failed write/fsync of the temp file (0 when none), which wins over what curl reports. */
TransferError http_error_classify(CURLcode result, long status, int local_errno);
