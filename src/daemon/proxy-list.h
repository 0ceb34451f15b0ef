/* proxy-list.h: the proxy list of SetProxySettings(OVERRIDE): checked when the client sets it, and
 * turned into the one proxy libcurl gets for a request.
 *
 * A BITS proxy list holds entries separated by spaces or semicolons (empty entries are skipped):
 *     [scheme=][proto://]host[:port][/]
 *   scheme  "http" or "https": the entry applies to URLs of that scheme only; without it, to all.
 *   proto   http (the default), https, socks4, socks4a, socks5 or socks5h.
 *   host    a name of ASCII letters, digits, '-', '.', '_' (an IPv4 address is one), or an IPv6
 *           address in brackets.
 *   port    decimal, 1-65535; without one, the proto's usual port (80, 443, 1080 for SOCKS).
 * Scheme and proto are case-insensitive. Anything else is refused: credentials (user:pw@), a path,
 * a query or fragment, %-escapes, another scheme or proto. So none of libcurl's Unix-socket forms
 * (socks5h://localhost/<path>) can pass: the root daemon must never connect to a local socket a
 * client names. The string handed to curl is rebuilt from the checked parts, never the client's.
 *
 * Pure code (no I/O), unit-tested in tests/unit/test-proxy-list.c, fuzzed by fuzz/fuzz-proxy-list.c. */
#pragma once

/* 0 when `list` holds at least one entry and every entry is valid; -EINVAL otherwise. */
int proxy_list_check(const char *list);

/* The proxy for a URL of scheme `url_scheme` ("http" or "https", any case): the first entry whose
 * "scheme=" names it, else the first entry without "scheme=". Returns 1 and *ret =
 * "proto://host:port" (malloc'ed), 0 and *ret = NULL when no entry applies, -EINVAL (list not valid,
 * whichever entry), -ENOMEM. */
int proxy_list_select(const char *list, const char *url_scheme, char **ret);
