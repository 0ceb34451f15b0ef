/* fuzz-url-check.c: the daemon's argument checks for remote URLs and local paths (queue.c:
 * queue_check_url, queue_check_local_path, queue_check_display_name), with the default limits.
 * Invariants of an accepted URL: within the length limit, starts with http:// or https://, holds no
 * byte <= 0x20 or 0x7f and no '@' before the host; of an accepted path: absolute, within the limit,
 * no "//", "/./", "/../", no trailing '/', no control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_url(const char *s) {
        const Limits l = LIMITS_DEFAULT;
        const char *host, *end;

        if (FAILED(queue_check_url(&l, s)))
                return;
        if (strlen(s) > l.max_url_length)
                abort();
        if (strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0)
                abort();
        for (const char *p = s; *p; p++)
                if ((unsigned char) *p <= 0x20 || *p == 0x7f)
                        abort();
        host = strstr(s, "://") + 3;
        end = host + strcspn(host, "/?#");
        if (memchr(host, '@', (size_t) (end - host)))
                abort();   /* credentials */
}

static void check_path(const char *s) {
        const Limits l = LIMITS_DEFAULT;
        size_t n;

        if (FAILED(queue_check_local_path(&l, s)))
                return;
        n = strlen(s);
        if (s[0] != '/' || n > l.max_local_path_length || s[n - 1] == '/')
                abort();
        if (strstr(s, "//") || strstr(s, "/./") || strstr(s, "/../"))
                abort();
        if ((n >= 2 && strcmp(s + n - 2, "/.") == 0) || (n >= 3 && strcmp(s + n - 3, "/..") == 0))
                abort();
        for (const char *p = s; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s;

        if (size > 8192)
                return 0;
        log_set_max_level(LOG_CRIT);
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';   /* an embedded NUL ends the string, as on the bus */
        check_url(s);
        check_path(s);
        (void) queue_check_display_name(NULL, s);
        free(s);
        return 0;
}
