/* util.h (libdosvc, private): small pure helpers shared by the proxy objects: cleanup macros, GUID
 * strings, UTF-8 checks, CoTaskMemAlloc'ed string copies and the language check of the
 * Get*Description methods. Nothing here does I/O or touches the bus. */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "util.h is private to src/lib (libdosvc)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <deliveryoptimization.h>

#include "guid-util.h"
#include "macro.h"

#ifndef container_of
#define container_of(ptr, type, member) ((type *) ((char *) (ptr) - offsetof(type, member)))
#endif

/* Limits checked at the door (spec §5); the daemon checks them again. */
#define LIB_DISPLAY_NAME_MAX 256u          /* characters (code points), terminator excluded */

/* GUID text in the registry form the daemon uses: "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
 * lowercase, with braces; GUID_STRING_MAX includes the terminator. guid_from_string() accepts the
 * form with or without braces, in any case, and returns -EINVAL for anything else. */
#define GUID_STRING_MAX 39
char *guid_to_string(const GUID *g, char buf[static GUID_STRING_MAX]);
int guid_from_string(const char *s, GUID *ret);
bool guid_equal(const GUID *a, const GUID *b);
bool guid_is_null(const GUID *g);

/* Validates UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) and counts code points.
 * Returns the count, or -EINVAL for invalid UTF-8. */

/* A CoTaskMemAlloc'ed copy of s (NULL when out of memory). */
char *cotask_strdup(const char *s);
/* A CoTaskMemAlloc'ed printf result (NULL when out of memory). */
char *cotask_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Whether a LANGID passed to a Get*Description method is served: 0, LANG_NEUTRAL with any
 * sublanguage (LANG_USER_DEFAULT, LANG_SYSTEM_DEFAULT, …) or any English LANGID. Our messages exist
 * only in English; anything else gets HRESULT_FROM_WIN32(ERROR_RESOURCE_LANG_NOT_FOUND). */
bool lang_is_supported(DWORD language_id);
#define LIB_E_RESOURCE_LANG_NOT_FOUND ((HRESULT) 0x80070717L)
