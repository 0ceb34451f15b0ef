/* verbs-watch.c: the verbs that follow jobs over time: monitor (a refreshing table of every job, like
 * bitsadmin /monitor) and wait (block until one job is TRANSFERRED or fails).
 *
 * Both poll the API (EnumJobs or GetState) on a timer; the signals that end them (SIGINT, SIGTERM,
 * SIGHUP) and, for the live monitor, SIGWINCH and SIGTSTP arrive through a signalfd (signals.h), so
 * the one poll() loop sees keys, signals and the timer alike.
 *
 * monitor has three outputs:
 *  - live (stdout is a terminal, no --once/--json): the alternate screen, redrawn in place every
 *    refresh; 'q' quits. The terminal is put in non-canonical, no-echo mode and restored on every way
 *    out, including Ctrl-Z (restored before stopping, set again on `fg`) and errors. Lines are cut to
 *    the terminal's width and the table to its height.
 *  - stream (otherwise): one block per refresh, a header line with the time, the table, a blank line;
 *    with --json one JSON object per line. A reader that goes away (EPIPE) ends it with status 0.
 *  - --once: a single block (or JSON object) and exit.
 * A service that goes away while the monitor runs (DO_E_NO_SERVICE: killed, restarted, upgraded) does
 * not end it: the live view says so and keeps retrying every refresh, a stream prints one block (or
 * JSON object with "error") per outage, and the table comes back when the service does. Only a
 * service missing at start, or any other error, ends it with status 1.
 * Limits: widths count UTF-8 code points, so a name with double-width characters may be cut a little
 * late. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "doadmin.h"
#include "job-info.h"
#include "job-state.h"
#include "macro.h"
#include "output.h"
#include "parse.h"
#include "signals.h"
#include "util.h"

typedef uint64_t usec_t;

#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_PER_MSEC UINT64_C(1000)
#define MONITOR_REFRESH_DEFAULT_USEC USEC_PER_SEC
#define MONITOR_REFRESH_MIN_USEC (100 * USEC_PER_MSEC)
#define WAIT_POLL_MSEC 50                  /* a GetState costs ~0.5 ms of service time */
#define MONITOR_HEADER_LINES 3             /* title, blank, column heads */
#define LINE_MAX_BYTES 4096
#define MONITOR_STDOUT_BUFFER_BYTES (256 * 1024)   /* more than a frame of the largest terminal */

/* Escape sequences (ECMA-48 / xterm) for the live view. */
#define ESC_ALT_SCREEN_ON "\033[?1049h"
#define ESC_ALT_SCREEN_OFF "\033[?1049l"
#define ESC_CURSOR_HIDE "\033[?25l"
#define ESC_CURSOR_SHOW "\033[?25h"
#define ESC_HOME "\033[H"
#define ESC_CLEAR_SCREEN "\033[2J"
#define ESC_CLEAR_EOL "\033[K"
#define ESC_CLEAR_BELOW "\033[J"

static usec_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static int usec_to_msec_timeout(usec_t usec) {
        usec = (usec + USEC_PER_MSEC - 1) / USEC_PER_MSEC;
        return usec > INT32_MAX ? INT32_MAX : (int) usec;
}

/* ---- monitor -------------------------------------------------------------------------------- */

typedef struct RateSample {
        GUID id;
        uint64_t bytes;
} RateSample;

typedef struct Monitor {
        Context *c;
        bool live;                         /* redraw in place on a terminal */
        bool terminal_set;                 /* termios changed and alternate screen on */
        int key_fd;                        /* stdin when it is a terminal, else -1 */
        struct termios saved_termios;
        RateSample *samples;               /* the previous snapshot, for the rates */
        size_t n_samples;
        usec_t samples_time;
        bool outage;                       /* the last refresh found no service */
        bool reached;                      /* some refresh found the service */
} Monitor;

static void monitor_terminal_restore(Monitor *m) {
        if (!m->terminal_set)
                return;
        /* The modes first, the screen last: whoever sees the normal screen back (a user typing, a
         * test watching the pane) must find echo and line editing already on. */
        if (m->key_fd >= 0)
                (void) tcsetattr(m->key_fd, TCSADRAIN, &m->saved_termios);
        fputs(ESC_CURSOR_SHOW ESC_ALT_SCREEN_OFF, stdout);
        (void) fflush(stdout);
        m->terminal_set = false;
}

static int monitor_terminal_setup(Monitor *m) {
        if (m->key_fd >= 0) {
                struct termios t;

                if (tcgetattr(m->key_fd, &m->saved_termios) < 0)
                        return -errno;
                t = m->saved_termios;
                /* Keys arrive one at a time and are not echoed; ISIG stays, so Ctrl-C and Ctrl-Z work. */
                t.c_lflag &= ~(tcflag_t) (ICANON | ECHO);
                t.c_cc[VMIN] = 1;
                t.c_cc[VTIME] = 0;
                if (tcsetattr(m->key_fd, TCSADRAIN, &t) < 0)
                        return -errno;
        }
        fputs(ESC_ALT_SCREEN_ON ESC_CURSOR_HIDE ESC_HOME ESC_CLEAR_SCREEN, stdout);
        (void) fflush(stdout);
        m->terminal_set = true;
        return 0;
}

static void monitor_terminal_size(unsigned *ret_cols, unsigned *ret_rows) {
        struct winsize ws = {};

        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0 || ws.ws_row == 0) {
                ws.ws_col = 80;
                ws.ws_row = 24;
        }
        *ret_cols = ws.ws_col;
        *ret_rows = ws.ws_row;
}

/* Copies s into buf (l bytes) with control characters as '?', as output_print_safe() does. */
static const char *sanitize(const char *s, char *buf, size_t l) {
        size_t k = 0;

        for (; s && *s && k + 1 < l; s++)
                buf[k++] = (unsigned char) *s < 0x20 || *s == 0x7f ? '?' : *s;
        buf[k] = '\0';
        return buf;
}

/* Cuts a line to `cols` columns, counting UTF-8 code points, never inside a sequence. */
static void truncate_columns(char *line, unsigned cols) {
        unsigned n = 0;

        for (char *p = line; *p; p++)
                if (((unsigned char) *p & 0xC0) != 0x80 && ++n > cols) {
                        *p = '\0';
                        return;
                }
}

/* Writes one line of the frame. Live, a line is cut to the width and cleared to its end, and the
 * newline goes before the next line rather than after this one: a newline after the screen's last
 * row would scroll the title away. */
static void monitor_line(const Monitor *m, FILE *f, unsigned cols, unsigned *n_lines, char *line) {
        if (m->live) {
                truncate_columns(line, cols);
                fprintf(f, "%s%s" ESC_CLEAR_EOL, (*n_lines)++ > 0 ? "\n" : "", line);
        } else
                fprintf(f, "%s\n", line);
}

/* The bytes per second of a job since the previous snapshot, or -1 when unknown (first sight, a
 * restarted file, no time passed). */
static double monitor_rate(const Monitor *m, const JobInfo *i, usec_t t) {
        for (size_t k = 0; k < m->n_samples; k++)
                if (memcmp(&m->samples[k].id, &i->id, sizeof(GUID)) == 0) {
                        if (t <= m->samples_time || i->progress.BytesTransferred < m->samples[k].bytes)
                                return -1;
                        return (double) (i->progress.BytesTransferred - m->samples[k].bytes) * USEC_PER_SEC /
                               (double) (t - m->samples_time);
                }
        return -1;
}

static int monitor_remember(Monitor *m, const JobInfo *infos, size_t n, usec_t t) {
        RateSample *s = n > 0 ? calloc(n, sizeof(RateSample)) : NULL;

        if (n > 0 && !s)
                return -ENOMEM;
        for (size_t k = 0; k < n; k++)
                s[k] = (RateSample) { .id = infos[k].id, .bytes = infos[k].progress.BytesTransferred };
        free(m->samples);
        m->samples = s;
        m->n_samples = n;
        m->samples_time = t;
        return 0;
}

static void format_row(char *line, size_t l, const JobInfo *i, double rate, bool owner) {
        char id[GUID_STRING_MAX], files[32], bytes[64], rate_s[FORMAT_BYTES_MAX + 2], done[FORMAT_BYTES_MAX];
        char total[FORMAT_BYTES_MAX], name[1024], user[USER_NAME_MAX], owner_s[USER_NAME_MAX + 2] = "";
        int percent = progress_percent(i->progress.BytesTransferred, i->progress.BytesTotal);

        (void) snprintf(files, sizeof(files), "%u/%u", (unsigned) i->progress.FilesTransferred,
                        (unsigned) i->progress.FilesTotal);
        format_bytes(done, i->progress.BytesTransferred);
        if (i->progress.FilesTotal == 0)
                (void) snprintf(bytes, sizeof(bytes), "-");
        else if (percent < 0)
                (void) snprintf(bytes, sizeof(bytes), "%s / ?", done);
        else
                (void) snprintf(bytes, sizeof(bytes), "%s / %s %d%%", done, format_bytes(total, i->progress.BytesTotal),
                                percent);
        if (rate >= 0 && job_state_is_running(i->state)) {
                char r[FORMAT_BYTES_MAX];

                (void) snprintf(rate_s, sizeof(rate_s), "%s/s", format_bytes(r, (uint64_t) rate));
        } else
                (void) snprintf(rate_s, sizeof(rate_s), "-");
        if (owner) {
                const char *u = owner_user_name(i->owner, user);

                (void) snprintf(owner_s, sizeof(owner_s), "%-10s  ", u ? u : i->owner ? i->owner : "?");
        }
        (void) snprintf(line, l, "%-38s  %-15s  %-10s  %-7s  %-26s  %-11s  %s%s", guid_to_string(&i->id, id),
                        job_state_to_string(i->state), job_priority_to_string(i->priority), files, bytes, rate_s,
                        owner_s, sanitize(i->name, name, sizeof(name)));
}

static void format_wall_time(char *buf, size_t l) {
        time_t t = time(NULL);
        struct tm tm;

        if (!gmtime_r(&t, &tm) || strftime(buf, l, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                (void) snprintf(buf, l, "?");
}

/* One snapshot as text: into a memory stream first, then written at once, so a live frame never
 * shows half-drawn. */
static int monitor_draw(Monitor *m, const JobInfo *infos, size_t n, usec_t t) {
        _cleanup_free_ char *frame = NULL;
        char line[LINE_MAX_BYTES], when[32];
        unsigned cols = UINT32_MAX, rows = UINT32_MAX, shown, n_lines = 0;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&frame, &size);
        if (!f)
                return -ENOMEM;
        if (m->live) {
                monitor_terminal_size(&cols, &rows);
                cols = cols > 1 ? cols - 1 : 1;          /* never the last column: no wrap */
                fputs(ESC_HOME, f);
        }
        format_wall_time(when, sizeof(when));
        if (m->live)
                (void) snprintf(line, sizeof(line), "doadmin monitor: %zu job%s%s, %s, every %.1f s; press q to quit",
                                n, n == 1 ? "" : "s", m->c->all_users ? " of all users" : "", when,
                                (double) m->c->refresh_usec / USEC_PER_SEC);
        else
                (void) snprintf(line, sizeof(line), "--- %s: %zu job%s%s ---", when, n, n == 1 ? "" : "s",
                                m->c->all_users ? " of all users" : "");
        monitor_line(m, f, cols, &n_lines, line);

        if (n == 0) {
                (void) snprintf(line, sizeof(line), "No jobs.");
                monitor_line(m, f, cols, &n_lines, line);
        } else {
                if (m->live) {
                        line[0] = '\0';
                        monitor_line(m, f, cols, &n_lines, line);
                }
                (void) snprintf(line, sizeof(line), "%-38s  %-15s  %-10s  %-7s  %-26s  %-11s  %s%s", "GUID", "STATE",
                                "PRIORITY", "FILES", "BYTES", "RATE", m->c->all_users ? "OWNER       " : "", "NAME");
                monitor_line(m, f, cols, &n_lines, line);

                /* On a terminal, as many rows as fit, and a last line saying how many did not. */
                shown = (unsigned) n;
                if (m->live && rows < MONITOR_HEADER_LINES + n)
                        shown = rows > MONITOR_HEADER_LINES + 1 ? rows - MONITOR_HEADER_LINES - 1 : 0;
                for (size_t k = 0; k < shown; k++) {
                        format_row(line, sizeof(line), &infos[k], monitor_rate(m, &infos[k], t), m->c->all_users);
                        monitor_line(m, f, cols, &n_lines, line);
                }
                if (shown < n) {
                        (void) snprintf(line, sizeof(line), "... and %zu more", n - shown);
                        monitor_line(m, f, cols, &n_lines, line);
                }
        }
        if (m->live)
                fputs(ESC_CLEAR_BELOW, f);
        else
                fputc('\n', f);
        if (fclose(f) != 0)
                return -ENOMEM;

        fwrite(frame, 1, size, stdout);
        return 0;
}

static int monitor_json(Monitor *m, const JobInfo *infos, size_t n, usec_t t) {
        _cleanup_(json_putp) struct json_object *o = json_object_new_object();
        struct json_object *jobs = json_object_new_array_ext((int) n);
        char when[32];

        if (!o || !jobs) {
                json_object_put(jobs);
                return -ENOMEM;
        }
        format_wall_time(when, sizeof(when));
        if (json_add_string(o, "time", when) < 0 || json_add(o, "jobs", jobs) < 0)
                return -ENOMEM;
        for (size_t k = 0; k < n; k++) {
                struct json_object *j = NULL;
                double rate = monitor_rate(m, &infos[k], t);

                if (job_info_to_json(&infos[k], JOB_INFO_OWNER, &j) < 0)
                        return -ENOMEM;
                if (json_add(j, "bytes_per_second", rate < 0 ? NULL : json_object_new_uint64((uint64_t) rate)) < 0 ||
                    json_object_array_add(jobs, j) < 0) {
                        json_object_put(j);
                        return -ENOMEM;
                }
        }
        return m->c->once ? output_json(o) : output_json_line(o);
}

/* The service is not there (any more): say so, and let the caller try again next refresh. On a
 * terminal the view says it every refresh (the time shows it is alive); a stream says it once per
 * outage, so that a log of it stays short. */
static int monitor_outage(Monitor *m, HRESULT hr) {
        char text[HRESULT_TEXT_MAX], when[32], line[LINE_MAX_BYTES];
        bool first = !m->outage;

        m->outage = true;
        free(m->samples);           /* no rates across the gap: the counters may have moved on */
        m->samples = NULL;
        m->n_samples = 0;
        output_hresult_text(text, hr);
        format_wall_time(when, sizeof(when));

        if (m->live) {
                _cleanup_free_ char *frame = NULL;
                unsigned cols = UINT32_MAX, rows = UINT32_MAX, n_lines = 0;
                size_t size = 0;
                FILE *f = open_memstream(&frame, &size);

                if (!f)
                        return -ENOMEM;
                monitor_terminal_size(&cols, &rows);
                cols = cols > 1 ? cols - 1 : 1;
                fputs(ESC_HOME, f);
                (void) snprintf(line, sizeof(line), "doadmin monitor: service not reachable, %s, retrying every %.1f s; press q to quit",
                                when, (double) m->c->refresh_usec / USEC_PER_SEC);
                monitor_line(m, f, cols, &n_lines, line);
                line[0] = '\0';
                monitor_line(m, f, cols, &n_lines, line);
                monitor_line(m, f, cols, &n_lines, text);
                fputs(ESC_CLEAR_BELOW, f);
                if (fclose(f) != 0)
                        return -ENOMEM;
                fwrite(frame, 1, size, stdout);
                return 0;
        }
        if (!first)
                return 0;
        if (m->c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();

                if (!o || json_add_string(o, "time", when) < 0 || json_add_string(o, "error", text) < 0)
                        return -ENOMEM;
                return output_json_line(o) < 0 ? -ENOMEM : 0;
        }
        printf("--- %s: service not reachable (%s); waiting for it ---\n\n", when, text);
        return 0;
}

/* One refresh: read, print, remember. Returns EXIT_OK, or prints the error and returns its status. */
static int monitor_refresh(Monitor *m) {
        IBackgroundCopyManager *manager;
        JobInfo *infos = NULL;
        size_t n = 0;
        usec_t t;
        HRESULT hr;
        int r;

        r = context_get_manager(m->c, &manager);
        if (r != EXIT_OK)
                return r;
        hr = job_infos_read(manager, m->c->all_users ? BG_JOB_ENUM_ALL_USERS : 0, JOB_INFO_OWNER, &infos, &n);
        if (hr == DO_E_NO_SERVICE && m->reached && !m->c->once) {
                r = monitor_outage(m, hr);
                goto flush;
        }
        m->outage = false;
        m->reached = m->reached || SUCCEEDED(hr);
        if (FAILED(hr)) {
                monitor_terminal_restore(m);
                output_hresult_error(m->c->verb, hr);
                if (hr == E_ACCESSDENIED && m->c->all_users && !m->c->quiet)
                        fprintf(stderr, "doadmin: %s: Only root may see the jobs of all users.\n", m->c->verb);
                return EXIT_API;
        }
        t = now_usec();
        r = m->c->json ? monitor_json(m, infos, n, t) : monitor_draw(m, infos, n, t);
        if (r >= 0)
                r = monitor_remember(m, infos, n, t);
        job_infos_free(infos, n);
flush:
        if (r < 0) {
                monitor_terminal_restore(m);
                return output_error(m->c->verb, "Out of memory.");
        }
        if (fflush(stdout) != 0 || ferror(stdout)) {
                monitor_terminal_restore(m);
                if (errno == EPIPE)        /* the reader is done with us: that ends a stream */
                        return EXIT_OK;
                return output_error(m->c->verb, "Failed to write to standard output: %m");
        }
        return EXIT_OK;
}

/* Ctrl-Z: give the terminal back before stopping, take it again once continued. */
static int monitor_stop(Monitor *m) {
        monitor_terminal_restore(m);
        (void) kill(getpid(), SIGSTOP);
        /* Continued (fg): the shell may have changed the terminal meanwhile; set it again. */
        if (monitor_terminal_setup(m) < 0)
                return output_error(m->c->verb, "Failed to set up the terminal: %m");
        return EXIT_OK;
}

/* Reads what keys are there; returns true when one of them asks to quit. */
static bool monitor_read_keys(Monitor *m) {
        char keys[64];
        ssize_t l;

        l = read(m->key_fd, keys, sizeof(keys));
        for (ssize_t k = 0; k < l; k++)
                if (keys[k] == 'q' || keys[k] == 'Q')
                        return true;
        return false;
}

int verb_monitor(Context *c, int argc, char **argv) {
        static const int live_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP };
        static const int stream_signals[] = { SIGINT, SIGTERM, SIGHUP };
        _cleanup_close_ int sfd = -EBADF;
        Monitor m = {
                .c = c,
                .live = !c->once && !c->json && isatty(STDOUT_FILENO),
                .key_fd = -EBADF,
        };
        usec_t next;
        int r, sig;

        if (c->refresh_usec == 0)
                c->refresh_usec = MONITOR_REFRESH_DEFAULT_USEC;
        /* On a terminal stdout is line-buffered, and a frame would go out in several write()s: the
         * terminal could show half a table (a watcher sees the title without the rows). A buffer
         * larger than any frame makes each frame one write(), flushed by monitor_refresh(). */
        if (m.live && setvbuf(stdout, NULL, _IOFBF, MONITOR_STDOUT_BUFFER_BYTES) != 0)
                return output_error(c->verb, "Failed to set up standard output.");
        /* A closed pipe is reported as EPIPE by the write, and ends the output quietly. */
        (void) signal(SIGPIPE, SIG_IGN);

        if (c->once) {
                r = monitor_refresh(&m);
                free(m.samples);
                return r;
        }

        /* Before the first API call, so that the library's threads inherit the mask (signals.h). */
        r = m.live ? signals_open(live_signals, ELEMENTSOF(live_signals), &sfd)
                   : signals_open(stream_signals, ELEMENTSOF(stream_signals), &sfd);
        if (r < 0) {
                errno = -r;
                return output_error(c->verb, "Failed to set up signal handling: %m");
        }
        r = context_get_manager(c, &(IBackgroundCopyManager *) { NULL });
        if (r != EXIT_OK)
                return r;

        if (m.live) {
                if (isatty(STDIN_FILENO))
                        m.key_fd = STDIN_FILENO;
                r = monitor_terminal_setup(&m);
                if (r < 0) {
                        errno = -r;
                        return output_error(c->verb, "Failed to set up the terminal: %m");
                }
        }

        for (;;) {
                struct pollfd pfd[2] = {
                        { .fd = sfd, .events = POLLIN },
                        { .fd = m.key_fd, .events = POLLIN },
                };
                bool redraw = false;

                r = monitor_refresh(&m);
                if (r != EXIT_OK || ferror(stdout))
                        break;
                next = now_usec() + c->refresh_usec;

                while (!redraw) {
                        usec_t t = now_usec();

                        if (t >= next)
                                break;
                        if (poll(pfd, m.key_fd >= 0 ? 2 : 1, usec_to_msec_timeout(next - t)) < 0) {
                                if (errno == EINTR)
                                        continue;
                                r = output_error(c->verb, "poll() failed: %m");
                                goto finish;
                        }
                        if (pfd[1].revents & POLLIN && monitor_read_keys(&m)) {
                                r = EXIT_OK;
                                goto finish;
                        }
                        if (pfd[1].revents & (POLLHUP | POLLERR))
                                m.key_fd = -EBADF;  /* the terminal went away: no more keys */
                        while ((sig = signals_read(sfd)) > 0)
                                switch (sig) {
                                case SIGWINCH:
                                        redraw = true;
                                        break;
                                case SIGTSTP:
                                        r = monitor_stop(&m);
                                        if (r != EXIT_OK)
                                                goto finish;
                                        redraw = true;
                                        break;
                                default:
                                        r = EXIT_INTERRUPTED;
                                        goto finish;
                                }
                }
        }

finish:
        monitor_terminal_restore(&m);
        free(m.samples);
        return r;
}

/* ---- wait ----------------------------------------------------------------------------------- */

/* wait's result, in --json and in the exit status. */
typedef enum WaitResult {
        WAIT_TRANSFERRED,
        WAIT_ERROR,
        WAIT_CANCELLED,
        WAIT_ACKNOWLEDGED,
        WAIT_TIMEOUT,
        WAIT_INTERRUPTED,
} WaitResult;

static const char *const wait_result_names[] = {
        [WAIT_TRANSFERRED] = "transferred",
        [WAIT_ERROR] = "error",
        [WAIT_CANCELLED] = "cancelled",
        [WAIT_ACKNOWLEDGED] = "acknowledged",
        [WAIT_TIMEOUT] = "timeout",
        [WAIT_INTERRUPTED] = "interrupted",
};

static int wait_report(Context *c, IBackgroundCopyJob *job, const char *id, BG_JOB_STATE state, WaitResult result) {
        JobErrorInfo e = {};
        bool has_error = result == WAIT_ERROR && SUCCEEDED(job_error_info_read(job, &e));

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();
                struct json_object *error = NULL;

                if (!o || json_add_string(o, "id", id) < 0 || json_add_string(o, "result", wait_result_names[result]) < 0 ||
                    json_add_string(o, "state", job_state_to_string(state)) < 0 ||
                    (has_error && job_error_to_json(&e, /* full= */ false, &error) < 0) ||
                    json_add(o, "error", error) < 0 || output_json(o) < 0) {
                        job_error_info_done(&e);
                        return output_error(c->verb, "Out of memory.");
                }
        } else
                puts(job_state_to_string(state));
        (void) output_flush(c->verb);

        switch (result) {
        case WAIT_TRANSFERRED:
                break;
        case WAIT_ERROR:
                if (has_error) {
                        char headline[128];

                        (void) snprintf(headline, sizeof(headline), "job %s failed.", id);
                        job_error_info_print(c->verb, headline, &e);
                } else
                        (void) output_error(c->verb, "job %s failed (no error details available).", id);
                break;
        case WAIT_CANCELLED:
        case WAIT_ACKNOWLEDGED:
                (void) output_error(c->verb, "job %s was %s by another client.", id,
                                    result == WAIT_CANCELLED ? "cancelled" : "completed");
                break;
        case WAIT_TIMEOUT:
                (void) output_error(c->verb, "Timed out after %.1f s; job %s is %s.",
                                    (double) c->timeout_usec / USEC_PER_SEC, id, job_state_to_string(state));
                break;
        case WAIT_INTERRUPTED:
                (void) output_error(c->verb, "Interrupted; job %s is %s and left as it is.", id,
                                    job_state_to_string(state));
                break;
        }
        job_error_info_done(&e);

        switch (result) {
        case WAIT_TRANSFERRED:
                return EXIT_OK;
        case WAIT_TIMEOUT:
                return EXIT_TIMEOUT;
        case WAIT_INTERRUPTED:
                return EXIT_INTERRUPTED;
        default:
                return EXIT_API;
        }
}

int verb_wait(Context *c, int argc, char **argv) {
        static const int wait_signals[] = { SIGINT, SIGTERM, SIGHUP };
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_close_ int sfd = -EBADF;
        BG_JOB_STATE state, last_state = (BG_JOB_STATE) -1;
        char id[GUID_STRING_MAX];
        usec_t deadline = UINT64_MAX;
        GUID guid;
        HRESULT hr;
        int r;

        /* Before the first API call, so that the library's threads inherit the mask (signals.h). */
        r = signals_open(wait_signals, ELEMENTSOF(wait_signals), &sfd);
        if (r < 0) {
                errno = -r;
                return output_error(c->verb, "Failed to set up signal handling: %m");
        }

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetId(job, &guid);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        guid_to_string(&guid, id);
        if (c->timeout_usec != UINT64_MAX)
                deadline = now_usec() + c->timeout_usec;

        for (;;) {
                usec_t t;

                hr = IBackgroundCopyJob_GetState(job, &state);
                if (FAILED(hr))
                        return output_hresult_error(c->verb, hr);

                switch (state) {
                case BG_JOB_STATE_TRANSFERRED:
                        return wait_report(c, job, id, state, WAIT_TRANSFERRED);
                case BG_JOB_STATE_ERROR:
                        return wait_report(c, job, id, state, WAIT_ERROR);
                case BG_JOB_STATE_CANCELLED:
                        return wait_report(c, job, id, state, WAIT_CANCELLED);
                case BG_JOB_STATE_ACKNOWLEDGED:
                        return wait_report(c, job, id, state, WAIT_ACKNOWLEDGED);
                case BG_JOB_STATE_SUSPENDED:
                        /* Someone may resume it; say once why nothing happens. */
                        if (last_state != state)
                                output_note(c->quiet, c->verb, "Job %s is SUSPENDED; waiting for it to be resumed.", id);
                        break;
                case BG_JOB_STATE_TRANSIENT_ERROR:
                        if (last_state != state) {
                                JobErrorInfo e = {};
                                char text[HRESULT_TEXT_MAX];

                                if (SUCCEEDED(job_error_info_read(job, &e)))
                                        output_note(c->quiet, c->verb, "Temporary error, the service will retry: %s",
                                                    output_hresult_text(text, e.hr));
                                job_error_info_done(&e);
                        }
                        break;
                default:
                        break;
                }
                last_state = state;

                t = now_usec();
                if (t >= deadline)
                        return wait_report(c, job, id, state, WAIT_TIMEOUT);
                if (signals_wait(sfd, deadline == UINT64_MAX ? WAIT_POLL_MSEC :
                                      MIN(WAIT_POLL_MSEC, usec_to_msec_timeout(deadline - t))) > 0)
                        return wait_report(c, job, id, state, WAIT_INTERRUPTED);
        }
}
