/* version.c (libdosvc): dosvc_version(), the version of the loaded library (dosvc/version.h). */
#include <dosvc/version.h>

#include "config.h"

DOSVC_EXPORT const char *dosvc_version(void) {
        return DOSVC_VERSION;
}
