/* scenario.c: parse one faultd scenario file (see scenario.h, README.md).
 *
 * Format, one directive per line:
 *     # a comment (only at the start of a line: URLs may hold '#')
 *     key
 *     key value…
 * Blank lines are ignored. Numbers are decimal, optionally followed by k, m or g (×1024, ×1024²,
 * ×1024³). Durations are seconds with an optional fraction ("0.5") or "forever". A value runs to
 * the end of the line, so "retry-after Wed, 21 Oct 2015 07:28:00 GMT" keeps its spaces. An unknown
 * key or a bad value fails the whole file: a typo must not make a test silently pass.
 * Substitutions (@PORT@, @FILE@, @NOW+N@) are left in the strings; faultd.c expands them per
 * request. Limits: SCENARIO_FILE_MAX bytes, SCENARIO_HEADERS_MAX "header" lines. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "scenario.h"

bool scenario_name_valid(const char *name) {
        size_t n = strlen(name);

        if (n == 0 || n > SCENARIO_NAME_MAX || name[0] == '.')
                return false;
        for (const char *c = name; *c; c++)
                if (!isalnum((unsigned char) *c) && *c != '.' && *c != '_' && *c != '-')
                        return false;
        return true;
}

void scenario_done(Scenario *s) {
        free(s->retry_after);
        free(s->etag);
        free(s->redirect);
        for (unsigned i = 0; i < s->n_headers; i++)
                free(s->headers[i]);
        *s = (Scenario) {};
}

static int parse_size(const char *v, uint64_t *ret) {
        unsigned long long n;
        uint64_t mult = 1;
        char *end;

        if (!isdigit((unsigned char) v[0]))
                return -EINVAL;
        errno = 0;
        n = strtoull(v, &end, 10);
        if (errno != 0)
                return -EINVAL;
        switch (*end) {
        case 'k': case 'K': mult = 1024; end++; break;
        case 'm': case 'M': mult = 1024 * 1024; end++; break;
        case 'g': case 'G': mult = 1024 * 1024 * 1024; end++; break;
        default: break;
        }
        if (*end != '\0' || n > UINT64_MAX / mult)
                return -EINVAL;
        *ret = (uint64_t) n * mult;
        return 0;
}

static int parse_seconds_ms(const char *v, int64_t *ret) {
        double d;
        char *end;

        if (strcmp(v, "forever") == 0) {
                *ret = SCENARIO_STALL_FOREVER;
                return 0;
        }
        if (!isdigit((unsigned char) v[0]))
                return -EINVAL;
        errno = 0;
        d = strtod(v, &end);
        if (errno != 0 || *end != '\0' || !isfinite(d) || d < 0 || d > 1e9)
                return -EINVAL;
        *ret = (int64_t) llround(d * 1000.0);
        return 0;
}

static int parse_status(const char *v, int *ret) {
        uint64_t n;

        if (parse_size(v, &n) < 0 || n < 100 || n > 999 || !isdigit((unsigned char) v[strlen(v) - 1]))
                return -EINVAL;
        *ret = (int) n;
        return 0;
}

static int set_string(char **dst, const char *v) {
        char *c;

        if (v[0] == '\0')
                return -EINVAL;
        c = strdup(v);
        if (!c)
                return -ENOMEM;
        free(*dst);
        *dst = c;
        return 0;
}

/* Apply one "key value" line. Returns 0, -EINVAL (bad value), -ENOENT (unknown key), -ENOMEM. */
static int scenario_apply(Scenario *s, const char *key, const char *v) {
        bool has_value = v[0] != '\0';
        int r;

#define FLAG(k, field)                                    \
        if (strcmp(key, k) == 0) {                        \
                if (has_value)                            \
                        return -EINVAL;                   \
                s->field = true;                          \
                return 0;                                 \
        }
        FLAG("ignore-range", ignore_range);
        FLAG("range-not-supported", range_not_supported);
        FLAG("etag-changes", etag_changes);
        FLAG("if-range-ignored", if_range_ignored);
        FLAG("no-etag", no_etag);
        FLAG("no-last-modified", no_last_modified);
        FLAG("redirect-loop", redirect_loop);
#undef FLAG

        if (strcmp(key, "cut-after") == 0)
                return parse_size(v, &s->cut_after);
        if (strcmp(key, "stall-after") == 0)
                return parse_size(v, &s->stall_after);
        if (strcmp(key, "drip") == 0) {
                r = parse_size(v, &s->drip_bytes_per_sec);
                return r < 0 ? r : s->drip_bytes_per_sec == 0 ? -EINVAL : 0;
        }
        if (strcmp(key, "first-n-requests") == 0)
                return parse_size(v, &s->first_n_requests);
        if (strcmp(key, "every-nth") == 0)
                return parse_size(v, &s->every_nth);
        if (strcmp(key, "oversized-headers") == 0) {
                r = parse_size(v, &s->oversized_headers);
                return r < 0 ? r : s->oversized_headers > SCENARIO_OVERSIZED_MAX ? -EINVAL : 0;
        }
        if (strcmp(key, "wrong-content-length") == 0) {
                s->wrong_content_length = true;
                return parse_size(v, &s->wrong_content_length_value);
        }
        if (strcmp(key, "wrong-content-range") == 0) {
                uint64_t d = 1000;
                if (has_value) {
                        r = parse_size(v, &d);
                        if (r < 0 || d == 0 || d > INT64_MAX)
                                return -EINVAL;
                }
                s->wrong_content_range = true;
                s->wrong_content_range_delta = (int64_t) d;
                return 0;
        }
        if (strcmp(key, "stall") == 0) {
                /* "stall T" or "stall T then close" */
                char t[64];
                const char *rest = strchr(v, ' ');
                size_t n = rest ? (size_t) (rest - v) : strlen(v);

                if (n == 0 || n >= sizeof(t))
                        return -EINVAL;
                memcpy(t, v, n);
                t[n] = '\0';
                if (rest) {
                        while (*rest == ' ' || *rest == '\t')
                                rest++;
                        if (strcmp(rest, "then close") != 0)
                                return -EINVAL;
                        s->stall_then_close = true;
                }
                return parse_seconds_ms(t, &s->stall_ms);
        }
        if (strcmp(key, "stall-then-close") == 0) {
                if (has_value)
                        return -EINVAL;
                s->stall_then_close = true;
                return 0;
        }
        if (strcmp(key, "status") == 0)
                return parse_status(v, &s->status);
        if (strcmp(key, "redirect-status") == 0) {
                r = parse_status(v, &s->redirect_status);
                return r < 0 ? r : s->redirect_status / 100 == 3 ? 0 : -EINVAL;
        }
        if (strcmp(key, "redirect-chain") == 0) {
                uint64_t n;
                r = parse_size(v, &n);
                if (r < 0 || n == 0 || n > 1000)
                        return -EINVAL;
                s->redirect_chain = (unsigned) n;
                return 0;
        }
        if (strcmp(key, "retry-after") == 0)
                return set_string(&s->retry_after, v);
        if (strcmp(key, "etag") == 0)
                return set_string(&s->etag, v);
        if (strcmp(key, "redirect") == 0)
                return set_string(&s->redirect, v);
        if (strcmp(key, "header") == 0) {
                const char *colon = strchr(v, ':');
                if (!colon || colon == v || s->n_headers >= SCENARIO_HEADERS_MAX)
                        return -EINVAL;
                s->headers[s->n_headers] = NULL;
                r = set_string(&s->headers[s->n_headers], v);
                if (r < 0)
                        return r;
                s->n_headers++;
                return 0;
        }
        return -ENOENT;
}

__attribute__((format(printf, 3, 4)))
static void why(char *buf, size_t size, const char *fmt, ...) {
        va_list ap;

        if (!buf || size == 0)
                return;
        va_start(ap, fmt);
        (void) vsnprintf(buf, size, fmt, ap);
        va_end(ap);
}

int scenario_load(int dirfd, const char *name, Scenario *ret, char *reterr_why, size_t why_size) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *text = NULL;
        Scenario s = {
                .cut_after = UINT64_MAX,
                .stall_ms = -1,
                .redirect_status = 302,
        };
        size_t len = 0;
        unsigned lineno = 0;
        char *p;
        int r;

        if (!scenario_name_valid(name)) {
                why(reterr_why, why_size, "invalid scenario name");
                return -EINVAL;
        }
        if (dirfd < 0) {
                why(reterr_why, why_size, "no --scenarios directory");
                return -ENOENT;
        }
        fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
                r = -errno;
                why(reterr_why, why_size, "cannot open scenario '%s': %m", name);
                return r;
        }
        text = malloc(SCENARIO_FILE_MAX + 1);
        if (!text)
                return -ENOMEM;
        for (;;) {
                ssize_t n = read(fd, text + len, SCENARIO_FILE_MAX + 1 - len);
                if (n < 0) {
                        r = -errno;
                        why(reterr_why, why_size, "cannot read scenario '%s': %m", name);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > SCENARIO_FILE_MAX) {
                        why(reterr_why, why_size, "scenario '%s' is larger than %d bytes", name, SCENARIO_FILE_MAX);
                        return -EFBIG;
                }
        }
        text[len] = '\0';
        if (memchr(text, '\0', len)) {
                why(reterr_why, why_size, "scenario '%s' holds a NUL byte", name);
                return -EBADMSG;
        }

        (void) snprintf(s.name, sizeof(s.name), "%s", name);
        p = text;
        while (*p) {
                char *line = p, *nl = strchr(p, '\n'), *key, *value, *e;

                lineno++;
                if (nl) {
                        *nl = '\0';
                        p = nl + 1;
                } else
                        p += strlen(p);

                while (*line == ' ' || *line == '\t')
                        line++;
                e = line + strlen(line);
                while (e > line && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                        *--e = '\0';
                if (line[0] == '\0' || line[0] == '#')
                        continue;

                key = line;
                value = key + strcspn(key, " \t");
                if (*value) {
                        *value++ = '\0';
                        while (*value == ' ' || *value == '\t')
                                value++;
                }
                r = scenario_apply(&s, key, value);
                if (r == -ENOMEM) {
                        scenario_done(&s);
                        return r;
                }
                if (r < 0) {
                        why(reterr_why, why_size, "%s:%u: %s '%s'", name, lineno,
                            r == -ENOENT ? "unknown key" : "bad value for", key);
                        scenario_done(&s);
                        return -EBADMSG;
                }
        }

        *ret = s;
        return 0;
}

bool scenario_applies(const Scenario *s, uint64_t count) {
        if (s->first_n_requests > 0 && count > s->first_n_requests)
                return false;
        if (s->every_nth > 0 && count % s->every_nth != 0)
                return false;
        return true;
}
