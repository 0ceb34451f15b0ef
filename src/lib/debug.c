/* debug.c (libdosvc): debug messages on stderr, only when DOSVC_DEBUG=1 (see debug.h). The setting
 * is read once; messages are written with one write(2) each so lines from threads do not mix. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debug.h"

static pthread_once_t debug_once = PTHREAD_ONCE_INIT;
static bool debug_on;

static void debug_init(void) {
        const char *e = getenv("DOSVC_DEBUG");

        debug_on = e && (strcmp(e, "1") == 0 || strcmp(e, "yes") == 0 || strcmp(e, "true") == 0);
}

bool lib_debug_enabled(void) {
        (void) pthread_once(&debug_once, debug_init);
        return debug_on;
}

int lib_debug_errno(int error, const char *format, ...) {
        char buf[1024];
        va_list ap;
        int n, saved_errno = errno;

        if (!lib_debug_enabled())
                return error;

        n = snprintf(buf, sizeof(buf), "libdosvc[%d]: ", (int) getpid());
        if (n < 0 || (size_t) n >= sizeof(buf))
                return error;
        /* %m in the format prints errno: make it the error we were given. */
        errno = error < 0 ? -error : error;
        va_start(ap, format);
        (void) vsnprintf(buf + n, sizeof(buf) - (size_t) n - 1, format, ap);
        va_end(ap);
        n = (int) strlen(buf);
        buf[n++] = '\n';
        (void) !write(STDERR_FILENO, buf, (size_t) n);
        errno = saved_errno;
        return error;
}
