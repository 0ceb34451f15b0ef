/* scenario.h: one faultd scenario, the misbehaviour a request under /s/<name>/ gets, read from
 * the file <scenarios dir>/<name>. The format is described at the top of scenario.c and in
 * README.md. Private to faultd. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define SCENARIO_NAME_MAX 128
#define SCENARIO_FILE_MAX (64 * 1024)          /* a scenario file is a few lines */
#define SCENARIO_HEADERS_MAX 8                 /* "header" lines per scenario */
#define SCENARIO_OVERSIZED_MAX (64ULL << 20)   /* largest "oversized-headers" line */
#define SCENARIO_STALL_FOREVER INT64_MAX

typedef struct Scenario {
        char name[SCENARIO_NAME_MAX + 1];

        /* when the faults apply (both conditions when both are set) */
        uint64_t first_n_requests;             /* 0: every request */
        uint64_t every_nth;                    /* 0: every request */

        /* the body */
        uint64_t cut_after;                    /* UINT64_MAX: never */
        int64_t stall_ms;                      /* -1: no stall; SCENARIO_STALL_FOREVER */
        uint64_t stall_after;
        bool stall_then_close;
        uint64_t drip_bytes_per_sec;           /* 0: full speed */

        /* the status and its headers */
        int status;                            /* 0: the normal status */
        char *retry_after;                     /* literal, after @…@ expansion; NULL: none */
        bool wrong_content_range;
        int64_t wrong_content_range_delta;
        bool wrong_content_length;
        uint64_t wrong_content_length_value;
        bool ignore_range;
        bool range_not_supported;
        bool etag_changes;
        bool if_range_ignored;
        char *etag;                            /* literal ETag, quotes included; NULL: computed */
        bool no_etag;
        bool no_last_modified;
        uint64_t oversized_headers;            /* 0: none */
        char *headers[SCENARIO_HEADERS_MAX];   /* extra "Name: value" lines */
        unsigned n_headers;

        /* redirects */
        char *redirect;                        /* Location template; NULL: none */
        int redirect_status;                   /* 302 unless "redirect-status" */
        bool redirect_loop;
        unsigned redirect_chain;               /* 0: none */
} Scenario;

/* True when name is a valid scenario name: [A-Za-z0-9._-], not starting with '.', not too long. */
bool scenario_name_valid(const char *name);

/* Read and parse the scenario name from the directory dirfd into *ret (which must be released with
 * scenario_done()). On failure returns -errno (-ENOENT: no such scenario, -EBADMSG: a bad line)
 * and stores in reterr_why (size why_size) one line saying what was wrong. */
int scenario_load(int dirfd, const char *name, Scenario *ret, char *reterr_why, size_t why_size);

/* Does the fault apply to the count-th request (1-based) for this scenario and file? */
bool scenario_applies(const Scenario *s, uint64_t count);

/* Free what *s owns; leaves *s empty. Takes a zeroed or half-loaded scenario. */
void scenario_done(Scenario *s);
