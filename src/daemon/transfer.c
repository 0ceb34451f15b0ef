/* transfer.c: one file's download into its temp file (see transfer.h).
 *
 * Order of events for one file:
 *   1. open the temp file and cut it back to the stored offset (bytes past it were never fsync'ed,
 *      so they may be garbage after a crash);
 *   2. GET with "Range: bytes=<offset>-" when offset > 0, guarded by If-Range with the validator we
 *      saw before, so a changed file comes back whole (200) instead of being spliced;
 *   3. before the first body byte is written, check the answer: 206 must start exactly at our
 *      offset; 200 to a range request means "start over" (we store offset 0 BEFORE writing);
 *   4. write; every checkpoint_bytes or checkpoint_usec: fdatasync, THEN store the offset. This is
 *      the crash invariant of DESIGN.md: a stored offset never covers bytes that are not durable;
 *   5. at the end: fdatasync, store the final offset and mark the file transferred.
 * Limits: http/https only (curl-glue.c), at most 10 redirects, headers we keep are bounded. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curl-glue.h"
#include "http-error.h"
#include "hresult.h"
#include "log.h"
#include "macro.h"
#include "transfer.h"

#define TRANSFER_VALIDATOR_MAX 256   /* longest ETag / Last-Modified we keep */
#define TRANSFER_WRITEBACK_BYTES (8ULL << 20)

struct Transfer {
        Manager *m;
        JobFile *file;
        CURL *easy;
        int fd;

        uint64_t offset;                   /* first byte asked for */
        uint64_t unsynced;                 /* bytes written since the last checkpoint */
        uint64_t writeback_start;          /* first byte not yet handed to writeback */
        usec_t last_checkpoint;

        /* the response being received (reset at every status line: redirects, 1xx) */
        long status;
        bool has_content_range;
        uint64_t range_first, range_total; /* range_total = UINT64_MAX when "*" */
        char etag[TRANSFER_VALIDATOR_MAX];
        char last_modified[TRANSFER_VALIDATOR_MAX];

        bool accepted;                     /* the final response was checked; body may be written */
        int local_errno;                   /* a failed write/fsync of the temp file */
        HRESULT refused;                   /* we refused the response (never written) */
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
        safe_close(t->fd);
        free(t->refused_why);
        if (t->file && t->file->job->transfer == t)
                t->file->job->transfer = NULL;
        free(t);
        return NULL;
}

/* fsync the bytes written so far, then record them as durable. */
static int transfer_checkpoint(Transfer *t) {
        JobFile *f = t->file;
        int r;

        if (f->bytes_written == f->bytes_durable)
                return 0;
        if (fdatasync(t->fd) < 0) {
                t->local_errno = errno;
                return log_error_errno(errno, "Failed to fsync '%s': %m", f->temp_path);
        }
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
static int transfer_restart_from_zero(Transfer *t) {
        JobFile *f = t->file;

        if (ftruncate(t->fd, 0) < 0 || lseek(t->fd, 0, SEEK_SET) < 0) {
                t->local_errno = errno;
                return -errno;
        }
        f->bytes_written = f->bytes_durable = 0;
        t->offset = t->writeback_start = 0;
        return store_save_file_progress(t->m->store, f);
}

static void transfer_refuse(Transfer *t, HRESULT hr, const char *why) {
        t->refused = hr;
        free(t->refused_why);
        t->refused_why = strdup(why);
}

static void copy_header_value(char *dst, size_t n, const char *v, size_t len) {
        while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
                len--;
        while (len > 0 && (*v == ' ' || *v == '\t'))
                v++, len--;
        if (len >= n)
                len = 0;  /* oversized validator: do not keep a truncated one */
        memcpy(dst, v, len);
        dst[len] = '\0';
}

static size_t transfer_on_header(char *buffer, size_t size, size_t nitems, void *userdata) {
        Transfer *t = userdata;
        size_t len = size * nitems;

        if (len >= 5 && strncmp(buffer, "HTTP/", 5) == 0) {
                /* A new response (after a redirect or 1xx): forget the previous one's headers. */
                const char *sp = memchr(buffer, ' ', len);
                t->status = sp ? strtol(sp + 1, NULL, 10) : 0;
                t->has_content_range = false;
                t->etag[0] = t->last_modified[0] = '\0';
                return len;
        }
        if (len > 14 && strncasecmp(buffer, "Content-Range:", 14) == 0) {
                char tmp[128];
                unsigned long long first, last;
                char total[32];

                copy_header_value(tmp, sizeof tmp, buffer + 14, len - 14);
                if (sscanf(tmp, "bytes %llu-%llu/%31s", &first, &last, total) == 3) {
                        t->has_content_range = true;
                        t->range_first = first;
                        if (streq(total, "*"))
                                t->range_total = UINT64_MAX;
                        else {
                                char *end;
                                errno = 0;
                                t->range_total = strtoull(total, &end, 10);
                                if (errno != 0 || *end != '\0')
                                        t->range_total = UINT64_MAX;
                        }
                }
                return len;
        }
        if (len > 5 && strncasecmp(buffer, "ETag:", 5) == 0) {
                copy_header_value(t->etag, sizeof t->etag, buffer + 5, len - 5);
                return len;
        }
        if (len > 14 && strncasecmp(buffer, "Last-Modified:", 14) == 0) {
                copy_header_value(t->last_modified, sizeof t->last_modified, buffer + 14, len - 14);
                return len;
        }
        return len;
}

static int set_validator(char **dst, const char *v) {
        char *copy = NULL;

        if (v[0]) {
                copy = strdup(v);
                if (!copy)
                        return -ENOMEM;
        }
        free(*dst);
        *dst = copy;
        return 0;
}

/* Decide whether the final response's body may be written. Returns false when refused. */
static bool transfer_accept_response(Transfer *t) {
        JobFile *f = t->file;
        curl_off_t length = -1;

        if (t->accepted)
                return true;

        (void) curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);

        if (t->status == 206) {
                if (!t->has_content_range) {
                        transfer_refuse(t, DO_E_HTTP_BLOCKSIZE_MISMATCH, "206 without Content-Range");
                        return false;
                }
                if (t->range_first != t->offset) {
                        char why[128];
                        snprintf(why, sizeof why, "asked for bytes from %" PRIu64 ", server sent from %" PRIu64,
                                 t->offset, t->range_first);
                        transfer_refuse(t, DO_E_HTTP_BLOCKSIZE_MISMATCH, why);
                        return false;
                }
                if (t->range_total != UINT64_MAX)
                        f->bytes_total = t->range_total;
        } else if (t->status == 200 || t->status == 0 /* non-HTTP never happens: http/https only */) {
                if (t->offset > 0 && transfer_restart_from_zero(t) < 0)
                        return false;
                f->bytes_total = length >= 0 ? (uint64_t) length : BG_SIZE_UNKNOWN;
        } else {
                char why[64];
                snprintf(why, sizeof why, "unexpected HTTP status %ld", t->status);
                transfer_refuse(t, HRESULT_FROM_WIN32(ERROR_WINHTTP_INVALID_SERVER_RESPONSE), why);
                return false;
        }

        if (set_validator(&f->etag, t->etag) < 0 || set_validator(&f->last_modified, t->last_modified) < 0) {
                t->local_errno = ENOMEM;
                return false;
        }
        t->accepted = true;
        /* Persist the size and validators now: GetProgress after a restart must know them. */
        (void) store_save_file_progress(t->m->store, f);
        return true;
}

static size_t transfer_on_body(char *ptr, size_t size, size_t nmemb, void *userdata) {
        Transfer *t = userdata;
        JobFile *f = t->file;
        size_t len = size * nmemb, done = 0;

        if (!transfer_accept_response(t))
                return 0;  /* curl aborts with CURLE_WRITE_ERROR; we report why */

        while (done < len) {
                ssize_t n = write(t->fd, ptr + done, len - done);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        t->local_errno = errno;
                        log_error_errno(errno, "Failed to write '%s': %m", f->temp_path);
                        return 0;
                }
                done += (size_t) n;
        }
        f->bytes_written += len;
        t->unsynced += len;

        /* Start writeback of each full 8 MiB now, without waiting for it: the disk works while
         * the network does, and the fdatasync() of the next checkpoint finds little left to do. */
        if (f->bytes_written - t->writeback_start >= TRANSFER_WRITEBACK_BYTES) {
                (void) sync_file_range(t->fd, (off_t) t->writeback_start,
                                       (off_t) (f->bytes_written - t->writeback_start), SYNC_FILE_RANGE_WRITE);
                t->writeback_start = f->bytes_written;
        }

        manager_notify(t->m, f->job, JOB_NOTIFY_PROGRESS, f);

        if (t->unsynced >= t->m->checkpoint_bytes ||
            now_monotonic_usec() - t->last_checkpoint >= t->m->checkpoint_usec)
                if (transfer_checkpoint(t) < 0)
                        return 0;
        return len;
}

static void transfer_on_done(CurlGlue *g, CURL *easy, CURLcode result, void *userdata) {
        Transfer *t = userdata;
        Manager *m = t->m;
        JobFile *f = t->file;
        HRESULT hr = S_OK;
        BG_ERROR_CONTEXT context = BG_ERROR_CONTEXT_NONE;
        char description[512] = "";
        const char *protocol = strncasecmp(f->remote_url, "https:", 6) == 0 ? "https" : "http";
        long status = 0;

        (void) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);

        if (result == CURLE_OK && status < 400) {
                /* An empty body never reaches the write callback: check the response here too. */
                if (!transfer_accept_response(t))
                        result = CURLE_WRITE_ERROR;
                else if (f->bytes_total != BG_SIZE_UNKNOWN && f->bytes_written != f->bytes_total) {
                        transfer_refuse(t, DO_E_HTTP_BLOCKSIZE_MISMATCH, "body shorter than announced");
                        result = CURLE_WRITE_ERROR;
                }
        } else if (status == 416 && t->offset > 0 && f->bytes_total == t->offset) {
                /* We asked for bytes past the end of a file we already have whole: nginx answers
                 * 416. The length matches what the server told us before, so the file is done. */
                result = CURLE_OK;
                status = 206;
        }

        if (result == CURLE_OK && status < 400) {
                if (transfer_checkpoint(t) < 0)
                        result = CURLE_WRITE_ERROR;
                else {
                        f->bytes_total = f->bytes_written;
                        f->transferred = true;
                        if (store_save_file_progress(m->store, f) < 0)
                                log_warning("Failed to store the end of '%s', continuing.", f->temp_path);
                }
        }

        if (result != CURLE_OK || status >= 400 || !f->transferred) {
                if (t->refused != 0 && t->local_errno == 0) {
                        hr = t->refused;
                        context = BG_ERROR_CONTEXT_REMOTE_FILE;
                        snprintf(description, sizeof description, "%s: %s", f->remote_url, t->refused_why ?: "response refused");
                } else {
                        TransferError e = http_error_classify(result, status, t->local_errno);
                        hr = e.hresult;
                        context = e.context;
                        if (t->local_errno != 0) {
                                errno = t->local_errno;
                                snprintf(description, sizeof description, "%s: %m", f->temp_path);
                        } else if (status >= 400)
                                snprintf(description, sizeof description, "HTTP %ld from %s", status, f->remote_url);
                        else
                                snprintf(description, sizeof description, "%s: %s", f->remote_url,
                                         t->errbuf[0] ? t->errbuf : curl_easy_strerror(result));
                }
                /* Keep what is durable: the next Resume continues from there. */
                (void) transfer_checkpoint(t);
                if (FAILED(hr) == 0)
                        hr = E_FAIL;
        }

        log_debug("Transfer of '%s' ended: curl %d, HTTP %ld, HRESULT 0x%08X", f->remote_url, (int) result, status,
                  (unsigned) hr);
        t->easy = NULL;  /* already removed from the multi by curl-glue */
        curl_easy_cleanup(easy);
        transfer_free(t);
        transfer_finished(m, f, hr, context, protocol, description[0] ? description : NULL);
}

int transfer_start(Manager *m, JobFile *f, Transfer **ret) {
        _cleanup_close_ int fd = -EBADF;
        Transfer *t;
        struct stat st;
        int r;

        /* 0666 & ~umask, like any program creating a file; the temp name is hidden and unique to
         * the job and index, and O_NOFOLLOW keeps us from writing through a planted symlink. */
        fd = open(f->temp_path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EEXIST;

        /* Bytes past the stored offset were never fsync'ed: cut them off. A file shorter than the
         * offset (deleted under us) continues from what is really there. */
        if ((uint64_t) st.st_size > f->bytes_durable) {
                if (ftruncate(fd, (off_t) f->bytes_durable) < 0)
                        return -errno;
        } else if ((uint64_t) st.st_size < f->bytes_durable)
                f->bytes_durable = (uint64_t) st.st_size;
        f->bytes_written = f->bytes_durable;
        if (lseek(fd, (off_t) f->bytes_durable, SEEK_SET) < 0)
                return -errno;

        t = calloc(1, sizeof *t);
        if (!t)
                return -ENOMEM;
        *t = (Transfer) {
                .m = m,
                .file = f,
                .fd = TAKE_FD(fd),
                .offset = f->bytes_durable,
                .writeback_start = f->bytes_durable,
                .last_checkpoint = now_monotonic_usec(),
                .range_total = UINT64_MAX,
        };

        r = curl_glue_make(m->glue, &t->easy);
        if (r < 0)
                goto fail;

        if (t->offset > 0) {
                const char *validator = f->etag ?: f->last_modified;

                if (validator) {
                        _cleanup_free_ char *h = NULL;
                        struct curl_slist *l;

                        if (asprintf(&h, "If-Range: %s", validator) < 0) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        l = curl_slist_append(NULL, h);
                        if (!l) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        t->request_headers = l;
                }
        }

        if (curl_easy_setopt(t->easy, CURLOPT_URL, f->remote_url) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_FAILONERROR, 1L) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, transfer_on_header) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, transfer_on_body) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t) != CURLE_OK ||
            curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->request_headers) != CURLE_OK) {
                r = -EIO;
                goto fail;
        }
        /* CURLOPT_RANGE, not CURLOPT_RESUME_FROM: curl itself fails a resume answered with 200,
         * while we want to check the answer ourselves and start over on 200. */
        if (t->offset > 0) {
                char range[32];

                snprintf(range, sizeof range, "%" PRIu64 "-", t->offset);
                if (curl_easy_setopt(t->easy, CURLOPT_RANGE, range) != CURLE_OK) {
                        r = -EIO;
                        goto fail;
                }
        }

        r = curl_glue_add(m->glue, t->easy, transfer_on_done, t);
        if (r < 0)
                goto fail;

        f->job->transfer = t;
        log_debug("Downloading %s → %s from byte %" PRIu64, f->remote_url, f->temp_path, t->offset);
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
        return transfer_free(t);
}

Transfer *transfer_abort(Transfer *t) {
        if (!t)
                return NULL;
        curl_glue_remove(t->m->glue, t->easy);
        return transfer_free(t);
}
