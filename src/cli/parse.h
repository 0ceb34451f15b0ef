/* parse.h: doadmin's parsers for command-line values (numbers, durations, byte ranges, notify flags,
 * proxy usages, SHA-256 digests) and the string tables that print them back.
 *
 * Everything here is pure: no daemon, no output. Each parser accepts the whole string or nothing
 * (no leading blanks, no sign, no trailing characters) and returns 0 or a negative errno:
 * -EINVAL for text that is not the expected form, -ERANGE for a number that does not fit. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <deliveryoptimization.h>

/* At most this many ranges in one RANGES argument: far more than the daemon accepts per file (500),
 * so that its BG_E_TOO_MANY_RANGES_IN_FILE is what a user sees, yet a bound on what we allocate. */
#define PARSE_RANGES_MAX 65536u

/* "64" hex digits of a SHA-256 digest plus the terminator. */
#define SHA256_HEX_MAX 65u

/* A decimal number, digits only. */
int parse_u64(const char *s, uint64_t *ret);

/* Whole seconds for the ULONG setters: "600", "600s", "10m", "2h", "1d". */
int parse_seconds_u32(const char *s, ULONG *ret);

/* A timeout: a non-negative decimal number of seconds with up to 6 decimals ("0.5") and an optional
 * unit: ms, s, m, h, d ("250ms", "1.5m"). In microseconds. */
int parse_timeout_usec(const char *s, uint64_t *ret);

/* bitsadmin's range list: "OFFSET:LENGTH[,OFFSET:LENGTH...]", decimal, LENGTH may be "eof" (any case)
 * for BG_LENGTH_TO_EOF. The ranges are returned as given (order, overlaps and zero lengths are the
 * daemon's to judge), in a malloc'ed array. */
int parse_ranges(const char *s, BG_FILE_RANGE **ret, size_t *ret_n);

/* Notify flags: a number ("3", "0x3") or names joined by ',', '|' or '+': JOB_TRANSFERRED,
 * JOB_ERROR, DISABLE, JOB_MODIFICATION, FILE_TRANSFERRED, FILE_RANGES_TRANSFERRED, each with or
 * without the BG_NOTIFY_ prefix, any case, '-' for '_'; short forms transferred, error, modification;
 * "none" for 0. Unknown bits in a number are passed on (the service answers E_NOTIMPL). */
int parse_notify_flags(const char *s, ULONG *ret);

/* "JOB_TRANSFERRED|JOB_ERROR", "none" for 0; unknown bits as a trailing "|0x40". Into buf. */
#define NOTIFY_FLAGS_STRING_MAX 128u
const char *notify_flags_to_string(ULONG flags, char buf[static NOTIFY_FLAGS_STRING_MAX]);

/* The names of the set bits, for --json; calls add(name, userdata) for each known bit, in bit order.
 * Returns the first negative result of add, or 0. */
int notify_flags_foreach(ULONG flags, int (*add)(const char *name, void *userdata), void *userdata);

/* BG_JOB_PROXY_USAGE: "PRECONFIG", "NO_PROXY", "OVERRIDE", "AUTODETECT". from_string takes any case and
 * '-' for '_', and returns -EINVAL when unknown; to_string gives "UNKNOWN" outside the enumeration. */
int proxy_usage_from_string(const char *s);
const char *proxy_usage_to_string(BG_JOB_PROXY_USAGE usage);

/* "DOWNLOAD", "UPLOAD", "UPLOAD_REPLY", or "UNKNOWN". */
const char *job_type_to_string(BG_JOB_TYPE type);

/* 64 hex digits, any case; stores them lowercase into buf. */
int parse_sha256_hex(const char *s, char buf[static SHA256_HEX_MAX]);
