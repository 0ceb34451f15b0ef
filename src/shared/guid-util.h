/* guid-util.h: the one text form of a GUID used everywhere in dosvc — the registry form, lowercase
 * with braces, "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}" — and UTF-8 checks on API strings.
 *
 * Bytes are in text order (the first 4 bytes are Data1 read as a big-endian number), which is what
 * sd_id128_t holds in the daemon; guid_from_text_bytes()/guid_to_text_bytes() convert to and from the
 * COM GUID struct, whose Data1..Data3 are native integers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <deliveryoptimization.h>

#define GUID_TEXT_MAX 39   /* "{8-4-4-4-12}" plus the terminator */

/* Accepts "{8-4-4-4-12}" or "8-4-4-4-12", hex digits in any case; nothing else (no half braces,
 * spaces or 32-digit form), so that a typo never names another object. 0 or -EINVAL. */
int guid_text_parse(const char *s, uint8_t ret_bytes[16]);
char *guid_text_format(const uint8_t bytes[16], char buf[static GUID_TEXT_MAX]);

void guid_from_text_bytes(const uint8_t bytes[16], GUID *ret);
void guid_to_text_bytes(const GUID *g, uint8_t ret_bytes[16]);

/* Number of code points of a NUL-terminated UTF-8 string, or -1 when it is not valid UTF-8
 * (overlong forms, surrogates and values past U+10FFFF are invalid). */
ssize_t utf8_length(const char *s);
