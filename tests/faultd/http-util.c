/* http-util.c: request head parsing, byte ranges, dates and paths for faultd (see http-util.h).
 * Deliberately strict where being lax could hide a client bug (a malformed request line is 400),
 * and lax where RFC 9110 lets a server be (a Range it does not understand is ignored, not refused).
 * Limits: header names and values are not unfolded (obs-fold is refused, as RFC 9112 allows). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http-util.h"

size_t http_head_end(const char *buf, size_t len) {
        for (size_t i = 0; i < len; i++) {
                if (buf[i] != '\n')
                        continue;
                /* "\n\n" or "\n\r\n": the line that just ended was followed by an empty one */
                if (i + 1 < len && buf[i + 1] == '\n')
                        return i + 2;
                if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
                        return i + 3;
        }
        return 0;
}

/* Cut the next line out of *p (up to end), NUL-terminate it without its CR, advance *p. */
static char *next_line(char **p, char *end) {
        char *line = *p, *nl;

        if (line >= end)
                return NULL;
        nl = memchr(line, '\n', (size_t) (end - line));
        if (!nl)
                return NULL;
        *nl = '\0';
        if (nl > line && nl[-1] == '\r')
                nl[-1] = '\0';
        *p = nl + 1;
        return line;
}

static char *strip(char *s) {
        char *e;

        while (*s == ' ' || *s == '\t')
                s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
        return s;
}

/* Does the comma-separated list v hold token tok (case-insensitive)? "Connection: foo, close". */
static bool list_has_token(const char *v, const char *tok) {
        size_t n = strlen(tok);

        while (*v) {
                while (*v == ' ' || *v == '\t' || *v == ',')
                        v++;
                if (strncasecmp(v, tok, n) == 0 && (v[n] == '\0' || v[n] == ',' || v[n] == ' ' || v[n] == '\t'))
                        return true;
                while (*v && *v != ',')
                        v++;
        }
        return false;
}

int http_request_parse(char *buf, size_t len, HttpRequest *ret) {
        char *p = buf, *end = buf + len, *line, *sp1, *sp2, *version;

        *ret = (HttpRequest) { .version_minor = 1 };

        /* RFC 9112 2.2: ignore at least one empty line before the request line */
        while (p < end && (*p == '\r' || *p == '\n'))
                p++;

        line = next_line(&p, end);
        if (!line)
                return -EBADMSG;
        sp1 = strchr(line, ' ');
        if (!sp1 || sp1 == line || (size_t) (sp1 - line) >= sizeof(ret->method))
                return -EBADMSG;
        sp2 = strchr(sp1 + 1, ' ');
        if (!sp2 || sp2 == sp1 + 1)
                return -EBADMSG;
        memcpy(ret->method, line, (size_t) (sp1 - line));
        ret->method[sp1 - line] = '\0';
        for (char *c = ret->method; *c; c++)
                if (!isupper((unsigned char) *c))
                        return -EBADMSG;
        *sp2 = '\0';
        ret->target = sp1 + 1;
        version = sp2 + 1;
        if (strncmp(version, "HTTP/1.", 7) != 0 || !isdigit((unsigned char) version[7]) || version[8] != '\0')
                return -EBADMSG;
        ret->version_minor = version[7] - '0';
        for (const char *c = ret->target; *c; c++)
                if ((unsigned char) *c <= ' ' || *c == 0x7f)
                        return -EBADMSG;

        while ((line = next_line(&p, end))) {
                char *colon, *name, *value;

                if (line[0] == '\0')
                        break;                  /* the blank line */
                if (line[0] == ' ' || line[0] == '\t')
                        return -EBADMSG;        /* obs-fold */
                colon = strchr(line, ':');
                if (!colon || colon == line)
                        return -EBADMSG;
                *colon = '\0';
                name = line;
                for (const char *c = name; *c; c++)
                        if (*c == ' ' || *c == '\t')
                                return -EBADMSG; /* no space before the colon (RFC 9112 5.1) */
                value = strip(colon + 1);

                if (strcasecmp(name, "Range") == 0)
                        ret->range = value;
                else if (strcasecmp(name, "If-Range") == 0)
                        ret->if_range = value;
                else if (strcasecmp(name, "Connection") == 0) {
                        if (list_has_token(value, "close"))
                                ret->connection_close = true;
                        if (list_has_token(value, "keep-alive"))
                                ret->connection_keep_alive = true;
                } else if (strcasecmp(name, "Content-Length") == 0) {
                        if (strcmp(value, "0") != 0)
                                ret->has_body = true;
                } else if (strcasecmp(name, "Transfer-Encoding") == 0)
                        ret->has_body = true;
        }
        return 0;
}

/* Parse a run of decimal digits at *p into *ret; advance *p. False when none or on overflow. */
static bool parse_u64(const char **p, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;

        if (!isdigit((unsigned char) *s))
                return false;
        for (; isdigit((unsigned char) *s); s++) {
                unsigned d = (unsigned) (*s - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return false;
                v = v * 10 + d;
        }
        *p = s;
        *ret = v;
        return true;
}

HttpRangeResult http_range_parse(const char *value, uint64_t size, uint64_t *ret_first, uint64_t *ret_last) {
        const char *p = value;
        uint64_t first, last;

        if (!value || strncasecmp(p, "bytes", 5) != 0)
                return HTTP_RANGE_IGNORE;
        p += 5;
        while (*p == ' ' || *p == '\t')
                p++;
        if (*p++ != '=')
                return HTTP_RANGE_IGNORE;
        while (*p == ' ' || *p == '\t')
                p++;
        if (strchr(p, ','))
                return HTTP_RANGE_IGNORE;       /* multi-range: allowed to answer 200 */

        if (*p == '-') {
                /* suffix: the last n bytes */
                uint64_t n;
                p++;
                if (!parse_u64(&p, &n))
                        return HTTP_RANGE_IGNORE;
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p != '\0')
                        return HTTP_RANGE_IGNORE;
                if (n == 0 || size == 0)
                        return HTTP_RANGE_UNSATISFIABLE;
                first = n >= size ? 0 : size - n;
                last = size - 1;
        } else {
                if (!parse_u64(&p, &first) || *p++ != '-')
                        return HTTP_RANGE_IGNORE;
                if (*p == '\0' || *p == ' ' || *p == '\t')
                        last = UINT64_MAX;
                else if (!parse_u64(&p, &last) || last < first)
                        return HTTP_RANGE_IGNORE;
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p != '\0')
                        return HTTP_RANGE_IGNORE;
                if (first >= size)
                        return HTTP_RANGE_UNSATISFIABLE;
                if (last >= size)
                        last = size - 1;
        }
        *ret_first = first;
        *ret_last = last;
        return HTTP_RANGE_OK;
}

char *http_date(time_t t, char buf[static HTTP_DATE_MAX]) {
        /* strftime's %a and %b follow LC_TIME; faultd never calls setlocale(), so this is "C" */
        struct tm tm;

        if (!gmtime_r(&t, &tm) || strftime(buf, HTTP_DATE_MAX, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
                buf[0] = '\0';
        return buf;
}

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

int http_percent_decode(char *s) {
        char *w = s;

        for (const char *r = s; *r; r++) {
                if (*r != '%') {
                        *w++ = *r;
                        continue;
                }
                int hi = unhex(r[1]), lo = hi < 0 ? -1 : unhex(r[2]);
                if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                        return -EBADMSG;
                *w++ = (char) (hi * 16 + lo);
                r += 2;
        }
        *w = '\0';
        return 0;
}

bool http_path_escapes(const char *p) {
        if (strchr(p, '\\'))
                return true;
        while (*p) {
                size_t n;

                while (*p == '/')
                        p++;
                n = strcspn(p, "/");
                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return true;
                p += n;
        }
        return false;
}

const char *http_reason(int status) {
        switch (status) {
        case 200: return "OK";
        case 206: return "Partial Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 410: return "Gone";
        case 412: return "Precondition Failed";
        case 416: return "Range Not Satisfiable";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 599: return "Faultd Scenario Error";
        default:  return "Unknown";
        }
}
