/* http-error.c: failed transfer → (HRESULT, context). See http-error.h.
 *
 * HTTP statuses map to 0x80190000 + status, as BITS does (404 → 0x80190194), with context
 * REMOTE_FILE. A failure to write the temp file is LOCAL_FILE with the errno's HRESULT. Network
 * failures use the WinHTTP codes a Windows client sees, with context GENERAL_TRANSPORT. */
#include "hresult.h"
#include "http-error.h"

TransferError http_error_classify(CURLcode result, long status, int local_errno) {
        if (local_errno != 0)
                return (TransferError) { hresult_from_errno(local_errno), BG_ERROR_CONTEXT_LOCAL_FILE, false };

        if (result == CURLE_OK && status < 400)
                return (TransferError) { S_OK, BG_ERROR_CONTEXT_NONE, false };

        if (status >= 400 && status <= 599)
                return (TransferError) { hresult_from_http_status(status), BG_ERROR_CONTEXT_REMOTE_FILE, false };

        switch (result) {
        case CURLE_OK:
                return (TransferError) { S_OK, BG_ERROR_CONTEXT_NONE, false };
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_NAME_NOT_RESOLVED), BG_ERROR_CONTEXT_GENERAL_TRANSPORT, true };
        case CURLE_COULDNT_CONNECT:
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CONNECT), BG_ERROR_CONTEXT_GENERAL_TRANSPORT, true };
        case CURLE_OPERATION_TIMEDOUT:
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT), BG_ERROR_CONTEXT_GENERAL_TRANSPORT, true };
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR), BG_ERROR_CONTEXT_GENERAL_TRANSPORT, true };
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_RANGE_ERROR:
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_INVALID_SERVER_RESPONSE), BG_ERROR_CONTEXT_REMOTE_FILE, false };
        case CURLE_TOO_MANY_REDIRECTS:
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_REDIRECT_FAILED), BG_ERROR_CONTEXT_REMOTE_FILE, false };
        case CURLE_UNSUPPORTED_PROTOCOL:
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_UNRECOGNIZED_SCHEME), BG_ERROR_CONTEXT_REMOTE_FILE, false };
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
                return (TransferError) { DO_E_HTTP_CERT_VALIDATION, BG_ERROR_CONTEXT_REMOTE_FILE, false };
        case CURLE_SSL_CONNECT_ERROR:
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_FAILURE), BG_ERROR_CONTEXT_GENERAL_TRANSPORT, true };
        case CURLE_OUT_OF_MEMORY:
                return (TransferError) { E_OUTOFMEMORY, BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, true };
        case CURLE_WRITE_ERROR:
                /* Our write callback refused the data without an errno: a response we will not
                 * write (checked in transfer.c, which reports its own HRESULT). */
                return (TransferError) { DO_E_HTTP_BLOCKSIZE_MISMATCH, BG_ERROR_CONTEXT_REMOTE_FILE, false };
        default:
                return (TransferError) { E_FAIL, BG_ERROR_CONTEXT_NONE, false };
        }
}
