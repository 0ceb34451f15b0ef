/* fuzz-content-range.c: http_parse_content_range() (http-error.c) on any header value.
 * Invariants on success: FIRST ≤ LAST, and LAST < TOTAL unless TOTAL is unknown (UINT64_MAX). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http-error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        uint64_t first = 0, last = 0, total = 0;
        char *s;

        if (size > 4096)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        if (http_parse_content_range(s, &first, &last, &total) == 0) {
                if (first > last)
                        abort();
                if (total != UINT64_MAX && last >= total)
                        abort();
        }
        free(s);
        return 0;
}
