/* fuzz-retry-after.c: http_parse_retry_after() (http-error.c): seconds or an HTTP-date, against a
 * fixed "now". Invariant: a parsed delay never exceeds the cap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http-error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const uint64_t cap = 86400;
        uint64_t seconds = 0;
        char *s;

        if (size > 4096)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        if (http_parse_retry_after(s, (time_t) 1700000000, cap, &seconds) == 0 && seconds > cap)
                abort();
        free(s);
        return 0;
}
