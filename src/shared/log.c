/* log.c: stderr/journal logging for the daemon (see log.h). Not thread-safe by design: the daemon
 * has one thread. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_max_level = LOG_INFO;
static bool log_to_journal = false;

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

void log_open(void) {
        const char *js = getenv("JOURNAL_STREAM");
        unsigned long dev, ino;
        struct stat st;

        if (js && sscanf(js, "%lu:%lu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) >= 0 &&
            st.st_dev == dev && st.st_ino == ino)
                log_to_journal = true;
        if (getenv("DOSVC_DEBUG"))
                log_max_level = LOG_DEBUG;
}

/* Control characters of a message come from clients (job names, URLs, paths) and must not forge
 * log lines: a "\n<0>…" in a job name would be a separate emergency-level entry to journald (and a
 * wall message). Each such byte becomes "\xNN"; dst holds 4 bytes for each of src's. */
static void log_escape(char *dst, size_t size, const char *src) {
        static const char hex[] = "0123456789abcdef";
        size_t k = 0;

        for (const unsigned char *p = (const unsigned char *) src; *p && k + 5 < size; p++) {
                if (*p < 0x20 || *p == 0x7f) {
                        dst[k++] = '\\';
                        dst[k++] = 'x';
                        dst[k++] = hex[*p >> 4];
                        dst[k++] = hex[*p & 0xf];
                } else
                        dst[k++] = (char) *p;
        }
        dst[k] = '\0';
}

int log_internal(int level, int error, const char *file, int line, const char *func,
                 const char *format, ...) {
        int saved = errno;
        char raw[2048], buf[sizeof(raw) * 4];
        va_list ap;

        if (error < 0)
                error = -error;
        if (level > log_max_level)
                return -error;

        /* Make %m print the error we were given, not whatever errno happens to be. */
        errno = error;
        va_start(ap, format);
        vsnprintf(raw, sizeof raw, format, ap);
        va_end(ap);
        log_escape(buf, sizeof buf, raw);

        if (log_to_journal)
                fprintf(stderr, "<%d>%s\n", level, buf);
        else if (log_max_level >= LOG_DEBUG)
                fprintf(stderr, "dosvc[%d]: %s:%d %s: %s\n", (int) getpid(), file, line, func, buf);
        else {
                struct timespec ts;
                struct tm tm;
                char when[32] = "";

                clock_gettime(CLOCK_REALTIME, &ts);
                if (gmtime_r(&ts.tv_sec, &tm))
                        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
                fprintf(stderr, "%s dosvc[%d]: %s\n", when, (int) getpid(), buf);
        }
        errno = saved;
        return -error;
}
