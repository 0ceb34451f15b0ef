/* fuzz-cmdline.c: cmdline_split() (cmdline.c), the Windows C runtime argv rules of notify command
 * lines. Invariants: a NULL-terminated vector of the count returned, no argument longer than the
 * input, at most CMDLINE_ARGS_MAX arguments, and splitting is deterministic. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char **argv = NULL, **again = NULL;
        char *s;
        int r, r2;

        if (size > 16384)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        r = cmdline_split(s, &argv);
        if (r >= 0) {
                if ((unsigned) r > CMDLINE_ARGS_MAX || !argv || argv[r] != NULL)
                        abort();
                for (int i = 0; i < r; i++)
                        if (!argv[i] || strlen(argv[i]) > strlen(s))
                                abort();
                r2 = cmdline_split(s, &again);
                if (r2 != r)
                        abort();
                for (int i = 0; i < r; i++)
                        if (strcmp(argv[i], again[i]) != 0)
                                abort();
                cmdline_free(again);
                cmdline_free(argv);
        } else if (r != -ENOMEM && r != -E2BIG)
                abort();
        free(s);
        return 0;
}
