/* cmdline.h: the argument vector of a notify command line (BITS IBackgroundCopyJob2::SetNotifyCmdLine).
 *
 * BITS hands Parameters to CreateProcess as one string, which the program splits with the Windows
 * C runtime's rules; dosvc has no shell in between either (fork + execve), so it splits here, with
 * those rules:
 *   - arguments are separated by spaces and tabs outside double quotes;
 *   - a double quote starts or ends a quoted part, which may hold spaces; quoted and unquoted parts
 *     join into one argument (a"b c"d is one argument: ab cd); "" gives an empty argument;
 *   - inside a quoted part, "" is one literal double quote;
 *   - 2n backslashes followed by a double quote give n backslashes, and the quote acts as above;
 *     2n+1 backslashes followed by a double quote give n backslashes and a literal quote;
 *   - backslashes not followed by a double quote are literal (so /a\b stays /a\b);
 *   - a quote left open runs to the end of the string.
 * Nothing else is special: no $VAR, no globbing, no ~, no escapes other than the above.
 * Parameters is the whole command line: its first argument becomes argv[0]. */
#pragma once

#include <stddef.h>

/* Splits s into a NULL-terminated, malloc'ed vector (free it with cmdline_free()). Returns the
 * number of arguments (0 for an empty or blank string), -ENOMEM, or -E2BIG past CMDLINE_ARGS_MAX. */
#define CMDLINE_ARGS_MAX 4096u
int cmdline_split(const char *s, char ***ret);
char **cmdline_free(char **argv);   /* NULL-safe; returns NULL */
