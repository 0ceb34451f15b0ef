/* test-crash-loop.c: kill -9 of the daemon at random instants during a mixed workload, then a check
 * that no job was lost and that every delivered file is byte-identical to its source (SHA-256).
 * The crash invariant under test is DESIGN.md's: an offset is stored only after the bytes below it
 * were fsync'ed, and on start each temp file is cut back to its stored offset.
 *
 * Workload: jobs made from templates (one big file through /slow/ (2 MB/s) with a few small ones;
 * a big file at full speed plus a medium one through /slow/; many small files at full speed; small
 * files through /veryslow/ (200 kB/s); a mix), 4 to 6 of them alive at a time. Between kills, random
 * actions: Suspend, Resume, new jobs, Complete of transferred jobs (checked at once), now and then a
 * Cancel (checked: nothing left in its folder). Then a random, bounded delay, and SIGKILL:
 *   - mostly between calls (h_daemon_kill_and_wait), so the kill lands anywhere in the daemon's own
 *     write / fsync / store cycle, scheduler passes and Complete/Suspend aftermaths;
 *   - one time in four from a child process 0–20 ms after it forks, while this process
 *     keeps reading every job's state: the kill then often lands inside a call, and the library's
 *     reconnect-and-resend path is exercised (only read calls, which are safe to send twice).
 * After each kill the next call starts a new daemon (libdosvc does it); every job not yet completed
 * or cancelled is got again by id (GetJob): DO_E_JOB_NOT_FOUND is a lost job. Its state must be what
 * we left it in (SUSPENDED stays SUSPENDED; a resumed job is queued, running or TRANSFERRED; never
 * ERROR), and no file may appear under a destination name before Complete.
 * At the end: resume everything, wait (bounded) for TRANSFERRED, Complete, check every delivered
 * file's SHA-256 (the earlier ones again too), and that no .dosvc-* temp file is left anywhere.
 *
 * Settings (environment):
 *   DOSVC_CRASH_KILLS            default 30;
 *   DOSVC_CRASH_SEED             default from the clock; always printed. It fixes the workload and
 *                                the choices, not the daemon's timing: a replay is close to the run
 *                                it repeats, not identical;
 *   DOSVC_CRASH_IN_CALL_PERCENT  default 25: the share of kills fired while reads are on the way;
 *                                0 keeps every kill between calls.
 * The daemon runs with DOSVC_CHECKPOINT_MSEC=200 and DOSVC_CHECKPOINT_BYTES=4 MiB, so kills land
 * between many checkpoints. The figures come last, "# crash-loop figures: key=value …" (read by
 * bench/crash-soak), also when a check failed on the way. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

#define CL_KILLS_DEFAULT 30u
#define CL_LIVE_MIN 4u
#define CL_LIVE_MAX 6u
#define CL_FILES_MAX 32u
#define CL_JOBS_MAX 1024u
#define CL_FINAL_TIMEOUT_MS 300000u   /* the drain after the last kill */
#define CL_IN_CALL_WINDOW_MS 2000u    /* how long the reads go on while the child kills */

/* ---- a seeded PRNG (splitmix64): the seed is printed, a run can be replayed ---- */
static uint64_t rng_state;

static uint64_t rng_next(void) {
        uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint64_t rng_range(uint64_t lo, uint64_t hi) {
        return lo + rng_next() % (hi - lo + 1);
}

static bool rng_percent(unsigned p) {
        return rng_next() % 100 < p;
}

/* ---- the source files, made once ---- */
typedef enum Speed { SPEED_FAST, SPEED_SLOW, SPEED_VERYSLOW } Speed;

typedef struct Source {
        char *name;
        uint64_t size;
        char sha[65];
} Source;

enum { SRC_BIG_SLOW_0, SRC_BIG_SLOW_1, SRC_BIG_FAST_0, SRC_BIG_FAST_1, SRC_MEDIUM_0, SRC_MEDIUM_1, SRC_EMPTY,
       SRC_SMALL_FIRST };
#define N_SMALL 40u
#define N_SOURCES (SRC_SMALL_FIRST + N_SMALL)
static Source sources[N_SOURCES];

static void make_source(unsigned i, const char *name, uint64_t size) {
        char *path = h_make_file(name, size);

        sources[i].name = h_strdupf("%s", name);
        sources[i].size = size;
        h_sha256_file(path, sources[i].sha);
}

static void make_sources(void) {
        make_source(SRC_BIG_SLOW_0, "big-slow-0.bin", 48u * MIB);
        make_source(SRC_BIG_SLOW_1, "big-slow-1.bin", 32u * MIB + 12345u);
        make_source(SRC_BIG_FAST_0, "big-fast-0.bin", 64u * MIB);
        make_source(SRC_BIG_FAST_1, "big-fast-1.bin", 40u * MIB + 777u);
        make_source(SRC_MEDIUM_0, "medium-0.bin", 12u * MIB + 1u);
        make_source(SRC_MEDIUM_1, "medium-1.bin", 6u * MIB);
        make_source(SRC_EMPTY, "empty.bin", 0);
        /* Small files: sizes spread over 1 KiB … 2 MiB on a log scale, odd ones among them. The
         * sizes come from a fixed seed: the same files in every run. */
        for (unsigned i = 0; i < N_SMALL; i++) {
                unsigned shift = 10 + i % 12;          /* 1 KiB … 2 MiB */
                uint64_t size = (1ull << shift) + (i * 7919u) % (1u << shift) - (i % 3 == 0 ? 1 : 0);
                char name[32];

                (void) snprintf(name, sizeof name, "small-%02u.bin", i);
                make_source(SRC_SMALL_FIRST + i, name, size);
        }
}

static unsigned random_small(uint64_t max_size) {
        for (unsigned tries = 0; tries < 100; tries++) {
                unsigned i = SRC_SMALL_FIRST + (unsigned) rng_range(0, N_SMALL - 1);

                if (sources[i].size <= max_size)
                        return i;
        }
        return SRC_SMALL_FIRST;   /* 1 KiB */
}

/* ---- jobs ---- */
typedef enum Fate { FATE_LIVE, FATE_COMPLETED, FATE_CANCELLED, FATE_LOST } Fate;

typedef struct Slot {
        unsigned number;
        GUID id;
        IBackgroundCopyJob *job;      /* the current proxy */
        bool owned;                   /* ours to release (a GetJob proxy); else the harness's */
        char *dest;                   /* a folder of its own */
        unsigned n_files;
        unsigned src[CL_FILES_MAX];
        Speed speed[CL_FILES_MAX];
        char *local[CL_FILES_MAX];
        Fate fate;
        bool suspended;               /* the last of Suspend/Resume we sent was Suspend */
} Slot;

static Slot *slots;
static unsigned n_slots;

typedef struct Figures {
        uint64_t seed;
        unsigned kills, kills_in_call, kills_transferring, ranged_resumes, call_errors, jobs, completed, cancelled, files, mismatches, lost,
                 wrong_state, early_files, temp_left, suspends, resumes;
        uint64_t bytes;
} Figures;
static Figures fig;

static const char *speed_prefix(Speed s) {
        return s == SPEED_SLOW ? "/slow/" : s == SPEED_VERYSLOW ? "/veryslow/" : "/";
}

static void slot_add(Slot *s, unsigned src, Speed speed) {
        unsigned k = s->n_files;

        H_ASSERT(k < CL_FILES_MAX);
        s->src[k] = src;
        s->speed[k] = speed;
        /* Index in the name: one source may come twice into one job. */
        s->local[k] = h_strdupf("%s/%02u-%s", s->dest, k, sources[src].name);
        h_add_file(s->job, h_url("%s%s", speed_prefix(speed), sources[src].name), s->local[k]);
        s->n_files++;
}

static Slot *new_job(unsigned template, bool resume) {
        Slot *s;
        unsigned n;

        H_ASSERT(n_slots < CL_JOBS_MAX);
        s = &slots[n_slots];
        *s = (Slot) { .number = n_slots };
        s->dest = h_dest_dir(h_strdupf("job-%03u", s->number));
        s->job = h_create_job(h_strdupf("crash-loop %u (template %u)", s->number, template), &s->id);
        n_slots++;
        fig.jobs++;

        switch (template) {
        case 0:   /* one big file at 2 MB/s, a few small ones around it */
                slot_add(s, random_small(256 * KIB), SPEED_FAST);
                slot_add(s, rng_percent(50) ? SRC_BIG_SLOW_0 : SRC_BIG_SLOW_1, SPEED_SLOW);
                n = (unsigned) rng_range(1, 3);
                for (unsigned i = 0; i < n; i++)
                        slot_add(s, random_small(2 * MIB), SPEED_FAST);
                break;
        case 1:   /* a big file at full speed, then a medium one at 2 MB/s */
                slot_add(s, rng_percent(50) ? SRC_BIG_FAST_0 : SRC_BIG_FAST_1, SPEED_FAST);
                slot_add(s, rng_percent(50) ? SRC_MEDIUM_0 : SRC_MEDIUM_1, SPEED_SLOW);
                break;
        case 2:   /* many small files at full speed, the empty one among them */
                n = (unsigned) rng_range(12, 30);
                for (unsigned i = 0; i < n; i++)
                        slot_add(s, i == n / 2 ? SRC_EMPTY : random_small(2 * MIB), SPEED_FAST);
                break;
        case 3:   /* small files at 200 kB/s: the larger ones span several checkpoints */
                n = (unsigned) rng_range(3, 6);
                for (unsigned i = 0; i < n; i++)
                        slot_add(s, random_small(i % 2 ? 64 * KIB : 1 * MIB), SPEED_VERYSLOW);
                break;
        default:  /* a mix of everything */
                slot_add(s, random_small(2 * MIB), SPEED_VERYSLOW);
                slot_add(s, rng_percent(50) ? SRC_BIG_FAST_0 : SRC_BIG_FAST_1, SPEED_FAST);
                slot_add(s, random_small(2 * MIB), SPEED_FAST);
                slot_add(s, rng_percent(50) ? SRC_MEDIUM_0 : SRC_MEDIUM_1, SPEED_SLOW);
                n = (unsigned) rng_range(2, 6);
                for (unsigned i = 0; i < n; i++)
                        slot_add(s, random_small(2 * MIB), SPEED_FAST);
                break;
        }
        s->suspended = true;   /* a new job is SUSPENDED */
        if (resume) {
                H_ASSERT_OK(IBackgroundCopyJob_Resume(s->job));
                s->suspended = false;
        }
        fig.files += s->n_files;
        return s;
}

static unsigned count_live(void) {
        unsigned n = 0;

        for (unsigned i = 0; i < n_slots; i++)
                n += slots[i].fate == FATE_LIVE;
        return n;
}

/* A random live job that is (want_suspended) or is not suspended; NULL when there is none. */
static Slot *random_live(bool want_suspended) {
        unsigned n = 0, pick;

        for (unsigned i = 0; i < n_slots; i++)
                n += slots[i].fate == FATE_LIVE && slots[i].suspended == want_suspended;
        if (n == 0)
                return NULL;
        pick = (unsigned) rng_range(0, n - 1);
        for (unsigned i = 0; i < n_slots; i++)
                if (slots[i].fate == FATE_LIVE && slots[i].suspended == want_suspended && pick-- == 0)
                        return &slots[i];
        return NULL;
}

/* Every delivered file of the job against its source; counts mismatches (a missing file is one). */
static unsigned check_delivered(const Slot *s) {
        unsigned bad = 0;

        for (unsigned k = 0; k < s->n_files; k++) {
                char got[65];

                if (!h_file_exists(s->local[k])) {
                        h_note("MISMATCH job %u file %u: %s is missing", s->number, k, s->local[k]);
                        bad++;
                        continue;
                }
                h_sha256_file(s->local[k], got);
                if (strcmp(got, sources[s->src[k]].sha) != 0) {
                        h_note("MISMATCH job %u file %u: %s has SHA-256 %s, its source %s has %s (%lld vs %llu bytes)",
                               s->number, k, s->local[k], got, sources[s->src[k]].name, sources[s->src[k]].sha,
                               (long long) h_file_size(s->local[k]), (unsigned long long) sources[s->src[k]].size);
                        bad++;
                }
        }
        return bad;
}

static void complete_job(Slot *s) {
        unsigned bad;

        H_ASSERT_OK(IBackgroundCopyJob_Complete(s->job));
        H_ASSERT_EQ_U64(h_state(s->job), BG_JOB_STATE_ACKNOWLEDGED);
        s->fate = FATE_COMPLETED;
        fig.completed++;
        bad = check_delivered(s);
        fig.mismatches += bad;
        if (h_count_temp_files(s->dest) != 0) {
                h_list_dir(s->dest);
                h_note("job %u: temp files left after Complete", s->number);
                fig.temp_left++;
        }
        for (unsigned k = 0; k < s->n_files; k++)
                fig.bytes += sources[s->src[k]].size;
}

static void cancel_job(Slot *s) {
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(s->job));
        s->fate = FATE_CANCELLED;
        fig.cancelled++;
        /* Cancel deletes the temp files and never delivers: the folder is empty. */
        if (h_count_entries(s->dest) != 0) {
                h_list_dir(s->dest);
                h_note("job %u: files left after Cancel", s->number);
                fig.temp_left++;
        }
}

/* A few random actions on the queue. */
static void act(unsigned kills_left) {
        unsigned live;
        Slot *s;

        /* Complete most of what is transferred; the rest waits a round or two. */
        for (unsigned i = 0; i < n_slots; i++) {
                s = &slots[i];
                if (s->fate == FATE_LIVE && !s->suspended && h_state(s->job) == BG_JOB_STATE_TRANSFERRED &&
                    rng_percent(70))
                        complete_job(s);
        }
        live = count_live();

        /* Keep 4 to 6 jobs alive; no new big ones in the last rounds, so the drain stays short. */
        while (live < CL_LIVE_MIN || (live < CL_LIVE_MAX && rng_percent(25))) {
                unsigned template = kills_left > 3 ? (unsigned) rng_range(0, 4) : 2 + (unsigned) rng_range(0, 1);

                (void) new_job(template, rng_percent(90));
                live++;
        }

        if (rng_percent(35) && (s = random_live(false))) {
                H_ASSERT_OK(IBackgroundCopyJob_Suspend(s->job));
                s->suspended = true;
                fig.suspends++;
        }
        /* Resume one suspended job, sometimes all of them. */
        if (rng_percent(15)) {
                while ((s = random_live(true))) {
                        H_ASSERT_OK(IBackgroundCopyJob_Resume(s->job));
                        s->suspended = false;
                        fig.resumes++;
                }
        } else if (rng_percent(60) && (s = random_live(true))) {
                H_ASSERT_OK(IBackgroundCopyJob_Resume(s->job));
                s->suspended = false;
                fig.resumes++;
        }
        if (rng_percent(4) && fig.cancelled < 1 + fig.kills / 15 && (s = random_live(rng_percent(50))))
                cancel_job(s);
}

/* Reads every live job's state: keeps the daemon busy answering (and alive, or restarted).
 * strict: a failed call fails the test; else it is counted (fig.call_errors) and the loop goes on,
 * so that one failed call inside a kill does not hide the rest of the figures. */
static unsigned read_all(bool strict) {
        unsigned transferring = 0;

        for (unsigned i = 0; i < n_slots; i++) {
                BG_JOB_STATE st;
                BG_JOB_PROGRESS p;
                HRESULT hr;

                if (slots[i].fate != FATE_LIVE)
                        continue;
                hr = IBackgroundCopyJob_GetState(slots[i].job, &st);
                if (SUCCEEDED(hr))
                        hr = IBackgroundCopyJob_GetProgress(slots[i].job, &p);
                if (FAILED(hr)) {
                        if (strict)
                                H_FAIL("GetState/GetProgress of job %u returned 0x%08X (%s)", slots[i].number,
                                       (unsigned) hr, h_hr_name(hr));
                        /* The library reconnects once and sends the call again: with the daemon
                         * dead and a new one started, a read must still succeed. */
                        h_note("CALL FAILED during kill %u: a read of job %u returned 0x%08X (%s)", fig.kills + 1,
                               slots[i].number, (unsigned) hr, h_hr_name(hr));
                        fig.call_errors++;
                        return transferring;
                }
                transferring += st == BG_JOB_STATE_TRANSFERRING;
        }
        return transferring;
}

/* SIGKILL from a child a few ms after the fork while we keep calling: the kill often lands inside
 * a call. Returns once the old daemon is gone; true when a job was transferring just before. */
static bool kill_during_calls(void) {
        pid_t daemon, child;
        unsigned delay_us = (unsigned) rng_range(0, 20000);
        uint64_t deadline;
        bool busy = read_all(true) > 0;   /* also makes sure the daemon is up */
        int status;

        daemon = h_daemon_pid();
        if (!h_pid_alive(daemon))
                H_FAIL("no live daemon to kill (pid %d)", (int) daemon);
        child = fork();
        if (child < 0)
                H_FAIL("fork: %m");
        if (child == 0) {
                struct timespec ts = { .tv_sec = 0, .tv_nsec = (long) delay_us * 1000L };

                (void) nanosleep(&ts, NULL);
                (void) kill(daemon, SIGKILL);
                _exit(0);
        }
        deadline = h_now_ms() + CL_IN_CALL_WINDOW_MS;
        for (unsigned i = 0; i < 10000; i++) {
                pid_t r = waitpid(child, &status, WNOHANG);

                read_all(false);
                if (r == child || h_now_ms() >= deadline)
                        break;
        }
        if (waitpid(child, &status, 0) < 0 && errno != ECHILD)
                H_FAIL("waitpid: %m");
        deadline = h_now_ms() + 10000;
        while (h_pid_alive(daemon)) {
                if (h_now_ms() >= deadline)
                        H_FAIL("daemon %d still alive 10 s after SIGKILL", (int) daemon);
                h_sleep_ms(5);
        }
        return busy;
}

/* After a restart: every live job again by id, in the state we left it in. */
static void reget_all(void) {
        for (unsigned i = 0; i < n_slots; i++) {
                Slot *s = &slots[i];
                IBackgroundCopyJob *job = NULL;
                BG_JOB_STATE st;
                BG_JOB_PROGRESS p;
                HRESULT hr;
                bool ok;

                if (s->fate != FATE_LIVE)
                        continue;
                hr = IBackgroundCopyManager_GetJob(h_manager(), &s->id, &job);
                if (hr == DO_E_JOB_NOT_FOUND) {
                        h_note("LOST job %u (%u files): GetJob says DO_E_JOB_NOT_FOUND after kill %u", s->number,
                               s->n_files, fig.kills);
                        s->fate = FATE_LOST;
                        fig.lost++;
                        continue;
                }
                if (hr != S_OK || !job) {
                        h_daemon_log_tail(20);
                        H_FAIL("GetJob(job %u) after kill %u returned 0x%08X (%s)", s->number, fig.kills,
                               (unsigned) hr, h_hr_name(hr));
                }
                if (s->owned)
                        (void) IBackgroundCopyJob_Release(s->job);
                s->job = job;
                s->owned = true;

                st = h_state(job);
                p = h_progress(job);
                if (s->suspended)
                        ok = st == BG_JOB_STATE_SUSPENDED;
                else
                        /* Not TRANSIENT_ERROR either: the server never fails here, and a kill is
                         * no error of the job's. */
                        ok = st == BG_JOB_STATE_QUEUED || st == BG_JOB_STATE_CONNECTING ||
                             st == BG_JOB_STATE_TRANSFERRING || st == BG_JOB_STATE_TRANSFERRED;
                if (!ok) {
                        h_note("WRONG STATE job %u after kill %u: %s (we left it %s)", s->number, fig.kills,
                               h_state_name(st), s->suspended ? "suspended" : "resumed");
                        h_dump_job(job);
                        fig.wrong_state++;
                }
                if (p.FilesTotal != s->n_files ||
                    (p.BytesTotal != BG_SIZE_UNKNOWN && p.BytesTransferred > p.BytesTotal)) {
                        h_note("WRONG PROGRESS job %u after kill %u: files %lu/%lu (added %u), bytes %llu/%llu",
                               s->number, fig.kills, (unsigned long) p.FilesTransferred,
                               (unsigned long) p.FilesTotal, s->n_files, (unsigned long long) p.BytesTransferred,
                               (unsigned long long) p.BytesTotal);
                        fig.wrong_state++;
                }
                /* Nothing is delivered before Complete. */
                for (unsigned k = 0; k < s->n_files; k++)
                        if (h_file_exists(s->local[k])) {
                                h_note("EARLY FILE job %u: %s exists before Complete", s->number, s->local[k]);
                                fig.early_files++;
                        }
        }
}

/* Requests that went on from a stored offset: "Range: bytes=N-" with N > 0, answered 206. */
static unsigned count_ranged_resumes(void) {
        HLogEntry *v;
        size_t n = h_access_log(&v);
        unsigned count = 0;

        for (size_t i = 0; i < n; i++) {
                unsigned long long from = 0;

                if (v[i].status == 206 && sscanf(v[i].range, "bytes=%llu-", &from) == 1 && from > 0)
                        count++;
        }
        free(v);
        return count;
}

static uint64_t t_start;
static bool figures_printed;

static void print_figures(void) {
        figures_printed = true;
        h_note("crash-loop figures: seed=%" PRIu64 " kills=%u kills_in_call=%u kills_transferring=%u "
               "ranged_resumes=%u call_errors=%u jobs=%u completed=%u cancelled=%u files=%u bytes=%" PRIu64
               " mismatches=%u lost=%u wrong_state=%u early_files=%u temp_left=%u suspends=%u resumes=%u "
               "elapsed=%.1f",
               fig.seed, fig.kills, fig.kills_in_call, fig.kills_transferring, fig.ranged_resumes, fig.call_errors, fig.jobs, fig.completed, fig.cancelled,
               fig.files, fig.bytes, fig.mismatches, fig.lost, fig.wrong_state, fig.early_files, fig.temp_left,
               fig.suspends, fig.resumes, (double) (h_now_ms() - t_start) / 1000.0);
}

/* At the end of the test, passed or failed: the figures (once), and our proxies go. */
static void at_end(void *arg) {
        if (!figures_printed) {
                fig.ranged_resumes = count_ranged_resumes();
                print_figures();
        }
        for (unsigned i = 0; slots && i < n_slots; i++)
                if (slots[i].owned)
                        (void) IBackgroundCopyJob_Release(slots[i].job);
        free(slots);
        slots = NULL;
        n_slots = 0;
}

static unsigned env_unsigned(const char *name, unsigned def) {
        const char *v = getenv(name);
        char *end;
        unsigned long x;

        if (!v || !*v)
                return def;
        errno = 0;
        x = strtoul(v, &end, 10);
        if (errno != 0 || *end != '\0' || x > 100000)
                H_FAIL("bad %s=%s", name, v);
        return (unsigned) x;
}

static void test_crash_loop__kill9_at_random_instants_loses_nothing(void) {
        unsigned kills = env_unsigned("DOSVC_CRASH_KILLS", CL_KILLS_DEFAULT);
        unsigned in_call_percent = env_unsigned("DOSVC_CRASH_IN_CALL_PERCENT", 25);
        const char *seed_env = getenv("DOSVC_CRASH_SEED");
        uint64_t t0 = h_now_ms(), deadline;
        struct timespec ts;

        t_start = t0;
        h_at_test_end(at_end, NULL);

        /* Before the first call starts the daemon: it inherits these. */
        if (setenv("DOSVC_CHECKPOINT_MSEC", "200", 1) < 0 || setenv("DOSVC_CHECKPOINT_BYTES", "4194304", 1) < 0)
                H_FAIL("setenv: %m");

        if (seed_env && *seed_env) {
                char *end;

                errno = 0;
                fig.seed = strtoull(seed_env, &end, 10);
                if (errno != 0 || *end != '\0')
                        H_FAIL("bad DOSVC_CRASH_SEED=%s", seed_env);
        } else {
                (void) clock_gettime(CLOCK_REALTIME, &ts);
                fig.seed = ((uint64_t) ts.tv_sec * 1000003u) ^ (uint64_t) ts.tv_nsec ^ ((uint64_t) getpid() << 32);
        }
        rng_state = fig.seed;
        h_note("seed %" PRIu64 " (replay with DOSVC_CRASH_SEED=%" PRIu64 "), %u kills, %u%% of them during calls",
               fig.seed, fig.seed, kills, in_call_percent);

        slots = calloc(CL_JOBS_MAX, sizeof(Slot));
        if (!slots)
                H_FAIL("out of memory");
        make_sources();
        h_note("sources made in %.1f s", (double) (h_now_ms() - t0) / 1000.0);

        /* One job of each template to start with, all running. */
        for (unsigned t = 0; t < 5; t++)
                (void) new_job(t, true);

        for (unsigned round = 1; round <= kills; round++) {
                unsigned r = (unsigned) rng_range(0, 99), delay;
                bool busy;

                act(kills - round);
                /* Bounded random delay: a fifth right away (the aftermath of the calls just made),
                 * most within 2.5 s, a few longer (transfers get well underway). */
                delay = r < 20 ? (unsigned) rng_range(0, 50) : r < 85 ? (unsigned) rng_range(100, 2500)
                                                                       : (unsigned) rng_range(2500, 4000);
                h_sleep_ms(delay);
                if (rng_percent(in_call_percent)) {
                        busy = kill_during_calls();
                        fig.kills_in_call++;
                } else {
                        busy = read_all(true) > 0;   /* the daemon is up (it may have exited when idle) */
                        h_daemon_kill_and_wait(SIGKILL);
                }
                fig.kills_transferring += busy;
                fig.kills++;
                reget_all();
                if (round % 10 == 0 || round == kills)
                        h_note("after %u kills: %u jobs (%u live, %u completed), %.1f s", round, fig.jobs,
                               count_live(), fig.completed, (double) (h_now_ms() - t0) / 1000.0);
        }

        /* The drain: everything resumed, then each job in turn to TRANSFERRED, Complete, SHA-256. */
        for (unsigned i = 0; i < n_slots; i++)
                if (slots[i].fate == FATE_LIVE) {
                        H_ASSERT_OK(IBackgroundCopyJob_Resume(slots[i].job));
                        slots[i].suspended = false;
                }
        deadline = h_now_ms() + CL_FINAL_TIMEOUT_MS;
        for (unsigned i = 0; i < n_slots; i++) {
                uint64_t now = h_now_ms();

                if (slots[i].fate != FATE_LIVE)
                        continue;
                H_WAIT_STATE(slots[i].job, BG_JOB_STATE_TRANSFERRED, now < deadline ? (unsigned) (deadline - now) : 1);
                complete_job(&slots[i]);
        }
        h_note("all transferred and completed at %.1f s", (double) (h_now_ms() - t0) / 1000.0);

        /* Every delivered file again: nothing after its Complete may have touched it; and no temp
         * file anywhere. */
        fig.mismatches = 0;
        fig.temp_left = 0;
        for (unsigned i = 0; i < n_slots; i++) {
                if (slots[i].fate == FATE_COMPLETED)
                        fig.mismatches += check_delivered(&slots[i]);
                if (h_count_temp_files(slots[i].dest) != 0) {
                        h_list_dir(slots[i].dest);
                        fig.temp_left++;
                }
        }
        fig.ranged_resumes = count_ranged_resumes();
        print_figures();

        H_ASSERT_MSG(fig.mismatches == 0, "%u delivered files differ from their source", fig.mismatches);
        H_ASSERT_MSG(fig.lost == 0, "%u jobs lost", fig.lost);
        H_ASSERT_MSG(fig.wrong_state == 0, "%u jobs came back in a wrong state or with wrong progress",
                     fig.wrong_state);
        H_ASSERT_MSG(fig.early_files == 0, "%u files appeared under their destination name before Complete",
                     fig.early_files);
        H_ASSERT_MSG(fig.temp_left == 0, "%u folders hold temp files after Complete/Cancel", fig.temp_left);
        /* Last: every read made while the daemon was killed under it must have been sent again to
         * the restarted daemon (the library retries a lost connection, bounded). */
        H_ASSERT_MSG(fig.call_errors == 0, "%u reads failed while the daemon was killed under them (the library "
                     "should reconnect, restart the daemon and send them again)", fig.call_errors);
}

static const HTest tests[] = {
        H_TEST(test_crash_loop__kill9_at_random_instants_loses_nothing),
};

int main(int argc, char **argv) {
        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
