/* test-load.c: 500 clients at once against one daemon (issue 5 item 7). Each client is a thread with
 * its own direct D-Bus connection (sd-bus; libdosvc keeps one connection per process, so threads
 * through it would share one). For a bounded time every client repeats a cycle over its own job:
 * CreateJob, GetJob, State, SetPriority + Priority, SetDisplayName + DisplayName, EnumJobs (its job
 * is listed), Cancel, State, GetJob (now not found), and checks every answer. Any lost answer
 * (timeout, disconnect) or wrong one fails the test. The p50/p99 latency of one call and the calls
 * per second are printed: figures, not assertions (STYLE.md §6: speed lives in bench/).
 *
 * The daemon runs with a DOSVC_CONFIG raising MaxJobsPerUser and MaxJobsPerMachine (every client
 * holds a job at a time), and RLIMIT_NOFILE is raised before it starts (it inherits ours):
 * 500 connections on each side. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "harness.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define N_CLIENTS 500u
#define RUN_MS 10000u                      /* each client starts cycles for this long */
#define LAT_MAX 4096u                      /* latencies kept per client */
#define CALL_TIMEOUT_USEC (60ULL * 1000000ULL)

typedef struct Client {
        unsigned index;
        pthread_t thread;
        sd_bus *bus;
        uint64_t deadline_ms;
        unsigned calls, cycles;
        uint32_t lat_us[LAT_MAX];
        unsigned n_lat;
        uint32_t max_us;                   /* the slowest call, and which */
        char max_member[64];
        unsigned max_cycle;
        char failure[512];                 /* "" while all is well */
} Client;

static pthread_barrier_t start_barrier;

static uint64_t now_us(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

static int client_fail(Client *c, const char *format, ...) __attribute__((format(printf, 2, 3)));
static int client_fail(Client *c, const char *format, ...) {
        va_list ap;

        if (!c->failure[0]) {
                va_start(ap, format);
                vsnprintf(c->failure, sizeof c->failure, format, ap);
                va_end(ap);
        }
        return -1;
}

/* One timed call. Returns 0 (reply in *ret_reply if wanted), 1 with the error name in ename, or -1
 * for a lost answer (recorded as a failure). */
static int timed_call(Client *c, sd_bus_message *m, sd_bus_message **ret_reply, char *ename, size_t ename_size) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        char member[64];
        uint64_t t0 = now_us();
        int r;

        snprintf(member, sizeof member, "%s", sd_bus_message_get_member(m) ?: "?");
        r = sd_bus_call(c->bus, m, CALL_TIMEOUT_USEC, &error, &reply);
        if (c->n_lat < LAT_MAX)
                c->lat_us[c->n_lat++] = (uint32_t) MIN(now_us() - t0, (uint64_t) UINT32_MAX);
        if (now_us() - t0 > c->max_us) {
                c->max_us = (uint32_t) MIN(now_us() - t0, (uint64_t) UINT32_MAX);
                snprintf(c->max_member, sizeof c->max_member, "%s", member);
                c->max_cycle = c->cycles;
        }
        c->calls++;
        sd_bus_message_unref(m);
        if (r >= 0) {
                if (ret_reply)
                        *ret_reply = reply;
                else
                        sd_bus_message_unref(reply);
                return 0;
        }
        if (error.name && !sd_bus_error_has_names(&error, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT,
                                                  SD_BUS_ERROR_DISCONNECTED)) {
                snprintf(ename, ename_size, "%s", error.name);
                sd_bus_error_free(&error);
                return 1;
        }
        errno = -r;
        client_fail(c, "call %s lost: %m (%s)", member,
                    error.name ?: "no error name");
        sd_bus_error_free(&error);
        return -1;
}

static sd_bus_message *call(Client *c, const char *path, const char *iface, const char *member) {
        sd_bus_message *m = NULL;

        if (sd_bus_message_new_method_call(c->bus, &m, NULL, path, iface, member) < 0)
                return NULL;
        return m;
}

static sd_bus_message *prop_get(Client *c, const char *path, const char *name) {
        sd_bus_message *m = call(c, path, "org.freedesktop.DBus.Properties", "Get");

        if (m && sd_bus_message_append(m, "ss", "org.dosvc1.Job", name) < 0)
                m = sd_bus_message_unref(m);
        return m;
}

static int get_u32(Client *c, const char *path, const char *name, uint32_t *ret) {
        sd_bus_message *m = prop_get(c, path, name), *reply = NULL;
        char en[128];

        if (!m)
                return client_fail(c, "building Get(%s)", name);
        if (timed_call(c, m, &reply, en, sizeof en) != 0)
                return client_fail(c, "Get(%s) failed: %s", name, en);
        if (sd_bus_message_read(reply, "v", "u", ret) < 0) {
                sd_bus_message_unref(reply);
                return client_fail(c, "Get(%s): not a u", name);
        }
        sd_bus_message_unref(reply);
        return 0;
}

static int cycle(Client *c) {
        sd_bus_message *m, *reply = NULL;
        char name[64], en[128], id[64], path[128];
        const char *s1, *s2;
        uint32_t v, prio = (c->cycles + c->index) % 4;
        bool listed = false;

        snprintf(name, sizeof name, "load-%u-%u", c->index, c->cycles);

        m = call(c, "/org/dosvc1", "org.dosvc1.Manager", "CreateJob");
        if (!m || sd_bus_message_append(m, "su", name, 0u) < 0)
                return client_fail(c, "building CreateJob");
        if (timed_call(c, m, &reply, en, sizeof en) != 0)
                return client_fail(c, "CreateJob failed: %s", en);
        if (sd_bus_message_read(reply, "so", &s1, &s2) < 0)
                return client_fail(c, "CreateJob: bad reply");
        snprintf(id, sizeof id, "%s", s1);
        snprintf(path, sizeof path, "%s", s2);
        reply = sd_bus_message_unref(reply);

        m = call(c, "/org/dosvc1", "org.dosvc1.Manager", "GetJob");
        if (!m || sd_bus_message_append(m, "s", id) < 0)
                return client_fail(c, "building GetJob");
        if (timed_call(c, m, &reply, en, sizeof en) != 0)
                return client_fail(c, "GetJob(own job) failed: %s", en);
        if (sd_bus_message_read(reply, "o", &s1) < 0 || strcmp(s1, path) != 0)
                return client_fail(c, "GetJob(%s) gave another path", id);
        reply = sd_bus_message_unref(reply);

        if (get_u32(c, path, "State", &v) < 0)
                return -1;
        if (v != BG_JOB_STATE_SUSPENDED)
                return client_fail(c, "new job in state %u", v);

        m = call(c, path, "org.dosvc1.Job", "SetPriority");
        if (!m || sd_bus_message_append(m, "u", prio) < 0)
                return client_fail(c, "building SetPriority");
        if (timed_call(c, m, NULL, en, sizeof en) != 0)
                return client_fail(c, "SetPriority failed: %s", en);
        if (get_u32(c, path, "Priority", &v) < 0)
                return -1;
        if (v != prio)
                return client_fail(c, "priority %u after SetPriority(%u)", v, prio);

        m = call(c, path, "org.dosvc1.Job", "SetDisplayName");
        if (!m || sd_bus_message_append(m, "s", name + 1) < 0)
                return client_fail(c, "building SetDisplayName");
        if (timed_call(c, m, NULL, en, sizeof en) != 0)
                return client_fail(c, "SetDisplayName failed: %s", en);
        m = prop_get(c, path, "DisplayName");
        if (!m || timed_call(c, m, &reply, en, sizeof en) != 0)
                return client_fail(c, "Get(DisplayName) failed");
        if (sd_bus_message_read(reply, "v", "s", &s1) < 0 || strcmp(s1, name + 1) != 0)
                return client_fail(c, "DisplayName is not what this client set");
        reply = sd_bus_message_unref(reply);

        m = call(c, "/org/dosvc1", "org.dosvc1.Manager", "EnumJobs");
        if (!m || sd_bus_message_append(m, "u", 0u) < 0)
                return client_fail(c, "building EnumJobs");
        if (timed_call(c, m, &reply, en, sizeof en) != 0)
                return client_fail(c, "EnumJobs failed: %s", en);
        if (sd_bus_message_enter_container(reply, 'a', "(so)") < 0)
                return client_fail(c, "EnumJobs: bad reply");
        while (sd_bus_message_read(reply, "(so)", &s1, &s2) > 0)
                if (strcmp(s1, id) == 0 && strcmp(s2, path) == 0)
                        listed = true;
        reply = sd_bus_message_unref(reply);
        if (!listed)
                return client_fail(c, "EnumJobs does not list the client's job %s", id);

        m = call(c, path, "org.dosvc1.Job", "Cancel");
        if (!m || timed_call(c, m, &reply, en, sizeof en) != 0)
                return client_fail(c, "Cancel failed: %s", en);
        {
                int32_t hr = -1;
                if (sd_bus_message_read(reply, "i", &hr) < 0 || hr != 0)
                        return client_fail(c, "Cancel answered 0x%08X", (unsigned) hr);
        }
        reply = sd_bus_message_unref(reply);
        if (get_u32(c, path, "State", &v) < 0)
                return -1;
        if (v != BG_JOB_STATE_CANCELLED)
                return client_fail(c, "state %u after Cancel", v);

        m = call(c, "/org/dosvc1", "org.dosvc1.Manager", "GetJob");
        if (!m || sd_bus_message_append(m, "s", id) < 0)
                return client_fail(c, "building GetJob");
        if (timed_call(c, m, NULL, en, sizeof en) != 1 || strcmp(en, "org.dosvc1.Error.HR_80D02003") != 0)
                return client_fail(c, "GetJob(cancelled job) did not answer DO_E_JOB_NOT_FOUND");
        c->cycles++;
        return 0;
}

static void *client_main(void *arg) {
        Client *c = arg;

        (void) pthread_barrier_wait(&start_barrier);
        while (!c->failure[0] && h_now_ms() < c->deadline_ms)
                if (cycle(c) < 0)
                        break;
        return NULL;
}

static int cmp_u32(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
        return x < y ? -1 : x > y;
}

static void test_load__500_clients_get_right_answers(void) {
        char *conf = h_strdupf("%s/dosvc.conf", h_root());
        char *address = h_strdupf("unix:path=%s/dosvc/bus", h_runtime_dir());
        Client *clients = calloc(N_CLIENTS, sizeof(Client));
        pthread_attr_t attr;
        uint32_t *all;
        size_t n_all = 0;
        unsigned long long calls = 0, cycles = 0;
        uint64_t t0, t1;
        FILE *f;

        H_ASSERT(clients);
        f = fopen(conf, "we");
        H_ASSERT(f);
        fprintf(f, "[Limits]\nMaxJobsPerUser=2000\nMaxJobsPerMachine=2000\n");
        fclose(f);
        H_ASSERT(setenv("DOSVC_CONFIG", conf, 1) == 0);
        (void) h_daemon_stop(SIGTERM);
        (void) h_create_job("starts the daemon with the config", NULL);

        for (unsigned i = 0; i < N_CLIENTS; i++) {
                Client *c = &clients[i];
                int r;

                c->index = i;
                r = sd_bus_new(&c->bus);
                if (r >= 0)
                        r = sd_bus_set_address(c->bus, address);
                if (r >= 0)
                        r = sd_bus_start(c->bus);
                if (r < 0) {
                        errno = -r;
                        H_FAIL("client %u cannot connect: %m", i);
                }
        }
        H_ASSERT(pthread_barrier_init(&start_barrier, NULL, N_CLIENTS + 1) == 0);
        H_ASSERT(pthread_attr_init(&attr) == 0);
        H_ASSERT(pthread_attr_setstacksize(&attr, 256 * 1024) == 0);
        t0 = h_now_ms();
        for (unsigned i = 0; i < N_CLIENTS; i++) {
                clients[i].deadline_ms = t0 + RUN_MS;
                if (pthread_create(&clients[i].thread, &attr, client_main, &clients[i]) != 0)
                        H_FAIL("pthread_create %u: %m", i);
        }
        (void) pthread_barrier_wait(&start_barrier);
        t0 = h_now_ms();
        for (unsigned i = 0; i < N_CLIENTS; i++)
                (void) pthread_join(clients[i].thread, NULL);
        t1 = h_now_ms();
        pthread_attr_destroy(&attr);
        pthread_barrier_destroy(&start_barrier);

        all = malloc(sizeof(uint32_t) * N_CLIENTS * LAT_MAX);
        H_ASSERT(all);
        for (unsigned i = 0; i < N_CLIENTS; i++) {
                memcpy(all + n_all, clients[i].lat_us, clients[i].n_lat * sizeof(uint32_t));
                n_all += clients[i].n_lat;
                calls += clients[i].calls;
                cycles += clients[i].cycles;
                sd_bus_flush_close_unref(clients[i].bus);
        }
        qsort(all, n_all, sizeof *all, cmp_u32);
        h_note("%u clients, %.1f s: %llu calls (%llu full cycles), %.0f calls/s", N_CLIENTS,
               (double) (t1 - t0) / 1000.0, calls, cycles, (double) calls * 1000.0 / (double) MAX(t1 - t0, 1));
        if (n_all > 0)
                h_note("call latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms", all[n_all / 2] / 1000.0,
                       all[(n_all * 99) / 100] / 1000.0, all[n_all - 1] / 1000.0);
        free(all);
        {
                unsigned worst = 0, slow = 0;
                for (unsigned i = 0; i < N_CLIENTS; i++) {
                        if (clients[i].max_us > clients[worst].max_us)
                                worst = i;
                        slow += clients[i].max_us > 1000000u;
                }
                h_note("slowest call: %s of client %u in its cycle %u, %.2f ms; %u clients had a call over 1 s",
                       clients[worst].max_member, worst, clients[worst].max_cycle,
                       clients[worst].max_us / 1000.0, slow);
        }

        for (unsigned i = 0; i < N_CLIENTS; i++)
                if (clients[i].failure[0])
                        H_FAIL("client %u after %u cycles: %s", i, clients[i].cycles, clients[i].failure);
        for (unsigned i = 0; i < N_CLIENTS; i++)
                H_ASSERT_MSG(clients[i].cycles > 0, "client %u finished no cycle", i);
        free(clients);
        (void) unsetenv("DOSVC_CONFIG");
}

int main(int argc, char **argv) {
        static const HTest tests[] = {
                H_TEST(test_load__500_clients_get_right_answers),
        };
        struct rlimit rl;

        /* 500 connections here and in the daemon, which inherits this limit when libdosvc starts it. */
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
                rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
                (void) setrlimit(RLIMIT_NOFILE, &rl);
        }
        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
