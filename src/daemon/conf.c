/* conf.c: dosvc.conf, the daemon's configuration file (format and keys: conf.h, data/dosvc.conf).
 *
 * The parser works on a bounded buffer (CONF_FILE_MAX) line by line, never allocates in proportion
 * to its input beyond one copy of the file, and changes the caller's Limits only when the whole
 * file parsed: a bad file leaves the defaults untouched and the daemon refuses to start. */
#include <errno.h>
#include <sys/stat.h>
#include <pwd.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "conf.h"
#include "log.h"
#include "macro.h"

#ifndef DOSVC_SYSCONFDIR
#define DOSVC_SYSCONFDIR "/etc"
#endif

typedef struct ConfKey {
        const char *name;
        size_t offset;                     /* in Limits */
        bool is_u64;                       /* uint64_t, else unsigned */
        uint64_t min, max;
} ConfKey;

#define KEY_U(n, field, lo, hi) { n, offsetof(Limits, field), false, (lo), (hi) }
#define KEY_T(n, field, lo, hi) { n, offsetof(Limits, field), true, (lo), (hi) }

static const ConfKey conf_keys[] = {
        KEY_U("MaxJobsPerUser", max_jobs_per_user, 1, LIMIT_JOBS_CEILING),
        KEY_U("MaxJobsPerMachine", max_jobs_per_machine, 1, LIMIT_JOBS_CEILING),
        KEY_U("MaxFilesPerJob", max_files_per_job, 1, LIMIT_FILES_PER_JOB_CEILING),
        KEY_U("MaxRangesPerFile", max_ranges_per_file, 1, LIMIT_RANGES_PER_FILE_CEILING),
        KEY_U("MaxUrlLength", max_url_length, 16, LIMIT_STRING_CEILING),
        KEY_U("MaxDisplayNameLength", max_display_name_length, 1, LIMIT_STRING_CEILING),
        KEY_U("MaxDescriptionLength", max_description_length, 0, LIMIT_STRING_CEILING),
        KEY_U("MaxLocalPathLength", max_local_path_length, 2, LIMIT_LOCAL_PATH_CEILING),
        KEY_T("MaxResponseHeaderBytes", max_response_header_bytes, 1024, 16u * 1024u * 1024u),
        KEY_T("MaxResponseBytes", max_response_bytes, 0, (uint64_t) INT64_MAX),
        KEY_U("MaxRedirects", max_redirects, 0, 100),
        KEY_U("MaxConnections", max_connections, 1, 4096),
        KEY_U("MaxBackgroundTransfers", max_background_transfers, 1, 4096),
        KEY_U("MaxNotificationsPerUser", max_notifications_per_user, 1, 1024),
};

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims blanks at both ends of [*b, *e). */
static void trim(const char **b, const char **e) {
        while (*b < *e && is_blank(**b))
                (*b)++;
        while (*e > *b && is_blank((*e)[-1]))
                (*e)--;
}

static bool span_eq(const char *b, const char *e, const char *s) {
        size_t n = strlen(s);
        return (size_t) (e - b) == n && memcmp(b, s, n) == 0;
}

/* Decimal digits only, no sign or prefix, within [min, max]. */
static int parse_u64(const char *b, const char *e, uint64_t min, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;

        if (b == e)
                return -EINVAL;
        for (const char *p = b; p < e; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                if (v > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t) (*p - '0');
        }
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

static int fail(char **ret_error, const char *filename, unsigned line, const char *format, ...)
        __attribute__((format(printf, 4, 5)));

static int fail(char **ret_error, const char *filename, unsigned line, const char *format, ...) {
        _cleanup_free_ char *why = NULL;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&why, format, ap);
        va_end(ap);
        if (r < 0) {
                why = NULL;
                *ret_error = NULL;
                return -ENOMEM;
        }
        if (line > 0)
                r = asprintf(ret_error, "%s:%u: %s", filename, line, why);
        else
                r = asprintf(ret_error, "%s: %s", filename, why);
        if (r < 0) {
                *ret_error = NULL;
                return -ENOMEM;
        }
        return -EINVAL;
}

int conf_parse(const char *text, size_t size, const char *filename, Limits *limits, char **ret_error) {
        Limits l = *limits;
        bool in_section = false, in_limits = false;
        const char *p = text, *end = text + size;
        unsigned line = 0;

        *ret_error = NULL;
        filename = filename ?: "(config)";
        if (size > CONF_FILE_MAX)
                return fail(ret_error, filename, 0, "file larger than %u bytes.", CONF_FILE_MAX);
        if (memchr(text, '\0', size))
                return fail(ret_error, filename, 0, "file contains a NUL byte.");

        while (p < end) {
                const char *eol = memchr(p, '\n', (size_t) (end - p)) ?: end;
                const char *b = p, *e = eol, *eq, *kb, *ke, *vb, *ve;
                const ConfKey *key = NULL;
                uint64_t v;
                int r;

                p = eol < end ? eol + 1 : end;
                line++;
                if ((size_t) (e - b) > CONF_LINE_MAX)
                        return fail(ret_error, filename, line, "line longer than %u bytes.", CONF_LINE_MAX);
                trim(&b, &e);
                if (b == e || *b == '#' || *b == ';')
                        continue;

                if (*b == '[') {
                        if (e[-1] != ']' || e - b < 3)
                                return fail(ret_error, filename, line, "malformed section header '%.*s'.",
                                            (int) (e - b), b);
                        in_section = true;
                        in_limits = span_eq(b + 1, e - 1, "Limits");
                        if (!in_limits)
                                log_warning("%s:%u: unknown section '%.*s', ignoring its keys.", filename, line,
                                            (int) (e - b), b);
                        continue;
                }

                eq = memchr(b, '=', (size_t) (e - b));
                if (!eq)
                        return fail(ret_error, filename, line, "expected 'Key = Value', got '%.*s'.",
                                    (int) (e - b), b);
                kb = b;
                ke = eq;
                vb = eq + 1;
                ve = e;
                trim(&kb, &ke);
                trim(&vb, &ve);
                if (kb == ke)
                        return fail(ret_error, filename, line, "missing key name before '='.");
                if (!in_section)
                        return fail(ret_error, filename, line, "key '%.*s' outside a section (expected [Limits] first).",
                                    (int) (ke - kb), kb);
                if (!in_limits)
                        continue;

                for (size_t i = 0; i < ELEMENTSOF(conf_keys); i++)
                        if (span_eq(kb, ke, conf_keys[i].name)) {
                                key = &conf_keys[i];
                                break;
                        }
                if (!key) {
                        log_warning("%s:%u: unknown key '%.*s' in [Limits], ignoring.", filename, line,
                                    (int) (ke - kb), kb);
                        continue;
                }

                r = parse_u64(vb, ve, key->min, key->max, &v);
                if (r < 0)
                        return fail(ret_error, filename, line,
                                    "invalid value '%.*s' for %s: expected a decimal integer from %llu to %llu.",
                                    (int) (ve - vb), vb, key->name, (unsigned long long) key->min,
                                    (unsigned long long) key->max);
                if (key->is_u64)
                        *(uint64_t *) ((char *) &l + key->offset) = v;
                else
                        *(unsigned *) ((char *) &l + key->offset) = (unsigned) v;
        }

        *limits = l;
        return 0;
}

/* The per-user config lives in the home of the user the daemon runs as: $HOME unless it is a
 * directory of another user (a daemon started by `setpriv`/`su` from root may inherit
 * HOME=/root, which it cannot read), else the passwd entry's. */
static const char *user_home(void) {
        const char *e = getenv("HOME");
        struct passwd *pw;
        struct stat st;

        if (e && e[0] == '/' && (stat(e, &st) < 0 || st.st_uid == geteuid()))
                return e;
        pw = getpwuid(geteuid());
        return pw ? pw->pw_dir : NULL;
}

int conf_path(bool system_mode, char **ret) {
        const char *e = getenv("DOSVC_CONFIG");
        char *p;

        if (e && e[0])
                p = strdup(e);
        else if (system_mode)
                p = strdup(DOSVC_SYSCONFDIR "/dosvc/dosvc.conf");
        else if ((e = getenv("XDG_CONFIG_HOME")) && e[0] == '/') {
                if (asprintf(&p, "%s/dosvc/dosvc.conf", e) < 0)
                        p = NULL;
        } else if ((e = user_home()) && e[0] == '/') {
                if (asprintf(&p, "%s/.config/dosvc/dosvc.conf", e) < 0)
                        p = NULL;
        } else
                return -ENXIO;  /* no home: nothing to read, the defaults apply */
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

int conf_load(const char *path, Limits *ret) {
        _cleanup_free_ char *buf = NULL, *error = NULL;
        _cleanup_close_ int fd = -EBADF;
        Limits l = LIMITS_DEFAULT;
        size_t size = 0;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                struct stat st;

                if (errno == ENOENT || errno == ENOTDIR) {
                        log_debug("No configuration file '%s', using the defaults.", path);
                        *ret = l;
                        return 0;
                }
                /* A folder we may not enter (a per-user daemon started with another user's $HOME):
                 * we cannot tell whether a file is there, and the defaults are the safe values. A
                 * file we can see but not read is the administrator's mistake: refuse. */
                if (errno == EACCES && stat(path, &st) < 0 && errno == EACCES) {
                        log_warning("Cannot look into the folder of '%s', using the default limits.", path);
                        *ret = l;
                        return 0;
                }
                return log_error_errno(errno, "Failed to open configuration file '%s': %m", path);
        }
        /* One byte more than allowed, to tell "too large" from "just fits". */
        buf = malloc(CONF_FILE_MAX + 1);
        if (!buf)
                return log_oom();
        for (;;) {
                ssize_t n = read(fd, buf + size, CONF_FILE_MAX + 1 - size);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(errno, "Failed to read configuration file '%s': %m", path);
                }
                if (n == 0)
                        break;
                size += (size_t) n;
                if (size > CONF_FILE_MAX)
                        break;
        }

        r = conf_parse(buf, size, path, &l, &error);
        if (r < 0) {
                if (error)
                        log_error("Bad configuration: %s", error);
                return r == -ENOMEM ? log_oom() : r;
        }
        log_debug("Configuration read from '%s'.", path);
        *ret = l;
        return 0;
}
