/* schedule-order.h: the order in which the scheduler starts queued jobs (docs/decisions.md
 * "Transfers", background concurrency and fairness).
 *
 * Rule: lower priority value first (FOREGROUND 0, HIGH 1, NORMAL 2, LOW 3), exactly as before; among
 * jobs of the SAME priority, the job whose owner has the fewest running (CONNECTING/TRANSFERRING)
 * jobs goes first, then the owner whose last job started longest ago (so that with more owners
 * than slots the slots rotate between them instead of going to whoever queued first), then
 * queued_seq (FIFO). Each job handed out counts as running for its owner, and as its latest
 * start, from then on, so several slots opening in one pass are shared round-robin too.
 * Across priorities nothing changes: a HIGH job still goes before every NORMAL one, whoever owns it.
 *
 * Pure code (no Manager, no Job), unit-tested in tests/unit/test-schedule-order.c.
 *
 * Use:
 *     ScheduleOrder o;
 *     schedule_order_init(&o, entries, n);          sorts `entries` in place
 *     schedule_order_add_running(&o, uid, +1);      once per running job (any priority)
 *     schedule_order_note_start(&o, uid, stamp);    once per job that ever started (any state)
 *     while ((e = schedule_order_next(&o))) { start e or stop; on a pre-emption add -1 for the
 *                                              victim's owner }
 *     schedule_order_done(&o);
 *
 * Complexity, n entries, k distinct owners among them: init O(n log n) (one sort by
 * (priority, owner, queued_seq), a sort of the owners and a binary search per (priority, owner));
 * add_running O(log k); next O(owners with jobs queued at the current priority) ≤ O(k), amortised
 * O(1) more for skipping exhausted priorities. A pass hands out at most n entries, so at worst
 * O(n log n + n·k); in practice a pass stops after the free slots (a handful) are filled. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct ScheduleEntry {
        unsigned priority;         /* BG_JOB_PRIORITY: a lower value starts first */
        uid_t owner;
        uint64_t queued_seq;       /* FIFO order within (priority, running count) */
        void *data;                /* the caller's (the scheduler's Job *) */
} ScheduleEntry;

typedef struct ScheduleOwner {
        uid_t uid;
        unsigned running;
        uint64_t last_start;       /* stamp of this owner's latest job start; 0: none known */
} ScheduleOwner;

typedef struct ScheduleRun {       /* the entries of one (priority, owner), in queued_seq order */
        unsigned priority;
        uid_t owner;
        size_t owner_index;        /* in ScheduleOrder.owners */
        size_t next;               /* first entry not handed out yet */
        size_t end;
} ScheduleRun;

typedef struct ScheduleOrder {
        ScheduleEntry *entries;    /* borrowed; sorted by (priority, owner, queued_seq) */
        size_t n_entries;
        ScheduleOwner *owners;     /* distinct owners of the entries, sorted by uid */
        size_t n_owners;
        ScheduleRun *runs;         /* sorted by (priority, owner) */
        size_t n_runs;
        size_t first_run;          /* runs before it are exhausted */
        uint64_t stamp;            /* the highest start stamp seen: handouts go above it */
} ScheduleOrder;

/* Sorts `entries` in place and builds the owner table (every owner at 0 running). 0 or -ENOMEM
 * (then `o` needs no schedule_order_done()). n may be 0. */
int schedule_order_init(ScheduleOrder *o, ScheduleEntry *entries, size_t n);

/* Add `delta` running jobs to `owner`'s count (clamped at 0). An owner with nothing queued is not
 * tracked: nothing happens. */
void schedule_order_add_running(ScheduleOrder *o, uid_t owner, int delta);

/* `owner` started a job at `stamp` (any increasing counter shared by all owners; the scheduler
 * uses the same counter as queued_seq): the owner's latest start is the highest noted. */
void schedule_order_note_start(ScheduleOrder *o, uid_t owner, uint64_t stamp);

/* The next entry to start, or NULL when every entry was handed out. The entry's owner counts one
 * more running job from now on (the caller starts it, or stops the pass). */
ScheduleEntry *schedule_order_next(ScheduleOrder *o);

void schedule_order_done(ScheduleOrder *o);
