/* standalone-driver.c: runs a libFuzzer target without libFuzzer (libgit2's fuzzers/standalone_driver.c
 * does the same), so that the corpus in fuzz/corpus/<target>/ replays under `meson test --suite fuzz`
 * with gcc. Each argument is a file or a directory whose regular files are run in name order; any
 * crash, sanitizer report or abort() in the target fails the test. Exit 0 when every input ran. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path) {
        FILE *f = fopen(path, "rbe");
        uint8_t *buf = NULL;
        long size;

        if (!f || fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
                fprintf(stderr, "Cannot read %s: %m\n", path);
                if (f)
                        fclose(f);
                return -1;
        }
        /* one byte more, so that an empty file still gives a valid pointer */
        buf = malloc((size_t) size + 1);
        if (!buf || fread(buf, 1, (size_t) size, f) != (size_t) size) {
                fprintf(stderr, "Cannot read %s\n", path);
                free(buf);
                fclose(f);
                return -1;
        }
        fclose(f);
        (void) LLVMFuzzerTestOneInput(buf, (size_t) size);
        free(buf);
        return 0;
}

static int compare(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int main(int argc, char **argv) {
        unsigned n = 0;

        if (LLVMFuzzerInitialize)
                (void) LLVMFuzzerInitialize(&argc, &argv);
        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %m\n", argv[i]);
                        return 1;
                }
                if (S_ISDIR(st.st_mode)) {
                        DIR *d = opendir(argv[i]);
                        struct dirent *de;
                        char **names = NULL;
                        size_t n_names = 0;

                        if (!d) {
                                fprintf(stderr, "%s: %m\n", argv[i]);
                                return 1;
                        }
                        while ((de = readdir(d))) {
                                char **nn;

                                if (de->d_name[0] == '.')
                                        continue;
                                nn = realloc(names, (n_names + 1) * sizeof *names);
                                if (!nn)
                                        return 1;
                                names = nn;
                                if (asprintf(&names[n_names], "%s/%s", argv[i], de->d_name) < 0)
                                        return 1;
                                n_names++;
                        }
                        closedir(d);
                        qsort(names, n_names, sizeof *names, compare);
                        for (size_t k = 0; k < n_names; k++) {
                                if (run_file(names[k]) < 0)
                                        return 1;
                                n++;
                                free(names[k]);
                        }
                        free(names);
                } else {
                        if (run_file(argv[i]) < 0)
                                return 1;
                        n++;
                }
        }
        printf("%u inputs ran\n", n);
        return n > 0 ? 0 : 1;
}
