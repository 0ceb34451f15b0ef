/* test-scale.c: many files and one big file, all checked byte for byte.
 *   - two jobs of 50 distinct files each (sizes from 0 bytes to a few MiB; a 0-byte file is legal
 *     and included), transferred at the same time, completed, every file identical;
 *   - one 1 GiB file, SHA-256 identical. The big files are deleted as soon as the test is done (the
 *     harness removes its whole temp root at the end anyway).
 * No speed is asserted (that is bench/'s job); the bounds only turn a hang into a failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define FILES_PER_JOB 50u
#define N_JOBS 2u
#define GIB (1024ull * 1024ull * 1024ull)

/* A spread of sizes: 0 and 1 byte, odd sizes around buffer boundaries, a few MiB. */
static uint64_t scale_size(unsigned job, unsigned i) {
        static const uint64_t special[] = { 0, 1, 4095, 4096, 4097, 65536, 524288 + 1, 3u * 1024u * 1024u + 5u };
        unsigned k = job * FILES_PER_JOB + i;

        if (i < H_ELEMENTSOF(special))
                return special[i] + job;   /* job 0 has the 0-byte file */
        return (uint64_t) (k * 7919u % 300000u) + 2u;
}

static void test_scale_two_jobs_of_50_files(void) {
        IBackgroundCopyJob *jobs[N_JOBS];
        char *src[N_JOBS][FILES_PER_JOB], *local[N_JOBS][FILES_PER_JOB], *dest[N_JOBS];
        uint64_t total[N_JOBS] = {};

        for (unsigned j = 0; j < N_JOBS; j++) {
                BG_FILE_INFO set[FILES_PER_JOB];
                BG_JOB_PROGRESS p;

                dest[j] = h_dest_dir(h_strdupf("scale-%u", j));
                jobs[j] = h_create_job(h_strdupf("scale %u", j), NULL);
                for (unsigned i = 0; i < FILES_PER_JOB; i++) {
                        char *name = h_strdupf("scale-%u-%02u.bin", j, i);
                        uint64_t size = scale_size(j, i);

                        src[j][i] = h_make_file(name, size);
                        local[j][i] = h_strdupf("%s/%s", dest[j], name);
                        total[j] += size;
                        set[i] = (BG_FILE_INFO) { .RemoteName = h_url("/%s", name), .LocalName = local[j][i] };
                }
                /* Job 0 adds its files one by one, job 1 as one set. */
                if (j == 0)
                        for (unsigned i = 0; i < FILES_PER_JOB; i++)
                                h_add_file(jobs[j], set[i].RemoteName, set[i].LocalName);
                else
                        H_ASSERT_OK(IBackgroundCopyJob_AddFileSet(jobs[j], FILES_PER_JOB, set));
                p = h_progress(jobs[j]);
                H_ASSERT_EQ_U64(p.FilesTotal, FILES_PER_JOB);
        }
        for (unsigned j = 0; j < N_JOBS; j++)
                H_ASSERT_OK(IBackgroundCopyJob_Resume(jobs[j]));
        for (unsigned j = 0; j < N_JOBS; j++) {
                BG_JOB_PROGRESS p;

                H_WAIT_STATE(jobs[j], BG_JOB_STATE_TRANSFERRED, 120000);
                p = h_progress(jobs[j]);
                H_ASSERT_EQ_U64(p.FilesTransferred, FILES_PER_JOB);
                H_ASSERT_EQ_U64(p.BytesTotal, total[j]);
                H_ASSERT_EQ_U64(p.BytesTransferred, total[j]);
                /* Nothing under a local name before Complete. */
                H_ASSERT_MSG(h_count_entries(dest[j]) == (int) h_count_temp_files(dest[j]),
                             "files under their local names in %s before Complete", dest[j]);
        }
        for (unsigned j = 0; j < N_JOBS; j++) {
                H_ASSERT_OK(IBackgroundCopyJob_Complete(jobs[j]));
                H_ASSERT_EQ_U64(h_state(jobs[j]), BG_JOB_STATE_ACKNOWLEDGED);
                for (unsigned i = 0; i < FILES_PER_JOB; i++)
                        H_ASSERT_MSG(h_files_equal(src[j][i], local[j][i]), "job %u file %u (%llu bytes) differs", j,
                                     i, (unsigned long long) scale_size(j, i));
                H_ASSERT_EQ_U64(h_count_temp_files(dest[j]), 0);
                H_ASSERT_EQ_U64(h_count_entries(dest[j]), FILES_PER_JOB);
        }
        H_ASSERT_EQ_U64(h_file_size(local[0][0]), 0);
}

static void test_scale_one_gib_file(void) {
        char *src, *dest = h_dest_dir("gib"), *local = h_strdupf("%s/gib.bin", dest);
        IBackgroundCopyJob *job = h_create_job("one GiB", NULL);
        char a[65], b[65];
        uint64_t t0;

        t0 = h_now_ms();
        src = h_make_file("gib.bin", GIB);
        h_note("generated 1 GiB in %.1f s", (double) (h_now_ms() - t0) / 1000.0);
        h_add_file(job, h_url("/gib.bin"), local);
        t0 = h_now_ms();
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, 300000);
        h_note("transferred 1 GiB in %.1f s", (double) (h_now_ms() - t0) / 1000.0);
        H_ASSERT_EQ_U64(h_progress(job).BytesTransferred, GIB);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT_EQ_U64(h_file_size(local), GIB);
        h_sha256_file(src, a);
        h_sha256_file(local, b);
        h_note("sha256 %s / %s", a, b);
        H_ASSERT_MSG(strcmp(a, b) == 0, "SHA-256 of the 1 GiB result differs from the source");
        H_ASSERT_EQ_U64(h_count_temp_files(dest), 0);
        (void) unlink(local);
        (void) unlink(src);
}

static const HTest tests[] = {
        H_TEST(test_scale_two_jobs_of_50_files),
        H_TEST(test_scale_one_gib_file),
};

int main(int argc, char **argv) {
        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
