/* util.c (libdosvc): pure helpers of util.h: GUID strings, UTF-8 validation, CoTaskMemAlloc'ed
 * strings, the LANGID check. No I/O, no bus, no global state. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

char *guid_to_string(const GUID *g, char buf[static GUID_STRING_MAX]) {
        uint8_t b[16];

        guid_to_text_bytes(g, b);
        return guid_text_format(b, buf);
}

int guid_from_string(const char *s, GUID *ret) {
        uint8_t b[16];
        int r;

        if (!ret)
                return -EINVAL;
        r = guid_text_parse(s, b);
        if (r < 0)
                return r;
        guid_from_text_bytes(b, ret);
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
