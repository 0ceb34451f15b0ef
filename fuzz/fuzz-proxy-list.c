/* fuzz-proxy-list.c: proxy_list_check() and proxy_list_select() (proxy-list.c), the proxy lists of
 * SetProxySettings(OVERRIDE). Invariants: check and select agree on what is valid; a selected proxy
 * is "<proto>://<host>:<port>" with an allowed proto, a port 1-65535 and no byte outside printable
 * ASCII, '@', '%', '?', '#' or '/' after the "://"; libcurl's own URL parser reads it with the
 * path "/" (never a Unix socket), no credentials, query or fragment; and it is itself a valid list
 * that selects itself. */
#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy-list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_with_curl(const char *proxy) {
        static const CURLUPart absent[] = { CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
                                            CURLUPART_QUERY, CURLUPART_FRAGMENT };
        CURLU *u = curl_url();
        char *part = NULL;

        if (!u)
                return;
        if (curl_url_set(u, CURLUPART_URL, proxy, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
                abort();
        if (curl_url_get(u, CURLUPART_PATH, &part, 0) != CURLUE_OK || strcmp(part, "/") != 0)
                abort();   /* socks5h://localhost/<path> would be a Unix socket */
        curl_free(part);
        part = NULL;
        if (curl_url_get(u, CURLUPART_HOST, &part, 0) != CURLUE_OK || !part[0])
                abort();
        curl_free(part);
        for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
                part = NULL;
                if (curl_url_get(u, absent[i], &part, 0) == CURLUE_OK)
                        abort();
                curl_free(part);
        }
        curl_url_cleanup(u);
}

static void check_proxy(const char *proxy) {
        static const char *const protos[] = { "http://", "https://", "socks4://", "socks4a://", "socks5://",
                                              "socks5h://" };
        const char *rest = NULL, *colon;
        char *again = NULL, *end;
        unsigned long port;

        for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
                if (strncmp(proxy, protos[i], strlen(protos[i])) == 0)
                        rest = proxy + strlen(protos[i]);
        if (!rest || !rest[0])
                abort();
        for (const char *p = rest; *p; p++)
                if ((unsigned char) *p <= 0x20 || (unsigned char) *p >= 0x7f || strchr("@%?#/\\", *p))
                        abort();
        colon = strrchr(rest, ':');
        if (!colon || colon == rest)
                abort();
        errno = 0;
        port = strtoul(colon + 1, &end, 10);
        if (errno != 0 || *end || port < 1 || port > 65535)
                abort();

        if (strlen(proxy) < 1024)   /* keep curl's parser to sane sizes; the rest is the same code */
                check_with_curl(proxy);

        if (proxy_list_check(proxy) != 0 || proxy_list_select(proxy, "http", &again) != 1 ||
            strcmp(again, proxy) != 0)
                abort();
        free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const schemes[] = { "http", "https" };
        char *s;
        int valid;

        if (size > 8192)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';   /* an embedded NUL ends the string, as on the bus */

        valid = proxy_list_check(s);
        if (valid != 0 && valid != -EINVAL)
                abort();
        for (size_t i = 0; i < 2; i++) {
                char *proxy = (char *) 1;
                int r = proxy_list_select(s, schemes[i], &proxy);

                if (r == -ENOMEM)
                        continue;
                if ((r < 0) != (valid < 0) || (r == 1) != (proxy != NULL) || r > 1)
                        abort();
                if (proxy)
                        check_proxy(proxy);
                free(proxy);
        }
        free(s);
        return 0;
}
