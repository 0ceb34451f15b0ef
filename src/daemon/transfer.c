/* transfer.c: one HTTP request of one file into its temp file (see transfer.h).
 *
 * A whole file takes one request; a ranged file takes one request per range, written back to back
 * in the order given. Order of events for one request:
 *   1. open the temp file and cut it back to the stored offset (bytes past it were never fsync'ed,
 *      so they may be garbage after a crash);
 *   2. GET the bytes not yet on disk: "Range: bytes=<offset>-" for a whole file resumed, guarded by
 *      If-Range with the validator we saw before, so a changed file comes back whole (200) instead of
 *      being spliced; "Range: bytes=<first>-<last>" for a range;
 *   3. before the first body byte is written, check the answer (transfer_accept_response): a 206 must
 *      start exactly where we asked and match the ETag and size we saw before (else the file starts
 *      over); a 200 to a resume means "start over" (offset 0 is stored BEFORE writing); a 200 to a
 *      range request means the server has no range support; nothing else is written;
 *   4. write; start writeback every 8 MiB; every checkpoint_bytes or checkpoint_usec: fsync, THEN
 *      store the offset. This is the crash invariant of DESIGN.md: a stored offset never covers bytes
 *      that are not durable. A temp file deleted under us is noticed at each checkpoint (no links);
 *   5. at the end: fsync, store the final offset; when the file is complete, check its SHA-256 (from
 *      the running hash when the request covered the whole file, else by reading it back a chunk per
 *      turn of the event loop: see "the SHA-256 check" below). Only a file whose digest matched is
 *      marked transferred.
 * Limits: http/https only and at most 10 redirects (curl-glue.c), https never redirects to http unless
 * the job allows it, a stalled connection (no byte for stall_usec) is cut, headers kept are bounded. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "curl-glue.h"
#include "files.h"
#include "hresult.h"
#include "http-error.h"
#include "log.h"
#include "macro.h"
#include "proxy-list.h"
#include "ranges.h"
#include "transfer.h"

#define TRANSFER_VALIDATOR_MAX 256            /* longest ETag / Last-Modified we keep */
#define TRANSFER_HEADERS_MAX (64 * 1024)      /* response headers kept for File5's property */
#define TRANSFER_WRITEBACK_BYTES (8ULL << 20)
#define TRANSFER_RETRY_AFTER_CAP 3600         /* seconds: a server cannot park a job longer */
#define TRANSFER_HASH_BUFFER (1024 * 1024)        /* one pread of the read-back check */
#define TRANSFER_VERIFY_CHUNK (4ULL << 20)        /* read back per turn of the event loop: ~3 ms */

struct Transfer {
        Manager *m;
        JobFile *file;
        CURL *easy;
        int fd;                            /* the temp file, read-write (files_open_temp) */
        FsUser user;                       /* whose rights the temp file is handled with */

        uint64_t offset;                   /* local offset of the first byte asked for */
        uint64_t remote_first;             /* remote offset asked for */
        uint64_t remote_last;              /* last remote byte asked for; UINT64_MAX = to the end */
        bool ranged;
        uint64_t unsynced;                 /* bytes written since the last checkpoint */
        uint64_t writeback_start;          /* first byte not yet handed to writeback */
        usec_t last_checkpoint;
        usec_t started;

        EVP_MD_CTX *sha;                   /* running SHA-256 when this request starts at byte 0 */

        /* The check by reading the file back (no running hash): one chunk per turn of the event
         * loop (transfer_on_verify_step). While it runs the request is over (easy is NULL), the job
         * is still TRANSFERRING and the file not transferred; transfer_stop/abort end it. */
        sd_event_source *verify_source;
        EVP_MD_CTX *verify_sha;
        uint8_t *verify_buf;
        uint64_t verify_done;              /* bytes hashed so far */
        usec_t verify_pause;               /* $DOSVC_VERIFY_PAUSE_MSEC between chunks (tests) */
        usec_t verify_started;
        usec_t verify_slowest_step;
        unsigned verify_steps;

        /* How the request ended, kept for transfer_end() when the check runs after it. */
        CURLcode result;
        long result_status;

        /* the response being received (reset at every status line: redirects, 1xx) */
        long status;
        bool has_content_range;
        char content_range[128];
        char etag[TRANSFER_VALIDATOR_MAX];
        char last_modified[TRANSFER_VALIDATOR_MAX];
        char retry_after[64];
        char *headers;                     /* every header line of the response, bounded */
        size_t headers_len;
        uint64_t header_bytes;             /* header bytes of the response so far */

        bool accepted;                     /* the final response was checked; body may be written */
        bool restart;                      /* the server's copy changed: start the file over */
        int local_errno;                   /* a failed write/fsync of the temp file */
        HRESULT refused;                   /* we refused the response (never written) */
        BG_ERROR_CONTEXT refused_context;
        char *refused_why;

        struct curl_slist *request_headers;
        char errbuf[CURL_ERROR_SIZE];
};

static Transfer *transfer_free(Transfer *t) {
        if (!t)
                return NULL;
        if (t->easy) {
                curl_glue_remove(t->m->glue, t->easy);
                curl_easy_cleanup(t->easy);
        }
        curl_slist_free_all(t->request_headers);
        EVP_MD_CTX_free(t->sha);
        /* A check in progress stops here: its source goes before anything it points at. */
        t->verify_source = sd_event_source_disable_unref(t->verify_source);
        EVP_MD_CTX_free(t->verify_sha);
        free(t->verify_buf);
        safe_close(t->fd);
        fs_user_done(&t->user);
        free(t->refused_why);
        free(t->headers);
        if (t->file) {
                t->file->download_usec += now_monotonic_usec() - t->started;
                if (t->file->job->transfer == t)
                        t->file->job->transfer = NULL;
        }
        free(t);
        return NULL;
}

static void transfer_refuse(Transfer *t, HRESULT hr, BG_ERROR_CONTEXT context, const char *why) {
        if (t->refused != 0)
                return;  /* the first reason is the real one */
        t->refused = hr;
        t->refused_context = context;
        free(t->refused_why);
        t->refused_why = strdup(why);
}

/* Someone deleted the temp file (or its folder) under us: the bytes went to an orphan inode. Nothing
 * on disk is ours any more, so the file starts over. true (and the transfer refused) when so. */
static bool transfer_temp_gone(Transfer *t) {
        JobFile *f = t->file;
        struct stat st;

        if ((fstat(t->fd, &st) >= 0 && st.st_nlink == 0) ||
            files_temp_is_linked(&t->user, f->temp_path, t->fd) == 0) {
                /* …or moved away: its folder renamed, or swapped for a symlink (never followed). */
                transfer_refuse(t, BG_E_LOCAL_FILE_CHANGED, BG_ERROR_CONTEXT_LOCAL_FILE,
                                "the temporary file was deleted during the transfer");
                f->bytes_written = f->bytes_durable = 0;
                (void) store_save_file_progress(t->m->store, f);
                return true;
        }
        return false;
}

/* fsync the bytes written so far, then record them as durable. */
static int transfer_checkpoint(Transfer *t) {
        JobFile *f = t->file;
        int r;

        if (f->bytes_written == f->bytes_durable)
                return 0;
        r = file_datasync(t->fd);
        if (r < 0) {
                t->local_errno = -r;
                return log_error_errno(r, "Failed to fsync '%s': %m", f->temp_path);
        }
        if (transfer_temp_gone(t))
                return -ENOENT;
        f->bytes_durable = f->bytes_written;
        t->unsynced = 0;
        t->last_checkpoint = now_monotonic_usec();
        r = store_save_file_progress(t->m->store, f);
        if (r < 0)
                log_warning_errno(r, "Failed to store the offset of '%s', continuing: %m", f->temp_path);
        manager_touch_job(t->m, f->job);
        return 0;
}

/* Start the file over: the stored offset goes to 0 before a new byte is written. */
static int transfer_truncate_to_zero(Transfer *t) {
        JobFile *f = t->file;

        if (ftruncate(t->fd, 0) < 0 || lseek(t->fd, 0, SEEK_SET) < 0) {
                t->local_errno = errno;
                return -errno;
        }
        f->bytes_written = f->bytes_durable = 0;
        f->transferred = false;
        t->offset = t->writeback_start = 0;
        return store_save_file_progress(t->m->store, f);
}

static void copy_header_value(char *dst, size_t n, const char *v, size_t len) {
        while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
                len--;
        while (len > 0 && (*v == ' ' || *v == '\t'))
                v++, len--;
        if (len >= n)
                len = 0;  /* oversized value: do not keep a truncated one */
        memcpy(dst, v, len);
        dst[len] = '\0';
}

static bool header_is(const char *line, size_t len, const char *name, const char **ret_value, size_t *ret_len) {
        size_t n = strlen(name);

        if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
                return false;
        *ret_value = line + n + 1;
        *ret_len = len - n - 1;
        return true;
}

static size_t transfer_on_header(char *buffer, size_t size, size_t nitems, void *userdata) {
        Transfer *t = userdata;
        size_t len = size * nitems, vlen;
        const char *v;

        if (len >= 5 && strncmp(buffer, "HTTP/", 5) == 0) {
                /* A new response (after a redirect or 1xx): forget the previous one's headers. */
                const char *sp = memchr(buffer, ' ', len);
                t->status = sp ? strtol(sp + 1, NULL, 10) : 0;
                t->has_content_range = false;
                t->etag[0] = t->last_modified[0] = t->retry_after[0] = '\0';
                t->headers_len = 0;
                t->header_bytes = 0;
        }

        /* dosvc.conf MaxResponseHeaderBytes: a server cannot make us hold unbounded headers. */
        t->header_bytes += len;
        if (t->m->limits.max_response_header_bytes > 0 && t->header_bytes > t->m->limits.max_response_header_bytes) {
                transfer_refuse(t, HRESULT_FROM_WIN32(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW), BG_ERROR_CONTEXT_REMOTE_FILE,
                                "the response headers are larger than MaxResponseHeaderBytes");
                return 0;  /* curl aborts the transfer */
        }

        /* Keep the final response's header lines for IBackgroundCopyFile5 (bounded). */
        if (t->headers_len + len < TRANSFER_HEADERS_MAX) {
                char *n = realloc(t->headers, t->headers_len + len + 1);
                if (n) {
                        t->headers = n;
                        memcpy(t->headers + t->headers_len, buffer, len);
                        t->headers_len += len;
                        t->headers[t->headers_len] = '\0';
                }
        }

        if (header_is(buffer, len, "Content-Range", &v, &vlen)) {
                copy_header_value(t->content_range, sizeof t->content_range, v, vlen);
                t->has_content_range = t->content_range[0] != '\0';
        } else if (header_is(buffer, len, "ETag", &v, &vlen))
                copy_header_value(t->etag, sizeof t->etag, v, vlen);
        else if (header_is(buffer, len, "Last-Modified", &v, &vlen))
                copy_header_value(t->last_modified, sizeof t->last_modified, v, vlen);
        else if (header_is(buffer, len, "Retry-After", &v, &vlen))
                copy_header_value(t->retry_after, sizeof t->retry_after, v, vlen);
        return len;
}

static int set_string(char **dst, const char *v) {
        char *copy = NULL;

        if (v && v[0]) {
                copy = strdup(v);
                if (!copy)
                        return -ENOMEM;
        }
        free(*dst);
        *dst = copy;
        return 0;
}

/* The server's copy differs from the one our bytes came from: throw the bytes away and ask again
 * from byte 0 (spec §4: "a changed file starts over"). */
static bool transfer_start_over(Transfer *t, const char *why) {
        log_notice("'%s' changed on the server (%s): starting the file over.", t->file->remote_url, why);
        if (transfer_truncate_to_zero(t) < 0)
                return false;
        t->file->etag = mfree(t->file->etag);
        t->file->last_modified = mfree(t->file->last_modified);
        t->restart = true;
        return false;  /* this response is not written */
}

/* Decide whether the final response's body may be written. Returns false when refused. */
static bool transfer_accept_response(Transfer *t) {
        JobFile *f = t->file;
        curl_off_t length = -1;
        uint64_t first = 0, last = 0, total = UINT64_MAX;
        char why[192];

        if (t->accepted)
                return true;
        if (t->refused != 0 || t->restart || t->local_errno != 0)
                return false;

        (void) curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);

        if (t->status == 206) {
                if (!t->has_content_range ||
                    http_parse_content_range(t->content_range, &first, &last, &total) < 0) {
                        transfer_refuse(t, DO_E_HTTP_BLOCKSIZE_MISMATCH, BG_ERROR_CONTEXT_REMOTE_FILE,
                                        "206 without a valid Content-Range");
                        return false;
                }
                if (first != t->remote_first) {
                        snprintf(why, sizeof why, "asked for bytes from %" PRIu64 ", the server sent bytes from %" PRIu64,
                                 t->remote_first, first);
                        transfer_refuse(t, DO_E_HTTP_BLOCKSIZE_MISMATCH, BG_ERROR_CONTEXT_REMOTE_FILE, why);
                        return false;
                }
                /* Resuming: the pieces must come from the same copy of the file. */
                if (f->bytes_durable > 0) {
                        if (f->etag && t->etag[0] && !streq(f->etag, t->etag))
                                return transfer_start_over(t, "ETag changed");
                        if (f->etag && !t->etag[0] && f->last_modified && t->last_modified[0] &&
                            !streq(f->last_modified, t->last_modified))
                                return transfer_start_over(t, "Last-Modified changed");
                        /* We knew the copy by a validator and the answer carries none we can
                         * compare: we cannot tell it is the same file, so it is not. */
                        if ((f->etag || f->last_modified) && !t->etag[0] && !t->last_modified[0])
                                return transfer_start_over(t, "no validator to compare");
                        if (f->remote_size != BG_SIZE_UNKNOWN && total != UINT64_MAX && total != f->remote_size)
                                return transfer_start_over(t, "size changed");
                }
                if (t->ranged && t->remote_last != UINT64_MAX && last < t->remote_last) {
                        snprintf(why, sizeof why, "range %" PRIu64 "-%" PRIu64 " lies outside the remote file (%" PRIu64 " bytes)",
                                 t->remote_first, t->remote_last, total);
                        transfer_refuse(t, DO_E_INVALID_RANGE, BG_ERROR_CONTEXT_REMOTE_FILE, why);
                        return false;
                }
                if (total != UINT64_MAX)
                        f->remote_size = total;
                if (!t->ranged)
                        f->bytes_total = f->remote_size;
        } else if (t->status == 200) {
                if (t->ranged) {
                        transfer_refuse(t, DO_E_INSUFFICIENT_RANGE_SUPPORT, BG_ERROR_CONTEXT_REMOTE_FILE,
                                        "the server answered a range request with the whole file");
                        return false;
                }
                /* The whole file, from byte 0: what we asked for, or a changed file (If-Range did not
                 * match), or a server without range support. In the last two cases start over. */
                if (t->offset > 0) {
                        log_notice("'%s': the server sent the whole file instead of a range; starting over.",
                                   f->remote_url);
                        if (transfer_truncate_to_zero(t) < 0)
                                return false;
                }
                f->remote_size = f->bytes_total = length >= 0 ? (uint64_t) length : BG_SIZE_UNKNOWN;
        } else {
                snprintf(why, sizeof why, "unexpected HTTP status %ld", t->status);
                transfer_refuse(t, HRESULT_FROM_WIN32(ERROR_WINHTTP_INVALID_SERVER_RESPONSE),
                                BG_ERROR_CONTEXT_REMOTE_FILE, why);
                return false;
        }

        if (t->ranged)
                f->bytes_total = ranges_total(f->ranges, f->n_ranges, f->remote_size);

        if (set_string(&f->etag, t->etag) < 0 || set_string(&f->last_modified, t->last_modified) < 0) {
                t->local_errno = ENOMEM;
                return false;
        }

        /* Hash as we write when this request starts the file: no second read at the end. */
        if (f->has_sha256 && t->offset == 0 && !t->sha) {
                t->sha = EVP_MD_CTX_new();
                if (t->sha && EVP_DigestInit_ex(t->sha, EVP_sha256(), NULL) != 1)
                        t->sha = (EVP_MD_CTX_free(t->sha), NULL);
        }

        t->accepted = true;
        /* Persist the size and validators now: GetProgress after a restart must know them. */
        (void) store_save_file_progress(t->m->store, f);
        return true;
}

static size_t transfer_on_body(char *ptr, size_t size, size_t nmemb, void *userdata) {
        Transfer *t = userdata;
        JobFile *f = t->file;
        size_t len = size * nmemb;
        int r;

        if (!transfer_accept_response(t))
                return 0;  /* curl aborts with CURLE_WRITE_ERROR; we report why */

        /* Never write past what the request asked for, whatever the server sends. */
        if (t->ranged && t->remote_last != UINT64_MAX &&
            f->bytes_written - t->offset + len > t->remote_last - t->remote_first + 1) {
                transfer_refuse(t, DO_E_HTTP_BLOCKSIZE_MISMATCH, BG_ERROR_CONTEXT_REMOTE_FILE,
                                "the server sent more bytes than the range holds");
                return 0;
        }

        r = file_write_all(t->fd, ptr, len);
        if (r < 0) {
                t->local_errno = -r;
                log_error_errno(r, "Failed to write '%s': %m", f->temp_path);
                return 0;
        }
        if (t->sha && EVP_DigestUpdate(t->sha, ptr, len) != 1)
                t->sha = (EVP_MD_CTX_free(t->sha), NULL);  /* fall back to reading the file back */
        f->bytes_written += len;
        f->bytes_downloaded += len;
        t->unsynced += len;
        f->job->last_progress_usec = now_monotonic_usec();

        /* Start writeback of each full 8 MiB now, without waiting for it: the disk works while
         * the network does, and the fdatasync() of the next checkpoint finds little left to do. */
        if (f->bytes_written - t->writeback_start >= TRANSFER_WRITEBACK_BYTES) {
                (void) sync_file_range(t->fd, (off_t) t->writeback_start,
                                       (off_t) (f->bytes_written - t->writeback_start), SYNC_FILE_RANGE_WRITE);
                t->writeback_start = f->bytes_written;
        }

        manager_notify(t->m, f->job, JOB_NOTIFY_PROGRESS, f);

        if (t->unsynced >= t->m->checkpoint_bytes ||
            f->job->last_progress_usec - t->last_checkpoint >= t->m->checkpoint_usec)
                if (transfer_checkpoint(t) < 0)
                        return 0;
        return len;
}

/* ---- the SHA-256 check ----
 * With the running hash (the request covered the file from byte 0) the check is a memcmp. Without
 * it (the file came in several requests: resumed after a Suspend or a restart, or ranged) the file
 * is read back through the descriptor we wrote it with (never a path), TRANSFER_VERIFY_CHUNK bytes
 * per turn of the event loop: a 0-delay timer, re-armed after each chunk, so D-Bus calls and the
 * other transfers are served in between (a whole 20 GiB file in one go would hold the daemon's only
 * thread for tens of seconds). A timer, not a defer source: sd-event keeps a defer source pending
 * from when it was first enabled, so it would always win over I/O of its priority, while a timer
 * that fires anew each turn queues behind the I/O already waiting. The file stays not transferred
 * and the job TRANSFERRING until the digest matched; Suspend, Cancel, Complete, pre-emption and
 * shutdown end the check through transfer_stop/abort (transfer_free drops the timer), and the next
 * attempt (after a Resume, or a restart after a crash) checks the file again from byte 0. */

/* The bytes on disk hash to `digest`: true when that is the client's SHA-256 (the one set last, even
 * during the check). On a mismatch the bytes go, and the next attempt starts over. */
static bool transfer_verify_compare(Transfer *t, const uint8_t digest[32]) {
        JobFile *f = t->file;

        if (memcmp(digest, f->sha256, 32) == 0)
                return true;
        transfer_refuse(t, BG_E_VALIDATION_FAILED, BG_ERROR_CONTEXT_REMOTE_FILE,
                        "the downloaded file does not match its SHA-256");
        (void) transfer_truncate_to_zero(t);
        return false;
}

static void transfer_end(Transfer *t);

static int transfer_on_verify_step(sd_event_source *s, uint64_t usec, void *userdata) {
        Transfer *t = userdata;
        JobFile *f = t->file;
        uint64_t size = f->bytes_written, budget = TRANSFER_VERIFY_CHUNK;
        usec_t step_started = now_monotonic_usec();
        uint8_t digest[32];
        unsigned n = 0;
        int r = 0;

        t->verify_steps++;
        while (r == 0 && budget > 0 && t->verify_done < size) {
                size_t want = (size_t) MIN(MIN((uint64_t) TRANSFER_HASH_BUFFER, size - t->verify_done), budget);
                ssize_t got = pread(t->fd, t->verify_buf, want, (off_t) t->verify_done);

                if (got < 0) {
                        if (errno != EINTR)
                                r = -errno;
                } else if (got == 0)
                        r = -EIO;  /* shorter than we wrote: not our file any more */
                else if (EVP_DigestUpdate(t->verify_sha, t->verify_buf, (size_t) got) != 1)
                        r = -EIO;
                else {
                        t->verify_done += (uint64_t) got;
                        budget -= MIN(budget, (uint64_t) got);
                }
        }
        t->verify_slowest_step = MAX(t->verify_slowest_step, now_monotonic_usec() - step_started);
        if (r == 0 && t->verify_done < size) {
                /* More to read: let the loop serve everyone else first, then go on. */
                r = sd_event_source_set_time_relative(s, t->verify_pause);
                if (r >= 0)
                        r = sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
                if (r >= 0)
                        return 0;
        }
        if (r == 0 && (EVP_DigestFinal_ex(t->verify_sha, digest, &n) != 1 || n != 32))
                r = -EIO;

        if (r < 0) {
                t->local_errno = -r;
                log_error_errno(r, "Failed to read '%s' back to check its SHA-256: %m", f->temp_path);
        } else {
                bool match = transfer_verify_compare(t, digest);

                log_info("SHA-256 of '%s' checked by reading back %" PRIu64 " bytes in %" PRIu64 " ms (%u steps, "
                         "slowest %" PRIu64 " ms): %s.", f->temp_path, size,
                         (uint64_t) ((now_monotonic_usec() - t->verify_started) / 1000), t->verify_steps,
                         (uint64_t) (t->verify_slowest_step / 1000), match ? "match" : "MISMATCH");
                /* The check read our descriptor: the file must still be there under its name
                 * (deleted or moved away meanwhile, it is not the file Complete would deliver). */
                if (match && !transfer_temp_gone(t))
                        f->transferred = true;
        }
        if (store_save_file_progress(t->m->store, f) < 0)
                log_warning("Failed to store the end of '%s', continuing.", f->temp_path);
        /* Frees t and drops s: sd-event keeps a source alive until its callback returns. */
        transfer_end(t);
        return 0;
}

/* Starts the read-back check (the file is complete, fsync'ed and its offset stored). 0 or -errno;
 * on failure the caller ends the transfer (transfer_free drops what was set up). */
static int transfer_verify_start(Transfer *t) {
        const char *e = getenv("DOSVC_VERIFY_PAUSE_MSEC");   /* TEST ONLY: slows the check down */
        int r;

        t->verify_sha = EVP_MD_CTX_new();
        t->verify_buf = malloc(TRANSFER_HASH_BUFFER);
        if (!t->verify_sha || !t->verify_buf)
                return -ENOMEM;
        if (EVP_DigestInit_ex(t->verify_sha, EVP_sha256(), NULL) != 1)
                return -EIO;
        if (e && e[0]) {
                char *end;
                unsigned long long ms;

                errno = 0;
                ms = strtoull(e, &end, 10);
                if (errno == 0 && *end == '\0')
                        t->verify_pause = (usec_t) MIN(ms, 10000ULL) * 1000;
        }
        t->verify_done = 0;
        t->verify_steps = 0;
        t->verify_slowest_step = 0;
        t->verify_started = now_monotonic_usec();
        (void) posix_fadvise(t->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        r = sd_event_add_time_relative(t->m->event, &t->verify_source, CLOCK_MONOTONIC, t->verify_pause, 1,
                                       transfer_on_verify_step, t);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(t->verify_source, "sha256-check");
        log_debug("Checking the SHA-256 of '%s' by reading back %" PRIu64 " bytes.", t->file->temp_path,
                  t->file->bytes_written);
        return 0;
}

/* The file is complete: check the SHA-256 the client gave, if any. VERIFY_OK when there is none or it
 * matched; VERIFY_FAILED on a mismatch or a local error (set on t); VERIFY_STARTED when the file is
 * being read back: transfer_on_verify_step() ends the transfer. */
typedef enum VerifyResult {
        VERIFY_OK,
        VERIFY_FAILED,
        VERIFY_STARTED,
} VerifyResult;

static VerifyResult transfer_verify(Transfer *t) {
        JobFile *f = t->file;
        uint8_t digest[32];
        unsigned n = 0;
        int r;

        if (!f->has_sha256)
                return VERIFY_OK;
        if (t->sha && EVP_DigestFinal_ex(t->sha, digest, &n) == 1 && n == 32)
                return transfer_verify_compare(t, digest) ? VERIFY_OK : VERIFY_FAILED;
        r = transfer_verify_start(t);
        if (r < 0) {
                log_error_errno(r, "Failed to start checking the SHA-256 of '%s': %m", f->temp_path);
                t->local_errno = -r;
                return VERIFY_FAILED;
        }
        return VERIFY_STARTED;
}

static void transfer_on_done(CurlGlue *g, CURL *easy, CURLcode result, void *userdata) {
        Transfer *t = userdata;
        Manager *m = t->m;
        JobFile *f = t->file;
        long status = 0;
        bool request_complete = false;
        bool checking = false;

        (void) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);

        if (result == CURLE_OK && status < 400) {
                /* An empty body never reaches the write callback: check the response here too. */
                if (!transfer_accept_response(t))
                        result = CURLE_WRITE_ERROR;
                else if (t->ranged)
                        request_complete = t->remote_last == UINT64_MAX ||
                                           f->bytes_written - t->offset == t->remote_last - t->remote_first + 1;
                else
                        request_complete = f->bytes_total == BG_SIZE_UNKNOWN || f->bytes_written == f->bytes_total;
                if (result == CURLE_OK && !request_complete) {
                        transfer_refuse(t, DO_E_HTTP_BLOCKSIZE_MISMATCH, BG_ERROR_CONTEXT_REMOTE_FILE,
                                        "the body is shorter than announced");
                        result = CURLE_WRITE_ERROR;
                }
        } else if (status == 416 && !t->ranged && t->offset > 0 && f->remote_size == t->offset) {
                /* We asked for bytes past the end of a file we already have whole: nginx answers
                 * 416. The length matches what the server told us before, so the file is done. */
                result = CURLE_OK;
                status = 206;
                request_complete = true;
        } else if (status == 416 && !t->ranged && t->offset > 0) {
                /* We hold more bytes than the server's file has: the size it announced before was a
                 * lie (or the file shrank). None of our bytes can be trusted: they go, and the error
                 * says why; a Resume starts over. */
                transfer_refuse(t, DO_E_HTTP_BLOCKSIZE_MISMATCH, BG_ERROR_CONTEXT_REMOTE_FILE,
                                "the server's file is shorter than the size it announced");
                (void) transfer_truncate_to_zero(t);
                f->remote_size = f->bytes_total = BG_SIZE_UNKNOWN;
        } else if (status == 416 && t->ranged) {
                transfer_refuse(t, DO_E_INVALID_RANGE, BG_ERROR_CONTEXT_REMOTE_FILE,
                                "the range lies outside the remote file");
        }

        /* Keep the last response's headers (IBackgroundCopyFile5). */
        if (t->headers_len > 0)
                (void) set_string(&f->http_response_headers, t->headers);

        /* The request is over: the connection goes now, also when the file is checked after it. */
        t->result = result;
        t->result_status = status;
        t->easy = NULL;  /* already removed from the multi by curl-glue */
        curl_easy_cleanup(easy);

        if (result == CURLE_OK && status < 400 && request_complete) {
                if (transfer_checkpoint(t) >= 0) {
                        size_t index;
                        uint64_t remote_offset, left;

                        /* A ranged file is complete when no range is left; a whole file now. */
                        if (!t->ranged ||
                            ranges_locate(f->ranges, f->n_ranges, f->remote_size, f->bytes_written, &index,
                                          &remote_offset, &left) == -ENOENT) {
                                if (!t->ranged)
                                        f->bytes_total = f->bytes_written;
                                VerifyResult v = transfer_verify(t);

                                if (v == VERIFY_OK)
                                        f->transferred = true;
                                checking = v == VERIFY_STARTED;
                        }
                }
                if (store_save_file_progress(m->store, f) < 0)
                        log_warning("Failed to store the end of '%s', continuing.", f->temp_path);
        }
        if (checking)
                return;  /* the file is being read back: transfer_on_verify_step() ends the transfer */
        transfer_end(t);
}

/* The request, and the check after it if one ran, are over: report to the job layer and free t. */
static void transfer_end(Transfer *t) {
        Manager *m = t->m;
        JobFile *f = t->file;
        CURLcode result = t->result;
        long status = t->result_status;
        TransferOutcome o = {
                .hresult = S_OK,
                .context = BG_ERROR_CONTEXT_NONE,
                .retry_after = UINT64_MAX,
                .protocol = strncasecmp(f->remote_url, "https:", 6) == 0 ? "https" : "http",
        };
        char description[512] = "";

        if (t->restart && t->local_errno == 0) {
                o.restart = true;
        } else if (t->local_errno != 0 || t->refused != 0 || result != CURLE_OK || status >= 400) {
                if (t->local_errno != 0) {
                        TransferError e = http_error_classify(result, status, t->local_errno);

                        o.hresult = e.hresult;
                        o.context = e.context;
                        errno = t->local_errno;
                        snprintf(description, sizeof description, "%s: %m", f->temp_path);
                } else if (t->refused != 0) {
                        o.hresult = t->refused;
                        o.context = t->refused_context;
                        snprintf(description, sizeof description, "%s: %s", f->remote_url,
                                 t->refused_why ?: "response refused");
                } else {
                        TransferError e = http_error_classify(result, status, 0);

                        /* A redirect we refused to follow (https → http, or a non-http scheme). */
                        if (result == CURLE_UNSUPPORTED_PROTOCOL && status >= 300 && status < 400)
                                e = (TransferError) { HRESULT_FROM_WIN32(ERROR_WINHTTP_REDIRECT_FAILED),
                                                      BG_ERROR_CONTEXT_REMOTE_FILE, false };
                        o.hresult = e.hresult;
                        o.context = e.context;
                        o.transient = e.transient;
                        if (status >= 400)
                                snprintf(description, sizeof description, "HTTP %ld from %s", status, f->remote_url);
                        else
                                snprintf(description, sizeof description, "%s: %s", f->remote_url,
                                         t->errbuf[0] ? t->errbuf : curl_easy_strerror(result));
                        if (t->retry_after[0]) {
                                uint64_t s;

                                if (http_parse_retry_after(t->retry_after, time(NULL), TRANSFER_RETRY_AFTER_CAP, &s) >= 0)
                                        o.retry_after = s;
                        }
                }
                /* Keep what is durable: the next Resume continues from there. */
                (void) transfer_checkpoint(t);
                if (!FAILED(o.hresult))
                        o.hresult = E_FAIL;
                o.description = description;
        }

        log_debug("Request for '%s' ended: curl %d, HTTP %ld, HRESULT 0x%08X%s", f->remote_url, (int) result, status,
                  (unsigned) o.hresult, o.restart ? ", starting over" : "");
        (void) store_save_file_progress(m->store, f);
        transfer_free(t);
        transfer_finished(m, f, &o);
}

/* The request this file needs next: the rest of the file, or the rest of the current range. */
static int transfer_plan(Transfer *t) {
        JobFile *f = t->file;
        size_t index;
        uint64_t remote_offset, left;
        int r;

        if (f->n_ranges == 0) {
                t->remote_first = t->offset;
                t->remote_last = UINT64_MAX;
                return 0;
        }
        r = ranges_locate(f->ranges, f->n_ranges, f->remote_size, t->offset, &index, &remote_offset, &left);
        if (r < 0)
                return r;  /* -ENOENT: nothing left; -ERANGE: outside the remote file */
        t->ranged = true;
        t->remote_first = remote_offset;
        t->remote_last = left == UINT64_MAX ? UINT64_MAX : remote_offset + left - 1;
        return 0;
}

/* A transfer refused before it starts: curl opens no socket for it (the request fails at once). */
static curl_socket_t transfer_open_no_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
        return CURL_SOCKET_BAD;
}

/* The job's BITS proxy settings on libcurl. PRECONFIG and AUTODETECT leave curl to the daemon's
 * environment (http_proxy, https_proxy, no_proxy); NO_PROXY disables any proxy; OVERRIDE uses the
 * entry of the list for the URL's scheme ("https=…" for an https URL, else the first entry without
 * "scheme="; proxy-list.h), rebuilt from its checked parts, and the bypass list (separated by spaces
 * or semicolons; "<local>" = names without a dot, which curl cannot express and we skip). When no
 * entry applies (only "http=…" for an https URL) the request goes direct, not through the
 * environment's proxy. The proxy is set for the whole request, redirects included.
 *
 * SetProxySettings refuses a list proxy_list_check() refuses, but a stored row may predate that
 * check: such a list fails the file with BG_E_INVALID_PROXY_INFO, and curl opens no socket at all,
 * so a Unix-socket "proxy" (socks5h://localhost/<path>) is never reached. */
static int transfer_set_proxy(Transfer *t) {
        const Job *j = t->file->job;
        _cleanup_free_ char *proxy = NULL, *bypass = NULL;
        int r;

        if (j->proxy_usage == BG_JOB_PROXY_USAGE_NO_PROXY)
                return curl_easy_setopt(t->easy, CURLOPT_PROXY, "") == CURLE_OK ? 0 : -EIO;
        if (j->proxy_usage != BG_JOB_PROXY_USAGE_OVERRIDE || !j->proxy_list)
                return 0;

        r = proxy_list_select(j->proxy_list, strncasecmp(t->file->remote_url, "https:", 6) == 0 ? "https" : "http",
                              &proxy);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                log_warning("Job %s has a proxy list that is not valid; its file %u fails.", j->display_name,
                            t->file->index);
                transfer_refuse(t, BG_E_INVALID_PROXY_INFO, BG_ERROR_CONTEXT_GENERAL_TRANSPORT,
                                "the job's proxy list is not valid (SetProxySettings)");
                if (curl_easy_setopt(t->easy, CURLOPT_PROXY, "") != CURLE_OK ||
                    curl_easy_setopt(t->easy, CURLOPT_FRESH_CONNECT, 1L) != CURLE_OK ||
                    curl_easy_setopt(t->easy, CURLOPT_FORBID_REUSE, 1L) != CURLE_OK ||
                    curl_easy_setopt(t->easy, CURLOPT_OPENSOCKETFUNCTION, transfer_open_no_socket) != CURLE_OK)
                        return -EIO;
                return 0;
        }
        if (curl_easy_setopt(t->easy, CURLOPT_PROXY, proxy ?: "") != CURLE_OK)
                return -EIO;

        if (j->proxy_bypass_list) {
                size_t k = 0;
                const char *p = j->proxy_bypass_list;

                bypass = malloc(strlen(p) + 1);
                if (!bypass)
                        return -ENOMEM;
                while (*p) {
                        size_t len;

                        p += strspn(p, " ;");
                        len = strcspn(p, " ;");
                        if (len > 0 && !(len == 7 && strncasecmp(p, "<local>", 7) == 0)) {
                                if (k > 0)
                                        bypass[k++] = ',';
                                memcpy(bypass + k, p, len);
                                k += len;
                        }
                        p += len;
                }
                bypass[k] = '\0';
                if (curl_easy_setopt(t->easy, CURLOPT_NOPROXY, bypass) != CURLE_OK)
                        return -EIO;
        }
        return 0;
}

static int transfer_set_options(Transfer *t) {
        JobFile *f = t->file;
        bool https = strncasecmp(f->remote_url, "https:", 6) == 0;
        char range[64];
        int r;

        if (curl_easy_setopt(t->easy, CURLOPT_URL, f->remote_url) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_FAILONERROR, 1L) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, transfer_on_header) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, transfer_on_body) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->request_headers) != CURLE_OK)
                return -EIO;

        /* A connection that delivers nothing for stall_usec is cut (a transient error). */
        if (curl_easy_setopt(t->easy, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_LOW_SPEED_TIME, (long) MAX(t->m->stall_usec / 1000000, 1ULL)) != CURLE_OK)
                return -EIO;

        r = transfer_set_proxy(t);
        if (r < 0)
                return r;

        /* https never hands over to plain http unless the job allows it (BITS
         * BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP). */
        if (https && !(f->job->security_flags & JOB_SECURITY_ALLOW_HTTPS_TO_HTTP) &&
            curl_easy_setopt(t->easy, CURLOPT_REDIR_PROTOCOLS_STR, "https") != CURLE_OK)
                return -EIO;

        /* CURLOPT_RANGE, not CURLOPT_RESUME_FROM: curl itself fails a resume answered with 200,
         * while we check the answer ourselves (start over on 200; no range support for ranges). */
        if (t->ranged || t->remote_first > 0) {
                if (t->remote_last == UINT64_MAX)
                        snprintf(range, sizeof range, "%" PRIu64 "-", t->remote_first);
                else
                        snprintf(range, sizeof range, "%" PRIu64 "-%" PRIu64, t->remote_first, t->remote_last);
                if (curl_easy_setopt(t->easy, CURLOPT_RANGE, range) != CURLE_OK)
                        return -EIO;
        }
        return 0;
}

int transfer_start(Manager *m, JobFile *f, Transfer **ret) {
        _cleanup_close_ int fd = -EBADF;
        FsUser user = FS_USER_NULL;
        Transfer *t;
        struct stat st;
        int r;

        /* 0666 & ~umask, like any program creating a file; the temp name is hidden and unique to
         * the job and index. With the owner's rights, in the folder resolved without symlinks,
         * never through a planted symlink, FIFO, device or hard link (files.h). */
        r = fs_user_init(&user, f->job->file_owner);
        if (r < 0)
                return r;
        r = files_open_temp(&user, f->temp_path, true, &fd);
        if (r < 0) {
                fs_user_done(&user);
                return r;
        }
        if (fstat(fd, &st) < 0) {
                fs_user_done(&user);
                return -errno;
        }

        /* Bytes past the stored offset were never fsync'ed: cut them off. A file shorter than the
         * offset (truncated under us) continues from what is really there. */
        if ((uint64_t) st.st_size > f->bytes_durable) {
                if (ftruncate(fd, (off_t) f->bytes_durable) < 0) {
                        fs_user_done(&user);
                        return -errno;
                }
        } else if ((uint64_t) st.st_size < f->bytes_durable)
                f->bytes_durable = (uint64_t) st.st_size;
        f->bytes_written = f->bytes_durable;
        if (lseek(fd, (off_t) f->bytes_durable, SEEK_SET) < 0) {
                fs_user_done(&user);
                return -errno;
        }

        t = calloc(1, sizeof *t);
        if (!t) {
                fs_user_done(&user);
                return -ENOMEM;
        }
        *t = (Transfer) {
                .m = m,
                .file = f,
                .fd = TAKE_FD(fd),
                .user = user,
                .offset = f->bytes_durable,
                .writeback_start = f->bytes_durable,
                .last_checkpoint = now_monotonic_usec(),
                .started = now_monotonic_usec(),
        };

        r = transfer_plan(t);
        if (r == -ENOENT && f->has_sha256) {
                /* Every range is on disk but the file was never found good: a Suspend, pre-emption,
                 * shutdown or crash came after its last byte and before its check ended. Check it
                 * now, without a request; never take it unchecked. */
                t->ranged = true;
                r = transfer_verify_start(t);
                if (r < 0)
                        goto fail;
                f->job->transfer = t;
                if (ret)
                        *ret = t;
                return 0;
        }
        if (r < 0)
                goto fail;

        r = curl_glue_make(m->glue, &t->easy);
        if (r < 0)
                goto fail;

        if (t->offset > 0) {
                const char *validator = f->etag ?: f->last_modified;

                if (validator) {
                        _cleanup_free_ char *h = NULL;

                        if (asprintf(&h, "If-Range: %s", validator) < 0) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        t->request_headers = curl_slist_append(NULL, h);
                        if (!t->request_headers) {
                                r = -ENOMEM;
                                goto fail;
                        }
                }
        }

        r = transfer_set_options(t);
        if (r < 0)
                goto fail;
        r = curl_glue_add(m->glue, t->easy, transfer_on_done, t);
        if (r < 0)
                goto fail;

        f->job->transfer = t;
        log_debug("Requesting %s bytes %" PRIu64 "-%s → %s at %" PRIu64, f->remote_url, t->remote_first,
                  t->remote_last == UINT64_MAX ? "" : "…", f->temp_path, t->offset);
        if (ret)
                *ret = t;
        return 0;

fail:
        t->file = NULL;
        transfer_free(t);
        return r;
}

Transfer *transfer_stop(Transfer *t) {
        if (!t)
                return NULL;
        curl_glue_remove(t->m->glue, t->easy);
        (void) transfer_checkpoint(t);
        (void) store_save_file_progress(t->m->store, t->file);
        return transfer_free(t);
}

Transfer *transfer_abort(Transfer *t) {
        if (!t)
                return NULL;
        curl_glue_remove(t->m->glue, t->easy);
        return transfer_free(t);
}
