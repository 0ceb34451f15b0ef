/* http-error.c: failed transfer → (HRESULT, context, transient). See http-error.h. This switch is
 * the one place that decides which failures are retried: transient ones send the job to
 * TRANSIENT_ERROR (retried after the retry delay), the others to ERROR.
 *
 * HTTP statuses map to 0x80190000 + status, as BITS does (404 → 0x80190194), with context
 * REMOTE_FILE. A failure to write the temp file is LOCAL_FILE with the errno's HRESULT. Network
 * failures use the WinHTTP codes a Windows client sees, with context GENERAL_TRANSPORT. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "hresult.h"
#include "http-error.h"

TransferError http_error_classify(CURLcode result, long status, int local_errno) {
        if (local_errno != 0)
                return (TransferError) { hresult_from_errno(local_errno), BG_ERROR_CONTEXT_LOCAL_FILE, false };

        if (result == CURLE_OK && status < 400)
                return (TransferError) { S_OK, BG_ERROR_CONTEXT_NONE, false };

        /* 408 Request Timeout, 429 Too Many Requests and every 5xx say "try later"; the other
         * 4xx say "this request will never work" (do-client treats every 4xx as fatal; aria2 does
         * not honour 429: we retry both, as BITS does with server-busy answers). */
        if (status >= 400 && status <= 599)
                return (TransferError) { hresult_from_http_status(status), BG_ERROR_CONTEXT_REMOTE_FILE,
                                         status >= 500 || status == 408 || status == 429 };

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
        case CURLE_FILESIZE_EXCEEDED:
                /* dosvc.conf MaxResponseBytes (CURLOPT_MAXFILESIZE_LARGE): the server announced a
                 * body larger than the administrator allows. ERROR_FILE_TOO_LARGE (223). */
                return (TransferError) { HRESULT_FROM_WIN32(223L), BG_ERROR_CONTEXT_REMOTE_FILE, false };
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
                /* libcurl reports a response header line over its 100 KiB limit as out of memory:
                 * in practice that is what this code means during a transfer. A server that sends
                 * such headers sends them every time: fatal, the server's fault. */
                return (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW), BG_ERROR_CONTEXT_REMOTE_FILE, false };
        case CURLE_WRITE_ERROR:
                /* Our write callback refused the data without an errno: a response we will not
                 * write (checked in transfer.c, which reports its own HRESULT). */
                return (TransferError) { DO_E_HTTP_BLOCKSIZE_MISMATCH, BG_ERROR_CONTEXT_REMOTE_FILE, false };
        default:
                return (TransferError) { E_FAIL, BG_ERROR_CONTEXT_NONE, false };
        }
}

static bool parse_u64(const char *s, size_t len, uint64_t *ret) {
        uint64_t v = 0;

        if (len == 0 || len > 19)
                return false;  /* 19 digits always fit; longer is not a value we would use */
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (uint64_t) (s[i] - '0');
        }
        *ret = v;
        return true;
}

int http_parse_retry_after(const char *value, time_t now, uint64_t cap, uint64_t *ret_seconds) {
        const char *end;
        uint64_t v;
        time_t when;

        if (!value)
                return -EINVAL;
        while (*value == ' ' || *value == '\t')
                value++;
        end = value + strlen(value);
        while (end > value && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
                end--;
        if (end == value)
                return -EINVAL;

        if (parse_u64(value, (size_t) (end - value), &v)) {
                *ret_seconds = v < cap ? v : cap;
                return 0;
        }

        /* An HTTP-date. curl_getdate() knows the three formats RFC 9110 allows. */
        {
                char buf[64];
                size_t len = (size_t) (end - value);

                if (len >= sizeof buf)
                        return -EINVAL;
                memcpy(buf, value, len);
                buf[len] = '\0';
                when = curl_getdate(buf, NULL);
        }
        if (when == (time_t) -1)
                return -EINVAL;
        v = when > now ? (uint64_t) (when - now) : 0;
        *ret_seconds = v < cap ? v : cap;
        return 0;
}

int http_parse_content_range(const char *value, uint64_t *ret_first, uint64_t *ret_last, uint64_t *ret_total) {
        const char *p = value, *dash, *slash, *end;
        uint64_t first, last, total;

        if (!value)
                return -EINVAL;
        while (*p == ' ' || *p == '\t')
                p++;
        if (strncasecmp(p, "bytes", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
                return -EINVAL;
        p += 6;
        while (*p == ' ' || *p == '\t')
                p++;
        end = p + strlen(p);
        while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
                end--;

        dash = memchr(p, '-', (size_t) (end - p));
        slash = memchr(p, '/', (size_t) (end - p));
        if (!dash || !slash || dash > slash)
                return -EINVAL;
        if (!parse_u64(p, (size_t) (dash - p), &first) || !parse_u64(dash + 1, (size_t) (slash - dash - 1), &last))
                return -EINVAL;
        if (end - slash == 2 && slash[1] == '*')
                total = UINT64_MAX;
        else if (!parse_u64(slash + 1, (size_t) (end - slash - 1), &total))
                return -EINVAL;
        if (last < first || (total != UINT64_MAX && last >= total))
                return -EINVAL;

        *ret_first = first;
        *ret_last = last;
        *ret_total = total;
        return 0;
}
