/* verbs-transfer.c: `transfer`, the one-shot download: create a job, add the files, resume, wait with a
 * progress display, complete; on failure or interruption, cancel the job so that nothing is left behind.
 *
 * Waiting is polling: GetState and GetProgress every POLL_INTERVAL_MSEC, which works the same for a
 * job of any client and needs no callback object. SIGINT and SIGTERM are blocked and read from a
 * signalfd (signals.h), which doubles as the poll timer: no handler, no global flag, and the
 * library's threads (created after the block) inherit the mask, so the signal always reaches us here.
 *
 * The display goes to stderr (stdout stays clean for scripts): on a terminal, one line redrawn with \r
 * at most every REDRAW_INTERVAL_USEC; otherwise a plain line every PLAIN_LINE_INTERVAL_USEC and at each
 * state change. Limits: the rate is an average over the last RATE_WINDOW_USEC, so it lags a sudden
 * stall by that much; a job suspended by someone else is waited for, not resumed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "doadmin.h"
#include "job-info.h"
#include "job-state.h"
#include "macro.h"
#include "output.h"
#include "signals.h"
#include "util.h"

typedef uint64_t usec_t;

#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_PER_MSEC UINT64_C(1000)
#define POLL_INTERVAL_MSEC 20   /* the wait adds at most 20 ms to the end; a poll is ~0.5 ms of daemon time */
#define REDRAW_INTERVAL_USEC (100 * USEC_PER_MSEC)
#define PLAIN_LINE_INTERVAL_USEC (5 * USEC_PER_SEC)
#define RATE_WINDOW_USEC (3 * USEC_PER_SEC)
#define RATE_SAMPLES 64u                   /* > RATE_WINDOW_USEC / poll interval */
#define BAR_WIDTH_MIN 10
#define BAR_WIDTH_MAX 40
#define BAR_TEXT_RESERVE 64                /* columns kept for the text, so the bar keeps its width */
#define LINE_MAX_WIDTH 512

typedef struct RateSample {
        usec_t t;
        uint64_t bytes;
} RateSample;

typedef struct Display {
        const char *verb;
        bool tty;                          /* stderr is a terminal: redraw one line */
        bool quiet;                        /* --quiet: show nothing but errors */
        usec_t start;
        usec_t last_draw;                  /* last redraw (tty) or last plain line */
        int last_len;                      /* characters of the line on screen, 0 when none */
        BG_JOB_STATE last_state;
        RateSample samples[RATE_SAMPLES];  /* ring buffer, oldest at samples[first] */
        size_t first, n_samples;
} Display;

static usec_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static unsigned terminal_columns(void) {
        struct winsize ws = {};

        if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0)
                return 80;
        return ws.ws_col;
}

/* Records a sample and returns the rate in bytes/s over the window, or -1 while unknown. */
static double display_rate(Display *d, usec_t t, uint64_t bytes) {
        const RateSample *oldest;
        size_t last;

        if (d->n_samples > 0) {
                last = (d->first + d->n_samples - 1) % RATE_SAMPLES;
                /* A restarted file (e.g. the server changed it) makes the count go down: start over. */
                if (bytes < d->samples[last].bytes)
                        d->n_samples = 0;
        }
        if (d->n_samples == RATE_SAMPLES) {
                d->first = (d->first + 1) % RATE_SAMPLES;
                d->n_samples--;
        }
        d->samples[(d->first + d->n_samples) % RATE_SAMPLES] = (RateSample) { .t = t, .bytes = bytes };
        d->n_samples++;

        /* Drop samples older than the window, but keep two to measure anything at all. */
        while (d->n_samples > 2 && t - d->samples[d->first].t > RATE_WINDOW_USEC) {
                d->first = (d->first + 1) % RATE_SAMPLES;
                d->n_samples--;
        }
        oldest = &d->samples[d->first];
        if (d->n_samples < 2 || t - oldest->t < 200 * USEC_PER_MSEC)
                return -1;
        return (double) (bytes - oldest->bytes) * USEC_PER_SEC / (double) (t - oldest->t);
}

/* Erases the progress line, so that a message can take its place. */
static void display_clear(Display *d) {
        if (!d->tty || d->last_len == 0)
                return;
        fprintf(stderr, "\r%*s\r", d->last_len, "");
        d->last_len = 0;
}

/* Ends the progress line, leaving it on screen. */
static void display_finish(Display *d) {
        if (d->tty && d->last_len > 0)
                fputc('\n', stderr);
        d->last_len = 0;
}

static const char *state_label(BG_JOB_STATE state) {
        switch (state) {
        case BG_JOB_STATE_QUEUED:
                return "queued";
        case BG_JOB_STATE_CONNECTING:
                return "connecting";
        case BG_JOB_STATE_SUSPENDED:
                return "suspended";
        case BG_JOB_STATE_TRANSIENT_ERROR:
                return "retrying";
        default:
                return NULL;
        }
}

static void display_update(Display *d, BG_JOB_STATE state, const BG_JOB_PROGRESS *p, bool force) {
        char line[LINE_MAX_WIDTH], done[FORMAT_BYTES_MAX], total[FORMAT_BYTES_MAX], rate_s[FORMAT_BYTES_MAX];
        char eta[FORMAT_DURATION_MAX], percent_s[16];
        int percent, len;
        usec_t t = now_usec();
        double rate;
        const char *label;
        bool state_changed = state != d->last_state;

        rate = display_rate(d, t, p->BytesTransferred);
        /* Until the window holds enough, and for transfers shorter than it: the average so far. */
        if (rate < 0 && d->start > 0 && t - d->start >= 50 * USEC_PER_MSEC)
                rate = (double) p->BytesTransferred * USEC_PER_SEC / (double) (t - d->start);
        d->last_state = state;
        if (d->quiet)
                return;
        if (d->tty ? !force && !state_changed && t - d->last_draw < REDRAW_INTERVAL_USEC
                   : !force && !state_changed && t - d->last_draw < PLAIN_LINE_INTERVAL_USEC)
                return;
        d->last_draw = t;

        percent = progress_percent(p->BytesTransferred, p->BytesTotal);
        if (percent < 0)
                (void) snprintf(percent_s, sizeof(percent_s), "--%%");
        else
                (void) snprintf(percent_s, sizeof(percent_s), "%d%%", percent);
        format_bytes(done, p->BytesTransferred);
        if (p->BytesTotal == BG_SIZE_UNKNOWN)
                (void) snprintf(total, sizeof(total), "?");
        else
                format_bytes(total, p->BytesTotal);
        if (rate >= 0)
                format_bytes(rate_s, (uint64_t) rate);
        else
                (void) snprintf(rate_s, sizeof(rate_s), "--");
        if (percent >= 0 && p->BytesTransferred >= p->BytesTotal)
                format_duration(eta, 0);
        else if (rate > 0 && percent >= 0)
                format_duration(eta, (uint64_t) ((double) (p->BytesTotal - p->BytesTransferred) / rate));
        else
                format_duration(eta, UINT64_MAX);
        label = state_label(state);

        len = snprintf(line, sizeof(line), "%4s  %s / %s  %s/s  ETA %s  %u/%u files%s%s", percent_s, done,
                       total, rate_s, eta, (unsigned) p->FilesTransferred, (unsigned) p->FilesTotal,
                       label ? "  " : "", label ? label : "");
        if (len < 0)
                return;
        if ((size_t) len >= sizeof(line))
                len = sizeof(line) - 1;

        if (!d->tty) {
                fprintf(stderr, "doadmin: %s: %s\n", d->verb, line);
                return;
        }

        {
                int cols = (int) terminal_columns() - 1; /* never touch the last column: no wrap */
                int bar = MIN(cols - BAR_TEXT_RESERVE - 3, BAR_WIDTH_MAX);
                char bar_s[BAR_WIDTH_MAX + 1];
                int out_len;

                if (bar >= BAR_WIDTH_MIN) {
                        int fill = percent < 0 ? 0 : percent * bar / 100;

                        memset(bar_s, '#', (size_t) fill);
                        memset(bar_s + fill, '.', (size_t) (bar - fill));
                        bar_s[bar] = '\0';
                        len = MIN(len, cols - bar - 3);
                        out_len = fprintf(stderr, "\r[%s] %.*s", bar_s, len, line) - 1; /* minus the \r */
                } else {
                        len = MIN(len, MAX(cols, 1));
                        out_len = fprintf(stderr, "\r%.*s", len, line) - 1;
                }
                /* Overwrite what is left of a longer previous line. */
                if (out_len < d->last_len)
                        fprintf(stderr, "%*s", d->last_len - out_len, "");
                d->last_len = MAX(out_len, d->last_len);
                fflush(stderr);
        }
}

static void cancel_job(IBackgroundCopyJob *job) {
        /* Best effort: the job may already be gone, or the daemon with it. */
        (void) IBackgroundCopyJob_Cancel(job);
}

static int interrupted(Display *d, IBackgroundCopyJob *job, const char *id, int sig) {
        display_clear(d);
        if (job)
                cancel_job(job);
        fprintf(stderr, "doadmin: %s: %s, job %s cancelled.\n", d->verb,
                sig == SIGTERM ? "terminated" : "interrupted", id ? id : "(not created yet)");
        return EXIT_INTERRUPTED;
}

static int check_files_in_place(const char *verb, char **paths, size_t n) {
        struct stat st;

        for (size_t k = 0; k < n; k++)
                if (stat(paths[k], &st) < 0)
                        return output_error(verb, "The daemon completed the job, but '%s' is not there: %m",
                                            paths[k]);
        return EXIT_OK;
}

static void paths_free(char **paths, size_t n) {
        for (size_t k = 0; k < n; k++)
                free(paths[k]);
        free(paths);
}

int verb_transfer(Context *c, int argc, char **argv) {
        static const int transfer_signals[] = { SIGINT, SIGTERM };
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_close_ int sfd = -EBADF;
        IBackgroundCopyManager *m;
        BG_FILE_INFO *set = NULL;
        char **paths = NULL;
        size_t n_files = (size_t) (argc - 1) / 2;
        char id[GUID_STRING_MAX] = "";
        Display d = {
                .verb = c->verb,
                .tty = isatty(STDERR_FILENO),
                .quiet = c->quiet,
                .last_state = BG_JOB_STATE_SUSPENDED,
        };
        BG_JOB_STATE state = BG_JOB_STATE_SUSPENDED;
        BG_JOB_PROGRESS progress = {};
        GUID guid = {};
        HRESULT hr;
        int r, sig;

        if (argc < 3 || (argc - 1) % 2 != 0)
                return output_usage_error(c->verb, "Expected NAME followed by URL PATH pairs.");

        /* Everything that can be checked without the daemon is, before the job exists. */
        paths = calloc(n_files, sizeof(char *));
        set = calloc(n_files, sizeof(BG_FILE_INFO));
        if (!paths || !set) {
                free(set);
                free(paths);
                return output_error(c->verb, "Out of memory.");
        }
        for (size_t k = 0; k < n_files; k++) {
                r = path_make_absolute_cwd(argv[2 + 2 * k], &paths[k]);
                if (r < 0) {
                        paths_free(paths, n_files);
                        free(set);
                        if (r == -EINVAL)
                                return output_usage_error(c->verb, "A local path must not be empty.");
                        errno = -r;
                        return output_error(c->verb, "Failed to make '%s' absolute: %m", argv[2 + 2 * k]);
                }
                set[k] = (BG_FILE_INFO) { .RemoteName = argv[1 + 2 * k], .LocalName = paths[k] };
        }

        /* Block before the library starts any thread, so that every thread inherits the mask. */
        r = signals_open(transfer_signals, ELEMENTSOF(transfer_signals), &sfd);
        if (r < 0) {
                errno = -r;
                r = output_error(c->verb, "Failed to set up signal handling: %m");
                goto finish;
        }

        r = context_get_manager(c, &m);
        if (r != EXIT_OK)
                goto finish;
        if ((sig = signals_wait(sfd, 0))) {
                r = interrupted(&d, NULL, NULL, sig);
                goto finish;
        }

        hr = IBackgroundCopyManager_CreateJob(m, argv[0], BG_JOB_TYPE_DOWNLOAD, &guid, &job);
        if (FAILED(hr)) {
                r = output_hresult_error(c->verb, hr);
                goto finish;
        }
        guid_to_string(&guid, id);

        if (c->priority >= 0) {
                hr = IBackgroundCopyJob_SetPriority(job, (BG_JOB_PRIORITY) c->priority);
                if (FAILED(hr))
                        goto fail_cancel;
        }
        hr = IBackgroundCopyJob_AddFileSet(job, (ULONG) n_files, set);
        if (FAILED(hr))
                goto fail_cancel;
        if ((sig = signals_wait(sfd, 0))) {
                r = interrupted(&d, job, id, sig);
                goto finish;
        }
        hr = IBackgroundCopyJob_Resume(job);
        if (FAILED(hr))
                goto fail_cancel;

        d.start = now_usec();
        if (!c->quiet && !d.tty)
                fprintf(stderr, "doadmin: %s: job %s: %zu file%s\n", c->verb, id, n_files,
                        n_files == 1 ? "" : "s");

        for (;;) {
                hr = IBackgroundCopyJob_GetState(job, &state);
                if (SUCCEEDED(hr))
                        hr = IBackgroundCopyJob_GetProgress(job, &progress);
                if (FAILED(hr)) {
                        display_clear(&d);
                        cancel_job(job);
                        r = output_hresult_error(c->verb, hr);
                        goto finish;
                }

                if (state == BG_JOB_STATE_TRANSFERRED) {
                        display_update(&d, state, &progress, /* force= */ true);
                        break;
                }
                if (state == BG_JOB_STATE_ERROR) {
                        JobErrorInfo e = {};
                        char headline[128];

                        display_finish(&d);
                        (void) snprintf(headline, sizeof(headline), "job %s failed; cancelling it.", id);
                        if (SUCCEEDED(job_error_info_read(job, &e)))
                                job_error_info_print(c->verb, headline, &e);
                        else
                                output_error(c->verb, "%s (no error details available)", headline);
                        job_error_info_done(&e);
                        cancel_job(job);
                        r = EXIT_API;
                        goto finish;
                }
                if (job_state_is_final(state)) {
                        display_finish(&d);
                        r = output_error(c->verb, "Job %s was %s by another client.", id,
                                         state == BG_JOB_STATE_CANCELLED ? "cancelled" : "completed");
                        goto finish;
                }

                if (state == BG_JOB_STATE_TRANSIENT_ERROR && d.last_state != state && !c->quiet) {
                        /* Say once why the job waits; the service retries on its own. */
                        JobErrorInfo e = {};
                        char text[HRESULT_TEXT_MAX];

                        if (SUCCEEDED(job_error_info_read(job, &e))) {
                                display_clear(&d);
                                fprintf(stderr, "doadmin: %s: temporary error, the service will retry: %s\n",
                                        c->verb, output_hresult_text(text, e.hr));
                        }
                        job_error_info_done(&e);
                }
                display_update(&d, state, &progress, /* force= */ false);

                if ((sig = signals_wait(sfd, POLL_INTERVAL_MSEC))) {
                        r = interrupted(&d, job, id, sig);
                        goto finish;
                }
        }

        display_finish(&d);
        hr = IBackgroundCopyJob_Complete(job);
        if (FAILED(hr))
                goto fail_cancel;
        if (hr == BG_S_PARTIAL_COMPLETE) {
                /* Not every file arrived, so the transfer did not do what was asked. */
                r = output_error(c->verb, "Job %s completed only partly (BG_S_PARTIAL_COMPLETE).", id);
                goto finish;
        }
        if (hr == BG_S_UNABLE_TO_DELETE_FILES)
                output_note(c->quiet, c->verb, "Note: some temporary files could not be deleted.");

        r = check_files_in_place(c->verb, paths, n_files);
        if (r != EXIT_OK)
                goto finish;

        if (!c->quiet) {
                char bytes[FORMAT_BYTES_MAX], elapsed[FORMAT_DURATION_MAX];
                usec_t t = now_usec() - d.start;

                char rate[FORMAT_BYTES_MAX];

                fprintf(stderr, "doadmin: %s: job %s done: %zu file%s, %s in %s (%s/s).\n", c->verb, id,
                        n_files, n_files == 1 ? "" : "s", format_bytes(bytes, progress.BytesTransferred),
                        format_duration(elapsed, (t + USEC_PER_SEC / 2) / USEC_PER_SEC),
                        format_bytes(rate, t > 0 ? (uint64_t) ((double) progress.BytesTransferred *
                                                               USEC_PER_SEC / (double) t) : 0));
        }
        r = EXIT_OK;
        goto finish;

fail_cancel:
        display_clear(&d);
        cancel_job(job);
        r = output_hresult_error(c->verb, hr);
finish:
        paths_free(paths, n_files);
        free(set);
        return r;
}
