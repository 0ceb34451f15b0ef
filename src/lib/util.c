/* util.c (libdosvc): pure helpers of util.h: GUID strings, UTF-8 validation, CoTaskMemAlloc'ed
 * strings, the LANGID check. No I/O, no bus, no global state. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

char *guid_to_string(const GUID *g, char buf[static GUID_STRING_MAX]) {
        (void) snprintf(buf, GUID_STRING_MAX,
                        "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
                        (unsigned) g->Data1, (unsigned) g->Data2, (unsigned) g->Data3,
                        g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
                        g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
        return buf;
}

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -EINVAL;
}

int guid_from_string(const char *s, GUID *ret) {
        uint8_t bytes[16];
        size_t len, i = 0, n = 0;
        bool braces;

        if (!s || !ret)
                return -EINVAL;
        len = strlen(s);
        braces = len > 0 && s[0] == '{';
        if (braces) {
                if (len != 38 || s[37] != '}')
                        return -EINVAL;
                s++;
                len = 36;
        } else if (len != 36)
                return -EINVAL;

        /* 8-4-4-4-12 hex digits */
        while (i < len) {
                int a, b;

                if (i == 8 || i == 13 || i == 18 || i == 23) {
                        if (s[i] != '-')
                                return -EINVAL;
                        i++;
                        continue;
                }
                a = unhex(s[i]);
                b = i + 1 < len ? unhex(s[i + 1]) : -EINVAL;
                if (a < 0 || b < 0 || n >= sizeof(bytes))
                        return -EINVAL;
                bytes[n++] = (uint8_t) (a << 4 | b);
                i += 2;
        }
        if (n != sizeof(bytes))
                return -EINVAL;

        ret->Data1 = (uint32_t) bytes[0] << 24 | (uint32_t) bytes[1] << 16 | (uint32_t) bytes[2] << 8 | bytes[3];
        ret->Data2 = (uint16_t) (bytes[4] << 8 | bytes[5]);
        ret->Data3 = (uint16_t) (bytes[6] << 8 | bytes[7]);
        memcpy(ret->Data4, bytes + 8, 8);
        return 0;
}

bool guid_equal(const GUID *a, const GUID *b) {
        return a->Data1 == b->Data1 && a->Data2 == b->Data2 && a->Data3 == b->Data3 &&
               memcmp(a->Data4, b->Data4, sizeof(a->Data4)) == 0;
}

bool guid_is_null(const GUID *g) {
        static const GUID null_guid = { 0 };
        return guid_equal(g, &null_guid);
}

ssize_t utf8_count_code_points(const char *s) {
        const unsigned char *p = (const unsigned char *) s;
        ssize_t n = 0;

        while (*p) {
                uint32_t c;
                unsigned extra;

                if (*p < 0x80) {
                        p++;
                        n++;
                        continue;
                } else if ((*p & 0xe0) == 0xc0) {
                        c = *p & 0x1f;
                        extra = 1;
                } else if ((*p & 0xf0) == 0xe0) {
                        c = *p & 0x0f;
                        extra = 2;
                } else if ((*p & 0xf8) == 0xf0) {
                        c = *p & 0x07;
                        extra = 3;
                } else
                        return -EINVAL;

                for (unsigned i = 1; i <= extra; i++) {
                        if ((p[i] & 0xc0) != 0x80)   /* also stops at the terminator */
                                return -EINVAL;
                        c = c << 6 | (p[i] & 0x3f);
                }
                /* Overlong forms, UTF-16 surrogates and values past Unicode are not UTF-8. */
                if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000) ||
                    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
                        return -EINVAL;
                p += extra + 1;
                n++;
        }
        return n;
}

char *cotask_strdup(const char *s) {
        size_t l = strlen(s) + 1;
        char *p = CoTaskMemAlloc(l);

        if (p)
                memcpy(p, s, l);
        return p;
}

char *cotask_printf(const char *format, ...) {
        va_list ap;
        char *p;
        int n;

        va_start(ap, format);
        n = vsnprintf(NULL, 0, format, ap);
        va_end(ap);
        if (n < 0)
                return NULL;

        p = CoTaskMemAlloc((size_t) n + 1);
        if (!p)
                return NULL;
        va_start(ap, format);
        (void) vsnprintf(p, (size_t) n + 1, format, ap);
        va_end(ap);
        return p;
}

bool lang_is_supported(DWORD language_id) {
        unsigned primary = language_id & 0x3ffu;   /* PRIMARYLANGID() */

        if (language_id > 0xffffu)                 /* a LANGID is 16 bits */
                return false;
        return primary == 0x00u /* LANG_NEUTRAL */ || primary == 0x09u /* LANG_ENGLISH */;
}
