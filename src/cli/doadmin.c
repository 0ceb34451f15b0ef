/* doadmin.c: the process shell of doadmin, the command-line client of dosvc (the Linux `bitsadmin`):
 * option parsing, the verb table with its bitsadmin aliases, --help and --version, and the lazily made
 * connection.
 *
 * doadmin reaches the service only through libdosvc's public API (deliveryoptimization.h), as any
 * program would; it has no private channel. Options may come before or after the verb (GNU getopt
 * permutes); "--" ends them, for a name or path that starts with '-'. The verbs themselves live in
 * verbs-*.c, one file per group; output formats in output.c.
 *
 * bitsadmin spellings: "/VERB" in any case is VERB ("/create", "/GetState"), a few bitsadmin verbs
 * that read one field map to ours that print the whole structure ("/getbytestotal" is getprogress),
 * "/?" is help, and after a slash verb the bitsadmin options /allusers, /priority P, /refresh S and
 * /download are read as --all-users, --priority, --refresh and (nothing: every job downloads). Only in
 * that form: "doadmin addfile JOB URL /download" still means a local path /download. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dosvc/version.h>

#include "config.h"
#include "doadmin.h"
#include "job-state.h"
#include "macro.h"
#include "output.h"
#include "parse.h"
#include "paths.h"
#include "util.h"

/* Which options a verb accepts beyond the global ones (--json, --quiet, --help). */
#define VERB_OPTION_PRIORITY  0x01u
#define VERB_OPTION_ALL_USERS 0x02u
#define VERB_OPTION_TIMEOUT   0x04u
#define VERB_OPTION_ONCE      0x08u
#define VERB_OPTION_REFRESH   0x10u
#define VERB_OPTION_SHA256    0x20u
#define VERB_ARGS_UNLIMITED -1

typedef enum VerbGroup {
        GROUP_JOBS,
        GROUP_READ,
        GROUP_CHANGE,
        GROUP_WATCH,
        GROUP_OTHER,
} VerbGroup;

static const char *const group_titles[] = {
        [GROUP_JOBS] = "Creating, filling and ending jobs",
        [GROUP_READ] = "Reading jobs (each get verb prints one property; --json prints an object)",
        [GROUP_CHANGE] = "Changing jobs (each set verb prints nothing on success)",
        [GROUP_WATCH] = "Watching jobs",
        [GROUP_OTHER] = "Other",
};

typedef struct Verb {
        const char *name;
        VerbGroup group;
        int min_args;                      /* positional arguments after the verb */
        int max_args;                      /* or VERB_ARGS_UNLIMITED */
        unsigned options;                  /* VERB_OPTION_* */
        int (*run)(Context *c, int argc, char **argv);
        const char *synopsis;              /* arguments, as in "doadmin [OPTIONS] <name> <synopsis>" */
        const char *help;                  /* indented by 6 spaces, wrapped at 100 columns */
} Verb;

static int verb_help(Context *c, int argc, char **argv);

static const Verb verbs[] = {
        /* --- jobs --- */
        {
                "create", GROUP_JOBS, 1, 1, VERB_OPTION_PRIORITY, verb_create, "[--priority=PRIORITY] NAME",
                "      Create a download job named NAME (at most 256 characters; names need not be unique)\n"
                "      and print its GUID, e.g. {3f2504e0-4f89-11d3-9a0c-0305e82c3301}, on standard output.\n"
                "      The job starts SUSPENDED: add files with addfile, then start it with resume.\n"
                "      With --priority, the job gets that priority. With --json, prints {\"id\", \"name\"}.\n",
        },
        {
                "addfile", GROUP_JOBS, 3, 3, VERB_OPTION_SHA256, verb_addfile, "[--sha256=HEX] JOB URL PATH",
                "      Add a file to JOB: download URL (http:// or https://) to PATH. A relative PATH is\n"
                "      made absolute against the current directory before it is sent (the service only\n"
                "      takes absolute paths). The directory must exist and be writable; the file appears\n"
                "      there only when the job is completed. Files download one at a time, in the order\n"
                "      they were added. With --sha256, the file's expected SHA-256 (64 hex digits) is set\n"
                "      as its IntegrityCheckInfo (IDeliveryOptimizationFile2) right after adding it; if\n"
                "      the service refuses that, the file stays in the job without the check and the\n"
                "      verb fails.\n",
        },
        {
                "addfilewithranges", GROUP_JOBS, 4, 4, 0, verb_addfilewithranges, "JOB URL PATH RANGES",
                "      Add a file of which only some byte ranges are downloaded\n"
                "      (IDeliveryOptimizationJob::AddFileWithRanges). RANGES is a comma-separated list\n"
                "      of OFFSET:LENGTH in bytes, LENGTH 'eof' meaning to the end of the file, e.g.\n"
                "      0:100,500:eof. The ranges are written to PATH back to back, in the order given.\n"
                "      Overlapping ranges fail with DO_E_OVERLAPPING_RANGES and a zero length with\n"
                "      DO_E_INVALID_RANGE; a range past the end of the file sends the job to ERROR with\n"
                "      DO_E_INVALID_RANGE once it runs.\n",
        },
        {
                "resume", GROUP_JOBS, 1, 1, 0, verb_resume, "JOB",
                "      Start JOB, or restart it after suspend or an error (retrying at once). Fails with\n"
                "      DO_E_JOB_EMPTY when the job has no files.\n",
        },
        {
                "suspend", GROUP_JOBS, 1, 1, 0, verb_suspend, "JOB",
                "      Stop transferring JOB until the next resume; the bytes already downloaded are kept.\n",
        },
        {
                "cancel", GROUP_JOBS, 1, 1, 0, verb_cancel, "JOB",
                "      End JOB and delete all its temporary files, complete or partial. The job cannot be\n"
                "      recovered.\n",
        },
        {
                "complete", GROUP_JOBS, 1, 1, 0, verb_complete, "JOB",
                "      End JOB and move its fully downloaded files to their local paths; partial files are\n"
                "      deleted. Normally run once the job is TRANSFERRED; earlier, only the files already\n"
                "      complete are kept, and a note says so (BG_S_PARTIAL_COMPLETE).\n",
        },
        {
                "takeownership", GROUP_JOBS, 1, 1, 0, verb_takeownership, "JOB",
                "      Make yourself the owner of JOB (IBackgroundCopyJob::TakeOwnership). Only root may\n"
                "      take another user's job.\n",
        },
        {
                "reset", GROUP_JOBS, 0, 0, VERB_OPTION_ALL_USERS, verb_reset, "[--all-users]",
                "      Cancel every job you own (every job of every user with --all-users, root only), as\n"
                "      bitsadmin /reset does. Prints each cancelled GUID; with --json, an array of them.\n",
        },
        {
                "transfer", GROUP_JOBS, 3, VERB_ARGS_UNLIMITED, VERB_OPTION_PRIORITY, verb_transfer,
                "[--priority=PRIORITY] NAME URL PATH [URL PATH...]",
                "      Download in one go: create a job named NAME, add each URL PATH pair, resume, wait,\n"
                "      and complete. While waiting, a progress line on standard error (when it is a\n"
                "      terminal) shows a bar, bytes done and total, percentage, rate and time left;\n"
                "      otherwise a plain line is printed every few seconds. Exits 0 only when every file\n"
                "      is in place. If the job fails, prints the error (HRESULT, name, message, context\n"
                "      and the service's description), cancels the job and exits 1. On SIGINT (Ctrl-C)\n"
                "      or SIGTERM, cancels the job and exits 130. A temporary error (e.g. the server is\n"
                "      unreachable) is retried by the service, and transfer keeps waiting, as it does\n"
                "      for a job another client suspends; a job another client cancels or completes\n"
                "      ends transfer with status 1.\n",
        },
        /* --- reading --- */
        {
                "info", GROUP_READ, 1, 1, 0, verb_info, "JOB",
                "      Show everything about JOB: name, description, type, state, priority, owner, byte\n"
                "      and file counts, times, notify flags, timeouts, error count, the last error, and\n"
                "      each file with its own progress and ranges. With --json, one object: id, name,\n"
                "      state, priority, bytes_total (null while unknown), bytes_transferred, files_total,\n"
                "      files_transferred, error (null, or {hresult, name, context, description}), files\n"
                "      (as listfiles --json prints them), creation_time, modification_time,\n"
                "      transfer_completion_time (ISO 8601 UTC, null for never), description, owner (the\n"
                "      uid as a string), type, error_count, notify_flags, no_progress_timeout,\n"
                "      minimum_retry_delay (seconds).\n",
        },
        {
                "list", GROUP_READ, 0, 0, VERB_OPTION_ALL_USERS, verb_list, "[--all-users]",
                "      List your jobs that are not completed or cancelled, oldest first, as a table (GUID,\n"
                "      STATE, PRIORITY, PROGRESS, NAME). With --all-users, every user's jobs with an OWNER\n"
                "      column (BG_JOB_ENUM_ALL_USERS: root only, others get E_ACCESSDENIED). With --json,\n"
                "      an array of objects with the fields of info --json up to error, and owner.\n",
        },
        {
                "listfiles", GROUP_READ, 1, 1, 0, verb_listfiles, "JOB",
                "      List the files of JOB in order: index, progress, whether completed, remote and\n"
                "      local name, ranges. With --json, an array of {index, remote_name, local_name,\n"
                "      bytes_total (null while unknown), bytes_transferred, completed, ranges (null for\n"
                "      the whole file, or [{offset, length}], length null for 'to the end')}.\n",
        },
        {
                "getstate", GROUP_READ, 1, 1, 0, verb_getstate, "JOB",
                "      Print the state: QUEUED, TRANSFERRING, SUSPENDED, ERROR, TRANSIENT_ERROR,\n"
                "      TRANSFERRED, ACKNOWLEDGED or CANCELLED. --json: {\"state\"}.\n",
        },
        {
                "getprogress", GROUP_READ, 1, 1, 0, verb_getprogress, "JOB",
                "      Print bytes total (unknown until every file's size is known) and transferred, files\n"
                "      total and transferred. --json: {bytes_total, bytes_transferred, files_total,\n"
                "      files_transferred, percent} (null while unknown).\n",
        },
        {
                "gettimes", GROUP_READ, 1, 1, 0, verb_gettimes, "JOB",
                "      Print the creation, last modification and transfer completion times (ISO 8601 UTC,\n"
                "      'never' or null until it happens). --json: {creation_time, modification_time,\n"
                "      transfer_completion_time}.\n",
        },
        {
                "geterror", GROUP_READ, 1, 1, 0, verb_geterror, "JOB",
                "      Print the job's error: HRESULT, context, the service's description, protocol and\n"
                "      failing file. A job in no error state fails with\n"
                "      DO_E_ERROR_INFORMATION_UNAVAILABLE (exit 1). --json: {hresult, name, message,\n"
                "      context, context_name, context_description, description, protocol, remote_name,\n"
                "      local_name}.\n",
        },
        {
                "geterrorcount", GROUP_READ, 1, 1, 0, verb_geterrorcount, "JOB",
                "      Print how many times the transfer was interrupted by an error. --json:\n"
                "      {\"error_count\"}.\n",
        },
        {
                "getdisplayname", GROUP_READ, 1, 1, 0, verb_getdisplayname, "JOB",
                "      Print the job's name. --json: {\"name\"}.\n",
        },
        {
                "getdescription", GROUP_READ, 1, 1, 0, verb_getdescription, "JOB",
                "      Print the job's description (empty by default). --json: {\"description\"}.\n",
        },
        {
                "getowner", GROUP_READ, 1, 1, 0, verb_getowner, "JOB",
                "      Print the owner's uid and, when known, user name: \"1000 (alice)\". --json:\n"
                "      {\"owner\" (the uid as a string), \"owner_name\" (or null)}.\n",
        },
        {
                "gettype", GROUP_READ, 1, 1, 0, verb_gettype, "JOB",
                "      Print the job type: DOWNLOAD (the only one dosvc has). --json: {\"type\"}.\n",
        },
        {
                "getpriority", GROUP_READ, 1, 1, 0, verb_getpriority, "JOB",
                "      Print the priority: FOREGROUND, HIGH, NORMAL or LOW. --json: {\"priority\"}.\n",
        },
        {
                "getnotifyflags", GROUP_READ, 1, 1, 0, verb_getnotifyflags, "JOB",
                "      Print the notify flags as a number and names, e.g. \"0x3 JOB_TRANSFERRED|JOB_ERROR\".\n"
                "      --json: {notify_flags (the number), names ([\"JOB_TRANSFERRED\", ...])}.\n",
        },
        {
                "getnotifycmdline", GROUP_READ, 1, 1, 0, verb_getnotifycmdline, "JOB",
                "      Print the program and parameters run when the job is transferred or fails\n"
                "      (IBackgroundCopyJob2::GetNotifyCmdLine); (none) when not set. --json: {program,\n"
                "      parameters} (null when not set).\n",
        },
        {
                "getnoprogresstimeout", GROUP_READ, 1, 1, 0, verb_getnoprogresstimeout, "JOB",
                "      Print, in seconds, how long the job may make no progress while retrying before it\n"
                "      goes to ERROR. --json: {\"no_progress_timeout\"}.\n",
        },
        {
                "getminretrydelay", GROUP_READ, 1, 1, 0, verb_getminretrydelay, "JOB",
                "      Print, in seconds, how long the service waits before retrying after a temporary\n"
                "      error. --json: {\"minimum_retry_delay\"}.\n",
        },
        {
                "getproxysettings", GROUP_READ, 1, 1, 0, verb_getproxysettings, "JOB",
                "      Print the proxy usage (PRECONFIG, NO_PROXY, AUTODETECT or OVERRIDE), proxy list and\n"
                "      bypass list. --json: {usage, proxy_list, bypass_list} (lists null when not set).\n",
        },
        /* --- changing --- */
        {
                "setdisplayname", GROUP_CHANGE, 2, 2, 0, verb_setdisplayname, "JOB NAME",
                "      Rename the job (at most 256 characters).\n",
        },
        {
                "setdescription", GROUP_CHANGE, 2, 2, 0, verb_setdescription, "JOB TEXT",
                "      Set the job's description (at most 1024 characters; BG_E_STRING_TOO_LONG beyond).\n",
        },
        {
                "setpriority", GROUP_CHANGE, 2, 2, 0, verb_setpriority, "JOB PRIORITY",
                "      Set the priority of JOB: foreground, high, normal or low (any case). Foreground jobs\n"
                "      run at once and compete for bandwidth; the others run in the background, a few at\n"
                "      a time. New jobs are normal.\n",
        },
        {
                "setnotifyflags", GROUP_CHANGE, 2, 2, 0, verb_setnotifyflags, "JOB FLAGS",
                "      Choose the events that notify the job's callback and command line. FLAGS is a\n"
                "      number (3, 0x3) or names joined by ',' or '|': transferred, error, modification,\n"
                "      file_transferred, disable (BG_NOTIFY_* with or without the prefix, any case), or\n"
                "      none. The default is transferred,error (0x3).\n",
        },
        {
                "setnotifycmdline", GROUP_CHANGE, 2, 3, 0, verb_setnotifycmdline, "JOB PROGRAM [PARAMETERS]",
                "      Run PROGRAM (an absolute path) with PARAMETERS, as the job's owner, when the job is\n"
                "      transferred or fails, even if no client is running then\n"
                "      (IBackgroundCopyJob2::SetNotifyCmdLine). As in BITS, PARAMETERS is the whole\n"
                "      command line, program name first, e.g. setnotifycmdline JOB /usr/bin/touch\n"
                "      \"/usr/bin/touch /tmp/done\". PROGRAM \"\" or NULL (bitsadmin's spelling) removes it.\n",
        },
        {
                "setnoprogresstimeout", GROUP_CHANGE, 2, 2, 0, verb_setnoprogresstimeout, "JOB SECONDS",
                "      Set how long the job may retry without progress before it goes to ERROR; 0 sends it\n"
                "      to ERROR at the first error. SECONDS may carry a unit: 90, 10m, 2h, 1d.\n",
        },
        {
                "setminretrydelay", GROUP_CHANGE, 2, 2, 0, verb_setminretrydelay, "JOB SECONDS",
                "      Set how long the service waits before retrying after a temporary error (the\n"
                "      service raises values under 5 s to 5 s). SECONDS may carry a unit: 60, 10m.\n",
        },
        {
                "setproxysettings", GROUP_CHANGE, 2, 4, 0, verb_setproxysettings,
                "JOB USAGE [PROXY_LIST [BYPASS_LIST]]",
                "      Set how the job reaches servers: preconfig (the system's settings, the default),\n"
                "      no_proxy, autodetect, or override with PROXY_LIST (e.g. http://proxy:3128) and an\n"
                "      optional BYPASS_LIST (hosts reached directly; NULL for none). Only override takes\n"
                "      the lists. PROXY_LIST entries are separated by spaces or ';', each\n"
                "      [http=|https=][PROTO://]HOST[:PORT] with PROTO http, https, socks4, socks4a, socks5\n"
                "      or socks5h (e.g. \"http=proxy:8080 https=proxy:8443\"); an entry with http= or\n"
                "      https= serves only URLs of that scheme. Anything else (a path, user:password@,\n"
                "      another scheme) is refused with BG_E_INVALID_PROXY_INFO.\n",
        },
        {
                "setremotename", GROUP_CHANGE, 3, 3, 0, verb_setremotename, "JOB INDEX URL",
                "      Change the URL of file INDEX of JOB (0 for the first; see listfiles), e.g. to fix\n"
                "      a job in ERROR: suspend, setremotename, resume. The file continues from where it\n"
                "      stopped unless the new URL gives another size or date\n"
                "      (IBackgroundCopyFile2::SetRemoteName).\n",
        },
        /* --- watching --- */
        {
                "monitor", GROUP_WATCH, 0, 0, VERB_OPTION_ALL_USERS | VERB_OPTION_ONCE | VERB_OPTION_REFRESH,
                verb_monitor, "[--all-users] [--once] [--refresh=SECONDS]",
                "      Show all your jobs (everybody's with --all-users) in a table refreshed every second\n"
                "      (or every --refresh SECONDS): GUID, state, priority, files, bytes, rate, name. On a\n"
                "      terminal the table is redrawn in place; press q (or Ctrl-C) to quit, which restores\n"
                "      the screen. When standard output is not a terminal, one block per refresh is\n"
                "      printed: a line \"--- TIME: N jobs ---\", the table and a blank line, until\n"
                "      interrupted or the reader goes away. --once prints one block and exits. With\n"
                "      --json, each block is one line {time, jobs} where jobs are as in list --json plus\n"
                "      bytes_per_second (null until measured); with --once, one object.\n",
        },
        {
                "wait", GROUP_WATCH, 1, 1, VERB_OPTION_TIMEOUT, verb_wait, "[--timeout=SECONDS] JOB",
                "      Wait until JOB is TRANSFERRED (exit 0) or in ERROR (exit 1, the error is printed),\n"
                "      then print its state; the job is not completed: run complete after. Temporary\n"
                "      errors and a suspended job are waited out. A job cancelled or completed by another\n"
                "      client exits 1. With --timeout (seconds, e.g. 30, 1.5, 2m), exits 3 when the time\n"
                "      runs out; SIGINT or SIGTERM exits 130. The job is left as it is in every case.\n"
                "      With --json, prints {id, result (transferred, error, cancelled, acknowledged,\n"
                "      timeout, interrupted), state, error}.\n",
        },
        {
                "help", GROUP_OTHER, 0, 1, 0, verb_help, "[VERB]",
                "      Show this help, or the help of VERB.\n",
        },
};

/* bitsadmin verbs that read one field of a structure some verb of ours prints whole. */
static const struct {
        const char *bitsadmin;
        const char *verb;
} bitsadmin_aliases[] = {
        { "getbytestotal",       "getprogress"      },
        { "getbytestransferred", "getprogress"      },
        { "getfilestotal",       "getprogress"      },
        { "getfilestransferred", "getprogress"      },
        { "getcreationtime",     "gettimes"         },
        { "getmodificationtime", "gettimes"         },
        { "getcompletiontime",   "gettimes"         },
        { "getproxyusage",       "getproxysettings" },
        { "getproxylist",        "getproxysettings" },
        { "getproxybypasslist",  "getproxysettings" },
        { "?",                   "help"             },
};

/* Finds a verb by name; "/name" in any case is the bitsadmin spelling (*ret_bitsadmin set). */
static const Verb *verb_find(const char *name, bool *ret_bitsadmin) {
        bool bitsadmin = name[0] == '/';

        if (ret_bitsadmin)
                *ret_bitsadmin = bitsadmin;
        if (bitsadmin) {
                name++;
                for (size_t k = 0; k < ELEMENTSOF(bitsadmin_aliases); k++)
                        if (strcasecmp(name, bitsadmin_aliases[k].bitsadmin) == 0) {
                                name = bitsadmin_aliases[k].verb;
                                break;
                        }
        }
        for (size_t k = 0; k < ELEMENTSOF(verbs); k++)
                if (bitsadmin ? strcasecmp(verbs[k].name, name) == 0 : streq(verbs[k].name, name))
                        return &verbs[k];
        return NULL;
}

static void help_options(unsigned verb_options, bool all) {
        fputs("OPTIONS\n"
              "  --json\n"
              "      Print results as JSON on standard output (create, info, list, listfiles, the get\n"
              "      verbs, monitor, wait, reset); the other verbs print nothing on success and ignore\n"
              "      it. Errors always go to standard error as text.\n"
              "  -q, --quiet\n"
              "      Print nothing but results and errors: no progress display, notes or summaries.\n"
              "  --system\n"
              "      Use the system-wide service (org.dosvc1 on the system bus, dosvc.service) instead of\n"
              "      your own per-user one; same as DOSVC_SYSTEM=1. Your jobs there are yours alone;\n"
              "      root sees and manages everybody's.\n", stdout);
        if (all || (verb_options & VERB_OPTION_PRIORITY))
                fputs("  -p, --priority=PRIORITY\n"
                      "      (create, transfer) Give the new job this priority: foreground, high, normal\n"
                      "      (the default) or low.\n", stdout);
        if (all || (verb_options & VERB_OPTION_ALL_USERS))
                fputs("  -a, --all-users\n"
                      "      (list, monitor, reset) Every user's jobs, not only yours (root only).\n", stdout);
        if (all || (verb_options & VERB_OPTION_SHA256))
                fputs("  --sha256=HEX\n"
                      "      (addfile) The file's expected SHA-256, 64 hex digits.\n", stdout);
        if (all || (verb_options & VERB_OPTION_ONCE))
                fputs("  --once\n"
                      "      (monitor) Print one snapshot and exit.\n", stdout);
        if (all || (verb_options & VERB_OPTION_REFRESH))
                fputs("  --refresh=SECONDS\n"
                      "      (monitor) Refresh every SECONDS (default 1, at least 0.1; e.g. 0.5, 5, 1m).\n", stdout);
        if (all || (verb_options & VERB_OPTION_TIMEOUT))
                fputs("  -t, --timeout=SECONDS\n"
                      "      (wait) Give up after SECONDS (e.g. 30, 1.5, 2m, 250ms) with exit status 3.\n", stdout);
        fputs("  -h, --help\n"
              "      Show the help and exit; after a verb, the help of that verb.\n"
              "  --version\n"
              "      Show the versions of doadmin and of the libdosvc it runs with, and exit.\n", stdout);
}

static void help_exit_status(void) {
        fputs("EXIT STATUS\n"
              "  0    Success.\n"
              "  1    The service refused the request or could not be reached, the transfer failed,\n"
              "       or the job waited for ended in ERROR; the message names the HRESULT, e.g.\n"
              "       \"0x80D02003 DO_E_JOB_NOT_FOUND: ...\".\n"
              "  2    Usage error: unknown verb or option, wrong number of arguments, malformed GUID,\n"
              "       priority, number, range list or digest.\n"
              "  3    wait --timeout ran out before the job was TRANSFERRED or failed.\n"
              "  130  Interrupted by SIGINT or SIGTERM (transfer cancels its job first; wait and monitor\n"
              "       leave jobs as they are).\n", stdout);
}

static void help_verb(const Verb *v) {
        printf("Usage: doadmin [OPTIONS] %s%s%s\n\n", v->name, *v->synopsis ? " " : "", v->synopsis);
        fputs(v->help, stdout);
        if (strstr(v->synopsis, "JOB"))
                fputs("\n      JOB is a job GUID as create and list print it, with or without braces, in any\n"
                      "      case (32 hex digits without dashes are accepted too).\n", stdout);
        printf("\n      bitsadmin spelling: doadmin /%s ...\n", v->name);
        putchar('\n');
        help_options(v->options, false);
        putchar('\n');
        help_exit_status();
        puts("\nSee 'doadmin --help' for all verbs, the environment and examples, and doadmin(1).");
}

static void help_full(void) {
        VerbGroup group = (VerbGroup) -1;

        fputs("NAME\n"
              "  doadmin - manage dosvc background download jobs (Delivery Optimization / BITS)\n"
              "\n"
              "SYNOPSIS\n"
              "  doadmin [OPTIONS] VERB [ARGUMENTS...]\n"
              "  doadmin /VERB [ARGUMENTS...]        (bitsadmin spelling, any case)\n"
              "  doadmin VERB --help\n"
              "  doadmin --help | --version\n"
              "\n"
              "DESCRIPTION\n"
              "  doadmin is the command-line client of dosvc, the background download service: the\n"
              "  Linux counterpart of bitsadmin. It creates download jobs, adds files to them, starts,\n"
              "  suspends, completes and cancels them, reads and changes their properties, and shows\n"
              "  their progress. It uses the service's public C API (libdosvc, deliveryoptimization.h)\n"
              "  like any other program; in user mode, libdosvc starts the service on first use.\n"
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
              "  Every verb also has its bitsadmin spelling: /create, /addfile, /GetState, ... in any\n"
              "  case; after such a verb, bitsadmin's /allusers, /priority P, /refresh S and /download\n"
              "  are accepted too. bitsadmin's /getbytestotal, /getbytestransferred, /getfilestotal\n"
              "  and /getfilestransferred print getprogress; /getcreationtime, /getmodificationtime\n"
              "  and /getcompletiontime print gettimes; /getproxyusage, /getproxylist and\n"
              "  /getproxybypasslist print getproxysettings; /? is help.\n"
              "\n"
              "VERBS\n", stdout);
        for (size_t k = 0; k < ELEMENTSOF(verbs); k++) {
                if (verbs[k].group != group) {
                        group = verbs[k].group;
                        printf("%s%s:\n", k > 0 ? "\n" : "", group_titles[group]);
                }
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
              "  DOSVC_SYSTEM\n"
              "      Set to 1 to use the system-wide service, as --system does.\n"
              "  DOSVC_SYSTEM_BUS_ADDRESS\n"
              "      With --system: the address of the bus to use instead of the system bus.\n"
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
              "      doadmin wait --timeout=1h \"$job\" && doadmin complete \"$job\"\n"
              "\n"
              "  Show your jobs, and the state of each as JSON; watch them live:\n"
              "      doadmin list\n"
              "      doadmin list --json | jq -r '.[] | .id + \" \" + .state'\n"
              "      doadmin monitor\n"
              "\n"
              "  The bitsadmin way:\n"
              "      doadmin /create myjob\n"
              "      doadmin /addfile \"$job\" https://example.org/a.iso /srv/a.iso\n"
              "      doadmin /SetPriority \"$job\" FOREGROUND\n"
              "\n"
              "SEE ALSO\n"
              "  doadmin(1), dosvc(8), docs/dbus-api.md (the service's D-Bus interface),\n"
              "  include/deliveryoptimization.h\n", stdout);
}

static int verb_help(Context *c, int argc, char **argv) {
        const Verb *v;

        if (argc == 0) {
                help_full();
                return output_flush(c->verb);
        }
        v = verb_find(argv[0], NULL);
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
                        if (hr == DO_E_NO_SERVICE && !c->quiet && paths_system_mode())
                                fprintf(stderr, "doadmin: %s: Could not reach the system service org.dosvc1 "
                                        "(is dosvc.service installed and running?).\n", c->verb);
                        else if (hr == DO_E_NO_SERVICE && !c->quiet)
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

/* The options given on the command line, before they are checked against the verb. */
typedef struct Arguments {
        const char *priority;
        const char *timeout;
        const char *refresh;
        const char *sha256;
        bool all_users;
        bool once;
} Arguments;

/* After a bitsadmin-spelled verb: takes bitsadmin's options out of the positional arguments (in place;
 * *argc shrinks) into *a. Returns EXIT_OK or a usage error. */
static int bitsadmin_options(const char *verb, int *argc, char **argv, Arguments *a) {
        int n = 0;

        for (int k = 0; k < *argc; k++) {
                const char *s = argv[k];

                if (strcasecmp(s, "/allusers") == 0)
                        a->all_users = true;
                else if (strcasecmp(s, "/download") == 0)
                        continue;
                else if (strcasecmp(s, "/upload") == 0 || strcasecmp(s, "/upload-reply") == 0)
                        return output_usage_error(verb, "dosvc only downloads; %s jobs do not exist.", s);
                else if (strcasecmp(s, "/priority") == 0 || strcasecmp(s, "/refresh") == 0) {
                        if (k + 1 >= *argc)
                                return output_usage_error(verb, "Option '%s' needs an argument.", s);
                        if (strcasecmp(s, "/priority") == 0)
                                a->priority = argv[++k];
                        else
                                a->refresh = argv[++k];
                } else
                        argv[n++] = argv[k];
        }
        *argc = n;
        return EXIT_OK;
}

/* Checks the options against the verb and stores them, parsed, in the context. */
static int apply_options(Context *c, const Verb *v, const Arguments *a) {
        static const struct {
                unsigned option;
                const char *name;
        } names[] = {
                { VERB_OPTION_PRIORITY,  "--priority"  },
                { VERB_OPTION_ALL_USERS, "--all-users" },
                { VERB_OPTION_TIMEOUT,   "--timeout"   },
                { VERB_OPTION_ONCE,      "--once"      },
                { VERB_OPTION_REFRESH,   "--refresh"   },
                { VERB_OPTION_SHA256,    "--sha256"    },
        };
        unsigned given = (a->priority ? VERB_OPTION_PRIORITY : 0) | (a->all_users ? VERB_OPTION_ALL_USERS : 0) |
                         (a->timeout ? VERB_OPTION_TIMEOUT : 0) | (a->once ? VERB_OPTION_ONCE : 0) |
                         (a->refresh ? VERB_OPTION_REFRESH : 0) | (a->sha256 ? VERB_OPTION_SHA256 : 0);
        int r;

        for (size_t k = 0; k < ELEMENTSOF(names); k++)
                if ((given & names[k].option) && !(v->options & names[k].option))
                        return output_usage_error(c->verb, "%s is not an option of %s.", names[k].name, v->name);

        if (a->priority) {
                BG_JOB_PRIORITY p;

                r = parse_priority(c->verb, a->priority, &p);
                if (r != EXIT_OK)
                        return r;
                c->priority = (int) p;
        }
        if (a->timeout && parse_timeout_usec(a->timeout, &c->timeout_usec) < 0)
                return output_usage_error(c->verb, "'%s' is not a timeout (e.g. 30, 1.5, 2m, 250ms).", a->timeout);
        if (a->refresh) {
                if (parse_timeout_usec(a->refresh, &c->refresh_usec) < 0)
                        return output_usage_error(c->verb, "'%s' is not a refresh interval (e.g. 1, 0.5, 5s).",
                                                  a->refresh);
                if (c->refresh_usec < 100000)
                        return output_usage_error(c->verb, "The refresh interval must be at least 0.1 s.");
        }
        if (a->sha256 && parse_sha256_hex(a->sha256, c->sha256) < 0)
                return output_usage_error(c->verb, "'%s' is not a SHA-256 digest: expected 64 hex digits.", a->sha256);
        c->all_users = a->all_users;
        c->once = a->once;
        return EXIT_OK;
}

int main(int argc, char **argv) {
        enum {
                ARG_VERSION = 0x100,
                ARG_JSON,
                ARG_ONCE,
                ARG_REFRESH,
                ARG_SHA256,
                ARG_SYSTEM,
        };
        static const struct option options[] = {
                { "help",      no_argument,       NULL, 'h'         },
                { "version",   no_argument,       NULL, ARG_VERSION },
                { "json",      no_argument,       NULL, ARG_JSON    },
                { "quiet",     no_argument,       NULL, 'q'         },
                { "priority",  required_argument, NULL, 'p'         },
                { "all-users", no_argument,       NULL, 'a'         },
                { "timeout",   required_argument, NULL, 't'         },
                { "once",      no_argument,       NULL, ARG_ONCE    },
                { "refresh",   required_argument, NULL, ARG_REFRESH },
                { "sha256",    required_argument, NULL, ARG_SHA256  },
                { "system",    no_argument,       NULL, ARG_SYSTEM  },
                {}
        };
        Context c = { .priority = -1, .timeout_usec = UINT64_MAX };
        Arguments a = {};
        bool help = false, bitsadmin;
        const Verb *v;
        int nargs, opt, r;
        char **args;

        /* Our own messages for bad options, in the "doadmin: ..." form of every other error. */
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":hqp:at:", options, NULL)) >= 0)
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
                        a.priority = optarg;
                        break;
                case 'a':
                        a.all_users = true;
                        break;
                case 't':
                        a.timeout = optarg;
                        break;
                case ARG_ONCE:
                        a.once = true;
                        break;
                case ARG_REFRESH:
                        a.refresh = optarg;
                        break;
                case ARG_SHA256:
                        a.sha256 = optarg;
                        break;
                case ARG_SYSTEM:
                        /* libdosvc reads it at its first connection: the system service, never a
                         * daemon of our own. */
                        if (setenv("DOSVC_SYSTEM", "1", 1) < 0)
                                return output_error(NULL, "Failed to select the system service: %m");
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

        v = verb_find(argv[optind], &bitsadmin);
        if (!v)
                return output_usage_error(NULL, "Unknown verb '%s'.", argv[optind]);
        c.verb = v->name;
        nargs = argc - optind - 1;
        args = argv + optind + 1;

        if (bitsadmin) {
                r = bitsadmin_options(c.verb, &nargs, args, &a);
                if (r != EXIT_OK)
                        return r;
        }

        if (help) {
                /* "doadmin --help help VERB" is "doadmin help VERB"; "doadmin help --help" is about help. */
                if (v->run == verb_help && nargs > 0)
                        return verb_help(&c, nargs, args);
                help_verb(v);
                return output_flush(c.verb);
        }

        if (nargs < v->min_args)
                return output_usage_error(c.verb, "Missing arguments: expected %s.", v->synopsis);
        if (v->max_args != VERB_ARGS_UNLIMITED && nargs > v->max_args) {
                if (v->max_args == 0)
                        return output_usage_error(c.verb, "Too many arguments: %s takes none.", c.verb);
                return output_usage_error(c.verb, "Too many arguments: expected %s.", v->synopsis);
        }

        r = apply_options(&c, v, &a);
        if (r != EXIT_OK)
                return r;

        r = v->run(&c, nargs, args);

        if (c.manager)
                IBackgroundCopyManager_Release(c.manager);
        return r;
}
