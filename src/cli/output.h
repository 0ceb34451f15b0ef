/* output.h: how doadmin talks to its user: exit statuses, error and note lines on stderr, aligned
 * "Key: value" lines and JSON on stdout.
 *
 * Every error line starts with "doadmin: <verb>: " so that a script running several verbs can tell
 * them apart; an API failure prints "0x80D02003 DO_E_JOB_NOT_FOUND: <message>" after it. Errors go to
 * stderr even with --json: stdout carries only results. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <deliveryoptimization.h>

/* Exit statuses, documented in `doadmin --help`. */
enum {
        EXIT_OK = 0,
        EXIT_API = 1,          /* the API, the daemon or the transfer failed */
        EXIT_USAGE = 2,        /* bad command line */
        EXIT_TIMEOUT = 3,      /* wait --timeout ran out before the job ended */
        EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM during transfer (128 + SIGINT, as shells report it) */
};

/* "doadmin: <verb>: 0x80D02003 DO_E_JOB_NOT_FOUND: <message>" on stderr; returns EXIT_API. */
int output_hresult_error(const char *verb, HRESULT hr);

/* "doadmin: <verb>: <text>" on stderr; returns EXIT_API. %m works (errno must be set). */
int output_error(const char *verb, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* "doadmin: <verb>: <text>" then "Try 'doadmin <verb> --help'." on stderr; returns EXIT_USAGE.
 * verb may be NULL for errors before any verb was found. */
int output_usage_error(const char *verb, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* "doadmin: <verb>: <text>" on stderr unless quiet; informational, not an error. */
void output_note(bool quiet, const char *verb, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* "0x80D02003 DO_E_JOB_NOT_FOUND: <message>", or "0x80190193: <message>" for an HRESULT without a
 * name (an HTTP status Windows does not name), into buf; returns buf. */
#define HRESULT_TEXT_MAX 256u
const char *output_hresult_text(char buf[static HRESULT_TEXT_MAX], HRESULT hr);

/* "0x80190194" into buf (11 bytes); returns buf. */
#define HRESULT_STRING_MAX 11u
const char *output_hresult_hex(char buf[static HRESULT_STRING_MAX], HRESULT hr);

/* Human output is for a terminal: control characters in a job name or URL (a newline, an escape
 * sequence) would fake lines or move the cursor, so these print them as '?'. */
void output_print_safe(const char *s);

/* One "Key:   value" line on stdout, keys padded so that values line up in one column; the value is
 * printed as output_print_safe() does. */
void output_field(const char *key, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Prints a JSON value on stdout, followed by a newline: indented on a terminal, one line otherwise
 * (what a pipe into `jq` or a script wants). Returns 0 or -ENOMEM. */
int output_json(struct json_object *o);

/* Prints a JSON value on one line, always (JSON Lines, for monitor's stream of snapshots). */
int output_json_line(struct json_object *o);

/* JSON building helpers; each returns 0 or -ENOMEM and leaves o unchanged on failure.
 * json_add_string() adds null for a NULL value; json_add_u64() adds null for BG_SIZE_UNKNOWN when
 * unknown_is_null is set. json_add() takes ownership of v (NULL adds null). */
int json_add(struct json_object *o, const char *key, struct json_object *v);
int json_add_string(struct json_object *o, const char *key, const char *s);
int json_add_u64(struct json_object *o, const char *key, uint64_t v, bool unknown_is_null);
int json_add_int(struct json_object *o, const char *key, int64_t v);
int json_add_bool(struct json_object *o, const char *key, bool v);

/* For _cleanup_(): drops the reference in *p, if any. */
void json_putp(struct json_object **p);

/* Checks that everything written to stdout reached it (a full disk, a closed pipe). Returns 0, or
 * prints an error and returns EXIT_API. */
int output_flush(const char *verb);
