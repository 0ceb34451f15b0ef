/* dosvc/version.h: the version of the dosvc headers, and of the library at run time.
 *
 * Compare DOSVC_VERSION_NUM at build time (like LIBCURL_VERSION_NUM) and dosvc_version() at run time:
 * the library loaded may be newer than the headers a program was built with.
 */
#ifndef DOSVC_VERSION_H
#define DOSVC_VERSION_H

#include <deliveryoptimization.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DOSVC_VERSION_MAJOR 0
#define DOSVC_VERSION_MINOR 1
#define DOSVC_VERSION_PATCH 0

/* 0xMMmmpp: one byte each for major, minor and patch, so versions compare as integers. */
#define DOSVC_VERSION_NUM ((DOSVC_VERSION_MAJOR << 16) | (DOSVC_VERSION_MINOR << 8) | DOSVC_VERSION_PATCH)

/* dosvc_version: the version of the loaded libdosvc as "MAJOR.MINOR.PATCH", e.g. "0.1.0". The string
 * is static: never free it. Thread-safe. */
DOSVC_EXPORT const char *dosvc_version(void);

#ifdef __cplusplus
}
#endif

#endif /* DOSVC_VERSION_H */
