/* test-ranges.c: validation and bookkeeping of ranged files (src/daemon/ranges.c), behaviours 63–65
 * and 69 of spec §6 at the unit level. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ranges.h"

#define EOFL BG_LENGTH_TO_EOF
#define R(o, l) { .InitialOffset = (o), .Length = (l) }

static void expect_hr(const BG_FILE_RANGE *r, size_t n, uint32_t hr) {
        assert_int_equal((uint32_t) ranges_validate(r, n), hr);
}

static void test_ranges__no_ranges_are_valid(void **state) {
        expect_hr(NULL, 0, 0);
}

static void test_ranges__b63_offset_to_eof_is_invalid_range(void **state) {
        BG_FILE_RANGE r[] = { R(EOFL, 10) };
        expect_hr(r, 1, 0x80D05010);
}

static void test_ranges__b64_overlap_is_overlapping(void **state) {
        BG_FILE_RANGE r[] = { R(0, 10), R(5, 10) };
        expect_hr(r, 2, 0x80D05012);
}

static void test_ranges__b65_same_offset_longer_first_is_overlapping(void **state) {
        BG_FILE_RANGE r[] = { R(100, 5), R(100, 0) };
        expect_hr(r, 2, 0x80D05012);
}

static void test_ranges__duplicates_overlap(void **state) {
        BG_FILE_RANGE r[] = { R(7, 3), R(7, 3) };
        expect_hr(r, 2, 0x80D05012);
}

static void test_ranges__eof_range_before_another_overlaps(void **state) {
        BG_FILE_RANGE r[] = { R(500, 10), R(100, EOFL) };
        expect_hr(r, 2, 0x80D05012);
}

static void test_ranges__zero_length_is_invalid_range(void **state) {
        BG_FILE_RANGE r[] = { R(100, 0) };
        expect_hr(r, 1, 0x80D05010);
}

static void test_ranges__overflowing_end_is_invalid_range(void **state) {
        BG_FILE_RANGE r[] = { R(UINT64_MAX - 5, 10) };
        expect_hr(r, 1, 0x80D05010);
}

static void test_ranges__bits_example_unsorted_with_eof_is_valid(void **state) {
        BG_FILE_RANGE r[] = { R(24, 17), R(111, EOFL), R(83, 7) };
        expect_hr(r, 3, 0);
}

static void test_ranges__adjacent_ranges_are_valid(void **state) {
        BG_FILE_RANGE r[] = { R(0, 10), R(10, 10) };
        expect_hr(r, 2, 0);
}

/* ranges.c checks the compiled ceiling; the configured limit (dosvc.conf MaxRangesPerFile, default
 * 500) is checked by queue.c before (tests/integration/test-hostile.c). */
static void test_ranges__more_than_the_ceiling_is_too_many(void **state) {
        static BG_FILE_RANGE r[LIMIT_RANGES_PER_FILE_CEILING + 1];
        for (unsigned i = 0; i < LIMIT_RANGES_PER_FILE_CEILING + 1; i++)
                r[i] = (BG_FILE_RANGE) R((uint64_t) i * 10, 5);
        expect_hr(r, LIMIT_RANGES_PER_FILE_CEILING, 0);
        expect_hr(r, LIMIT_RANGES_PER_FILE_CEILING + 1, 0x80200052);
}

static void test_ranges__b69_total_is_sum_of_lengths(void **state) {
        BG_FILE_RANGE r[] = { R(100, 100), R(900, 100), R(400, 100) };
        assert_int_equal(ranges_total(r, 3, BG_SIZE_UNKNOWN), 300);
}

static void test_ranges__eof_length_needs_the_remote_size(void **state) {
        BG_FILE_RANGE r[] = { R(10, 5), R(100, EOFL) };
        assert_true(ranges_total(r, 2, BG_SIZE_UNKNOWN) == UINT64_MAX);
        assert_int_equal(ranges_total(r, 2, 1000), 5 + 900);
}

static void test_ranges__locate_walks_ranges_in_given_order(void **state) {
        BG_FILE_RANGE r[] = { R(100, 100), R(900, 100), R(400, 100) };
        size_t i;
        uint64_t off, left;

        assert_int_equal(ranges_locate(r, 3, 1000, 0, &i, &off, &left), 0);
        assert_int_equal(i, 0); assert_int_equal(off, 100); assert_int_equal(left, 100);
        assert_int_equal(ranges_locate(r, 3, 1000, 150, &i, &off, &left), 0);
        assert_int_equal(i, 1); assert_int_equal(off, 950); assert_int_equal(left, 50);
        assert_int_equal(ranges_locate(r, 3, 1000, 200, &i, &off, &left), 0);
        assert_int_equal(i, 2); assert_int_equal(off, 400); assert_int_equal(left, 100);
        assert_int_equal(ranges_locate(r, 3, 1000, 300, &i, &off, &left), -ENOENT);
}

static void test_ranges__locate_unknown_size_eof_range(void **state) {
        BG_FILE_RANGE r[] = { R(50, EOFL) };
        size_t i;
        uint64_t off, left;

        assert_int_equal(ranges_locate(r, 1, BG_SIZE_UNKNOWN, 7, &i, &off, &left), 0);
        assert_int_equal(off, 57);
        assert_true(left == UINT64_MAX);
}

static void test_ranges__b67_range_outside_the_file_is_erange(void **state) {
        BG_FILE_RANGE past[] = { R(2000, 10) }, straddle[] = { R(995, 10) }, eof_past[] = { R(1000, EOFL) };
        size_t i;
        uint64_t off, left;

        assert_int_equal(ranges_locate(past, 1, 1000, 0, &i, &off, &left), -ERANGE);
        assert_int_equal(ranges_locate(straddle, 1, 1000, 0, &i, &off, &left), -ERANGE);
        assert_int_equal(ranges_locate(eof_past, 1, 1000, 0, &i, &off, &left), -ERANGE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ranges__no_ranges_are_valid),
                cmocka_unit_test(test_ranges__b63_offset_to_eof_is_invalid_range),
                cmocka_unit_test(test_ranges__b64_overlap_is_overlapping),
                cmocka_unit_test(test_ranges__b65_same_offset_longer_first_is_overlapping),
                cmocka_unit_test(test_ranges__duplicates_overlap),
                cmocka_unit_test(test_ranges__eof_range_before_another_overlaps),
                cmocka_unit_test(test_ranges__zero_length_is_invalid_range),
                cmocka_unit_test(test_ranges__overflowing_end_is_invalid_range),
                cmocka_unit_test(test_ranges__bits_example_unsorted_with_eof_is_valid),
                cmocka_unit_test(test_ranges__adjacent_ranges_are_valid),
                cmocka_unit_test(test_ranges__more_than_the_ceiling_is_too_many),
                cmocka_unit_test(test_ranges__b69_total_is_sum_of_lengths),
                cmocka_unit_test(test_ranges__eof_length_needs_the_remote_size),
                cmocka_unit_test(test_ranges__locate_walks_ranges_in_given_order),
                cmocka_unit_test(test_ranges__locate_unknown_size_eof_range),
                cmocka_unit_test(test_ranges__b67_range_outside_the_file_is_erange),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
