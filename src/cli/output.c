/* output.c: doadmin's stderr and stdout formats (see output.h).
 *
 * Limits: no localisation (messages and the daemon's descriptions are English); JSON is written by
 * json-c, never assembled by hand, so names and URLs with quotes or control characters stay valid. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dosvc/hresult.h>

#include "output.h"

#define PROGRAM "doadmin"
/* Width of "Key:" in output_field(); the longest key in use is "Transfer completed:" (19). */
#define FIELD_KEY_WIDTH 20

const char *output_hresult_text(char buf[static HRESULT_TEXT_MAX], HRESULT hr) {
        const char *name = DoHResultName(hr);

        (void) snprintf(buf, HRESULT_TEXT_MAX, "0x%08X%s%s: %s", (unsigned) (uint32_t) hr, name ? " " : "",
                        name ? name : "", DoHResultMessage(hr));
        return buf;
}

const char *output_hresult_hex(char buf[static HRESULT_STRING_MAX], HRESULT hr) {
        (void) snprintf(buf, HRESULT_STRING_MAX, "0x%08X", (unsigned) (uint32_t) hr);
        return buf;
}

static void print_prefix(const char *verb) {
        if (verb)
                fprintf(stderr, PROGRAM ": %s: ", verb);
        else
                fputs(PROGRAM ": ", stderr);
}

int output_hresult_error(const char *verb, HRESULT hr) {
        char text[HRESULT_TEXT_MAX];

        /* stdout may hold half a table: flush it first so that the error lands after it. */
        (void) fflush(stdout);
        print_prefix(verb);
        fprintf(stderr, "%s\n", output_hresult_text(text, hr));
        return EXIT_API;
}

int output_error(const char *verb, const char *format, ...) {
        int saved_errno = errno;
        va_list ap;

        (void) fflush(stdout);
        print_prefix(verb);
        va_start(ap, format);
        errno = saved_errno; /* so that %m refers to the caller's error, not to fflush()'s */
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
        return EXIT_API;
}

int output_usage_error(const char *verb, const char *format, ...) {
        va_list ap;

        print_prefix(verb);
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
        if (verb)
                fprintf(stderr, "Try '" PROGRAM " %s --help'.\n", verb);
        else
                fputs("Try '" PROGRAM " --help'.\n", stderr);
        return EXIT_USAGE;
}

void output_note(bool quiet, const char *verb, const char *format, ...) {
        va_list ap;

        if (quiet)
                return;
        (void) fflush(stdout);
        print_prefix(verb);
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
}

void output_print_safe(const char *s) {
        for (; s && *s; s++)
                putchar((unsigned char) *s < 0x20 || *s == 0x7f ? '?' : *s);
}

void output_field(const char *key, const char *format, ...) {
        char *value = NULL;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&value, format, ap);
        va_end(ap);

        printf("%s:%*s", key, (int) (FIELD_KEY_WIDTH - strlen(key)), "");
        if (r < 0)
                fputs("(out of memory)", stdout);
        else
                output_print_safe(value);
        putchar('\n');
        free(value);
}

int output_json(struct json_object *o) {
        int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
        const char *s;

        flags |= isatty(STDOUT_FILENO) ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                                       : JSON_C_TO_STRING_PLAIN;
        s = json_object_to_json_string_ext(o, flags);
        if (!s)
                return -ENOMEM;
        fputs(s, stdout);
        putchar('\n');
        return 0;
}

int output_json_line(struct json_object *o) {
        const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PLAIN);

        if (!s)
                return -ENOMEM;
        fputs(s, stdout);
        putchar('\n');
        return 0;
}

int json_add(struct json_object *o, const char *key, struct json_object *v) {
        if (json_object_object_add(o, key, v) < 0) {
                json_object_put(v);
                return -ENOMEM;
        }
        return 0;
}

int json_add_string(struct json_object *o, const char *key, const char *s) {
        struct json_object *v = NULL;

        if (s) {
                v = json_object_new_string(s);
                if (!v)
                        return -ENOMEM;
        }
        return json_add(o, key, v);
}

int json_add_u64(struct json_object *o, const char *key, uint64_t v, bool unknown_is_null) {
        struct json_object *j = NULL;

        if (!(unknown_is_null && v == BG_SIZE_UNKNOWN)) {
                j = json_object_new_uint64(v);
                if (!j)
                        return -ENOMEM;
        }
        return json_add(o, key, j);
}

int json_add_int(struct json_object *o, const char *key, int64_t v) {
        struct json_object *j = json_object_new_int64(v);

        if (!j)
                return -ENOMEM;
        return json_add(o, key, j);
}

int json_add_bool(struct json_object *o, const char *key, bool v) {
        struct json_object *j = json_object_new_boolean(v);

        if (!j)
                return -ENOMEM;
        return json_add(o, key, j);
}

void json_putp(struct json_object **p) {
        if (*p)
                json_object_put(*p);
}

int output_flush(const char *verb) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
                /* A closed pipe (`doadmin list | head -1`) is the reader's choice, not our failure. */
                if (errno == EPIPE)
                        return EXIT_OK;
                return output_error(verb, "Failed to write to standard output: %m");
        }
        return EXIT_OK;
}
