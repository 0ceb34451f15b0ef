/* harness.h: the integration-test harness. One test program = one private world: a temp root under
 * /tmp holding a private dosvc instance (XDG_RUNTIME_DIR / XDG_STATE_HOME point inside it; libdosvc
 * starts the daemon from $DOSVC_DAEMON on the first call), a private nginx on a free loopback port
 * serving the root's docroot, and destination folders.
 *
 * Output is TAP (meson `protocol: 'tap'`): one "ok N - name" line per test, "# SKIP" for skipped
 * ones, diagnostics as "# " lines. A failed check ends the test at once (longjmp back to the runner);
 * the jobs the test created through h_create_job() are then cancelled and released, so a failing test
 * does not leak queue slots into the next one (the daemon limits jobs per user).
 *
 * Limits: every wait is bounded in time and count; every server the harness starts it stops, at the
 * end, on exit() and on fatal signals (SIGINT, SIGTERM, SIGSEGV, SIGABRT, …). Not thread-safe: tests
 * run one after the other on the main thread. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/types.h>
#include <deliveryoptimization.h>

/* ---- the runner ---- */
typedef void (*HTestFunc)(void);
typedef struct HTest {
        const char *name;
        HTestFunc func;
} HTest;
#define H_TEST(f) { #f, f }
#define H_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Sets up the world, runs the tests (all, or those named on the command line; `--list` prints the
 * names), tears the world down. Returns the process exit status: 0 when nothing failed. */
int h_run(int argc, char **argv, const HTest *tests, size_t n_tests);

/* Registers fn(arg) to run when the current test ends, passed, failed or skipped: after its jobs
 * were cancelled and released, last registered first. For clean-up that a failed check would
 * otherwise skip (mounts, environment variables, a daemon started with test settings). A failed
 * check inside fn ends only that fn. At most 32 per test. */
void h_at_test_end(void (*fn)(void *arg), void *arg);

/* Marks the current test as checking a known, reported bug (of the daemon or library): its TAP line
 * gets "# TODO <reason>", so a failure is an expected failure that does not fail the suite, and a
 * pass is an "unexpected pass" that does (meson): remove the call once the bug is fixed. */
void h_known_bug(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* ---- checks: each failure prints where and why, then ends the current test ---- */
noreturn void h_fail_at(const char *file, int line, const char *format, ...)
        __attribute__((format(printf, 3, 4)));
noreturn void h_skip(const char *format, ...) __attribute__((format(printf, 1, 2)));
void h_note(const char *format, ...) __attribute__((format(printf, 1, 2)));   /* "# …" line */
const char *h_hr_name(HRESULT hr);   /* "DO_E_INVALID_STATE" or "0x…" (static buffer for unknown ones) */

#define H_FAIL(...) h_fail_at(__FILE__, __LINE__, __VA_ARGS__)
#define H_ASSERT(cond) \
        do { if (!(cond)) H_FAIL("assertion failed: %s", #cond); } while (0)
#define H_ASSERT_MSG(cond, ...) \
        do { if (!(cond)) H_FAIL(__VA_ARGS__); } while (0)
#define H_ASSERT_HR(expr, expected) \
        do { \
                HRESULT _hr = (expr), _want = (expected); \
                if (_hr != _want) \
                        H_FAIL("%s returned 0x%08X (%s), expected 0x%08X (%s)", #expr, \
                               (unsigned) _hr, h_hr_name(_hr), (unsigned) _want, h_hr_name(_want)); \
        } while (0)
#define H_ASSERT_OK(expr) H_ASSERT_HR(expr, S_OK)
#define H_ASSERT_EQ_U64(a, b) \
        do { \
                uint64_t _a = (uint64_t) (a), _b = (uint64_t) (b); \
                if (_a != _b) \
                        H_FAIL("%s == %s failed: %llu != %llu", #a, #b, \
                               (unsigned long long) _a, (unsigned long long) _b); \
        } while (0)
#define H_ASSERT_STREQ(a, b) \
        do { \
                const char *_a = (a), *_b = (b); \
                if (!_a || !_b || strcmp(_a, _b) != 0) \
                        H_FAIL("%s == %s failed: \"%s\" != \"%s\"", #a, #b, _a ? _a : "(null)", \
                               _b ? _b : "(null)"); \
        } while (0)

/* ---- the world ---- */
const char *h_root(void);          /* the temp root */
const char *h_docroot(void);       /* served at / ; also at /slow/ (2 MiB/s) and /veryslow/ (200 KiB/s) */
const char *h_runtime_dir(void);   /* $XDG_RUNTIME_DIR */
const char *h_state_dir(void);     /* $XDG_STATE_HOME */
int h_port(void);                  /* nginx's port on 127.0.0.1 */

/* Strings that live until the end of the program (an arena freed at teardown). */
char *h_strdupf(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* "http://127.0.0.1:PORT" + printf(path, …), e.g. h_url("/slow/%s", name). */
char *h_url(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* A fresh, empty destination folder <root>/dest/<name> (created; emptied if it exists). */
char *h_dest_dir(const char *name);

/* ---- libdosvc objects ---- */
IBackgroundCopyManager *h_manager(void);   /* created on first use, released at teardown */
/* Creates a job (S_OK asserted) and tracks it: after the test it is cancelled (errors ignored) and
 * released. Do not Release it yourself. ret_id may be NULL. */
IBackgroundCopyJob *h_create_job(const char *name, GUID *ret_id);
/* Tracks any interface for release after the test (NULL is fine). Returns p. */
void *h_track(void *p);
/* BITS AddFile, asserted S_OK. */
void h_add_file(IBackgroundCopyJob *job, const char *url, const char *local_path);

/* Polls GetState every 20 ms for at most timeout_ms. True when `want` was seen. Stops early, false,
 * when the job reaches a resting state (ERROR, TRANSFERRED, ACKNOWLEDGED, CANCELLED) other than
 * `want`. ret_last (may be NULL) gets the last state seen. */
bool h_wait_state(IBackgroundCopyJob *job, BG_JOB_STATE want, unsigned timeout_ms, BG_JOB_STATE *ret_last);
/* h_wait_state() that fails the test with the last state and the job's error, if any. */
#define H_WAIT_STATE(job, want, timeout_ms) h_wait_state_or_fail(__FILE__, __LINE__, (job), (want), (timeout_ms))
void h_wait_state_or_fail(const char *file, int line, IBackgroundCopyJob *job, BG_JOB_STATE want,
                          unsigned timeout_ms);
/* Polls GetProgress every 20 ms until BytesTransferred ≥ min_bytes; fails the test after timeout_ms. */
BG_JOB_PROGRESS h_wait_bytes(IBackgroundCopyJob *job, uint64_t min_bytes, unsigned timeout_ms);
BG_JOB_STATE h_state(IBackgroundCopyJob *job);     /* GetState, asserted S_OK */
BG_JOB_PROGRESS h_progress(IBackgroundCopyJob *job);
const char *h_state_name(BG_JOB_STATE s);
/* Prints the job's state, progress and error (if any) as "# " lines. */
void h_dump_job(IBackgroundCopyJob *job);

/* ---- files ---- */
/* Creates <docroot>/<name> with `size` bytes of deterministic pseudo-random content (seeded by the
 * name) and returns its path. Large files are written as a 1 MiB random block repeated, each copy
 * stamped with its index, so 1 GiB takes well under a second of CPU. */
char *h_make_file(const char *name, uint64_t size);
bool h_file_exists(const char *path);
int64_t h_file_size(const char *path);    /* -1 when missing */
/* True when both files exist and are byte-identical. */
bool h_files_equal(const char *a, const char *b);
/* SHA-256 of a file as 64 hex digits (+ NUL); fails the test when the file cannot be read. */
void h_sha256_file(const char *path, char ret_hex[65]);
/* Number of entries in `dir` named like a dosvc temp file (.dosvc-*.part, and any other .dosvc-*). */
unsigned h_count_temp_files(const char *dir);
/* Number of entries in `dir`, "." and ".." excluded (-1 when it cannot be read). */
int h_count_entries(const char *dir);
void h_list_dir(const char *dir);        /* "# " lines, for diagnostics */

/* ---- the daemon ---- */
/* True in system mode ($DOSVC_SYSTEM is 1, yes or true, as libdosvc reads it): libdosvc then talks to
 * an already running `dosvc --system` (on $DOSVC_SYSTEM_BUS_ADDRESS, else the system bus) and never
 * starts a daemon, so the world has none of its own: h_daemon_kill_and_wait() and h_daemon_stop()
 * skip the current test (TAP "# SKIP") instead of failing, and h_daemon_pid() is -1. */
bool h_system_mode(void);
pid_t h_daemon_pid(void);                /* from $XDG_RUNTIME_DIR/dosvc/pid; -1 when unknown */
bool h_pid_alive(pid_t pid);             /* exists and is not a zombie */
/* Sends `sig` to the daemon and waits (≤ 10 s) until it is gone; fails the test when it is not. */
void h_daemon_kill_and_wait(int sig);
/* Quiet h_daemon_kill_and_wait(): no daemon running is fine. True when none runs afterwards. */
bool h_daemon_stop(int sig);
void h_daemon_log_tail(unsigned lines);   /* the end of <state>/dosvc/dosvc.log as "# " lines */

/* ---- nginx's access log ---- */
typedef struct HLogEntry {
        char method[16];
        char uri[512];
        int status;
        char range[128];        /* "-" when the request had no Range header */
        char if_range[256];     /* "-" when none; quotes come out as \x22 */
        uint64_t bytes_sent;    /* headers included */
} HLogEntry;
/* Reads every complete line of the access log. Returns the count (≥ 0); *ret is malloc'ed. */
size_t h_access_log(HLogEntry **ret);
/* Lines whose uri equals `uri` (NULL: any), status equals `status` (0: any) and whose Range header
 * starts with `range_prefix` (NULL: any; "-" matches requests without Range). */
unsigned h_access_log_count(const char *uri, int status, const char *range_prefix);
void h_access_log_dump(const char *uri);  /* "# " lines, for diagnostics */

/* ---- a child as `nobody` (root only): the non-administrator side of a test ----
 * h_nobody_dir() makes a fresh /tmp/dosvc-it-nobody-XXXXXX (0755, root's) holding run/ and state/
 * owned by nobody, and gives nobody's ids; NULL (with a note) when there is no user nobody. The
 * caller may add more in it. h_run_as_nobody() re-executes this test program (/proc/self/exe) as
 * nobody (no supplementary groups) with XDG_RUNTIME_DIR=dir/run and XDG_STATE_HOME=dir/state, so
 * libdosvc starts a user-mode daemon of nobody's; argv[0] is the program name, argv is
 * NULL-terminated. It waits ≤ 30 s (then SIGKILL), makes sure the child's daemon is gone (≤ 5 s,
 * then SIGKILL) and removes dir. Returns the child's exit status (0–125); -1 when it could
 * not become nobody or exec (exit 126/127); -2 when it was killed or timed out (both with a note).
 * In the child, h_child_stop_daemon() stops the daemon the library started for it. */
char *h_nobody_dir(uid_t *ret_uid, gid_t *ret_gid);
void h_rm_rf(const char *path);            /* rm -rf, never following symlinks */
int h_run_as_nobody(char *dir, char *const argv[]);
void h_child_stop_daemon(void);

/* ---- time ---- */
uint64_t h_now_ms(void);                 /* CLOCK_MONOTONIC */
void h_sleep_ms(unsigned ms);
uint64_t h_filetime(const FILETIME *ft); /* the 64-bit count */

/* ---- faultd (tests/faultd/README.md): the fault-injecting HTTP server, one per test program ----
 * Started on first use (h_faultd_start), serving h_docroot() with the scenarios of $FAULTD_SCENARIOS
 * ($FAULTD is the binary; both set by meson). It is our child (--exit-with-parent, --lifetime), stopped
 * by SIGTERM + waitpid at teardown or by h_faultd_stop(). A test that calls these without $FAULTD set
 * is skipped. */
void h_faultd_start(void);               /* idempotent; fails the test when faultd does not come up */
void h_faultd_stop(void);                /* TLS front too; bounded (≤ 5 s each) and idempotent */
int h_faultd_port(void);                 /* starts faultd if needed */
/* "http://127.0.0.1:FAULTD_PORT" + printf(path, …), e.g. h_faultd_url("/s/%s/%s", scenario, file). */
char *h_faultd_url(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* The https front (nginx, tests/faultd/nginx-tls.conf.in) with a fresh self-signed certificate:
 * needs $FAULTD_SRCDIR, nginx and openssl, else the test is skipped. Returns the TLS port. */
int h_faultd_tls_start(void);
char *h_faultd_tls_url(const char *format, ...) __attribute__((format(printf, 1, 2)));
const char *h_faultd_tls_cert(void);     /* the certificate (its own CA), PEM */

/* faultd's request log: one entry per finished request (README "The request log"). */
typedef struct HFaultdEntry {
        double t;                /* wall clock when the response ended */
        unsigned req, conn;
        char method[16];
        char target[512];
        char range[128];         /* "-" when the request had no Range header */
        char if_range[256];      /* "-" when none */
        int status;
        uint64_t body;           /* file body bytes sent */
        int fault;               /* the scenario's faults applied */
        char end[32];            /* ok, close, cut, client-gone, … */
} HFaultdEntry;
/* Reads every complete line of the log. Returns the count; *ret is malloc'ed (free() it). */
size_t h_faultd_log(HFaultdEntry **ret);
/* Lines whose target equals `target` (NULL: any), status equals `status` (0: any) and whose Range
 * header starts with `range_prefix` (NULL: any; "-" matches requests without Range). */
unsigned h_faultd_log_count(const char *target, int status, const char *range_prefix);
/* Polls (every 20 ms, at most timeout_ms) until at least `want` lines match target; returns the count. */
unsigned h_faultd_wait_log(const char *target, unsigned want, unsigned timeout_ms);
void h_faultd_log_dump(const char *target);   /* "# " lines, for diagnostics */
