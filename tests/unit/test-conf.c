/* test-conf.c: dosvc.conf parsing (src/daemon/conf.c, format in conf.h): defaults, every key,
 * comments and blanks, warnings that are not errors, errors that name file:line, and the file
 * lookup order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "log.h"

static int parse(const char *text, Limits *l, char **ret_error) {
        *l = LIMITS_DEFAULT;
        return conf_parse(text, strlen(text), "test.conf", l, ret_error);
}

/* Parses text and expects an error whose message starts with `prefix`; the limits stay the defaults. */
static void expect_error(const char *text, const char *prefix) {
        char *error = NULL;
        Limits l;

        assert_int_equal(parse(text, &l, &error), -EINVAL);
        assert_non_null(error);
        if (strncmp(error, prefix, strlen(prefix)) != 0)
                fail_msg("error \"%s\" does not start with \"%s\"", error, prefix);
        assert_memory_equal(&l, &LIMITS_DEFAULT, sizeof l);
        free(error);
}

static void test_conf__defaults_are_the_spec_values(void **state) {
        Limits l = LIMITS_DEFAULT;

        assert_int_equal(l.max_jobs_per_user, 60);
        assert_int_equal(l.max_jobs_per_machine, 300);
        assert_int_equal(l.max_files_per_job, 200);
        assert_int_equal(l.max_ranges_per_file, 500);
        assert_int_equal(l.max_url_length, 2200);
        assert_int_equal(l.max_display_name_length, 256);
        assert_int_equal(l.max_description_length, 1024);
        assert_int_equal(l.max_local_path_length, 260);
        assert_int_equal(l.max_redirects, 10);
        assert_int_equal(l.max_background_transfers, 4);
        assert_int_equal(l.max_notifications_per_user, 4);
        assert_true(l.max_response_bytes == 0);
}

static void test_conf__empty_file_keeps_the_defaults(void **state) {
        char *error = NULL;
        Limits l;

        assert_int_equal(parse("", &l, &error), 0);
        assert_memory_equal(&l, &LIMITS_DEFAULT, sizeof l);
        assert_int_equal(parse("# only a comment\n\n; another\n[Limits]\n", &l, &error), 0);
        assert_memory_equal(&l, &LIMITS_DEFAULT, sizeof l);
        assert_null(error);
}

static void test_conf__every_key_is_read(void **state) {
        char *error = NULL;
        Limits l;

        assert_int_equal(parse("[Limits]\n"
                               "MaxJobsPerUser=1\n"
                               "MaxJobsPerMachine = 2\n"
                               "  MaxFilesPerJob\t=\t3  \n"
                               "MaxRangesPerFile=4\r\n"
                               "MaxUrlLength=100\n"
                               "MaxDisplayNameLength=6\n"
                               "MaxDescriptionLength=0\n"
                               "MaxLocalPathLength=8\n"
                               "MaxResponseHeaderBytes=4096\n"
                               "MaxResponseBytes=18446744073709551\n"
                               "MaxRedirects=0\n"
                               "MaxConnections=12\n"
                               "MaxBackgroundTransfers=13\n"
                               "MaxNotificationsPerUser=14", &l, &error), 0);
        assert_null(error);
        assert_int_equal(l.max_jobs_per_user, 1);
        assert_int_equal(l.max_jobs_per_machine, 2);
        assert_int_equal(l.max_files_per_job, 3);
        assert_int_equal(l.max_ranges_per_file, 4);
        assert_int_equal(l.max_url_length, 100);
        assert_int_equal(l.max_display_name_length, 6);
        assert_int_equal(l.max_description_length, 0);
        assert_int_equal(l.max_local_path_length, 8);
        assert_true(l.max_response_header_bytes == 4096);
        assert_true(l.max_response_bytes == 18446744073709551ULL);
        assert_int_equal(l.max_redirects, 0);
        assert_int_equal(l.max_connections, 12);
        assert_int_equal(l.max_background_transfers, 13);
        assert_int_equal(l.max_notifications_per_user, 14);
}

static void test_conf__last_value_wins(void **state) {
        char *error = NULL;
        Limits l;

        assert_int_equal(parse("[Limits]\nMaxJobsPerUser=5\nMaxJobsPerUser=7\n", &l, &error), 0);
        assert_int_equal(l.max_jobs_per_user, 7);
}

static void test_conf__unknown_keys_and_sections_are_ignored(void **state) {
        char *error = NULL;
        Limits l;

        assert_int_equal(parse("[Limits]\nMaxJobsPerUsers=5\nmaxjobsperuser=6\n"
                               "[Other]\nMaxJobsPerUser=9\nAnything = goes here\n"
                               "[Limits]\nMaxRedirects=3\n", &l, &error), 0);
        assert_null(error);
        assert_int_equal(l.max_jobs_per_user, 60);
        assert_int_equal(l.max_redirects, 3);
}

static void test_conf__bad_values_name_file_and_line(void **state) {
        expect_error("[Limits]\nMaxJobsPerUser=\n", "test.conf:2: invalid value '' for MaxJobsPerUser");
        expect_error("[Limits]\n\n# c\nMaxJobsPerUser=-1\n", "test.conf:4: invalid value '-1'");
        expect_error("[Limits]\nMaxJobsPerUser=+1\n", "test.conf:2:");
        expect_error("[Limits]\nMaxJobsPerUser=0x10\n", "test.conf:2:");
        expect_error("[Limits]\nMaxJobsPerUser=12abc\n", "test.conf:2:");
        expect_error("[Limits]\nMaxJobsPerUser=1 2\n", "test.conf:2:");
        expect_error("[Limits]\nMaxJobsPerUser=60 # comment\n", "test.conf:2:");
        expect_error("[Limits]\nMaxJobsPerUser=0\n", "test.conf:2:");                  /* below 1 */
        expect_error("[Limits]\nMaxJobsPerUser=100001\n", "test.conf:2:");             /* above the ceiling */
        expect_error("[Limits]\nMaxResponseBytes=99999999999999999999999\n", "test.conf:2:");  /* overflow */
        expect_error("[Limits]\nMaxRedirects=101\n", "test.conf:2:");
        expect_error("[Limits]\nMaxLocalPathLength=4096\n", "test.conf:2:");
}

static void test_conf__bad_lines_name_file_and_line(void **state) {
        expect_error("MaxJobsPerUser=5\n", "test.conf:1: key 'MaxJobsPerUser' outside a section");
        expect_error("[Limits]\nMaxJobsPerUser\n", "test.conf:2: expected 'Key = Value'");
        expect_error("[Limits]\n=5\n", "test.conf:2: missing key name");
        expect_error("[Limits\n", "test.conf:1: malformed section header");
        expect_error("[]\n", "test.conf:1: malformed section header");
}

static void test_conf__nul_and_size_limits(void **state) {
        char *error = NULL, *big;
        Limits l = LIMITS_DEFAULT;

        assert_int_equal(conf_parse("[Limits]\0\n", 10, "test.conf", &l, &error), -EINVAL);
        assert_non_null(error);
        free(error);

        big = malloc(CONF_FILE_MAX + 1);
        assert_non_null(big);
        memset(big, '#', CONF_FILE_MAX + 1);
        assert_int_equal(conf_parse(big, CONF_FILE_MAX + 1, "test.conf", &l, &error), -EINVAL);
        free(error);
        /* a comment line longer than CONF_LINE_MAX is an error too */
        assert_int_equal(conf_parse(big, CONF_LINE_MAX + 1, "test.conf", &l, &error), -EINVAL);
        assert_non_null(strstr(error, "test.conf:1:"));
        free(error);
        assert_int_equal(conf_parse(big, CONF_LINE_MAX, "test.conf", &l, &error), 0);
        free(big);
        assert_memory_equal(&l, &LIMITS_DEFAULT, sizeof l);
}

static void test_conf__path_lookup_order(void **state) {
        char *p = NULL;

        assert_int_equal(setenv("DOSVC_CONFIG", "/x/my.conf", 1), 0);
        assert_int_equal(conf_path(true, &p), 0);
        assert_string_equal(p, "/x/my.conf");
        free(p);
        assert_int_equal(unsetenv("DOSVC_CONFIG"), 0);

        assert_int_equal(conf_path(true, &p), 0);
        assert_non_null(strstr(p, "/dosvc/dosvc.conf"));
        free(p);

        assert_int_equal(setenv("XDG_CONFIG_HOME", "/cfg", 1), 0);
        assert_int_equal(conf_path(false, &p), 0);
        assert_string_equal(p, "/cfg/dosvc/dosvc.conf");
        free(p);
        assert_int_equal(unsetenv("XDG_CONFIG_HOME"), 0);
        assert_int_equal(setenv("HOME", "/home/u", 1), 0);
        assert_int_equal(conf_path(false, &p), 0);
        assert_string_equal(p, "/home/u/.config/dosvc/dosvc.conf");
        free(p);
}

static void test_conf__load_missing_file_gives_defaults(void **state) {
        char path[] = "/tmp/test-conf-XXXXXX";
        Limits l = { 0 };
        FILE *f;
        int fd;

        assert_int_equal(conf_load("/nonexistent/dosvc.conf", &l), 0);
        assert_memory_equal(&l, &LIMITS_DEFAULT, sizeof l);

        fd = mkstemp(path);
        assert_true(fd >= 0);
        f = fdopen(fd, "w");
        assert_non_null(f);
        fputs("[Limits]\nMaxJobsPerUser=1000\n", f);
        fclose(f);
        assert_int_equal(conf_load(path, &l), 0);
        assert_int_equal(l.max_jobs_per_user, 1000);

        f = fopen(path, "w");
        assert_non_null(f);
        fputs("[Limits]\nMaxJobsPerUser=lots\n", f);
        fclose(f);
        assert_int_equal(conf_load(path, &l), -EINVAL);
        assert_int_equal(l.max_jobs_per_user, 1000);   /* unchanged on error */
        unlink(path);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_conf__defaults_are_the_spec_values),
                cmocka_unit_test(test_conf__empty_file_keeps_the_defaults),
                cmocka_unit_test(test_conf__every_key_is_read),
                cmocka_unit_test(test_conf__last_value_wins),
                cmocka_unit_test(test_conf__unknown_keys_and_sections_are_ignored),
                cmocka_unit_test(test_conf__bad_values_name_file_and_line),
                cmocka_unit_test(test_conf__bad_lines_name_file_and_line),
                cmocka_unit_test(test_conf__nul_and_size_limits),
                cmocka_unit_test(test_conf__path_lookup_order),
                cmocka_unit_test(test_conf__load_missing_file_gives_defaults),
        };

        log_set_max_level(LOG_ERR);   /* the warnings of the "ignored" cases are expected */
        return cmocka_run_group_tests(tests, NULL, NULL);
}
