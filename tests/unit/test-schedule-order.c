/* test-schedule-order.c: the order in which the scheduler starts queued jobs
 * (src/daemon/schedule-order.c): priorities as in BITS, round-robin between owners within one
 * priority, FIFO on ties, recount as jobs start, pre-emption giving a slot back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "schedule-order.h"

enum { FG = 0, HIGH = 1, NORMAL = 2, LOW = 3 };
enum { A = 1000, B = 1001, C = 1002 };

#define E(p, o, s) { .priority = (p), .owner = (o), .queued_seq = (s) }

/* Hand out everything (as a pass with unlimited slots would) and check the queued_seq order. */
static void expect_order(ScheduleEntry *entries, size_t n, const uid_t *running, size_t n_running,
                         const uint64_t *want) {
        ScheduleOrder o;
        ScheduleEntry *e;
        size_t i = 0;

        for (size_t k = 0; k < n; k++)  /* moved by the sort: check data follows */
                entries[k].data = (void *) (uintptr_t) entries[k].queued_seq;
        assert_int_equal(schedule_order_init(&o, entries, n), 0);
        for (size_t k = 0; k < n_running; k++)
                schedule_order_add_running(&o, running[k], +1);
        while ((e = schedule_order_next(&o))) {
                assert_true(i < n);
                assert_int_equal(e->queued_seq, want[i]);
                assert_int_equal((uintptr_t) e->data, e->queued_seq);
                i++;
        }
        assert_int_equal(i, n);
        assert_null(schedule_order_next(&o));
        schedule_order_done(&o);
}

static void test_schedule_order__empty(void **state) {
        ScheduleOrder o;

        assert_int_equal(schedule_order_init(&o, NULL, 0), 0);
        schedule_order_add_running(&o, A, +1);
        assert_null(schedule_order_next(&o));
        schedule_order_done(&o);
}

static void test_schedule_order__one_owner_is_fifo(void **state) {
        ScheduleEntry e[] = { E(NORMAL, A, 3), E(NORMAL, A, 1), E(NORMAL, A, 2) };
        expect_order(e, 3, NULL, 0, (uint64_t[]) { 1, 2, 3 });
}

static void test_schedule_order__priority_first_whatever_the_owner(void **state) {
        /* B already runs 5 jobs: its HIGH and FOREGROUND jobs still go before A's NORMAL and LOW. */
        ScheduleEntry e[] = { E(NORMAL, A, 1), E(LOW, A, 2), E(HIGH, B, 9), E(FG, B, 10), E(HIGH, A, 11) };
        uid_t running[] = { B, B, B, B, B };
        expect_order(e, 5, running, 5, (uint64_t[]) { 10, 11, 9, 1, 2 });
}

static void test_schedule_order__round_robin_at_equal_priority(void **state) {
        /* A queued three jobs first, then B one, then C two: one each in turn, FIFO between equals. */
        ScheduleEntry e[] = { E(NORMAL, A, 1), E(NORMAL, A, 2), E(NORMAL, A, 3), E(NORMAL, B, 4),
                              E(NORMAL, C, 5), E(NORMAL, C, 6) };
        expect_order(e, 6, NULL, 0, (uint64_t[]) { 1, 4, 5, 2, 6, 3 });
}

static void test_schedule_order__running_jobs_count(void **state) {
        /* A runs 2, B runs 1, C none: C first; then B (1, seq 2) before C (1, seq 4); then C (1)
         * before A and B (2); then A before B by FIFO. */
        ScheduleEntry e[] = { E(NORMAL, A, 1), E(NORMAL, B, 2), E(NORMAL, C, 3), E(NORMAL, C, 4),
                              E(NORMAL, B, 7) };
        uid_t running[] = { A, A, B };
        expect_order(e, 5, running, 3, (uint64_t[]) { 3, 2, 4, 1, 7 });
}

static void test_schedule_order__running_at_any_priority_counts(void **state) {
        /* A's FOREGROUND job that transfers counts against A at NORMAL too. */
        ScheduleEntry e[] = { E(NORMAL, A, 1), E(NORMAL, B, 2) };
        uid_t running[] = { A };
        expect_order(e, 2, running, 1, (uint64_t[]) { 2, 1 });
}

static void test_schedule_order__running_owner_with_nothing_queued_is_ignored(void **state) {
        ScheduleEntry e[] = { E(NORMAL, A, 1), E(NORMAL, B, 2) };
        uid_t running[] = { C, C, C };
        expect_order(e, 2, running, 3, (uint64_t[]) { 1, 2 });
}

static void test_schedule_order__fairness_is_per_priority_group(void **state) {
        /* Within HIGH, B goes first (A runs one); A's HIGH job taken then counts at NORMAL. */
        ScheduleEntry e[] = { E(HIGH, A, 1), E(HIGH, B, 2), E(NORMAL, A, 3), E(NORMAL, B, 4), E(NORMAL, B, 5) };
        uid_t running[] = { A };
        /* after HIGH: A 2, B 1 → B4 (B 2), tie → A3 (seq 3), then B5 */
        expect_order(e, 5, running, 1, (uint64_t[]) { 2, 1, 4, 3, 5 });
}

static void test_schedule_order__preemption_gives_the_slot_back(void **state) {
        /* A and B run one job each; A's is LOW, B's NORMAL. Both queue NORMAL jobs. */
        ScheduleEntry e[] = { E(NORMAL, A, 1), E(NORMAL, A, 2), E(NORMAL, B, 3), E(NORMAL, A, 4) };
        ScheduleOrder o;
        ScheduleEntry *x;

        assert_int_equal(schedule_order_init(&o, e, 4), 0);
        schedule_order_add_running(&o, A, +1);
        schedule_order_add_running(&o, B, +1);
        x = schedule_order_next(&o);
        assert_int_equal(x->queued_seq, 1);           /* 1 each, FIFO; now A 2, B 1 */
        schedule_order_add_running(&o, A, -1);        /* it pre-empted A's LOW job: A 1, B 1 */
        x = schedule_order_next(&o);
        assert_int_equal(x->queued_seq, 3);           /* tie; A started last: B's turn; now B 2 */
        schedule_order_add_running(&o, A, -5);        /* clamped at 0: A 0, B 2 */
        schedule_order_add_running(&o, C, -1);        /* not tracked: nothing happens */
        x = schedule_order_next(&o);
        assert_int_equal(x->queued_seq, 2);           /* A 0 < B 2 */
        x = schedule_order_next(&o);
        assert_int_equal(x->queued_seq, 4);
        assert_null(schedule_order_next(&o));
        schedule_order_done(&o);
}

/* With more owners than slots, the slot rotates: the owner whose last start is oldest goes first
 * on a tie of running jobs, even if another owner queued earlier (one slot, A queued 3 first). */
static void test_schedule_order__one_slot_rotates_between_owners(void **state) {
        ScheduleEntry e[] = { E(NORMAL, A, 1), E(NORMAL, A, 2), E(NORMAL, A, 3), E(NORMAL, B, 4) };
        ScheduleOrder o;
        ScheduleEntry *x;

        /* A's first job ran (started at stamp 10) and finished; B never started one. */
        assert_int_equal(schedule_order_init(&o, e, 4), 0);
        schedule_order_note_start(&o, A, 10);
        schedule_order_note_start(&o, A, 7);          /* older starts do not lower it */
        schedule_order_note_start(&o, C, 99);         /* not queued: only raises the stamp */
        x = schedule_order_next(&o);
        assert_int_equal(x->queued_seq, 4);           /* B's turn, though A queued first */
        x = schedule_order_next(&o);
        assert_int_equal(x->queued_seq, 1);
        schedule_order_done(&o);
}

/* The rule written the slow, obvious way: O(n) per pick over every entry left. */
static void reference_order(const ScheduleEntry *in, size_t n, const unsigned *running0, size_t n_owners,
                            uid_t owner_base, uint64_t *ret) {
        bool *taken = calloc(n, sizeof(bool));
        unsigned *running = calloc(n_owners, sizeof(unsigned));
        uint64_t *last = calloc(n_owners, sizeof(uint64_t)), stamp = 0;

        assert_non_null(taken);
        assert_non_null(running);
        memcpy(running, running0, n_owners * sizeof(unsigned));
        for (size_t out = 0; out < n; out++) {
                size_t best = SIZE_MAX;
                for (size_t i = 0; i < n; i++) {
                        if (taken[i])
                                continue;
                        if (best == SIZE_MAX) {
                                best = i;
                                continue;
                        }
                        const ScheduleEntry *x = &in[i], *y = &in[best];
                        unsigned rx = running[x->owner - owner_base], ry = running[y->owner - owner_base];
                        uint64_t lx = last[x->owner - owner_base], ly = last[y->owner - owner_base];
                        if (x->priority < y->priority ||
                            (x->priority == y->priority &&
                             (rx < ry || (rx == ry && (lx < ly || (lx == ly && x->queued_seq < y->queued_seq))))))
                                best = i;
                }
                taken[best] = true;
                running[in[best].owner - owner_base]++;
                last[in[best].owner - owner_base] = ++stamp;
                ret[out] = in[best].queued_seq;
        }
        free(taken);
        free(running);
        free(last);
}

static void test_schedule_order__matches_reference_on_random_queues(void **state) {
        srand(4242);
        for (int round = 0; round < 200; round++) {
                size_t n = 1 + (size_t) (rand() % 120), n_owners = 1 + (size_t) (rand() % 8);
                ScheduleEntry *e = calloc(n, sizeof *e), *copy = calloc(n, sizeof *e);
                unsigned running[8] = {};
                uint64_t *want = calloc(n, sizeof *want);
                uint64_t seq = 0;
                ScheduleOrder o;
                ScheduleEntry *x;

                assert_non_null(e);
                assert_non_null(copy);
                assert_non_null(want);
                for (size_t i = 0; i < n; i++) {
                        seq += 1 + (uint64_t) (rand() % 3);   /* unique, not dense */
                        e[i] = (ScheduleEntry) E((unsigned) (rand() % 4), (uid_t) (A + rand() % (int) n_owners), seq);
                }
                for (size_t i = n; i > 1; i--) {             /* shuffle */
                        size_t k = (size_t) rand() % i;
                        ScheduleEntry t = e[i - 1];
                        e[i - 1] = e[k];
                        e[k] = t;
                }
                for (size_t w = 0; w < n_owners; w++)
                        running[w] = (unsigned) (rand() % 4);
                memcpy(copy, e, n * sizeof *e);
                reference_order(copy, n, running, n_owners, A, want);

                assert_int_equal(schedule_order_init(&o, e, n), 0);
                for (size_t w = 0; w < n_owners; w++)
                        for (unsigned r = 0; r < running[w]; r++)
                                schedule_order_add_running(&o, (uid_t) (A + w), +1);
                for (size_t i = 0; i < n; i++) {
                        x = schedule_order_next(&o);
                        assert_non_null(x);
                        assert_int_equal(x->queued_seq, want[i]);
                }
                assert_null(schedule_order_next(&o));
                schedule_order_done(&o);
                free(e);
                free(copy);
                free(want);
        }
}

static void test_schedule_order__machine_limit_drains(void **state) {
        /* MaxJobsPerMachine's ceiling, 100000 jobs of 200 owners, one priority, drained to the end
         * (a pass never does: it stops at the free slots). Owners alternate strictly. */
        size_t n = 100000, n_owners = 200;
        ScheduleEntry *e = calloc(n, sizeof *e);
        ScheduleOrder o;
        ScheduleEntry *x;

        assert_non_null(e);
        for (size_t i = 0; i < n; i++)
                e[i] = (ScheduleEntry) E(NORMAL, (uid_t) (A + (i * 7919) % n_owners), i + 1);
        assert_int_equal(schedule_order_init(&o, e, n), 0);
        for (size_t i = 0; i < n; i++) {
                x = schedule_order_next(&o);
                assert_non_null(x);
                /* round i / n_owners: every owner got exactly that many before */
                assert_int_equal(o.owners[x->owner - A].running, i / n_owners + 1);
        }
        assert_null(schedule_order_next(&o));
        schedule_order_done(&o);
        free(e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_schedule_order__empty),
                cmocka_unit_test(test_schedule_order__one_owner_is_fifo),
                cmocka_unit_test(test_schedule_order__priority_first_whatever_the_owner),
                cmocka_unit_test(test_schedule_order__round_robin_at_equal_priority),
                cmocka_unit_test(test_schedule_order__running_jobs_count),
                cmocka_unit_test(test_schedule_order__running_at_any_priority_counts),
                cmocka_unit_test(test_schedule_order__running_owner_with_nothing_queued_is_ignored),
                cmocka_unit_test(test_schedule_order__fairness_is_per_priority_group),
                cmocka_unit_test(test_schedule_order__preemption_gives_the_slot_back),
                cmocka_unit_test(test_schedule_order__one_slot_rotates_between_owners),
                cmocka_unit_test(test_schedule_order__matches_reference_on_random_queues),
                cmocka_unit_test(test_schedule_order__machine_limit_drains),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
