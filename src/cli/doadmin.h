/* doadmin.h: what the verb files share: the parsed command line (Context) and the verb entry points.
 *
 * Each verb gets its positional arguments (argv[0] is the first one after the verb name; the dispatcher
 * has already checked their count) and returns the process exit status (EXIT_* in output.h), having
 * printed any error itself. The connection to the daemon is made on first use, so that --help and usage
 * errors never start a daemon. */
#pragma once

#include <stdbool.h>
#include <deliveryoptimization.h>

typedef struct Context {
        const char *verb;                  /* the verb's name, for messages */
        bool json;                         /* --json */
        bool quiet;                        /* --quiet */
        int priority;                      /* --priority as BG_JOB_PRIORITY, or -1 when not given */
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

/* verbs-job.c */
int verb_create(Context *c, int argc, char **argv);
int verb_addfile(Context *c, int argc, char **argv);
int verb_resume(Context *c, int argc, char **argv);
int verb_suspend(Context *c, int argc, char **argv);
int verb_cancel(Context *c, int argc, char **argv);
int verb_complete(Context *c, int argc, char **argv);
int verb_setpriority(Context *c, int argc, char **argv);

/* A job's error record, read in one go (verbs-info.c). Strings are CoTaskMem-allocated, NULL when the
 * daemon has none. */
typedef struct JobErrorInfo {
        HRESULT hr;                        /* the failure */
        BG_ERROR_CONTEXT context;
        char *description;                 /* IBackgroundCopyError::GetErrorDescription */
        char *context_description;         /* IBackgroundCopyError::GetErrorContextDescription */
        char *remote_name;                 /* the failing file, NULL when no file is involved */
        char *local_name;
} JobErrorInfo;

/* IBackgroundCopyJob::GetError and the error object's getters. Returns S_OK with *ret filled, or the
 * failure of GetError (DO_E_ERROR_INFORMATION_UNAVAILABLE when the job is in no error state), with
 * *ret zeroed. Only GetError's own result counts: a description the daemon cannot give stays NULL. */
HRESULT job_error_info_read(IBackgroundCopyJob *job, JobErrorInfo *ret);
void job_error_info_done(JobErrorInfo *e);

/* The error as indented lines on stderr after "doadmin: <verb>: <headline>":
 *   0x80190194 BG_E_HTTP_ERROR_404: <message>, context, description, file. */
void job_error_info_print(const char *verb, const char *headline, const JobErrorInfo *e);

/* verbs-info.c */
int verb_info(Context *c, int argc, char **argv);
int verb_list(Context *c, int argc, char **argv);

/* verbs-transfer.c */
int verb_transfer(Context *c, int argc, char **argv);
