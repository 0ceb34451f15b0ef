/* conf.h: the daemon's configuration file, dosvc.conf, and the limits it sets (spec §5, issue 5).
 *
 * Named conf.h, not config.h: the build's generated config.h (DOSVC_VERSION) is included as
 * "config.h" from this directory, and a file of that name here would shadow it.
 *
 * Format (documented for users in data/dosvc.conf and dosvc(8)):
 *   - lines end with "\n" (a "\r" before it is dropped); leading and trailing blanks are ignored;
 *   - empty lines and lines starting with '#' or ';' are comments (no comments after a value);
 *   - "[Section]" starts a section; the only section is [Limits]; keys of other sections are
 *     warned about and ignored;
 *   - "Key = Value" (blanks around '=' optional), key names case-sensitive; an unknown key is
 *     warned about and ignored; a key given twice: the last one wins;
 *   - values are decimal integers without sign, within the range given below; anything else
 *     (empty, "12abc", "-1", "0x10", out of range) is an error, and so is a key outside a section,
 *     a line without '=', a NUL byte, a line longer than CONF_LINE_MAX or a file larger than
 *     CONF_FILE_MAX. An error names file:line and the daemon refuses to start.
 * Pure code apart from conf_load() (reads the file) and the warnings (log.h); unit-tested in
 * tests/unit/test-conf.c, fuzzed by fuzz/fuzz-config.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_FILE_MAX (64u * 1024u)        /* bytes: a config file is small */
#define CONF_LINE_MAX 1024u                /* bytes per line, "\n" excluded */

/* Compiled ceilings of the configurable values: what the store, the bus adapters and job.c accept
 * whatever the file says (a limit raised in the file never exceeds these). */
#define LIMIT_JOBS_CEILING 100000u
#define LIMIT_FILES_PER_JOB_CEILING 10000u
#define LIMIT_RANGES_PER_FILE_CEILING 65536u
#define LIMIT_STRING_CEILING 65536u        /* URL, display name, description */
#define LIMIT_LOCAL_PATH_CEILING 4095u     /* PATH_MAX - 1 */

typedef struct Limits {
        unsigned max_jobs_per_user;          /* MaxJobsPerUser: non-final jobs of one uid (root exempt) */
        unsigned max_jobs_per_machine;       /* MaxJobsPerMachine: non-final jobs in all */
        unsigned max_files_per_job;          /* MaxFilesPerJob */
        unsigned max_ranges_per_file;        /* MaxRangesPerFile */
        unsigned max_url_length;             /* MaxUrlLength: bytes */
        unsigned max_display_name_length;    /* MaxDisplayNameLength: characters (code points) */
        unsigned max_description_length;     /* MaxDescriptionLength: characters (code points) */
        unsigned max_local_path_length;      /* MaxLocalPathLength: bytes of the absolute path */
        uint64_t max_response_header_bytes;  /* MaxResponseHeaderBytes: all headers of one response */
        uint64_t max_response_bytes;         /* MaxResponseBytes: body bytes of one file; 0 = no limit */
        unsigned max_redirects;              /* MaxRedirects: per request */
        unsigned max_connections;            /* MaxConnections: jobs transferring at once, all priorities */
        unsigned max_background_transfers;   /* MaxBackgroundTransfers: background jobs transferring at once */
        unsigned max_notifications_per_user; /* MaxNotificationsPerUser: notify command lines running at once */
} Limits;

/* The BITS defaults of spec §5 (and ours where the spec names none). */
#define LIMITS_DEFAULT ((Limits) {                      \
                .max_jobs_per_user = 60,                \
                .max_jobs_per_machine = 300,            \
                .max_files_per_job = 200,               \
                .max_ranges_per_file = 500,             \
                .max_url_length = 2200,                 \
                .max_display_name_length = 256,         \
                .max_description_length = 1024,         \
                .max_local_path_length = 260,           \
                .max_response_header_bytes = 262144,    \
                .max_response_bytes = 0,                \
                .max_redirects = 10,                    \
                .max_connections = 64,                  \
                .max_background_transfers = 4,          \
                .max_notifications_per_user = 4,       \
        })

/* Parses `size` bytes of `text` (need not be NUL-terminated) over `limits`, which holds the values
 * to start from (normally LIMITS_DEFAULT): only the keys present change. `filename` is used in
 * messages only. Returns 0; or -EINVAL (-ENOMEM) with *ret_error a malloc'ed "file:line: why"
 * (NULL on -ENOMEM) and `limits` unchanged. Warnings (unknown key or section) are logged. */
int conf_parse(const char *text, size_t size, const char *filename, Limits *limits, char **ret_error);

/* The file to read: $DOSVC_CONFIG when set and not empty; else <sysconfdir>/dosvc/dosvc.conf in
 * system mode; else $XDG_CONFIG_HOME/dosvc/dosvc.conf, $HOME/.config/dosvc/dosvc.conf as fallback. */
int conf_path(bool system_mode, char **ret);

/* Reads and parses `path` into *ret (defaults first). A missing file gives the defaults. Errors are
 * logged (file:line for a bad line) and returned: the daemon refuses to start. */
int conf_load(const char *path, Limits *ret);
