/* doadmin.c: the process shell of doadmin, the command-line client of dosvc (the Linux `bitsadmin`):
 * option parsing, the verb table, --help and --version, and the lazily made connection.
 *
 * doadmin reaches the service only through libdosvc's public API (deliveryoptimization.h), as any
 * program would; it has no private channel. Options may come before or after the verb (GNU getopt
 * permutes); "--" ends them, for a name or path that starts with '-'. The verbs themselves live in
 * verbs-*.c, one file per group; output formats in output.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dosvc/version.h>

#include "config.h"
#include "doadmin.h"
#include "job-state.h"
#include "macro.h"
#include "output.h"
#include "util.h"

/* Which options a verb accepts beyond the global ones. */
#define VERB_OPTION_PRIORITY 0x1u
#define VERB_ARGS_UNLIMITED -1

typedef struct Verb {
        const char *name;
        int min_args;                      /* positional arguments after the verb */
        int max_args;                      /* or VERB_ARGS_UNLIMITED */
        unsigned options;                  /* VERB_OPTION_* */
        int (*run)(Context *c, int argc, char **argv);
        const char *synopsis;              /* arguments, as in "doadmin [OPTIONS] <name> <synopsis>" */
        const char *help;                  /* indented by 6 spaces, wrapped at 100 columns */
} Verb;

static int verb_help(Context *c, int argc, char **argv);

static const Verb verbs[] = {
        {
                "create", 1, 1, VERB_OPTION_PRIORITY, verb_create, "[--priority=PRIORITY] NAME",
                "      Create a download job named NAME (at most 256 characters; names need not be unique)\n"
                "      and print its GUID, e.g. {3f2504e0-4f89-11d3-9a0c-0305e82c3301}, on standard output.\n"
                "      The job starts SUSPENDED: add files with addfile, then start it with resume.\n"
                "      With --priority, the job gets that priority. With --json, prints {\"id\", \"name\"}.\n",
        },
        {
                "addfile", 3, 3, 0, verb_addfile, "JOB URL PATH",
                "      Add a file to JOB: download URL (http:// or https://) to PATH. A relative PATH is\n"
                "      made absolute against the current directory before it is sent (the service only\n"
                "      takes absolute paths). The directory must exist and be writable; the file appears\n"
                "      there only when the job is completed. Files download one at a time, in the order\n"
                "      they were added.\n",
        },
        {
                "resume", 1, 1, 0, verb_resume, "JOB",
                "      Start JOB, or restart it after suspend or an error (retrying at once). Fails with\n"
                "      DO_E_JOB_EMPTY when the job has no files.\n",
        },
        {
                "suspend", 1, 1, 0, verb_suspend, "JOB",
                "      Stop transferring JOB until the next resume; the bytes already downloaded are kept.\n",
        },
        {
                "cancel", 1, 1, 0, verb_cancel, "JOB",
                "      End JOB and delete all its temporary files, complete or partial. The job cannot be\n"
                "      recovered.\n",
        },
        {
                "complete", 1, 1, 0, verb_complete, "JOB",
                "      End JOB and move its fully downloaded files to their local paths; partial files are\n"
                "      deleted. Normally run once the job is TRANSFERRED; earlier, only the files already\n"
                "      complete are kept, and a note says so (BG_S_PARTIAL_COMPLETE).\n",
        },
        {
                "info", 1, 1, 0, verb_info, "JOB",
                "      Show everything about JOB: name, description, state, priority, owner, byte and file\n"
                "      counts, times, the last error, and each file with its own progress. With --json,\n"
                "      one object: id, name, state, priority, bytes_total (null while unknown),\n"
                "      bytes_transferred, files_total, files_transferred, error (null, or {hresult, name,\n"
                "      context, description}), files ([{remote_name, local_name, bytes_total,\n"
                "      bytes_transferred, completed}]), creation_time, modification_time,\n"
                "      transfer_completion_time (ISO 8601 UTC, null for never), description, owner.\n",
        },
        {
                "list", 0, 0, 0, verb_list, "",
                "      List your jobs that are not completed or cancelled, oldest first, as a table (GUID,\n"
                "      STATE, PRIORITY, PROGRESS, NAME). With --json, an array of objects with the fields\n"
                "      of info --json up to error.\n",
        },
        {
                "setpriority", 2, 2, 0, verb_setpriority, "JOB PRIORITY",
                "      Set the priority of JOB: foreground, high, normal or low (any case). Foreground jobs\n"
                "      run at once and compete for bandwidth; the others run in the background, a few at\n"
                "      a time. New jobs are normal.\n",
        },
        {
                "transfer", 3, VERB_ARGS_UNLIMITED, VERB_OPTION_PRIORITY, verb_transfer,
                "[--priority=PRIORITY] NAME URL PATH [URL PATH...]",
                "      Download in one go: create a job named NAME, add each URL PATH pair, resume, wait,\n"
                "      and complete. While waiting, a progress line on standard error (when it is a\n"
                "      terminal) shows bytes done and total, percentage, rate and time left; otherwise a\n"
                "      plain line is printed every few seconds. Exits 0 only when every file is in place.\n"
                "      If the job fails, prints the error (HRESULT, name, message, context and the\n"
                "      service's description), cancels the job and exits 1. On SIGINT (Ctrl-C) or\n"
                "      SIGTERM, cancels the job and exits 130. A temporary error (e.g. the server is\n"
                "      unreachable) is retried by the service, and transfer keeps waiting, as it does\n"
                "      for a job another client suspends; a job another client cancels or completes\n"
                "      ends transfer with status 1.\n",
        },
        {
                "help", 0, 1, 0, verb_help, "[VERB]",
                "      Show this help, or the help of VERB.\n",
        },
};

static const Verb *verb_find(const char *name) {
        for (size_t k = 0; k < ELEMENTSOF(verbs); k++)
                if (streq(verbs[k].name, name))
                        return &verbs[k];
        return NULL;
}

static void help_options(unsigned verb_options, bool all) {
        fputs("OPTIONS\n"
              "  --json\n"
              "      Print results as JSON on standard output (create, info, list); other verbs print\n"
              "      nothing on success and ignore it. Errors always go to standard error as text.\n"
              "  -q, --quiet\n"
              "      Print nothing but results and errors: no progress display, notes or summaries.\n", stdout);
        if (all || (verb_options & VERB_OPTION_PRIORITY))
                fputs("  -p, --priority=PRIORITY\n"
                      "      (create, transfer) Give the new job this priority: foreground, high, normal\n"
                      "      (the default) or low.\n", stdout);
        fputs("  -h, --help\n"
              "      Show the help and exit; after a verb, the help of that verb.\n"
              "  --version\n"
              "      Show the versions of doadmin and of the libdosvc it runs with, and exit.\n", stdout);
}

static void help_exit_status(void) {
        fputs("EXIT STATUS\n"
              "  0    Success.\n"
              "  1    The service refused the request or could not be reached, or the transfer failed;\n"
              "       the message names the HRESULT, e.g. \"0x80D02003 DO_E_JOB_NOT_FOUND: ...\".\n"
              "  2    Usage error: unknown verb or option, wrong number of arguments, malformed GUID\n"
              "       or priority.\n"
              "  130  transfer was interrupted by SIGINT or SIGTERM; the job was cancelled.\n", stdout);
}

static void help_verb(const Verb *v) {
        printf("Usage: doadmin [OPTIONS] %s%s%s\n\n", v->name, *v->synopsis ? " " : "", v->synopsis);
        fputs(v->help, stdout);
        if (strstr(v->synopsis, "JOB"))
                fputs("\n      JOB is a job GUID as create and list print it, with or without braces, in any\n"
                      "      case (32 hex digits without dashes are accepted too).\n", stdout);
        putchar('\n');
        help_options(v->options, false);
        putchar('\n');
        help_exit_status();
        puts("\nSee 'doadmin --help' for all verbs, the environment and examples.");
}

static void help_full(void) {
        fputs("NAME\n"
              "  doadmin - manage dosvc background download jobs (Delivery Optimization / BITS)\n"
              "\n"
              "SYNOPSIS\n"
              "  doadmin [OPTIONS] VERB [ARGUMENTS...]\n"
              "  doadmin VERB --help\n"
              "  doadmin --help | --version\n"
              "\n"
              "DESCRIPTION\n"
              "  doadmin is the command-line client of dosvc, the background download service: the\n"
              "  Linux counterpart of bitsadmin. It creates download jobs, adds files to them, starts,\n"
              "  suspends, completes and cancels them, and shows their progress. It uses the service's\n"
              "  public C API (libdosvc, deliveryoptimization.h) like any other program; in user mode,\n"
              "  libdosvc starts the service on first use.\n"
              "\n"
              "  A job starts SUSPENDED; after resume it is QUEUED, then TRANSFERRING, and becomes\n"
              "  TRANSFERRED once every file is downloaded (or ERROR after a fatal failure, or\n"
              "  TRANSIENT_ERROR while the service retries). Downloaded files stay in hidden temporary\n"
              "  files until the job is completed: only complete puts them under their local paths.\n"
              "  transfer does all of this in one command.\n"
              "\n"
              "  JOB is a job GUID as create and list print it, e.g.\n"
              "  {3f2504e0-4f89-11d3-9a0c-0305e82c3301}; braces are optional and case does not matter.\n"
              "\n"
              "VERBS\n", stdout);
        for (size_t k = 0; k < ELEMENTSOF(verbs); k++) {
                printf("  %s%s%s\n", verbs[k].name, *verbs[k].synopsis ? " " : "", verbs[k].synopsis);
                fputs(verbs[k].help, stdout);
        }
        putchar('\n');
        help_options(0, true);
        fputs("\n"
              "ENVIRONMENT\n"
              "  XDG_RUNTIME_DIR\n"
              "      The service's socket, pid file and lock are in $XDG_RUNTIME_DIR/dosvc (mode 0700;\n"
              "      /tmp/dosvc-UID when unset). Each directory is one service instance.\n"
              "  XDG_STATE_HOME\n"
              "      A service that libdosvc starts keeps its job store and log in\n"
              "      $XDG_STATE_HOME/dosvc (default ~/.local/state/dosvc).\n"
              "  DOSVC_DAEMON\n"
              "      The service binary libdosvc starts when none is running (default " DOSVC_DAEMON_PATH ").\n"
              "  DOSVC_BUS_ADDRESS\n"
              "      A D-Bus address to use instead of the socket in $XDG_RUNTIME_DIR/dosvc.\n"
              "  DOSVC_DEBUG\n"
              "      Set to 1 for libdosvc's debug messages on standard error.\n"
              "\n", stdout);
        help_exit_status();
        fputs("\n"
              "EXAMPLES\n"
              "  Download two files with a progress bar; they are in place when the command returns:\n"
              "      doadmin transfer updates https://example.org/a.iso a.iso https://example.org/b.sig b.sig\n"
              "\n"
              "  The same, step by step, from a script:\n"
              "      job=$(doadmin create updates)\n"
              "      doadmin addfile \"$job\" https://example.org/a.iso /srv/a.iso\n"
              "      doadmin resume \"$job\"\n"
              "      until [ \"$(doadmin --json info \"$job\" | jq -r .state)\" = TRANSFERRED ]; do sleep 1; done\n"
              "      doadmin complete \"$job\"\n"
              "\n"
              "  Show your jobs, and the state of each as JSON:\n"
              "      doadmin list\n"
              "      doadmin list --json | jq -r '.[] | .id + \" \" + .state'\n"
              "\n"
              "SEE ALSO\n"
              "  docs/dbus-api.md (the service's D-Bus interface), include/deliveryoptimization.h\n", stdout);
}

static int verb_help(Context *c, int argc, char **argv) {
        const Verb *v;

        if (argc == 0) {
                help_full();
                return output_flush(c->verb);
        }
        v = verb_find(argv[0]);
        if (!v)
                return output_usage_error(NULL, "Unknown verb '%s'.", argv[0]);
        help_verb(v);
        return output_flush(c->verb);
}

int parse_priority(const char *verb, const char *s, BG_JOB_PRIORITY *ret) {
        int p = job_priority_from_string(s);

        if (p < 0)
                return output_usage_error(verb, "Unknown priority '%s'; expected foreground, high, normal or low.",
                                          s);
        *ret = (BG_JOB_PRIORITY) p;
        return EXIT_OK;
}

int context_get_manager(Context *c, IBackgroundCopyManager **ret) {
        HRESULT hr;

        if (!c->manager) {
                hr = DoCreateManager(&c->manager);
                if (FAILED(hr)) {
                        c->manager = NULL;
                        output_hresult_error(c->verb, hr);
                        if (hr == DO_E_NO_SERVICE && !c->quiet)
                                fprintf(stderr, "doadmin: %s: Could not reach or start the service "
                                        "(see XDG_RUNTIME_DIR and DOSVC_DAEMON in 'doadmin --help').\n", c->verb);
                        return EXIT_API;
                }
        }
        *ret = c->manager;
        return EXIT_OK;
}

int context_get_job(Context *c, const char *arg, IBackgroundCopyJob **ret) {
        IBackgroundCopyManager *m;
        GUID id;
        HRESULT hr;
        int r;

        if (guid_from_string(arg, &id) < 0)
                return output_usage_error(c->verb, "'%s' is not a job GUID.", arg);

        r = context_get_manager(c, &m);
        if (r != EXIT_OK)
                return r;

        hr = IBackgroundCopyManager_GetJob(m, &id, ret);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}

int main(int argc, char **argv) {
        enum {
                ARG_VERSION = 0x100,
                ARG_JSON,
        };
        static const struct option options[] = {
                { "help",     no_argument,       NULL, 'h'         },
                { "version",  no_argument,       NULL, ARG_VERSION },
                { "json",     no_argument,       NULL, ARG_JSON    },
                { "quiet",    no_argument,       NULL, 'q'         },
                { "priority", required_argument, NULL, 'p'         },
                {}
        };
        Context c = { .priority = -1 };
        const char *priority_arg = NULL;
        bool help = false;
        const Verb *v;
        int nargs, opt, r;

        /* Our own messages for bad options, in the "doadmin: ..." form of every other error. */
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":hqp:", options, NULL)) >= 0)
                switch (opt) {
                case 'h':
                        help = true;
                        break;
                case ARG_VERSION:
                        printf("doadmin %s\nlibdosvc %s\n", DOSVC_VERSION, dosvc_version());
                        return output_flush("--version");
                case ARG_JSON:
                        c.json = true;
                        break;
                case 'q':
                        c.quiet = true;
                        break;
                case 'p':
                        priority_arg = optarg;
                        break;
                case ':':
                        return output_usage_error(NULL, "Option '%s' needs an argument.", argv[optind - 1]);
                case '?':
                        if (optopt != 0)
                                return output_usage_error(NULL, "Unknown option '-%c'.", optopt);
                        return output_usage_error(NULL, "Unknown option '%s'.", argv[optind - 1]);
                default:
                        return output_error(NULL, "Unhandled option %d.", opt);
                }

        if (optind >= argc) {
                if (help) {
                        help_full();
                        return output_flush("--help");
                }
                return output_usage_error(NULL, "Missing verb.");
        }

        v = verb_find(argv[optind]);
        if (!v)
                return output_usage_error(NULL, "Unknown verb '%s'.", argv[optind]);
        c.verb = v->name;

        if (help) {
                /* "doadmin --help help VERB" is "doadmin help VERB"; "doadmin help --help" is about help. */
                if (v->run == verb_help && argc - optind - 1 > 0)
                        return verb_help(&c, argc - optind - 1, argv + optind + 1);
                help_verb(v);
                return output_flush(c.verb);
        }

        nargs = argc - optind - 1;
        if (nargs < v->min_args)
                return output_usage_error(c.verb, "Missing arguments: expected %s.", v->synopsis);
        if (v->max_args != VERB_ARGS_UNLIMITED && nargs > v->max_args) {
                if (v->max_args == 0)
                        return output_usage_error(c.verb, "Too many arguments: %s takes none.", c.verb);
                return output_usage_error(c.verb, "Too many arguments: expected %s.", v->synopsis);
        }

        if (priority_arg) {
                BG_JOB_PRIORITY p;

                if (!(v->options & VERB_OPTION_PRIORITY))
                        return output_usage_error(c.verb, "--priority is only valid with create and transfer.");
                r = parse_priority(c.verb, priority_arg, &p);
                if (r != EXIT_OK)
                        return r;
                c.priority = (int) p;
        }

        r = v->run(&c, nargs, argv + optind + 1);

        if (c.manager)
                IBackgroundCopyManager_Release(c.manager);
        return r;
}
