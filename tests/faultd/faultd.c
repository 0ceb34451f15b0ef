/* faultd.c: a small HTTP/1.1 file server that misbehaves on command, for dosvc's integration tests.
 *
 * One process, one poll() loop, non-blocking sockets, no threads. It serves GET and HEAD of the
 * files under --root with validators (ETag, Last-Modified) and single byte ranges (206, 416,
 * If-Range), with keep-alive and pipelining. A request for /s/<scenario>/<file> is served as
 * /<file>, but with the faults the scenario file <--scenarios>/<scenario> names (scenario.c): cut
 * the body, stall, drip, lie in Content-Range or Content-Length, answer a status, redirect, ….
 * Faults are per request and never change the files, so one server serves every test of a run.
 *
 * Connection life:  READING (POLLIN) → request head complete → response built → WRITING: head,
 * then body with sendfile(); a fault may hold the body (WAITING: poll only for the peer hanging up,
 * a timer wakes it) or close the connection early → back to READING, or closed.
 *
 * Limits (STYLE.md: every user-controlled resource is bounded): FAULTD_CONNECTIONS_MAX at a time
 * (more wait in the listen backlog), request heads of FAULTD_HEAD_MAX bytes (431), idle
 * connections closed after FAULTD_IDLE_MS, FAULTD_COUNTERS_MAX scenario+file counters. There is no
 * TLS (a test puts nginx in front, see nginx-tls.conf.in) and no request bodies (400).
 * Every request is logged, one line each, when its response ends (README.md has the format). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http-util.h"
#include "macro.h"
#include "scenario.h"

#define FAULTD_CONNECTIONS_MAX 256
#define FAULTD_HEAD_MAX (16 * 1024)
#define FAULTD_COUNTERS_MAX 4096
#define FAULTD_IDLE_MS (300 * 1000)
#define FAULTD_SEND_CHUNK (1024 * 1024)     /* most bytes handed to one sendfile() */
#define FAULTD_LOG_FIELD_MAX 512            /* longer logged strings are cut */
#define FAULTD_DRAIN_MAX (64 * 1024)        /* unread input discarded before a deliberate close */
#define FAULTD_LISTEN_MAX 2                 /* 127.0.0.1 and ::1 */

static const char *arg_root = NULL;
static const char *arg_scenarios = NULL;
static unsigned arg_port = 0;
static const char *arg_port_file = NULL;
static const char *arg_log = NULL;
static unsigned arg_lifetime_sec = 0;
static bool arg_exit_with_parent = false;
static bool arg_ipv6 = true;

/* A growing byte buffer; always NUL-terminated when data != NULL. */
typedef struct Buf {
        char *data;
        size_t len, size;
} Buf;

typedef enum StallState {
        STALL_NONE,
        STALL_PENDING,
        STALL_ACTIVE,
        STALL_DONE,
} StallState;

typedef struct Server Server;

typedef struct Conn {
        Server *server;
        int fd;
        uint64_t id;
        int64_t last_activity_ms;

        char in[FAULTD_HEAD_MAX];
        size_t in_len;

        /* the response being sent (writing == true) */
        bool writing;
        Buf out;                            /* status line, headers and any in-memory body */
        size_t out_pos;
        int body_fd;                        /* the file body, sent with sendfile(); -EBADF: none */
        uint64_t body_off, body_len, body_sent;
        uint64_t cut_after;                 /* UINT64_MAX: no cut */
        StallState stall;
        int64_t stall_ms;
        uint64_t stall_after;
        bool stall_then_close;
        uint64_t drip;                      /* bytes per second; 0: full speed */
        int64_t body_start_ms;
        int64_t wake_ms;                    /* 0: not waiting; INT64_MAX: waiting for ever */
        bool close_after;                   /* close once the response is out */
        const char *close_reason;           /* logged as end=… when close_after fires */

        /* the log line of the current request */
        uint64_t seq;
        char method[HTTP_METHOD_MAX];
        char *log_target, *log_range, *log_if_range;
        char scenario[SCENARIO_NAME_MAX + 1];
        bool fault;
        int status;
        uint64_t bytes_sent;
} Conn;

typedef struct Counter {
        char *key;                          /* "<scenario>\n<file>" */
        uint64_t n;
} Counter;

struct Server {
        int root_fd, scenarios_fd, signal_fd;
        int listen_fd[FAULTD_LISTEN_MAX];
        unsigned n_listen;
        unsigned port;
        FILE *log;
        Conn *conns[FAULTD_CONNECTIONS_MAX];
        unsigned n_conns;
        Counter counters[FAULTD_COUNTERS_MAX];
        unsigned n_counters;
        uint64_t n_requests, n_conn_ids;
};

static int64_t now_ms(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Buf ---- */

static int buf_reserve(Buf *b, size_t more) {
        size_t need, size;
        char *p;

        if (more > SIZE_MAX - b->len - 1)
                return -ENOMEM;
        need = b->len + more + 1;
        if (need <= b->size)
                return 0;
        size = b->size ? b->size : 512;
        while (size < need)
                size = size > SIZE_MAX / 2 ? need : size * 2;
        p = realloc(b->data, size);
        if (!p)
                return -ENOMEM;
        b->data = p;
        b->size = size;
        return 0;
}

static int buf_append(Buf *b, const void *p, size_t n) {
        int r;

        r = buf_reserve(b, n);
        if (r < 0)
                return r;
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
}

static int buf_puts(Buf *b, const char *s) {
        return buf_append(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static int buf_printf(Buf *b, const char *fmt, ...) {
        va_list ap;
        int n, r;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        r = buf_reserve(b, (size_t) n);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        (void) vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t) n;
        return 0;
}

static void buf_done(Buf *b) {
        free(b->data);
        *b = (Buf) {};
}

/* ---- logging ---- */

/* Write s as a quoted log field: '"', '\\' and bytes outside printable ASCII become \xHH, so a
 * client cannot forge log lines. NULL is written as "-". */
static void log_quoted(FILE *f, const char *s) {
        size_t n = 0;

        if (!s) {
                fputs("\"-\"", f);
                return;
        }
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++, n++) {
                if (n >= FAULTD_LOG_FIELD_MAX) {
                        fputs("...", f);
                        break;
                }
                if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
                        fprintf(f, "\\x%02x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

static void conn_log(Conn *c, const char *end) {
        FILE *f = c->server->log;
        struct timespec ts;

        if (!f)
                return;
        (void) clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(f, "t=%lld.%03ld req=%" PRIu64 " conn=%" PRIu64 " method=%s target=",
                (long long) ts.tv_sec, ts.tv_nsec / 1000000, c->seq, c->id, c->method[0] ? c->method : "-");
        log_quoted(f, c->log_target);
        fputs(" range=", f);
        log_quoted(f, c->log_range);
        fputs(" if-range=", f);
        log_quoted(f, c->log_if_range);
        fprintf(f, " status=%d body=%" PRIu64 " sent=%" PRIu64 " scenario=%s fault=%d end=%s\n",
                c->status, c->body_sent, c->bytes_sent, c->scenario[0] ? c->scenario : "-", c->fault, end);
        (void) fflush(f);
}

/* ---- connections ---- */

static void conn_reset_response(Conn *c) {
        c->writing = false;
        c->out.len = 0;
        if (c->out.data)
                c->out.data[0] = '\0';
        c->out_pos = 0;
        c->body_fd = safe_close(c->body_fd);
        c->body_off = c->body_len = c->body_sent = 0;
        c->cut_after = UINT64_MAX;
        c->stall = STALL_NONE;
        c->stall_ms = 0;
        c->stall_after = 0;
        c->stall_then_close = false;
        c->drip = 0;
        c->body_start_ms = 0;
        c->wake_ms = 0;
        c->close_after = false;
        c->close_reason = NULL;
        c->seq = 0;
        c->method[0] = '\0';
        c->log_target = mfree(c->log_target);
        c->log_range = mfree(c->log_range);
        c->log_if_range = mfree(c->log_if_range);
        c->scenario[0] = '\0';
        c->fault = false;
        c->status = 0;
        c->bytes_sent = 0;
}

/* Close and free c; a response still in flight is logged with end=<why>. */
static Conn *conn_free(Conn *c, const char *why) {
        Server *s;

        if (!c)
                return NULL;
        s = c->server;
        if (c->writing)
                conn_log(c, why);
        if (c->fd >= 0) {
                /* Send FIN, not RST: close() with unread input pending resets the connection, and
                 * a client must see "closed early" (curl: 18), not "reset" (curl: 56). */
                char sink[4096];
                size_t drained = 0;
                ssize_t n;

                (void) shutdown(c->fd, SHUT_WR);
                while (drained < FAULTD_DRAIN_MAX && (n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
                        drained += (size_t) n;
                (void) close(c->fd);
        }
        conn_reset_response(c);
        buf_done(&c->out);
        for (unsigned i = 0; i < s->n_conns; i++)
                if (s->conns[i] == c) {
                        s->conns[i] = s->conns[--s->n_conns];
                        break;
                }
        free(c);
        return NULL;
}

static int conn_new(Server *s, int fd) {
        Conn *c;
        int one = 1;

        c = calloc(1, sizeof(Conn));
        if (!c) {
                (void) close(fd);
                return -ENOMEM;
        }
        c->server = s;
        c->fd = fd;
        c->id = ++s->n_conn_ids;
        c->body_fd = -EBADF;
        c->cut_after = UINT64_MAX;
        c->last_activity_ms = now_ms();
        (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        s->conns[s->n_conns++] = c;
        return 0;
}

/* Count one more request for scenario+file; returns the count, 1 for the first. */
static uint64_t server_count(Server *s, const char *scenario, const char *file) {
        _cleanup_free_ char *key = NULL;

        if (asprintf(&key, "%s\n%s", scenario, file) < 0)
                return UINT64_MAX;
        for (unsigned i = 0; i < s->n_counters; i++)
                if (streq(s->counters[i].key, key))
                        return ++s->counters[i].n;
        if (s->n_counters >= FAULTD_COUNTERS_MAX) {
                fprintf(stderr, "faultd: more than %d scenario+file counters, not counting '%s'\n",
                        FAULTD_COUNTERS_MAX, scenario);
                return UINT64_MAX;
        }
        s->counters[s->n_counters++] = (Counter) { .key = TAKE_PTR(key), .n = 1 };
        return 1;
}

/* Expand @PORT@, @FILE@, @NOW@, @NOW+N@ and @NOW-N@ (an HTTP date N seconds away) of tmpl into b.
 * Anything else between @ signs is copied as is. */
static int expand(Buf *b, const char *tmpl, const Server *s, const char *raw_file) {
        const char *p = tmpl;
        int r;

        while (*p) {
                const char *at = strchr(p, '@'), *close_at;
                char date[HTTP_DATE_MAX];

                if (!at)
                        return buf_puts(b, p);
                r = buf_append(b, p, (size_t) (at - p));
                if (r < 0)
                        return r;
                close_at = strchr(at + 1, '@');
                if (!close_at) {
                        return buf_puts(b, at);
                }
                if (strncmp(at, "@PORT@", 6) == 0)
                        r = buf_printf(b, "%u", s->port);
                else if (strncmp(at, "@FILE@", 6) == 0)
                        r = buf_puts(b, raw_file);
                else if (strncmp(at, "@NOW", 4) == 0 && (at[4] == '@' || at[4] == '+' || at[4] == '-')) {
                        long long delta = 0;
                        char *end = (char *) at + 4;

                        if (at[4] != '@') {
                                errno = 0;
                                delta = strtoll(at + 4, &end, 10);
                                if (errno != 0 || end != close_at) {
                                        r = buf_append(b, at, (size_t) (close_at - at) + 1);
                                        if (r < 0)
                                                return r;
                                        p = close_at + 1;
                                        continue;
                                }
                        }
                        r = buf_puts(b, http_date(time(NULL) + (time_t) delta, date));
                } else {
                        /* not ours: copy the '@' and go on from the next character */
                        r = buf_append(b, at, 1);
                        if (r < 0)
                                return r;
                        p = at + 1;
                        continue;
                }
                if (r < 0)
                        return r;
                p = close_at + 1;
        }
        return 0;
}

/* The headers every response carries, plus those a fault adds. */
static int head_common(Conn *c, const Scenario *fault, const char *raw_file) {
        Buf *b = &c->out;
        char date[HTTP_DATE_MAX];
        int r;

        r = buf_printf(b, "Date: %s\r\nServer: faultd\r\n", http_date(time(NULL), date));
        if (r < 0)
                return r;
        if (c->close_after && !c->close_reason) {
                r = buf_puts(b, "Connection: close\r\n");
                if (r < 0)
                        return r;
        }
        if (!fault)
                return 0;
        if (fault->retry_after) {
                r = buf_puts(b, "Retry-After: ");
                if (r >= 0)
                        r = expand(b, fault->retry_after, c->server, raw_file);
                if (r >= 0)
                        r = buf_puts(b, "\r\n");
                if (r < 0)
                        return r;
        }
        for (unsigned i = 0; i < fault->n_headers; i++) {
                r = expand(b, fault->headers[i], c->server, raw_file);
                if (r >= 0)
                        r = buf_puts(b, "\r\n");
                if (r < 0)
                        return r;
        }
        if (fault->oversized_headers > 0) {
                /* one header line of exactly N bytes (without its CRLF) when N allows a name */
                static const char name[] = "X-Faultd-Padding: ";
                size_t fill = fault->oversized_headers > sizeof(name) ? fault->oversized_headers - (sizeof(name) - 1) : 1;

                r = buf_puts(b, name);
                if (r < 0)
                        return r;
                r = buf_reserve(b, fill + 2);
                if (r < 0)
                        return r;
                memset(b->data + b->len, 'a', fill);
                b->len += fill;
                r = buf_puts(b, "\r\n");
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A response whose body is a short text (errors, redirects, 416). extra: header lines or NULL. */
static int conn_respond_text(Conn *c, int status, const char *text, const char *extra,
                             const Scenario *fault, const char *raw_file, bool head_only) {
        Buf *b = &c->out;
        int r;

        c->status = status;
        c->writing = true;
        r = buf_printf(b, "HTTP/1.1 %d %s\r\n", status, http_reason(status));
        if (r < 0)
                return r;
        r = head_common(c, fault, raw_file);
        if (r < 0)
                return r;
        r = buf_printf(b, "Content-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n", strlen(text), extra ?: "");
        if (r < 0)
                return r;
        return head_only ? 0 : buf_puts(b, text);
}

static char *strndup_or_null(const char *s, size_t n) {
        return s ? strndup(s, n) : NULL;
}

/* Build the response to the request head c->in[0..head_len). Returns 0 or -ENOMEM. */
static int conn_handle_request(Conn *c, size_t head_len) {
        Server *s = c->server;
        _cleanup_free_ char *raw_path = NULL, *file = NULL, *location = NULL;
        _cleanup_close_ int fd = -EBADF;
        Scenario scenario = {};
        const Scenario *fault = NULL;
        const char *raw_file, *query, *target;
        char why[256], etag[128], lm[HTTP_DATE_MAX], text[512], extra[256];
        bool head_only, has_etag, has_lm, ranges = true;
        uint64_t size, first = 0, last = 0, hop = 0;
        struct stat st = {};
        HttpRequest req;
        int status = 200, r;

        c->seq = ++s->n_requests;
        r = http_request_parse(c->in, head_len, &req);
        if (r < 0) {
                c->close_after = true;
                return conn_respond_text(c, 400, "faultd: malformed request\n", NULL, NULL, "", false);
        }
        (void) snprintf(c->method, sizeof(c->method), "%s", req.method);
        c->log_target = strndup_or_null(req.target, FAULTD_LOG_FIELD_MAX + 1);
        c->log_range = strndup_or_null(req.range, FAULTD_LOG_FIELD_MAX + 1);
        c->log_if_range = strndup_or_null(req.if_range, FAULTD_LOG_FIELD_MAX + 1);
        if (!c->log_target || (req.range && !c->log_range) || (req.if_range && !c->log_if_range))
                return -ENOMEM;

        /* HTTP/1.0 keep-alive would need "Connection: keep-alive" echoed; 1.0 clients get close */
        c->close_after = req.connection_close || req.version_minor == 0;
        head_only = streq(req.method, "HEAD");
        if (!head_only && !streq(req.method, "GET")) {
                c->close_after = true;
                return conn_respond_text(c, 405, "faultd: only GET and HEAD\n", "Allow: GET, HEAD\r\n",
                                         NULL, "", false);
        }
        if (req.has_body) {
                c->close_after = true;
                return conn_respond_text(c, 400, "faultd: requests with a body are not supported\n", NULL,
                                         NULL, "", head_only);
        }

        /* origin-form "/p?q"; absolute-form "http://host/p" is cut to its path (RFC 9112 3.2.2) */
        target = req.target;
        if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
                target = strchr(strstr(target, "//") + 2, '/');
                if (!target)
                        target = "/";
        }
        if (target[0] != '/') {
                c->close_after = true;
                return conn_respond_text(c, 400, "faultd: bad request target\n", NULL, NULL, "", head_only);
        }
        raw_path = strndup(target, strcspn(target, "?#"));
        if (!raw_path)
                return -ENOMEM;
        query = strchr(target, '?');
        if (query) {
                /* "hop=N", written by redirect-chain; other queries are ignored */
                const char *h = strstr(query, "hop=");
                if (h && (h[-1] == '?' || h[-1] == '&'))
                        hop = strtoull(h + 4, NULL, 10);
        }

        /* refuse a way out of the root before anything else looks at the path */
        file = strdup(raw_path);
        if (!file)
                return -ENOMEM;
        if (http_percent_decode(file) < 0) {
                c->close_after = true;
                return conn_respond_text(c, 400, "faultd: bad %-escape\n", NULL, NULL, "", head_only);
        }
        if (http_path_escapes(file))
                return conn_respond_text(c, 403, "faultd: path leaves the root\n", NULL, NULL, "", head_only);
        file = mfree(file);

        raw_file = raw_path + 1;
        if (strncmp(raw_path, "/s/", 3) == 0) {
                const char *name = raw_path + 3, *slash = strchr(name, '/');
                size_t n = slash ? (size_t) (slash - name) : strlen(name);

                (void) snprintf(c->scenario, sizeof(c->scenario), "%.*s", (int) MIN(n, (size_t) SCENARIO_NAME_MAX), name);
                c->scenario[MIN(n, (size_t) SCENARIO_NAME_MAX)] = '\0';
                if (n > SCENARIO_NAME_MAX)
                        r = -EINVAL, (void) snprintf(why, sizeof(why), "scenario name too long");
                else
                        r = scenario_load(s->scenarios_fd, c->scenario, &scenario, why, sizeof(why));
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        fprintf(stderr, "faultd: %s\n", why);
                        (void) snprintf(text, sizeof(text), "faultd: %s\n", why);
                        return conn_respond_text(c, 599, text, NULL, NULL, "", head_only);
                }
                raw_file = slash ? slash + 1 : "";
        }
        file = strdup(raw_file);
        if (!file) {
                scenario_done(&scenario);
                return -ENOMEM;
        }
        if (http_percent_decode(file) < 0) {
                scenario_done(&scenario);
                c->close_after = true;
                return conn_respond_text(c, 400, "faultd: bad %-escape\n", NULL, NULL, raw_file, head_only);
        }
        if (c->scenario[0] && scenario_applies(&scenario, server_count(s, c->scenario, file)))
                fault = &scenario;
        c->fault = fault;

        /* faults that replace the file by another answer */
        if (fault && fault->status) {
                (void) snprintf(text, sizeof(text), "faultd: %d %s (scenario %s)\n", fault->status,
                                http_reason(fault->status), fault->name);
                r = conn_respond_text(c, fault->status, text, NULL, fault, raw_file, head_only);
                goto finish;
        }
        if (fault && (fault->redirect_loop || (fault->redirect_chain > 0 && hop < fault->redirect_chain) || fault->redirect)) {
                Buf loc = {};

                if (fault->redirect_loop)
                        r = buf_puts(&loc, target);      /* the same URL, for ever */
                else if (fault->redirect_chain > 0 && hop < fault->redirect_chain)
                        r = buf_printf(&loc, "%s?hop=%" PRIu64, raw_path, hop + 1);
                else
                        r = expand(&loc, fault->redirect, s, raw_file);
                if (r >= 0 && (strchr(loc.data, '\r') || strchr(loc.data, '\n')))
                        r = -EINVAL;
                if (r >= 0)
                        r = asprintf(&location, "Location: %s\r\n", loc.data) < 0 ? -ENOMEM : 0;
                buf_done(&loc);
                if (r == -ENOMEM)
                        goto finish;
                if (r < 0) {
                        r = conn_respond_text(c, 599, "faultd: bad redirect\n", NULL, NULL, raw_file, head_only);
                        goto finish;
                }
                (void) snprintf(text, sizeof(text), "faultd: redirect (scenario %s)\n", fault->name);
                r = conn_respond_text(c, fault->redirect_status, text, location, fault, raw_file, head_only);
                goto finish;
        }

        /* the file */
        while (file[0] == '/')
                memmove(file, file + 1, strlen(file));
        fd = file[0] ? openat(s->root_fd, file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) : -ENOENT;
        if (fd < 0 && file[0])
                fd = -errno;
        if (fd >= 0 && fstat(fd, &st) < 0)
                fd = -errno;
        if (fd < 0 || !S_ISREG(st.st_mode)) {
                int e = fd < 0 ? -fd : EISDIR;

                status = e == ENOENT || e == ENOTDIR ? 404 : e == EACCES || e == EPERM || e == ELOOP || e == EISDIR ? 403 : 500;
                (void) snprintf(text, sizeof(text), "faultd: %d %s\n", status, http_reason(status));
                r = conn_respond_text(c, status, text, NULL, fault, raw_file, head_only);
                goto finish;
        }

        size = (uint64_t) st.st_size;
        has_etag = !(fault && fault->no_etag);
        has_lm = !(fault && fault->no_last_modified);
        if (fault && fault->etag) {
                Buf e = {};
                r = expand(&e, fault->etag, s, raw_file);
                if (r < 0)
                        goto finish;
                (void) snprintf(etag, sizeof(etag), "%s", e.data);
                buf_done(&e);
        } else if (fault && fault->etag_changes)
                (void) snprintf(etag, sizeof(etag), "\"%" PRIx64 "-%llx%09ld-%" PRIx64 "\"", size,
                                (unsigned long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec, c->seq);
        else
                (void) snprintf(etag, sizeof(etag), "\"%" PRIx64 "-%llx%09ld\"", size,
                                (unsigned long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        (void) http_date(st.st_mtim.tv_sec + (fault && fault->etag_changes ? (time_t) c->seq : 0), lm);

        if (fault && (fault->ignore_range || fault->range_not_supported))
                ranges = false;
        if (req.range && ranges) {
                /* If-Range: strong comparison for an ETag, exact match for a date (RFC 9110 13.1.5) */
                bool if_range_ok = !req.if_range ||
                        (has_etag && req.if_range[0] == '"' && streq(req.if_range, etag)) ||
                        (has_lm && streq(req.if_range, lm)) ||
                        (fault && fault->if_range_ignored);

                if (if_range_ok)
                        switch (http_range_parse(req.range, size, &first, &last)) {
                        case HTTP_RANGE_OK:
                                status = 206;
                                break;
                        case HTTP_RANGE_UNSATISFIABLE:
                                (void) snprintf(extra, sizeof(extra), "Content-Range: bytes */%" PRIu64 "\r\n", size);
                                r = conn_respond_text(c, 416, "faultd: range not satisfiable\n", extra, fault,
                                                      raw_file, head_only);
                                goto finish;
                        case HTTP_RANGE_IGNORE:
                                break;
                        }
        }
        if (status == 200) {
                first = 0;
                last = size > 0 ? size - 1 : 0;
        }

        /* the file's response */
        c->status = status;
        c->writing = true;
        c->body_len = size == 0 ? 0 : last - first + 1;
        c->body_off = first;
        r = buf_printf(&c->out, "HTTP/1.1 %d %s\r\n", status, http_reason(status));
        if (r < 0)
                goto finish;
        if (fault && fault->cut_after != UINT64_MAX) {
                c->cut_after = fault->cut_after;
                c->close_after = true;
                c->close_reason = "cut";
        }
        if (fault && fault->wrong_content_length) {
                c->close_after = true;
                c->close_reason = "wrong-length";
        }
        r = head_common(c, fault, raw_file);
        if (r < 0)
                goto finish;
        r = buf_printf(&c->out, "Content-Type: application/octet-stream\r\nContent-Length: %" PRIu64 "\r\n",
                       fault && fault->wrong_content_length ? fault->wrong_content_length_value : c->body_len);
        if (r >= 0 && has_etag)
                r = buf_printf(&c->out, "ETag: %s\r\n", etag);
        if (r >= 0 && has_lm)
                r = buf_printf(&c->out, "Last-Modified: %s\r\n", lm);
        if (r >= 0 && !(fault && fault->range_not_supported))
                r = buf_puts(&c->out, "Accept-Ranges: bytes\r\n");
        if (r >= 0 && status == 206) {
                int64_t d = fault && fault->wrong_content_range ? fault->wrong_content_range_delta : 0;
                r = buf_printf(&c->out, "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64 "\r\n",
                               first + (uint64_t) d, last + (uint64_t) d, size);
        }
        if (r >= 0)
                r = buf_puts(&c->out, "\r\n");
        if (r < 0)
                goto finish;

        if (!head_only && c->body_len > 0) {
                c->body_fd = TAKE_FD(fd);
                if (fault && fault->stall_ms >= 0) {
                        c->stall = STALL_PENDING;
                        c->stall_ms = fault->stall_ms;
                        c->stall_after = fault->stall_after;
                        c->stall_then_close = fault->stall_then_close;
                }
                if (fault)
                        c->drip = fault->drip_bytes_per_sec;
        } else
                c->body_len = 0;
        r = 0;
finish:
        scenario_done(&scenario);
        return r;
}

/* Send what can be sent now. Returns 1 when the response is complete and the connection stays,
 * 0 when blocked or waiting, <0 when the connection must close (c->close_reason says why). */
static int conn_write(Conn *c) {
        for (;;) {
                int64_t now = now_ms();
                uint64_t want;
                ssize_t n;

                if (c->out_pos < c->out.len) {
                        n = send(c->fd, c->out.data + c->out_pos, c->out.len - c->out_pos, MSG_NOSIGNAL);
                        if (n < 0) {
                                if (errno == EINTR)
                                        continue;
                                if (errno == EAGAIN)
                                        return 0;
                                c->close_reason = "client-gone";
                                return -errno;
                        }
                        c->out_pos += (size_t) n;
                        c->bytes_sent += (uint64_t) n;
                        c->last_activity_ms = now;
                        continue;
                }

                if (c->body_sent >= c->body_len || c->body_sent >= c->cut_after) {
                        if (!c->close_after)
                                return 1;
                        if (!c->close_reason)
                                c->close_reason = "close";
                        return -ECONNABORTED;
                }
                if (c->body_start_ms == 0)
                        c->body_start_ms = now;

                want = MIN(c->body_len - c->body_sent, c->cut_after - c->body_sent);
                if (c->stall == STALL_PENDING) {
                        if (c->body_sent >= c->stall_after) {
                                c->stall = STALL_ACTIVE;
                                c->wake_ms = c->stall_ms == SCENARIO_STALL_FOREVER ? INT64_MAX : now + c->stall_ms;
                                return 0;
                        }
                        want = MIN(want, c->stall_after - c->body_sent);
                }
                if (c->drip > 0) {
                        /* allow rate × elapsed plus a 50 ms burst; sleep until the next burst */
                        uint64_t burst = MAX(c->drip / 20, 1);
                        unsigned __int128 allowed = (unsigned __int128) c->drip * (uint64_t) (now - c->body_start_ms) / 1000 + burst;

                        if (allowed <= c->body_sent) {
                                c->wake_ms = c->body_start_ms +
                                        (int64_t) ((unsigned __int128) (c->body_sent - burst) * 1000 / c->drip) + 1;
                                if (c->wake_ms <= now)
                                        c->wake_ms = now + 1;
                                return 0;
                        }
                        want = MIN(want, (uint64_t) MIN(allowed - c->body_sent, (unsigned __int128) UINT64_MAX));
                }
                want = MIN(want, (uint64_t) FAULTD_SEND_CHUNK);

                off_t off = (off_t) (c->body_off + c->body_sent);
                n = sendfile(c->fd, c->body_fd, &off, (size_t) want);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                return 0;
                        c->close_reason = "client-gone";
                        return -errno;
                }
                if (n == 0) {
                        c->close_reason = "file-shrank";
                        return -EIO;
                }
                c->body_sent += (uint64_t) n;
                c->bytes_sent += (uint64_t) n;
                c->last_activity_ms = now;
        }
}

/* Drive c as far as it goes: send, and parse the next buffered request when a response ends.
 * Returns 0, or <0 when c must be freed (c->close_reason says why). */
static int conn_run(Conn *c) {
        int r;

        for (;;) {
                size_t head_len;

                if (c->writing) {
                        if (c->wake_ms != 0)
                                return 0;
                        r = conn_write(c);
                        if (r <= 0)
                                return r;
                        conn_log(c, "ok");
                        conn_reset_response(c);
                        continue;
                }

                head_len = http_head_end(c->in, c->in_len);
                if (head_len == 0) {
                        if (c->in_len < sizeof(c->in))
                                return 0;       /* wait for more */
                        c->seq = ++c->server->n_requests;
                        c->close_after = true;
                        c->in_len = 0;
                        r = conn_respond_text(c, 431, "faultd: request head too large\n", NULL, NULL, "", false);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = conn_handle_request(c, head_len);
                if (r < 0) {
                        fprintf(stderr, "faultd: failed to build a response: %s\n", r == -ENOMEM ? "out of memory" : "error");
                        c->close_reason = "error";
                        return r;
                }
                /* the request head was copied where needed: drop it, keep what was pipelined */
                memmove(c->in, c->in + head_len, c->in_len - head_len);
                c->in_len -= head_len;
        }
}

static int conn_on_readable(Conn *c) {
        ssize_t n;

        n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        if (n == 0)
                return -ECONNRESET;
        c->in_len += (size_t) n;
        c->last_activity_ms = now_ms();
        return conn_run(c);
}

/* A timer of c fired: a stall ended or a drip may send again. */
static int conn_on_wake(Conn *c) {
        c->wake_ms = 0;
        if (c->stall == STALL_ACTIVE) {
                c->stall = STALL_DONE;
                if (c->stall_then_close) {
                        c->close_reason = "stall-close";
                        return -ECONNABORTED;
                }
        }
        return conn_run(c);
}

/* ---- the server ---- */

static int server_listen(Server *s, int family) {
        _cleanup_close_ int fd = -EBADF;
        union {
                struct sockaddr sa;
                struct sockaddr_in in;
                struct sockaddr_in6 in6;
        } a = {};
        socklen_t len;
        int one = 1;

        fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (family == AF_INET) {
                a.in = (struct sockaddr_in) {
                        .sin_family = AF_INET,
                        .sin_port = htons((uint16_t) s->port),
                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                };
                len = sizeof(a.in);
        } else {
                (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
                a.in6 = (struct sockaddr_in6) {
                        .sin6_family = AF_INET6,
                        .sin6_port = htons((uint16_t) s->port),
                        .sin6_addr = IN6ADDR_LOOPBACK_INIT,
                };
                len = sizeof(a.in6);
        }
        if (bind(fd, &a.sa, len) < 0 || listen(fd, 128) < 0)
                return -errno;
        if (s->port == 0) {
                len = sizeof(a);
                if (getsockname(fd, &a.sa, &len) < 0)
                        return -errno;
                s->port = ntohs(family == AF_INET ? a.in.sin_port : a.in6.sin6_port);
        }
        s->listen_fd[s->n_listen++] = TAKE_FD(fd);
        return 0;
}

/* Write the port to arg_port_file atomically: a test polling for the file never reads half. */
static int write_port_file(unsigned port) {
        _cleanup_free_ char *tmp = NULL;
        FILE *f;

        if (asprintf(&tmp, "%s.tmp.%d", arg_port_file, (int) getpid()) < 0)
                return -ENOMEM;
        f = fopen(tmp, "we");
        if (!f)
                return -errno;
        fprintf(f, "%u\n", port);
        if (fclose(f) != 0 || rename(tmp, arg_port_file) < 0) {
                int r = -errno;
                (void) unlink(tmp);
                return r;
        }
        return 0;
}

static void help(void) {
        printf("faultd --root DIR [--scenarios DIR] [--port N] [--port-file FILE] [--log FILE|-]\n"
               "       [--lifetime SECS] [--exit-with-parent] [--no-ipv6]\n\n"
               "A fault-injecting HTTP/1.1 file server for dosvc's tests (tests/faultd/README.md).\n"
               "  --root DIR          serve the files under DIR\n"
               "  --scenarios DIR     /s/<name>/<file> applies the scenario file DIR/<name>\n"
               "  --port N            listen on 127.0.0.1:N (and [::1]:N); 0 (default) picks a free port\n"
               "  --port-file FILE    write the port there once listening (removed on exit)\n"
               "  --log FILE|-        one line per request (append); - is stderr\n"
               "  --lifetime SECS     exit after SECS seconds even if nobody stops us\n"
               "  --exit-with-parent  exit when the parent process dies\n"
               "  --no-ipv6           do not listen on ::1\n");
}

static int parse_uint(const char *v, unsigned max, unsigned *ret) {
        unsigned long n;
        char *end;

        errno = 0;
        n = strtoul(v, &end, 10);
        if (errno != 0 || end == v || *end != '\0' || v[0] == '-' || n > max)
                return -EINVAL;
        *ret = (unsigned) n;
        return 0;
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_ROOT = 0x100, ARG_SCENARIOS, ARG_PORT, ARG_PORT_FILE, ARG_LOG, ARG_LIFETIME,
               ARG_EXIT_WITH_PARENT, ARG_NO_IPV6 };
        static const struct option options[] = {
                { "help",             no_argument,       NULL, 'h'                  },
                { "root",             required_argument, NULL, ARG_ROOT             },
                { "scenarios",        required_argument, NULL, ARG_SCENARIOS        },
                { "port",             required_argument, NULL, ARG_PORT             },
                { "port-file",        required_argument, NULL, ARG_PORT_FILE        },
                { "log",              required_argument, NULL, ARG_LOG              },
                { "lifetime",         required_argument, NULL, ARG_LIFETIME         },
                { "exit-with-parent", no_argument,       NULL, ARG_EXIT_WITH_PARENT },
                { "no-ipv6",          no_argument,       NULL, ARG_NO_IPV6          },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_ROOT:
                        arg_root = optarg;
                        break;
                case ARG_SCENARIOS:
                        arg_scenarios = optarg;
                        break;
                case ARG_PORT:
                        if (parse_uint(optarg, 65535, &arg_port) < 0) {
                                fprintf(stderr, "faultd: bad --port '%s'\n", optarg);
                                return -EINVAL;
                        }
                        break;
                case ARG_PORT_FILE:
                        arg_port_file = optarg;
                        break;
                case ARG_LOG:
                        arg_log = optarg;
                        break;
                case ARG_LIFETIME:
                        if (parse_uint(optarg, 365 * 24 * 3600, &arg_lifetime_sec) < 0) {
                                fprintf(stderr, "faultd: bad --lifetime '%s'\n", optarg);
                                return -EINVAL;
                        }
                        break;
                case ARG_EXIT_WITH_PARENT:
                        arg_exit_with_parent = true;
                        break;
                case ARG_NO_IPV6:
                        arg_ipv6 = false;
                        break;
                default:
                        return -EINVAL;
                }
        if (optind < argc) {
                fprintf(stderr, "faultd: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        if (!arg_root) {
                fprintf(stderr, "faultd: --root is required (see --help)\n");
                return -EINVAL;
        }
        return 1;
}

/* The poll() loop. Returns when SIGTERM/SIGINT arrives or the lifetime ends. */
static int server_run(Server *s) {
        struct pollfd pfd[1 + FAULTD_LISTEN_MAX + FAULTD_CONNECTIONS_MAX];
        Conn *polled[FAULTD_CONNECTIONS_MAX];
        int64_t deadline = arg_lifetime_sec > 0 ? now_ms() + (int64_t) arg_lifetime_sec * 1000 : INT64_MAX;

        for (;;) {
                int64_t now = now_ms(), next = deadline;
                unsigned n = 0, n_polled;
                int timeout, r;

                pfd[n++] = (struct pollfd) { .fd = s->signal_fd, .events = POLLIN };
                for (unsigned i = 0; i < s->n_listen; i++)
                        /* full: leave new connections in the backlog */
                        pfd[n++] = (struct pollfd) {
                                .fd = s->n_conns < FAULTD_CONNECTIONS_MAX ? s->listen_fd[i] : -1,
                                .events = POLLIN,
                        };
                n_polled = s->n_conns;
                for (unsigned i = 0; i < n_polled; i++) {
                        Conn *c = polled[i] = s->conns[i];
                        short ev;

                        if (c->writing && c->wake_ms != 0) {
                                ev = POLLRDHUP;  /* waiting: notice only the peer leaving */
                                next = MIN(next, c->wake_ms);
                        } else {
                                ev = c->writing ? POLLOUT : POLLIN;
                                next = MIN(next, c->last_activity_ms + FAULTD_IDLE_MS);
                        }
                        pfd[n++] = (struct pollfd) { .fd = c->fd, .events = ev };
                }
                timeout = next == INT64_MAX ? -1 : next <= now ? 0 : (int) MIN(next - now, (int64_t) 60000);

                r = poll(pfd, n, timeout);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        fprintf(stderr, "faultd: poll() failed: %m\n");
                        return -errno;
                }
                now = now_ms();

                if (pfd[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        if (read(s->signal_fd, &si, sizeof(si)) == (ssize_t) sizeof(si))
                                return 0;
                }
                if (now >= deadline) {
                        fprintf(stderr, "faultd: --lifetime %u s reached, exiting\n", arg_lifetime_sec);
                        return 0;
                }

                for (unsigned i = 0; i < n_polled; i++) {
                        Conn *c = polled[i];
                        short rev = pfd[1 + s->n_listen + i].revents;

                        if (rev & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL) && !(rev & (POLLIN | POLLOUT))) {
                                if (!c->close_reason)
                                        c->close_reason = "client-gone";
                                (void) conn_free(c, c->close_reason);
                                continue;
                        }
                        if (rev & POLLIN)
                                r = conn_on_readable(c);
                        else if (rev & POLLOUT)
                                r = conn_run(c);
                        else if (c->writing && c->wake_ms != 0 && c->wake_ms <= now)
                                r = conn_on_wake(c);
                        else if (!(c->writing && c->wake_ms != 0) && now - c->last_activity_ms >= FAULTD_IDLE_MS) {
                                c->close_reason = "idle-timeout";
                                r = -ETIMEDOUT;
                        } else
                                r = 0;
                        if (r < 0)
                                (void) conn_free(c, c->close_reason ?: "client-gone");
                }

                for (unsigned i = 0; i < s->n_listen; i++) {
                        if (!(pfd[1 + i].revents & POLLIN))
                                continue;
                        while (s->n_conns < FAULTD_CONNECTIONS_MAX) {
                                int fd = accept4(s->listen_fd[i], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                                if (fd < 0) {
                                        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                                                fprintf(stderr, "faultd: accept() failed, ignoring: %m\n");
                                        break;
                                }
                                if (conn_new(s, fd) < 0)
                                        fprintf(stderr, "faultd: out of memory, connection dropped\n");
                        }
                }
        }
}

int main(int argc, char *argv[]) {
        Server s = {
                .root_fd = -EBADF,
                .scenarios_fd = -EBADF,
                .signal_fd = -EBADF,
        };
        sigset_t mask;
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;

        if (arg_exit_with_parent) {
                /* SIGTERM, which the signalfd below turns into a clean exit */
                if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) {
                        fprintf(stderr, "faultd: prctl(PR_SET_PDEATHSIG) failed: %m\n");
                        return 1;
                }
                if (getppid() == 1)
                        return 0;       /* the parent died before prctl() */
        }

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return 1;
        (void) signal(SIGPIPE, SIG_IGN);
        s.signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (s.signal_fd < 0) {
                fprintf(stderr, "faultd: signalfd() failed: %m\n");
                return 1;
        }

        s.root_fd = open(arg_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (s.root_fd < 0) {
                fprintf(stderr, "faultd: cannot open --root '%s': %m\n", arg_root);
                return 1;
        }
        if (arg_scenarios) {
                s.scenarios_fd = open(arg_scenarios, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (s.scenarios_fd < 0) {
                        fprintf(stderr, "faultd: cannot open --scenarios '%s': %m\n", arg_scenarios);
                        return 1;
                }
        }
        if (arg_log) {
                s.log = streq(arg_log, "-") ? stderr : fopen(arg_log, "ae");
                if (!s.log) {
                        fprintf(stderr, "faultd: cannot open --log '%s': %m\n", arg_log);
                        return 1;
                }
        }
        if (arg_port_file)
                (void) unlink(arg_port_file);   /* never let a test read a previous run's port */

        s.port = arg_port;
        r = server_listen(&s, AF_INET);
        if (r < 0) {
                errno = -r;
                fprintf(stderr, "faultd: cannot listen on 127.0.0.1:%u: %m\n", arg_port);
                return 1;
        }
        if (arg_ipv6) {
                r = server_listen(&s, AF_INET6);
                if (r < 0 && r != -EADDRNOTAVAIL && r != -EAFNOSUPPORT) {
                        errno = -r;
                        fprintf(stderr, "faultd: cannot listen on [::1]:%u, ignoring: %m\n", s.port);
                }
        }
        if (arg_port_file) {
                r = write_port_file(s.port);
                if (r < 0) {
                        errno = -r;
                        fprintf(stderr, "faultd: cannot write --port-file '%s': %m\n", arg_port_file);
                        return 1;
                }
        }

        r = server_run(&s);

        while (s.n_conns > 0)
                (void) conn_free(s.conns[s.n_conns - 1], "shutdown");
        for (unsigned i = 0; i < s.n_counters; i++)
                free(s.counters[i].key);
        for (unsigned i = 0; i < s.n_listen; i++)
                (void) close(s.listen_fd[i]);
        if (arg_port_file)
                (void) unlink(arg_port_file);
        if (s.log && s.log != stderr)
                (void) fclose(s.log);
        (void) safe_close(s.root_fd);
        (void) safe_close(s.scenarios_fd);
        (void) safe_close(s.signal_fd);
        return r < 0 ? 1 : 0;
}
