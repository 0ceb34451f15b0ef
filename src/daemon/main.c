/* main.c: the dosvc process shell: arguments, signals, logging, then the Manager's event loop.
 * Everything the daemon does lives in the modules Manager ties together. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "macro.h"
#include "manager.h"

static bool arg_system = false;

static void help(void) {
        printf("Usage: dosvc [OPTIONS]\n"
               "\n"
               "Delivery Optimization for Linux: the background download service.\n"
               "\n"
               "With no options, dosvc runs the per-user service in the foreground: it listens on a\n"
               "private D-Bus socket at $XDG_RUNTIME_DIR/dosvc/bus (fallback /tmp/dosvc-$UID/bus) and\n"
               "keeps its job store in $XDG_STATE_HOME/dosvc/ (fallback ~/.local/state/dosvc/).\n"
               "Programs using libdosvc (and doadmin) start it on demand; there is no need to start\n"
               "it by hand. It stops cleanly on SIGTERM or SIGINT, keeping every job and every byte\n"
               "already written; a killed instance loses nothing either.\n"
               "\n"
               "Options:\n"
               "  -h, --help       Show this help and exit\n"
               "      --version    Show the version and exit\n"
               "      --system     Run as the system-wide service: own org.dosvc1 on the system\n"
               "                   bus, serve every user (each job belongs to its creator's uid),\n"
               "                   keep the store in /var/lib/dosvc (run by dosvc.service, as root)\n"
               "  -v, --verbose    Log debug messages\n"
               "\n"
               "Environment:\n"
               "  XDG_RUNTIME_DIR, XDG_STATE_HOME  where the socket and the store live\n"
               "  DOSVC_SYSTEM_BUS_ADDRESS         --system: the bus to use instead of the system bus\n"
               "  DOSVC_STATE_DIRECTORY, STATE_DIRECTORY\n"
               "                                   --system: the store (default /var/lib/dosvc)\n"
               "  DOSVC_RUNTIME_DIRECTORY, RUNTIME_DIRECTORY\n"
               "                                   --system: lock and pid file (default /run/dosvc)\n"
               "  DOSVC_DEBUG=1                    same as --verbose\n"
               "  DOSVC_MAX_BACKGROUND=N           background jobs transferring at once (default 4)\n"
               "\n"
               "See dosvc(8), doadmin(1).\n");
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_SYSTEM };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "system", no_argument, NULL, ARG_SYSTEM },
                { "verbose", no_argument, NULL, 'v' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "hv", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("dosvc %s\n", DOSVC_VERSION);
                        return 0;
                case ARG_SYSTEM:
                        arg_system = true;
                        break;
                case 'v':
                        log_set_max_level(LOG_DEBUG);
                        break;
                case '?':
                        return -EINVAL;
                default:
                        return -EINVAL;
                }
        if (optind < argc) {
                fprintf(stderr, "dosvc: unexpected argument '%s'; see dosvc --help.\n", argv[optind]);
                return -EINVAL;
        }
        return 1;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        log_info("Received %s, shutting down.", strsignal((int) si->ssi_signo));
        return sd_event_exit(m->event, 0);
}

int main(int argc, char *argv[]) {
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_free_ char *pid_path = NULL;
        sigset_t mask;
        int r;

        log_open();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        if (arg_system && geteuid() != 0)
                log_warning("Running --system as uid %u, not root: jobs can only write where this uid may.",
                            (unsigned) geteuid());

        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                log_error("Failed to initialize libcurl.");
                return 1;
        }
        /* A client that disconnects mid-reply must not kill us. */
        signal(SIGPIPE, SIG_IGN);
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = manager_new(&m);
        if (r < 0) {
                log_error_errno(r, "Failed to create the manager: %m");
                goto finish;
        }
        m->system_mode = arg_system;
        r = sd_event_add_signal(m->event, NULL, SIGTERM, on_signal, m);
        if (r >= 0)
                r = sd_event_add_signal(m->event, NULL, SIGINT, on_signal, m);
        if (r < 0) {
                log_error_errno(r, "Failed to watch signals: %m");
                goto finish;
        }

        r = manager_load(m);
        if (r < 0)
                goto finish;
        if (asprintf(&pid_path, "%s/pid", m->runtime_dir) < 0)
                pid_path = NULL;

        r = manager_run(m);
        if (r < 0)
                log_error_errno(r, "Event loop failed: %m");

finish:
        m = manager_free(TAKE_PTR(m));
        if (pid_path)
                (void) unlink(pid_path);
        curl_global_cleanup();
        return r < 0 ? 1 : 0;
}
