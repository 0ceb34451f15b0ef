/* signals.c: blocked signals read through a signalfd (see signals.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "signals.h"

int signals_open(const int *sigs, size_t n, int *ret_fd) {
        sigset_t mask;
        int fd;

        sigemptyset(&mask);
        for (size_t k = 0; k < n; k++)
                sigaddset(&mask, sigs[k]);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

int signals_read(int sfd) {
        struct signalfd_siginfo si;

        if (read(sfd, &si, sizeof(si)) != (ssize_t) sizeof(si))
                return 0;
        return (int) si.ssi_signo;
}

int signals_wait(int sfd, int timeout_msec) {
        struct pollfd pfd = { .fd = sfd, .events = POLLIN };

        if (poll(&pfd, 1, timeout_msec) <= 0)
                return 0;
        return signals_read(sfd);
}
