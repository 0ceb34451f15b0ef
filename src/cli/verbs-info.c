/* verbs-info.c: the verbs that read whole jobs: info (one job, every property and file), list (the
 * caller's jobs, or everybody's with --all-users, one line or one JSON object each) and listfiles
 * (the files of one job).
 *
 * The reading itself is job-info.c's, shared with monitor and wait; this file only prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doadmin.h"
#include "job-info.h"
#include "job-state.h"
#include "macro.h"
#include "output.h"
#include "parse.h"
#include "util.h"

/* "0-99, 500-eof" for a file's ranges, or "whole file". */
static void print_ranges(const FileInfo *f) {
        if (!f->ranges) {
                fputs("whole file", stdout);
                return;
        }
        for (DWORD k = 0; k < f->n_ranges; k++) {
                printf("%s%llu:", k ? "," : "", (unsigned long long) f->ranges[k].InitialOffset);
                if (f->ranges[k].Length == BG_LENGTH_TO_EOF)
                        fputs("eof", stdout);
                else
                        printf("%llu", (unsigned long long) f->ranges[k].Length);
        }
}

static void file_info_print(const FileInfo *f) {
        char done[FORMAT_BYTES_MAX], total[FORMAT_BYTES_MAX];

        printf("File %u:\n", f->index);
        fputs("  Remote:   ", stdout);
        output_print_safe(f->remote_name);
        fputs("\n  Local:    ", stdout);
        output_print_safe(f->local_name);
        printf("\n  Progress: %s / %s%s\n", format_bytes(done, f->progress.BytesTransferred),
               f->progress.BytesTotal == BG_SIZE_UNKNOWN ? "unknown" : format_bytes(total, f->progress.BytesTotal),
               f->progress.Completed ? ", completed" : "");
        if (f->ranges) {
                fputs("  Ranges:   ", stdout);
                print_ranges(f);
                putchar('\n');
        }
}

static void job_info_print(const JobInfo *i) {
        char id[GUID_STRING_MAX], bytes[64], text[HRESULT_TEXT_MAX];
        char flags[NOTIFY_FLAGS_STRING_MAX], user[USER_NAME_MAX];
        const char *user_name = owner_user_name(i->owner, user);

        output_field("Id", "%s", guid_to_string(&i->id, id));
        output_field("Name", "%s", i->name ? i->name : "");
        output_field("Description", "%s", i->description ? i->description : "");
        output_field("Type", "%s", job_type_to_string(i->type));
        output_field("State", "%s", job_state_to_string(i->state));
        output_field("Priority", "%s", job_priority_to_string(i->priority));
        output_field("Owner", "%s%s%s%s", i->owner ? i->owner : "", user_name ? " (" : "", user_name ?: "",
                     user_name ? ")" : "");
        output_field("Bytes", "%s", format_progress_bytes(bytes, sizeof(bytes), &i->progress));
        output_field("Files", "%u / %u", (unsigned) i->progress.FilesTransferred,
                     (unsigned) i->progress.FilesTotal);
        job_times_print(&i->times);
        output_field("Notify flags", "0x%X %s", (unsigned) i->notify_flags,
                     notify_flags_to_string(i->notify_flags, flags));
        output_field("No-progress timeout", "%u s", (unsigned) i->no_progress_timeout);
        output_field("Minimum retry delay", "%u s", (unsigned) i->minimum_retry_delay);
        output_field("Error count", "%u", (unsigned) i->error_count);

        if (i->has_error) {
                const JobErrorInfo *e = &i->error;

                output_field("Error", "%s", output_hresult_text(text, e->hr));
                output_field("Error context", "%u %s%s%s", (unsigned) e->context,
                             error_context_to_string(e->context),
                             e->context_description && *e->context_description ? ": " : "",
                             e->context_description ? e->context_description : "");
                if (e->description && *e->description)
                        output_field("Error description", "%s", e->description);
                if (e->remote_name)
                        output_field("Error file", "%s", e->remote_name);
        }

        for (size_t k = 0; k < i->n_files; k++)
                file_info_print(&i->files[k]);
}

int verb_info(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        JobInfo info = {};
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = job_info_read(job, JOB_INFO_FULL, &info);
        if (FAILED(hr)) {
                job_info_done(&info);
                return output_hresult_error(c->verb, hr);
        }

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = NULL;

                r = job_info_to_json(&info, JOB_INFO_FULL, &o);
                if (r >= 0)
                        r = output_json(o);
                if (r < 0) {
                        job_info_done(&info);
                        return output_error(c->verb, "Out of memory.");
                }
        } else
                job_info_print(&info);

        job_info_done(&info);
        return output_flush(c->verb);
}

/* "50% (1/2 files)", "?" while the size is unknown, "-" for a job without files. */
static const char *format_list_progress(char *buf, size_t l, const JobInfo *i) {
        int p = progress_percent(i->progress.BytesTransferred, i->progress.BytesTotal);
        char percent[16];

        if (i->progress.FilesTotal == 0)
                (void) snprintf(percent, sizeof(percent), "-");
        else if (p < 0)
                (void) snprintf(percent, sizeof(percent), "?");
        else
                (void) snprintf(percent, sizeof(percent), "%d%%", p);
        (void) snprintf(buf, l, "%s (%u/%u files)", percent, (unsigned) i->progress.FilesTransferred,
                        (unsigned) i->progress.FilesTotal);
        return buf;
}

static void list_print(const JobInfo *infos, size_t n, bool owner) {
        printf("%-38s  %-15s  %-10s  %-20s  ", "GUID", "STATE", "PRIORITY", "PROGRESS");
        if (owner)
                printf("%-10s  ", "OWNER");
        puts("NAME");
        for (size_t k = 0; k < n; k++) {
                const JobInfo *i = &infos[k];
                char id[GUID_STRING_MAX], progress[64], user[USER_NAME_MAX];

                printf("%-38s  %-15s  %-10s  %-20s  ", guid_to_string(&i->id, id), job_state_to_string(i->state),
                       job_priority_to_string(i->priority), format_list_progress(progress, sizeof(progress), i));
                if (owner) {
                        const char *name = owner_user_name(i->owner, user);

                        printf("%-10s  ", name ? name : i->owner ? i->owner : "?");
                }
                output_print_safe(i->name);
                putchar('\n');
        }
}

int verb_list(Context *c, int argc, char **argv) {
        IBackgroundCopyManager *m;
        JobInfo *infos = NULL;
        size_t n = 0;
        HRESULT hr;
        int r;

        r = context_get_manager(c, &m);
        if (r != EXIT_OK)
                return r;

        hr = job_infos_read(m, c->all_users ? BG_JOB_ENUM_ALL_USERS : 0, JOB_INFO_OWNER, &infos, &n);
        if (FAILED(hr)) {
                output_hresult_error(c->verb, hr);
                if (hr == E_ACCESSDENIED && c->all_users && !c->quiet)
                        fprintf(stderr, "doadmin: %s: Only root may list the jobs of all users.\n", c->verb);
                return EXIT_API;
        }

        if (c->json) {
                _cleanup_(json_putp) struct json_object *a = NULL;

                r = job_infos_to_json(infos, n, JOB_INFO_OWNER, &a);
                if (r >= 0)
                        r = output_json(a);
                if (r < 0) {
                        job_infos_free(infos, n);
                        return output_error(c->verb, "Out of memory.");
                }
        } else if (n == 0) {
                if (!c->quiet)
                        fputs("No jobs.\n", stderr);
        } else
                list_print(infos, n, c->all_users);

        job_infos_free(infos, n);
        return output_flush(c->verb);
}

static void listfiles_print(const FileInfo *files, size_t n) {
        printf("%-5s  %-21s  %-9s  %s\n", "INDEX", "PROGRESS", "COMPLETED", "REMOTE -> LOCAL");
        for (size_t k = 0; k < n; k++) {
                const FileInfo *f = &files[k];
                char done[FORMAT_BYTES_MAX], total[FORMAT_BYTES_MAX], progress[2 * FORMAT_BYTES_MAX + 4];

                (void) snprintf(progress, sizeof(progress), "%s / %s", format_bytes(done, f->progress.BytesTransferred),
                                f->progress.BytesTotal == BG_SIZE_UNKNOWN ? "?" :
                                format_bytes(total, f->progress.BytesTotal));
                printf("%-5u  %-21s  %-9s  ", f->index, progress, f->progress.Completed ? "yes" : "no");
                output_print_safe(f->remote_name);
                fputs(" -> ", stdout);
                output_print_safe(f->local_name);
                if (f->ranges) {
                        fputs(" [", stdout);
                        print_ranges(f);
                        putchar(']');
                }
                putchar('\n');
        }
}

int verb_listfiles(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        FileInfo *files = NULL;
        size_t n = 0;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = file_infos_read(job, &files, &n);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);

        if (c->json) {
                _cleanup_(json_putp) struct json_object *a = NULL;

                r = file_infos_to_json(files, n, &a);
                if (r >= 0)
                        r = output_json(a);
                if (r < 0) {
                        file_infos_free(files, n);
                        return output_error(c->verb, "Out of memory.");
                }
        } else if (n == 0) {
                if (!c->quiet)
                        fputs("No files.\n", stderr);
        } else
                listfiles_print(files, n);

        file_infos_free(files, n);
        return output_flush(c->verb);
}
