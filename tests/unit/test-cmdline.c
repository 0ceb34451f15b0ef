/* test-cmdline.c: the notify command-line splitter of src/daemon/cmdline.c (rules in cmdline.h),
 * case by case. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"

/* Splits s and compares with the NULL-terminated list of expected arguments. */
static void expect_split(const char *s, ...) {
        const char *want[64];
        size_t n_want = 0;
        char **argv = NULL;
        va_list ap;
        int r;

        va_start(ap, s);
        for (const char *a; (a = va_arg(ap, const char *)) && n_want < 64;)
                want[n_want++] = a;
        va_end(ap);

        r = cmdline_split(s, &argv);
        assert_int_equal(r, (int) n_want);
        for (size_t i = 0; i < n_want; i++)
                assert_string_equal(argv[i], want[i]);
        assert_null(argv[n_want]);
        cmdline_free(argv);
}

static void test_cmdline__blank_is_no_argument(void **state) {
        expect_split("", NULL);
        expect_split("  \t ", NULL);
        expect_split(NULL, NULL);
}

static void test_cmdline__spaces_and_tabs_separate(void **state) {
        expect_split("/bin/sh -c true", "/bin/sh", "-c", "true", NULL);
        expect_split("  a\t\tb  ", "a", "b", NULL);
}

static void test_cmdline__double_quotes_group(void **state) {
        expect_split("/bin/sh -c \"echo $X > /tmp/m\"", "/bin/sh", "-c", "echo $X > /tmp/m", NULL);
        expect_split("a\"b c\"d", "ab cd", NULL);
        expect_split("\"\" x", "", "x", NULL);
        expect_split("\"open to the end", "open to the end", NULL);
}

static void test_cmdline__doubled_quote_inside_quotes_is_literal(void **state) {
        expect_split("\"say \"\"hi\"\"\"", "say \"hi\"", NULL);
}

static void test_cmdline__backslashes(void **state) {
        expect_split("/a\\b", "/a\\b", NULL);                  /* not before a quote: literal */
        expect_split("a\\\"b", "a\"b", NULL);                  /* \" is a literal quote */
        expect_split("\"a\\\\\" b", "a\\", "b", NULL);         /* \\" is a backslash, then the quote */
        expect_split("a\\\\\\\"b", "a\\\"b", NULL);            /* \\\" is a backslash and a quote */
}

static void test_cmdline__no_shell_expansion(void **state) {
        expect_split("$HOME ~ * `x` ;", "$HOME", "~", "*", "`x`", ";", NULL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cmdline__blank_is_no_argument),
                cmocka_unit_test(test_cmdline__spaces_and_tabs_separate),
                cmocka_unit_test(test_cmdline__double_quotes_group),
                cmocka_unit_test(test_cmdline__doubled_quote_inside_quotes_is_literal),
                cmocka_unit_test(test_cmdline__backslashes),
                cmocka_unit_test(test_cmdline__no_shell_expansion),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
