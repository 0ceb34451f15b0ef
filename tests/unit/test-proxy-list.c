/* test-proxy-list.c: the BITS proxy lists of src/daemon/proxy-list.c, row by row: which lists
 * SetProxySettings(OVERRIDE) accepts, which it refuses (security review A: nothing libcurl would
 * take as a Unix socket, no credentials, no path, no other scheme), and which proxy a request of
 * each URL scheme gets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proxy-list.h"

/* `list` is valid; an http request uses `for_http`, an https request `for_https` (NULL: none). */
static void accepted(const char *list, const char *for_http, const char *for_https) {
        char *p = (char *) 1;

        if (proxy_list_check(list) != 0)
                fail_msg("'%s' refused", list);
        assert_int_equal(proxy_list_select(list, "http", &p), for_http ? 1 : 0);
        if (for_http)
                assert_string_equal(p, for_http);
        else
                assert_null(p);
        free(p);
        p = (char *) 1;
        assert_int_equal(proxy_list_select(list, "https", &p), for_https ? 1 : 0);
        if (for_https)
                assert_string_equal(p, for_https);
        else
                assert_null(p);
        free(p);
}

static void refused(const char *list) {
        char *p = (char *) 1;

        if (proxy_list_check(list) != -EINVAL)
                fail_msg("'%s' accepted", list);
        assert_int_equal(proxy_list_select(list, "http", &p), -EINVAL);
        assert_null(p);
        assert_int_equal(proxy_list_select(list, "https", &p), -EINVAL);
        assert_null(p);
}

static void test_proxy_list__host_and_port(void **state) {
        accepted("proxy:80", "http://proxy:80", "http://proxy:80");
        accepted("proxy", "http://proxy:80", "http://proxy:80");       /* BITS: port 80 by default */
        accepted("proxy:80/", "http://proxy:80", "http://proxy:80");
        accepted("h:1", "http://h:1", "http://h:1");
        accepted("h:65535", "http://h:65535", "http://h:65535");
        accepted("h:08080", "http://h:8080", "http://h:8080");
        accepted("10.0.0.1:3128", "http://10.0.0.1:3128", "http://10.0.0.1:3128");
        accepted("[::1]:3128", "http://[::1]:3128", "http://[::1]:3128");
        accepted("[2001:db8::1]", "http://[2001:db8::1]:80", "http://[2001:db8::1]:80");
        accepted("[::ffff:10.0.0.1]:1", "http://[::ffff:10.0.0.1]:1", "http://[::ffff:10.0.0.1]:1");
        accepted("my-proxy.corp_1.example:8080", "http://my-proxy.corp_1.example:8080",
                 "http://my-proxy.corp_1.example:8080");
        accepted("localhost:1080", "http://localhost:1080", "http://localhost:1080");
}

static void test_proxy_list__protos(void **state) {
        accepted("http://h:1", "http://h:1", "http://h:1");
        accepted("HTTP://h:1", "http://h:1", "http://h:1");
        accepted("https://h", "https://h:443", "https://h:443");
        accepted("socks4://h", "socks4://h:1080", "socks4://h:1080");
        accepted("socks4a://h:2", "socks4a://h:2", "socks4a://h:2");
        accepted("socks5://h:3/", "socks5://h:3", "socks5://h:3");
        accepted("socks5h://localhost", "socks5h://localhost:1080", "socks5h://localhost:1080");
        accepted("socks5h://localhost/", "socks5h://localhost:1080", "socks5h://localhost:1080");
        accepted("Socks5H://[::1]:9050", "socks5h://[::1]:9050", "socks5h://[::1]:9050");
}

static void test_proxy_list__scheme_entries_apply_to_their_scheme(void **state) {
        accepted("http=h:1 https=g:2", "http://h:1", "http://g:2");
        accepted("https=g:2;http=h:1", "http://h:1", "http://g:2");
        accepted("http=proxy:8080 https=proxy:8443", "http://proxy:8080", "http://proxy:8443");
        accepted("HTTPS=https://secure:8443", NULL, "https://secure:8443");
        accepted("http=h:1", "http://h:1", NULL);                      /* https: no proxy, direct */
        accepted("https=secure:8443", NULL, "http://secure:8443");
        /* A scheme entry beats an entry for all, wherever it stands; the first of each kind wins. */
        accepted("all:1 https=s:2", "http://all:1", "http://s:2");
        accepted("a:1 b:2 http=c:3 http=d:4", "http://c:3", "http://a:1");
}

static void test_proxy_list__separators(void **state) {
        accepted(" ;proxy:80; ", "http://proxy:80", "http://proxy:80");
        accepted("a:1;;b:2", "http://a:1", "http://a:1");
        accepted("a:1 ; b:2", "http://a:1", "http://a:1");
        refused("");
        refused(" ");
        refused(" ;; ");
        /* The first entry is fine, a later one not: the whole list is refused. */
        refused("proxy:80 socks5h://localhost/run/x.sock");
        refused("http=h:1 https=socks5h://localhost/x");
}

/* Security review A: the root daemon must never reach a Unix socket a client names. */
static void test_proxy_list__unix_sockets_refused(void **state) {
        refused("socks5h://localhost/x");
        refused("socks5h://localhost/run/some-root-only.sock");
        refused("socks5://localhost/x");
        refused("socks5h://localhost:1080/x");
        refused("socks5h://localhost//x");
        refused("socks5h://localhost/%2Frun%2Fx");
        refused("unix:/run/x.sock");
        refused("localhost/x");
        refused("h:80/x");
}

static void test_proxy_list__credentials_paths_queries_refused(void **state) {
        refused("http://u:p@h:1");
        refused("u@h:1");
        refused("h:1@g:2");
        refused("h:80?x");
        refused("h:80/?x");
        refused("h:80#f");
        refused("h%41:80");
        refused("h:80//");
        refused("h\\x:80");
        refused("h,g:80");
        refused("h:80\t");
        refused("h\n");
        refused("\xc3\xa9:80");                                   /* non-ASCII host */
}

static void test_proxy_list__other_schemes_and_protos_refused(void **state) {
        refused("file:///x");
        refused("ftp://h:21");
        refused("ftp=h:1");
        refused("socks=h:1080");
        refused("socks://h:1080");
        refused("socks5s://h:1");
        refused("=h:1");
        refused("http=");
        refused("http=http=h:1");
        refused("://h:1");
        refused("http:/h:1");
        refused("http//h:1");
        refused("http:h:1");
}

static void test_proxy_list__bad_hosts_and_ports_refused(void **state) {
        refused("h:0");
        refused("h:65536");
        refused("h:99999");
        refused("h:123456");
        refused("h:000001");
        refused("h:");
        refused("h:-1");
        refused("h:+1");
        refused("h:1x");
        refused("h:1:2");
        refused(":80");
        refused("http://:80");
        refused("http://");
        refused("/");
        refused("[::1");
        refused("[]:1");
        refused("[h]:1");
        refused("[::1]x");
        refused("[fe80::1%25eth0]:1");
        refused("[::1]]:1");
        refused("[1.2.3.4]:1");
}

static void test_proxy_list__long_host_is_fine(void **state) {
        /* SetProxySettings' limit is on the list (32,768 characters), not on a name. */
        char *big = malloc(32769), *p = NULL;

        assert_non_null(big);
        memset(big, 'p', 32768);
        big[32768] = '\0';
        assert_int_equal(proxy_list_check(big), 0);
        assert_int_equal(proxy_list_select(big, "http", &p), 1);
        assert_int_equal(strlen(p), strlen("http://") + 32768 + strlen(":80"));
        free(p);
        free(big);
}

static void test_proxy_list__arguments(void **state) {
        char *p = NULL;

        assert_int_equal(proxy_list_check(NULL), -EINVAL);
        assert_int_equal(proxy_list_select(NULL, "http", &p), -EINVAL);
        assert_int_equal(proxy_list_select("h:1", NULL, &p), -EINVAL);
        assert_int_equal(proxy_list_select("h:1", "http", NULL), -EINVAL);
        /* An unknown URL scheme gets the entries for all only. */
        assert_int_equal(proxy_list_select("http=h:1", "ftp", &p), 0);
        assert_null(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_proxy_list__host_and_port),
                cmocka_unit_test(test_proxy_list__protos),
                cmocka_unit_test(test_proxy_list__scheme_entries_apply_to_their_scheme),
                cmocka_unit_test(test_proxy_list__separators),
                cmocka_unit_test(test_proxy_list__unix_sockets_refused),
                cmocka_unit_test(test_proxy_list__credentials_paths_queries_refused),
                cmocka_unit_test(test_proxy_list__other_schemes_and_protos_refused),
                cmocka_unit_test(test_proxy_list__bad_hosts_and_ports_refused),
                cmocka_unit_test(test_proxy_list__long_host_is_fine),
                cmocka_unit_test(test_proxy_list__arguments),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
