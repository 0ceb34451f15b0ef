/* paths.c: the runtime and state directories of a user-mode or system instance (see paths.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

static int make_private_dir(const char *path) {
        struct stat st;

        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return -errno;
        if (lstat(path, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        /* The fallback under /tmp can be pre-created by anyone: only trust a directory we own and
         * nobody else can enter. */
        if (st.st_uid != geteuid())
                return -EPERM;
        if ((st.st_mode & 0077) != 0 && chmod(path, 0700) < 0)
                return -errno;
        return 0;
}

static int mkdir_parents(const char *path, mode_t mode) {
        char *copy = strdup(path);
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *p = copy + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(copy, mode) < 0 && errno != EEXIST) {
                        r = -errno;
                        break;
                }
                *p = '/';
        }
        if (r == 0 && mkdir(copy, mode) < 0 && errno != EEXIST)
                r = -errno;
        free(copy);
        return r;
}

int paths_runtime_dir(char **ret) {
        const char *base = getenv("XDG_RUNTIME_DIR");
        char *p = NULL;
        int r;

        if (base && base[0] == '/') {
                if (asprintf(&p, "%s/dosvc", base) < 0)
                        return -ENOMEM;
        } else if (asprintf(&p, "/tmp/dosvc-%u", (unsigned) geteuid()) < 0)
                return -ENOMEM;

        r = make_private_dir(p);
        if (r < 0) {
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

int paths_state_dir(char **ret) {
        const char *base = getenv("XDG_STATE_HOME");
        char *p = NULL;
        int r;

        if (base && base[0] == '/') {
                if (asprintf(&p, "%s/dosvc", base) < 0)
                        return -ENOMEM;
        } else {
                const char *home = getenv("HOME");
                if (!home || home[0] != '/')
                        return -ENXIO;
                if (asprintf(&p, "%s/.local/state/dosvc", home) < 0)
                        return -ENOMEM;
        }

        r = mkdir_parents(p, 0700);
        if (r < 0) {
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

int paths_runtime_file(const char *name, char **ret) {
        char *dir = NULL, *p = NULL;
        int r;

        r = paths_runtime_dir(&dir);
        if (r < 0)
                return r;
        r = asprintf(&p, "%s/%s", dir, name);
        free(dir);
        if (r < 0)
                return -ENOMEM;
        *ret = p;
        return 0;
}

int paths_bus_address(char **ret) {
        const char *env = getenv("DOSVC_BUS_ADDRESS");
        char *sock = NULL, *p = NULL;
        int r;

        if (env && env[0]) {
                p = strdup(env);
                if (!p)
                        return -ENOMEM;
                *ret = p;
                return 0;
        }
        r = paths_runtime_file("bus", &sock);
        if (r < 0)
                return r;
        r = asprintf(&p, "unix:path=%s", sock);
        free(sock);
        if (r < 0)
                return -ENOMEM;
        *ret = p;
        return 0;
}

/* systemd passes StateDirectory=/RuntimeDirectory= as absolute paths, ':'-separated when a unit
 * names several: ours names one, so the first entry is it. */
static int system_dir(const char *own_env, const char *systemd_env, const char *fallback, char **ret) {
        const char *v = getenv(own_env);
        char *p;
        int r;

        if (v && v[0] == '/')
                p = strdup(v);
        else if ((v = getenv(systemd_env)) && v[0] == '/')
                p = strndup(v, strcspn(v, ":"));
        else
                p = strdup(fallback);
        if (!p)
                return -ENOMEM;
        r = mkdir_parents(p, 0700);
        if (r >= 0)
                r = make_private_dir(p);
        if (r < 0) {
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

int paths_system_runtime_dir(char **ret) {
        return system_dir("DOSVC_RUNTIME_DIRECTORY", "RUNTIME_DIRECTORY", "/run/dosvc", ret);
}

int paths_system_state_dir(char **ret) {
        return system_dir("DOSVC_STATE_DIRECTORY", "STATE_DIRECTORY", "/var/lib/dosvc", ret);
}

bool paths_system_mode(void) {
        const char *v = getenv("DOSVC_SYSTEM");

        return v && (strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0);
}
