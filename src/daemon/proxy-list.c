/* proxy-list.c: BITS proxy lists, checked and reduced to the one proxy a request uses (see
 * proxy-list.h). A small hand parser rather than curl_url(): the grammar is tiny, and curl's URL
 * parser accepts far more (credentials, paths, %-escapes, any scheme) than a proxy entry may hold. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "proxy-list.h"

#define PROXY_LIST_SEPARATORS " ;"

typedef struct ProxyEntry {
        const char *scheme;                /* "http"/"https": the URLs it applies to; NULL: all */
        const char *proto;                 /* lower case, static */
        const char *host;                  /* into the list; an IPv6 address with its brackets */
        size_t host_len;
        unsigned port;                     /* 1-65535: given, or the proto's usual one */
} ProxyEntry;

static const struct {
        const char *name;
        unsigned port;
} proxy_protos[] = {
        { "http",    80 },
        { "https",   443 },
        { "socks4",  1080 },
        { "socks4a", 1080 },
        { "socks5",  1080 },
        { "socks5h", 1080 },
};

static bool word_is(const char *s, size_t n, const char *word) {
        return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

static bool is_host_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_';
}

/* One entry: s[0..n), n > 0, no separator in it. */
static int parse_entry(const char *s, size_t n, ProxyEntry *ret) {
        const char *end = s + n, *p;
        ProxyEntry e = { 0 };

        /* scheme= */
        p = memchr(s, '=', n);
        if (p) {
                if (word_is(s, (size_t) (p - s), "http"))
                        e.scheme = "http";
                else if (word_is(s, (size_t) (p - s), "https"))
                        e.scheme = "https";
                else
                        return -EINVAL;  /* "=h", "ftp=h", "socks=h": nothing we could use it for */
                s = p + 1;
        }

        /* proto:// */
        p = memmem(s, (size_t) (end - s), "://", 3);
        if (p) {
                size_t i;

                for (i = 0; i < ELEMENTSOF(proxy_protos); i++)
                        if (word_is(s, (size_t) (p - s), proxy_protos[i].name))
                                break;
                if (i == ELEMENTSOF(proxy_protos))
                        return -EINVAL;
                e.proto = proxy_protos[i].name;
                e.port = proxy_protos[i].port;
                s = p + 3;
        } else {
                e.proto = "http";
                e.port = 80;
        }

        /* host */
        if (s < end && *s == '[') {
                char addr[INET6_ADDRSTRLEN];
                struct in6_addr a;
                size_t len;

                p = memchr(s, ']', (size_t) (end - s));
                if (!p)
                        return -EINVAL;
                len = (size_t) (p - s - 1);
                if (len >= sizeof addr)
                        return -EINVAL;
                memcpy(addr, s + 1, len);
                addr[len] = '\0';
                if (inet_pton(AF_INET6, addr, &a) != 1)
                        return -EINVAL;  /* also a zone ("%25eth0") */
                e.host = s;
                s = p + 1;
        } else {
                e.host = s;
                while (s < end && is_host_char(*s))
                        s++;
                if (s == e.host)
                        return -EINVAL;
        }
        e.host_len = (size_t) (s - e.host);

        /* :port */
        if (s < end && *s == ':') {
                unsigned port = 0, digits = 0;

                for (s++; s < end && *s >= '0' && *s <= '9'; s++) {
                        if (++digits > 5)
                                return -EINVAL;
                        port = port * 10 + (unsigned) (*s - '0');
                }
                if (digits == 0 || port == 0 || port > 65535)
                        return -EINVAL;
                e.port = port;
        }

        /* A bare "/" is the only thing allowed after it: no path, query, fragment, credentials. */
        if (s < end && *s == '/')
                s++;
        if (s != end)
                return -EINVAL;

        *ret = e;
        return 0;
}

/* Parses every entry of the list; *ret_pick gets the entry for `url_scheme` (NULL: none asked).
 * Returns 1 (picked), 0 (none applies), -EINVAL (no entry, or an invalid one). */
static int parse_list(const char *list, const char *url_scheme, ProxyEntry *ret_pick) {
        ProxyEntry specific = { 0 }, general = { 0 };
        bool have_specific = false, have_general = false;
        size_t entries = 0;

        if (!list)
                return -EINVAL;
        for (const char *p = list;;) {
                ProxyEntry e;
                size_t n;

                p += strspn(p, PROXY_LIST_SEPARATORS);
                if (*p == '\0')
                        break;
                n = strcspn(p, PROXY_LIST_SEPARATORS);
                if (parse_entry(p, n, &e) < 0)
                        return -EINVAL;
                p += n;
                entries++;
                if (!url_scheme)
                        continue;
                if (!e.scheme && !have_general) {
                        general = e;
                        have_general = true;
                } else if (e.scheme && !have_specific && strcasecmp(e.scheme, url_scheme) == 0) {
                        specific = e;
                        have_specific = true;
                }
        }
        if (entries == 0)
                return -EINVAL;
        if (have_specific)
                *ret_pick = specific;
        else if (have_general)
                *ret_pick = general;
        else
                return 0;
        return 1;
}

int proxy_list_check(const char *list) {
        int r = parse_list(list, NULL, NULL);

        return r < 0 ? r : 0;
}

int proxy_list_select(const char *list, const char *url_scheme, char **ret) {
        ProxyEntry e;
        int r;

        if (!url_scheme || !ret)
                return -EINVAL;
        *ret = NULL;
        r = parse_list(list, url_scheme, &e);
        if (r <= 0)
                return r;
        if (e.host_len > INT_MAX)
                return -EINVAL;
        if (asprintf(ret, "%s://%.*s:%u", e.proto, (int) e.host_len, e.host, e.port) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 1;
}
