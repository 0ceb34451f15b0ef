/* cmdline.c: splits a notify command line into argv (rules in cmdline.h). Pure code, no I/O. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

char **cmdline_free(char **argv) {
        if (!argv)
                return NULL;
        for (char **a = argv; *a; a++)
                free(*a);
        free(argv);
        return NULL;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

int cmdline_split(const char *s, char ***ret) {
        char **argv = NULL, *buf = NULL;
        size_t n = 0, allocated = 0, len;
        const char *p = s ?: "";

        len = strlen(p);
        for (;;) {
                bool quoted = false;
                size_t k = 0;

                while (is_blank(*p))
                        p++;
                if (!*p)
                        break;

                /* One argument is never longer than the whole string. */
                buf = malloc(len + 1);
                if (!buf)
                        goto oom;
                while (*p && (quoted || !is_blank(*p))) {
                        if (*p == '\\') {
                                size_t backslashes = 0;

                                while (*p == '\\') {
                                        backslashes++;
                                        p++;
                                }
                                if (*p == '"') {
                                        for (size_t i = 0; i < backslashes / 2; i++)
                                                buf[k++] = '\\';
                                        if (backslashes % 2) {
                                                buf[k++] = '"';
                                                p++;
                                        }
                                        /* an even count leaves the quote to the code below */
                                } else
                                        for (size_t i = 0; i < backslashes; i++)
                                                buf[k++] = '\\';
                                continue;
                        }
                        if (*p == '"') {
                                if (quoted && p[1] == '"') {
                                        buf[k++] = '"';
                                        p += 2;
                                        continue;
                                }
                                quoted = !quoted;
                                p++;
                                continue;
                        }
                        buf[k++] = *p++;
                }
                buf[k] = '\0';

                if (n >= CMDLINE_ARGS_MAX) {
                        free(buf);
                        cmdline_free(argv);
                        return -E2BIG;
                }
                if (n + 2 > allocated) {
                        size_t a = allocated ? allocated * 2 : 8;
                        char **na;

                        na = realloc(argv, a * sizeof(char *));
                        if (!na)
                                goto oom;
                        argv = na;
                        allocated = a;
                }
                argv[n++] = buf;
                argv[n] = NULL;
                buf = NULL;
        }

        if (!argv) {
                argv = calloc(1, sizeof(char *));
                if (!argv)
                        return -ENOMEM;
        }
        *ret = argv;
        return (int) n;

oom:
        free(buf);
        cmdline_free(argv);
        return -ENOMEM;
}
