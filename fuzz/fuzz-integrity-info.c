/* fuzz-integrity-info.c: integrity_info_parse() (integrity-info.c), the IntegrityCheckInfo value:
 * hex, "sha256:hex" or a JSON object (json-c). Invariant: only documented return codes. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integrity-info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        uint8_t digest[32];
        char *s;
        int r;

        if (size > 2 * INTEGRITY_INFO_MAX)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        r = integrity_info_parse(s, digest);
        if (r != 0 && r != -EINVAL && r != -E2BIG && r != -EOPNOTSUPP && r != -ENOMEM)
                abort();
        if (r == 0 && strlen(s) > INTEGRITY_INFO_MAX)
                abort();
        free(s);
        return 0;
}
