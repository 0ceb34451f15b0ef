/* guid-util.c: GUID text form and UTF-8 length (see guid-util.h). Pure code. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guid-util.h"

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -EINVAL;
}

int guid_text_parse(const char *s, uint8_t ret_bytes[16]) {
        uint8_t b[16];
        size_t len, n = 0;

        if (!s)
                return -EINVAL;
        len = strlen(s);
        if (len == 38) {
                if (s[0] != '{' || s[37] != '}')
                        return -EINVAL;
                s++;
        } else if (len != 36)
                return -EINVAL;

        for (size_t i = 0; i < 36; i++) {
                int hi, lo;

                if (i == 8 || i == 13 || i == 18 || i == 23) {
                        if (s[i] != '-')
                                return -EINVAL;
                        continue;
                }
                hi = unhex(s[i]);
                lo = unhex(s[i + 1]);
                if (hi < 0 || lo < 0)
                        return -EINVAL;
                b[n++] = (uint8_t) (hi << 4 | lo);
                i++;
        }
        memcpy(ret_bytes, b, sizeof b);
        return 0;
}

char *guid_text_format(const uint8_t b[16], char buf[static GUID_TEXT_MAX]) {
        (void) snprintf(buf, GUID_TEXT_MAX,
                        "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                        b[12], b[13], b[14], b[15]);
        return buf;
}

void guid_from_text_bytes(const uint8_t b[16], GUID *ret) {
        ret->Data1 = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
        ret->Data2 = (uint16_t) (b[4] << 8 | b[5]);
        ret->Data3 = (uint16_t) (b[6] << 8 | b[7]);
        memcpy(ret->Data4, b + 8, 8);
}

void guid_to_text_bytes(const GUID *g, uint8_t b[16]) {
        b[0] = (uint8_t) (g->Data1 >> 24);
        b[1] = (uint8_t) (g->Data1 >> 16);
        b[2] = (uint8_t) (g->Data1 >> 8);
        b[3] = (uint8_t) g->Data1;
        b[4] = (uint8_t) (g->Data2 >> 8);
        b[5] = (uint8_t) g->Data2;
        b[6] = (uint8_t) (g->Data3 >> 8);
        b[7] = (uint8_t) g->Data3;
        memcpy(b + 8, g->Data4, 8);
}

ssize_t utf8_length(const char *s) {
        const unsigned char *p = (const unsigned char *) s;
        ssize_t n = 0;

        while (*p) {
                unsigned len;
                uint32_t cp;

                if (*p < 0x80)
                        len = 1, cp = *p;
                else if ((*p & 0xE0) == 0xC0)
                        len = 2, cp = *p & 0x1F;
                else if ((*p & 0xF0) == 0xE0)
                        len = 3, cp = *p & 0x0F;
                else if ((*p & 0xF8) == 0xF0)
                        len = 4, cp = *p & 0x07;
                else
                        return -1;
                for (unsigned i = 1; i < len; i++) {
                        if ((p[i] & 0xC0) != 0x80)
                                return -1;
                        cp = (cp << 6) | (p[i] & 0x3F);
                }
                if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
                        return -1;
                p += len;
                n++;
        }
        return n;
}
