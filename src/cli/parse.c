/* parse.c: doadmin's value parsers and the string tables that print them back (see parse.h).
 *
 * Numbers are parsed by hand rather than with strtoull(): it skips blanks, takes a sign ("-1" would
 * wrap to UINT64_MAX) and, with base 0, reads "010" as octal; none of that belongs on a command line
 * that sets a timeout. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "parse.h"

#define USEC_PER_SEC UINT64_C(1000000)

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

/* Reads decimal digits from *p (at least one) into *ret, advancing *p past them. */
static int read_u64(const char **p, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;

        if (!is_digit(*s))
                return -EINVAL;
        for (; is_digit(*s); s++) {
                unsigned d = (unsigned) (*s - '0');

                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *p = s;
        *ret = v;
        return 0;
}

int parse_u64(const char *s, uint64_t *ret) {
        uint64_t v;
        int r;

        if (!s)
                return -EINVAL;
        r = read_u64(&s, &v);
        if (r < 0)
                return r;
        if (*s != '\0')
                return -EINVAL;
        *ret = v;
        return 0;
}

/* The multiplier in microseconds of a unit suffix, 0 when unknown. "" is seconds. */
static uint64_t unit_usec(const char *u) {
        static const struct {
                const char *name;
                uint64_t usec;
        } units[] = {
                { "",   USEC_PER_SEC },
                { "ms", USEC_PER_SEC / 1000 },
                { "s",  USEC_PER_SEC },
                { "m",  60 * USEC_PER_SEC },
                { "h",  3600 * USEC_PER_SEC },
                { "d",  86400 * USEC_PER_SEC },
        };

        for (size_t k = 0; k < ELEMENTSOF(units); k++)
                if (strcmp(u, units[k].name) == 0)
                        return units[k].usec;
        return 0;
}

int parse_timeout_usec(const char *s, uint64_t *ret) {
        uint64_t whole, frac = 0, scale = USEC_PER_SEC, unit, v;
        unsigned n_frac = 0;
        int r;

        if (!s)
                return -EINVAL;
        r = read_u64(&s, &whole);
        if (r < 0)
                return r;
        if (*s == '.') {
                s++;
                if (!is_digit(*s))
                        return -EINVAL;
                /* frac is in millionths; digits beyond the sixth must be zero-ish: refuse them. */
                for (; is_digit(*s); s++) {
                        if (++n_frac > 6)
                                return -EINVAL;
                        scale /= 10;
                        frac += (uint64_t) (*s - '0') * scale;
                }
        }
        unit = unit_usec(s);
        if (unit == 0)
                return -EINVAL;

        /* whole * unit + frac * unit / 1e6, checking each step. */
        if (whole > UINT64_MAX / unit)
                return -ERANGE;
        v = whole * unit;
        if (frac > 0) {
                uint64_t f = unit >= USEC_PER_SEC ? frac * (unit / USEC_PER_SEC) : frac / (USEC_PER_SEC / unit);

                if (v > UINT64_MAX - f)
                        return -ERANGE;
                v += f;
        }
        *ret = v;
        return 0;
}

int parse_seconds_u32(const char *s, ULONG *ret) {
        uint64_t v, unit;
        int r;

        if (!s)
                return -EINVAL;
        r = read_u64(&s, &v);
        if (r < 0)
                return r;
        /* Whole seconds only: "ms" and fractions have no place in a ULONG of seconds. */
        if (strcmp(s, "ms") == 0)
                return -EINVAL;
        unit = unit_usec(s);
        if (unit == 0)
                return -EINVAL;
        unit /= USEC_PER_SEC;
        if (v > UINT32_MAX / unit)
                return -ERANGE;
        *ret = (ULONG) (v * unit);
        return 0;
}

int parse_ranges(const char *s, BG_FILE_RANGE **ret, size_t *ret_n) {
        _cleanup_free_ BG_FILE_RANGE *ranges = NULL;
        size_t n = 1, k = 0;
        int r;

        if (!s || !*s)
                return -EINVAL;
        for (const char *p = s; *p; p++)
                if (*p == ',')
                        n++;
        if (n > PARSE_RANGES_MAX)
                return -E2BIG;
        ranges = calloc(n, sizeof(BG_FILE_RANGE));
        if (!ranges)
                return -ENOMEM;

        for (;;) {
                BG_FILE_RANGE *range = &ranges[k++];

                r = read_u64(&s, &range->InitialOffset);
                if (r < 0)
                        return r;
                if (*s != ':')
                        return -EINVAL;
                s++;
                if (strncasecmp(s, "eof", 3) == 0) {
                        range->Length = BG_LENGTH_TO_EOF;
                        s += 3;
                } else {
                        r = read_u64(&s, &range->Length);
                        if (r < 0)
                                return r;
                }
                if (*s == '\0')
                        break;
                if (*s != ',')
                        return -EINVAL;
                s++;
        }

        *ret = TAKE_PTR(ranges);
        *ret_n = k;
        return 0;
}

static const struct {
        ULONG bit;
        const char *name;                  /* without BG_NOTIFY_ */
        const char *short_name;            /* or NULL */
} notify_flags[] = {
        { BG_NOTIFY_JOB_TRANSFERRED,         "JOB_TRANSFERRED",         "TRANSFERRED"  },
        { BG_NOTIFY_JOB_ERROR,               "JOB_ERROR",               "ERROR"        },
        { BG_NOTIFY_DISABLE,                 "DISABLE",                 NULL           },
        { BG_NOTIFY_JOB_MODIFICATION,        "JOB_MODIFICATION",        "MODIFICATION" },
        { BG_NOTIFY_FILE_TRANSFERRED,        "FILE_TRANSFERRED",        NULL           },
        { BG_NOTIFY_FILE_RANGES_TRANSFERRED, "FILE_RANGES_TRANSFERRED", NULL           },
};

/* Compares a word of length l with a table name: any case, '-' matching '_'. */
static bool name_matches(const char *word, size_t l, const char *name) {
        if (!name || strlen(name) != l)
                return false;
        for (size_t k = 0; k < l; k++) {
                char c = word[k] == '-' ? '_' : word[k];

                if (c >= 'a' && c <= 'z')
                        c = (char) (c - 'a' + 'A');
                if (c != name[k])
                        return false;
        }
        return true;
}

int parse_notify_flags(const char *s, ULONG *ret) {
        ULONG flags = 0;
        uint64_t v;

        if (!s || !*s)
                return -EINVAL;

        if (strncasecmp(s, "0x", 2) == 0) {
                char *end = NULL;

                if (!s[2] || strspn(s + 2, "0123456789abcdefABCDEF") != strlen(s + 2))
                        return -EINVAL;
                errno = 0;
                v = strtoull(s + 2, &end, 16);
                if (errno == ERANGE || v > UINT32_MAX)
                        return -ERANGE;
                *ret = (ULONG) v;
                return 0;
        }
        if (is_digit(*s)) {
                int r = parse_u64(s, &v);

                if (r < 0)
                        return r;
                if (v > UINT32_MAX)
                        return -ERANGE;
                *ret = (ULONG) v;
                return 0;
        }

        for (;;) {
                size_t l = strcspn(s, ",|+");
                const char *word = s;
                bool found = false;

                if (l > strlen("BG_NOTIFY_") && strncasecmp(word, "BG_NOTIFY_", strlen("BG_NOTIFY_")) == 0) {
                        word += strlen("BG_NOTIFY_");
                        l -= strlen("BG_NOTIFY_");
                }
                if (name_matches(word, l, "NONE"))
                        found = true;
                for (size_t k = 0; !found && k < ELEMENTSOF(notify_flags); k++)
                        if (name_matches(word, l, notify_flags[k].name) ||
                            name_matches(word, l, notify_flags[k].short_name)) {
                                flags |= notify_flags[k].bit;
                                found = true;
                        }
                if (!found)
                        return -EINVAL;
                s = word + l;
                if (*s == '\0')
                        break;
                s++;
                if (*s == '\0')
                        return -EINVAL;    /* a trailing separator */
        }
        *ret = flags;
        return 0;
}

const char *notify_flags_to_string(ULONG flags, char buf[static NOTIFY_FLAGS_STRING_MAX]) {
        size_t l = 0;
        ULONG rest = flags;

        buf[0] = '\0';
        if (flags == 0) {
                (void) snprintf(buf, NOTIFY_FLAGS_STRING_MAX, "none");
                return buf;
        }
        for (size_t k = 0; k < ELEMENTSOF(notify_flags); k++)
                if (flags & notify_flags[k].bit) {
                        /* The names together are 92 characters; they always fit. */
                        l += (size_t) snprintf(buf + l, NOTIFY_FLAGS_STRING_MAX - l, "%s%s", l ? "|" : "",
                                               notify_flags[k].name);
                        rest &= ~notify_flags[k].bit;
                }
        if (rest)
                (void) snprintf(buf + l, NOTIFY_FLAGS_STRING_MAX - l, "%s0x%X", l ? "|" : "", (unsigned) rest);
        return buf;
}

int notify_flags_foreach(ULONG flags, int (*add)(const char *name, void *userdata), void *userdata) {
        int r;

        for (size_t k = 0; k < ELEMENTSOF(notify_flags); k++)
                if (flags & notify_flags[k].bit) {
                        r = add(notify_flags[k].name, userdata);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static const char *const proxy_usages[] = {
        [BG_JOB_PROXY_USAGE_PRECONFIG] = "PRECONFIG",
        [BG_JOB_PROXY_USAGE_NO_PROXY] = "NO_PROXY",
        [BG_JOB_PROXY_USAGE_OVERRIDE] = "OVERRIDE",
        [BG_JOB_PROXY_USAGE_AUTODETECT] = "AUTODETECT",
};

int proxy_usage_from_string(const char *s) {
        if (!s)
                return -EINVAL;
        for (size_t k = 0; k < ELEMENTSOF(proxy_usages); k++)
                if (name_matches(s, strlen(s), proxy_usages[k]))
                        return (int) k;
        return -EINVAL;
}

const char *proxy_usage_to_string(BG_JOB_PROXY_USAGE usage) {
        if ((unsigned) usage >= ELEMENTSOF(proxy_usages))
                return "UNKNOWN";
        return proxy_usages[usage];
}

const char *job_type_to_string(BG_JOB_TYPE type) {
        switch (type) {
        case BG_JOB_TYPE_DOWNLOAD:
                return "DOWNLOAD";
        case BG_JOB_TYPE_UPLOAD:
                return "UPLOAD";
        case BG_JOB_TYPE_UPLOAD_REPLY:
                return "UPLOAD_REPLY";
        }
        return "UNKNOWN";
}

int parse_sha256_hex(const char *s, char buf[static SHA256_HEX_MAX]) {
        if (!s || strlen(s) != SHA256_HEX_MAX - 1 || strspn(s, "0123456789abcdefABCDEF") != SHA256_HEX_MAX - 1)
                return -EINVAL;
        for (size_t k = 0; k < SHA256_HEX_MAX - 1; k++)
                buf[k] = (char) (s[k] >= 'A' && s[k] <= 'F' ? s[k] - 'A' + 'a' : s[k]);
        buf[SHA256_HEX_MAX - 1] = '\0';
        return 0;
}
