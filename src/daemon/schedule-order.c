/* schedule-order.c: see schedule-order.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "schedule-order.h"

static int compare_entries(const void *a, const void *b) {
        const ScheduleEntry *x = a, *y = b;

        if (x->priority != y->priority)
                return x->priority < y->priority ? -1 : 1;
        if (x->owner != y->owner)
                return x->owner < y->owner ? -1 : 1;
        return x->queued_seq < y->queued_seq ? -1 : x->queued_seq > y->queued_seq;
}

static int compare_uids(const void *a, const void *b) {
        uid_t x = ((const ScheduleOwner *) a)->uid, y = ((const ScheduleOwner *) b)->uid;

        return x < y ? -1 : x > y;
}

static ScheduleOwner *find_owner(const ScheduleOrder *o, uid_t uid) {
        ScheduleOwner key = { .uid = uid };

        if (o->n_owners == 0)
                return NULL;
        return bsearch(&key, o->owners, o->n_owners, sizeof *o->owners, compare_uids);
}

int schedule_order_init(ScheduleOrder *o, ScheduleEntry *entries, size_t n) {
        size_t n_runs = 0, n_owners = 0;

        *o = (ScheduleOrder) { .entries = entries, .n_entries = n };
        if (n == 0)
                return 0;

        qsort(entries, n, sizeof *entries, compare_entries);

        /* One run per (priority, owner): contiguous after the sort, in queued_seq order. */
        o->runs = calloc(n, sizeof *o->runs);
        o->owners = calloc(n, sizeof *o->owners);
        if (!o->runs || !o->owners) {
                free(o->runs);
                free(o->owners);
                *o = (ScheduleOrder) {};
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                if (i == 0 || entries[i].priority != entries[i - 1].priority ||
                    entries[i].owner != entries[i - 1].owner) {
                        o->runs[n_runs++] = (ScheduleRun) {
                                .priority = entries[i].priority,
                                .owner = entries[i].owner,
                                .next = i,
                        };
                        o->owners[n_owners++] = (ScheduleOwner) { .uid = entries[i].owner };
                }
                o->runs[n_runs - 1].end = i + 1;
        }

        /* The distinct owners, sorted, then each run points at its owner. */
        qsort(o->owners, n_owners, sizeof *o->owners, compare_uids);
        size_t k = 0;
        for (size_t i = 0; i < n_owners; i++)
                if (k == 0 || o->owners[k - 1].uid != o->owners[i].uid)
                        o->owners[k++] = o->owners[i];
        o->n_owners = k;
        for (size_t i = 0; i < n_runs; i++)
                o->runs[i].owner_index = (size_t) (find_owner(o, o->runs[i].owner) - o->owners);
        o->n_runs = n_runs;
        return 0;
}

void schedule_order_add_running(ScheduleOrder *o, uid_t owner, int delta) {
        ScheduleOwner *w = find_owner(o, owner);

        if (!w)
                return;
        if (delta >= 0)
                w->running += (unsigned) delta;
        else if ((unsigned) -(long) delta < w->running)
                w->running -= (unsigned) -(long) delta;
        else
                w->running = 0;
}

void schedule_order_note_start(ScheduleOrder *o, uid_t owner, uint64_t stamp) {
        ScheduleOwner *w = find_owner(o, owner);

        if (stamp > o->stamp)
                o->stamp = stamp;
        if (w && stamp > w->last_start)
                w->last_start = stamp;
}

ScheduleEntry *schedule_order_next(ScheduleOrder *o) {
        ScheduleRun *best = NULL;
        unsigned priority;

        while (o->first_run < o->n_runs && o->runs[o->first_run].next == o->runs[o->first_run].end)
                o->first_run++;
        if (o->first_run == o->n_runs)
                return NULL;

        /* Among the runs of the highest priority left (one per owner), the owner with the fewest
         * running jobs, then the one that started a job longest ago, then the oldest queued_seq. */
        priority = o->runs[o->first_run].priority;
        for (size_t i = o->first_run; i < o->n_runs && o->runs[i].priority == priority; i++) {
                ScheduleRun *r = &o->runs[i];

                if (r->next == r->end)
                        continue;
                if (!best) {
                        best = r;
                        continue;
                }
                const ScheduleOwner *rw = &o->owners[r->owner_index], *bw = &o->owners[best->owner_index];
                uint64_t rs = o->entries[r->next].queued_seq, bs = o->entries[best->next].queued_seq;
                if (rw->running != bw->running ? rw->running < bw->running
                    : rw->last_start != bw->last_start ? rw->last_start < bw->last_start
                    : rs < bs)
                        best = r;
        }

        o->owners[best->owner_index].running++;
        o->owners[best->owner_index].last_start = ++o->stamp;
        return &o->entries[best->next++];
}

void schedule_order_done(ScheduleOrder *o) {
        free(o->runs);
        free(o->owners);
        *o = (ScheduleOrder) {};
}
