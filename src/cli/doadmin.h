/* doadmin.h: what the verb files share: the parsed command line (Context) and the verb entry points.
 *
 * Each verb gets its positional arguments (argv[0] is the first one after the verb name; the dispatcher
 * has already checked their count and which options the verb takes) and returns the process exit
 * status (EXIT_* in output.h), having printed any error itself. The connection to the daemon is made
 * on first use, so that --help and usage errors never start a daemon. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <deliveryoptimization.h>

#include "parse.h"

typedef struct Context {
        const char *verb;                  /* the verb's name, for messages */
        bool json;                         /* --json */
        bool quiet;                        /* --quiet */
        bool all_users;                    /* --all-users (list, monitor, reset) */
        bool once;                         /* --once (monitor) */
        int priority;                      /* --priority as BG_JOB_PRIORITY, or -1 when not given */
        uint64_t timeout_usec;             /* --timeout (wait), UINT64_MAX when not given */
        uint64_t refresh_usec;             /* --refresh (monitor), 0 when not given */
        char sha256[SHA256_HEX_MAX];       /* --sha256 (addfile), 64 lowercase hex digits, or "" */
        IBackgroundCopyManager *manager;   /* NULL until context_get_manager() */
} Context;

/* The manager, connecting on first use (DoCreateManager, which starts a user-mode daemon when none
 * runs). The pointer is borrowed from the context. Returns EXIT_OK, or prints the error and returns
 * EXIT_API. */
int context_get_manager(Context *c, IBackgroundCopyManager **ret);

/* Parses `arg` as a job GUID (EXIT_USAGE when it is not one) and opens the job (EXIT_API on failure,
 * e.g. DO_E_JOB_NOT_FOUND). The job is the caller's reference. */
int context_get_job(Context *c, const char *arg, IBackgroundCopyJob **ret);

/* Parses a priority name (foreground, high, normal, low; any case). Returns EXIT_OK, or prints a
 * usage error and returns EXIT_USAGE. */
int parse_priority(const char *verb, const char *s, BG_JOB_PRIORITY *ret);

/* verbs-job.c: creating, filling and ending jobs */
int verb_create(Context *c, int argc, char **argv);
int verb_addfile(Context *c, int argc, char **argv);
int verb_addfilewithranges(Context *c, int argc, char **argv);
int verb_resume(Context *c, int argc, char **argv);
int verb_suspend(Context *c, int argc, char **argv);
int verb_cancel(Context *c, int argc, char **argv);
int verb_complete(Context *c, int argc, char **argv);
int verb_takeownership(Context *c, int argc, char **argv);
int verb_reset(Context *c, int argc, char **argv);

/* verbs-info.c: reading jobs and files */
int verb_info(Context *c, int argc, char **argv);
int verb_list(Context *c, int argc, char **argv);
int verb_listfiles(Context *c, int argc, char **argv);

/* verbs-props.c: one verb per property getter and setter */
int verb_getstate(Context *c, int argc, char **argv);
int verb_getprogress(Context *c, int argc, char **argv);
int verb_gettimes(Context *c, int argc, char **argv);
int verb_geterror(Context *c, int argc, char **argv);
int verb_getpriority(Context *c, int argc, char **argv);
int verb_getdisplayname(Context *c, int argc, char **argv);
int verb_getdescription(Context *c, int argc, char **argv);
int verb_getowner(Context *c, int argc, char **argv);
int verb_gettype(Context *c, int argc, char **argv);
int verb_geterrorcount(Context *c, int argc, char **argv);
int verb_getnotifyflags(Context *c, int argc, char **argv);
int verb_getnoprogresstimeout(Context *c, int argc, char **argv);
int verb_getminretrydelay(Context *c, int argc, char **argv);
int verb_getnotifycmdline(Context *c, int argc, char **argv);
int verb_getproxysettings(Context *c, int argc, char **argv);
int verb_setpriority(Context *c, int argc, char **argv);
int verb_setdisplayname(Context *c, int argc, char **argv);
int verb_setdescription(Context *c, int argc, char **argv);
int verb_setnotifyflags(Context *c, int argc, char **argv);
int verb_setnoprogresstimeout(Context *c, int argc, char **argv);
int verb_setminretrydelay(Context *c, int argc, char **argv);
int verb_setnotifycmdline(Context *c, int argc, char **argv);
int verb_setproxysettings(Context *c, int argc, char **argv);
int verb_setremotename(Context *c, int argc, char **argv);

/* verbs-watch.c: following jobs */
int verb_monitor(Context *c, int argc, char **argv);
int verb_wait(Context *c, int argc, char **argv);

/* verbs-transfer.c */
int verb_transfer(Context *c, int argc, char **argv);
