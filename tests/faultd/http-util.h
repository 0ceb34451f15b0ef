/* http-util.h: the pure HTTP/1.1 helpers faultd needs (request head parsing, byte ranges, dates,
 * percent-decoding). No I/O, no allocation except where a function says so; private to faultd. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HTTP_DATE_MAX 40           /* "Sun, 06 Nov 1994 08:49:37 GMT" plus room */
#define HTTP_METHOD_MAX 16

/* One parsed request head. Every pointer points into the buffer given to http_request_parse(),
 * which it modified in place (line ends become NULs); NULL means "header absent". */
typedef struct HttpRequest {
        char method[HTTP_METHOD_MAX];
        char *target;              /* request-target as sent, origin-form ("/a/b?x") */
        int version_minor;         /* HTTP/1.<minor> */
        const char *range;
        const char *if_range;
        bool connection_close;
        bool connection_keep_alive;
        bool has_body;             /* Content-Length > 0 or Transfer-Encoding: we refuse those */
} HttpRequest;

/* Parse the request head buf[0..len) (which ends with the blank line, CRLF or LF) in place.
 * Returns 0 or -EBADMSG when the request line or a header line is malformed. */
int http_request_parse(char *buf, size_t len, HttpRequest *ret);

/* Find the end of a request head in buf[0..len): returns the number of bytes of the head including
 * the blank line, or 0 when it is not complete yet. Accepts CRLF and bare LF line ends. */
size_t http_head_end(const char *buf, size_t len);

typedef enum HttpRangeResult {
        HTTP_RANGE_IGNORE,         /* absent, malformed, multi-range, not bytes: serve 200 */
        HTTP_RANGE_OK,             /* *ret_first..*ret_last (inclusive) lie inside the file */
        HTTP_RANGE_UNSATISFIABLE,  /* 416 */
} HttpRangeResult;

/* Interpret one "Range:" value ("bytes=a-b", "bytes=a-", "bytes=-n") against a file of size bytes
 * (RFC 9110 section 14). A last byte past the end is clamped. Several ranges are ignored (a server
 * may do that), which keeps faultd single-range. */
HttpRangeResult http_range_parse(const char *value, uint64_t size, uint64_t *ret_first, uint64_t *ret_last);

/* Format t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into buf. Returns buf. */
char *http_date(time_t t, char buf[static HTTP_DATE_MAX]);

/* Decode %XX escapes of s in place. Returns 0, or -EBADMSG for a bad escape or an encoded NUL. */
int http_percent_decode(char *s);

/* True when the decoded path p ("/a/b") has a "." or ".." segment (which could leave the root)
 * or a backslash. Repeated or trailing slashes are allowed. */
bool http_path_escapes(const char *p);

/* The reason phrase of a status code ("Not Found"); "Unknown" for codes we do not know. */
const char *http_reason(int status);
