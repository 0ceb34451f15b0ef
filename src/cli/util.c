/* util.c: doadmin's pure helpers (see util.h): GUID parsing and formatting, absolute paths, human sizes
 * and durations, FILETIME conversion, and the release functions used with _cleanup_().
 *
 * GUIDs are parsed by hand rather than through libuuid: a GUID's first three fields are integers
 * (Data1, Data2, Data3), and the text form prints them as numbers, so the byte order differs from a
 * uuid_t; doing it here keeps that rule in one place. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guid-util.h"
#include "util.h"

int guid_from_string(const char *s, GUID *ret) {
        char dashed[37];
        uint8_t b[16];
        int r;

        if (!s || !ret)
                return -EINVAL;
        /* doadmin also takes the 32 bare hex digits of a job's D-Bus object path. */
        if (strlen(s) == 32 && strspn(s, "0123456789abcdefABCDEF") == 32) {
                (void) snprintf(dashed, sizeof dashed, "%.8s-%.4s-%.4s-%.4s-%.12s", s, s + 8, s + 12, s + 16, s + 20);
                s = dashed;
        }
        r = guid_text_parse(s, b);
        if (r < 0)
                return r;
        guid_from_text_bytes(b, ret);
        return 0;
}

const char *guid_to_string(const GUID *g, char buf[static GUID_STRING_MAX]) {
        uint8_t b[16];

        guid_to_text_bytes(g, b);
        return guid_text_format(b, buf);
}

/* 100 ns intervals between 1601-01-01 and 1970-01-01 (both UTC). */
#define FILETIME_UNIX_EPOCH UINT64_C(116444736000000000)
#define FILETIME_PER_SEC UINT64_C(10000000)

int path_make_absolute_cwd(const char *p, char **ret) {
        char *cwd = NULL, *joined = NULL, *out;
        const char *in;
        size_t n;

        if (!p || !*p)
                return -EINVAL;

        if (p[0] == '/') {
                joined = strdup(p);
                if (!joined)
                        return -ENOMEM;
        } else {
                cwd = getcwd(NULL, 0);
                if (!cwd)
                        return -errno;
                if (asprintf(&joined, "%s/%s", cwd, p) < 0) {
                        free(cwd);
                        return -ENOMEM;
                }
                free(cwd);
        }

        /* Simplify in place: the output never outgrows the input. */
        in = joined;
        out = joined;
        while (*in) {
                if (*in == '/') {
                        /* Collapse runs of slashes and drop "." components. */
                        while (in[0] == '/' && (in[1] == '/' || (in[1] == '.' && (in[2] == '/' || in[2] == '\0'))))
                                in += in[1] == '/' ? 1 : 2;
                        if (*in == '\0') /* the path ended in "/." */
                                break;
                }
                *out++ = *in++;
        }
        *out = '\0';

        /* A trailing slash is kept: it names a directory, and the daemon refuses that with a clear
         * E_INVALIDARG. Only a path made of "/" and "." alone can end up empty: it is the root. */
        n = strlen(joined);
        if (n == 0) {
                joined[0] = '/';
                joined[1] = '\0';
        }

        *ret = joined;
        return 0;
}

const char *format_bytes(char buf[static FORMAT_BYTES_MAX], uint64_t n) {
        static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        double v = (double) n;
        size_t u = 0;

        if (n < 1024) {
                (void) snprintf(buf, FORMAT_BYTES_MAX, "%u B", (unsigned) n);
                return buf;
        }
        v /= 1024.0;
        while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
                v /= 1024.0;
                u++;
        }
        (void) snprintf(buf, FORMAT_BYTES_MAX, v < 10.0 ? "%.2f %s" : v < 100.0 ? "%.1f %s" : "%.0f %s",
                        v, units[u]);
        return buf;
}

const char *format_duration(char buf[static FORMAT_DURATION_MAX], uint64_t seconds) {
        if (seconds == UINT64_MAX)
                (void) snprintf(buf, FORMAT_DURATION_MAX, "--:--");
        else if (seconds < 3600)
                (void) snprintf(buf, FORMAT_DURATION_MAX, "%u:%02u",
                                (unsigned) (seconds / 60), (unsigned) (seconds % 60));
        else
                (void) snprintf(buf, FORMAT_DURATION_MAX, "%llu:%02u:%02u",
                                (unsigned long long) (seconds / 3600),
                                (unsigned) (seconds / 60 % 60), (unsigned) (seconds % 60));
        return buf;
}

uint64_t filetime_to_u64(const FILETIME *ft) {
        return (uint64_t) ft->dwHighDateTime << 32 | ft->dwLowDateTime;
}

int filetime_to_iso8601(const FILETIME *ft, char buf[static FORMAT_ISO8601_MAX]) {
        uint64_t v = filetime_to_u64(ft);
        struct tm tm;
        time_t t;

        if (v == 0)
                return -ENODATA;
        if (v < FILETIME_UNIX_EPOCH)
                return -ERANGE;
        v = (v - FILETIME_UNIX_EPOCH) / FILETIME_PER_SEC;
        if (v > (uint64_t) INT32_MAX * 1024) /* far beyond any real date; keeps time_t and tm_year safe */
                return -ERANGE;
        t = (time_t) v;
        if (!gmtime_r(&t, &tm))
                return -ERANGE;
        if (strftime(buf, FORMAT_ISO8601_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                return -ERANGE;
        return 0;
}

const char *error_context_to_string(BG_ERROR_CONTEXT context) {
        static const char *const names[] = {
                [BG_ERROR_CONTEXT_NONE] = "NONE",
                [BG_ERROR_CONTEXT_UNKNOWN] = "UNKNOWN",
                [BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER] = "GENERAL_QUEUE_MANAGER",
                [BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION] = "QUEUE_MANAGER_NOTIFICATION",
                [BG_ERROR_CONTEXT_LOCAL_FILE] = "LOCAL_FILE",
                [BG_ERROR_CONTEXT_REMOTE_FILE] = "REMOTE_FILE",
                [BG_ERROR_CONTEXT_GENERAL_TRANSPORT] = "GENERAL_TRANSPORT",
                [BG_ERROR_CONTEXT_REMOTE_APPLICATION] = "REMOTE_APPLICATION",
        };

        if ((unsigned) context >= sizeof(names) / sizeof(names[0]) || !names[context])
                return "UNKNOWN_CONTEXT";
        return names[context];
}

const char *owner_user_name(const char *owner, char buf[static USER_NAME_MAX]) {
        struct passwd pw, *result = NULL;
        char pwbuf[4096];
        unsigned long uid;
        char *end = NULL;

        if (!owner || *owner < '0' || *owner > '9')
                return NULL;
        errno = 0;
        uid = strtoul(owner, &end, 10);
        if (errno != 0 || *end != '\0' || uid > UINT32_MAX)
                return NULL;
        if (getpwuid_r((uid_t) uid, &pw, pwbuf, sizeof(pwbuf), &result) != 0 || !result)
                return NULL;
        if (snprintf(buf, USER_NAME_MAX, "%s", pw.pw_name) >= (int) USER_NAME_MAX)
                return NULL;
        return buf;
}

int progress_percent(uint64_t done, uint64_t total) {
        if (total == BG_SIZE_UNKNOWN)
                return -1;
        if (total == 0 || done >= total)
                return 100;
        /* done < total here, so this cannot reach 100 before the last byte. */
        return (int) ((long double) done * 100 / total);
}

void manager_releasep(IBackgroundCopyManager **p) {
        if (*p)
                IBackgroundCopyManager_Release(*p);
}

void job_releasep(IBackgroundCopyJob **p) {
        if (*p)
                IBackgroundCopyJob_Release(*p);
}

void enum_jobs_releasep(IEnumBackgroundCopyJobs **p) {
        if (*p)
                IEnumBackgroundCopyJobs_Release(*p);
}

void enum_files_releasep(IEnumBackgroundCopyFiles **p) {
        if (*p)
                IEnumBackgroundCopyFiles_Release(*p);
}

void file_releasep(IBackgroundCopyFile **p) {
        if (*p)
                IBackgroundCopyFile_Release(*p);
}

void error_releasep(IBackgroundCopyError **p) {
        if (*p)
                IBackgroundCopyError_Release(*p);
}

void co_task_mem_freep(char **p) {
        CoTaskMemFree(*p);
}
