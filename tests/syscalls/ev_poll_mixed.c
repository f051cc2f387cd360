/* SPDX-License-Identifier: Apache-2.0 */
/* One poll/select over an eventfd, a timerfd, a signalfd and a pipe reports exactly the ones
 * that are ready, in one call; a blocking poll wakes for the first of them (the timer). */
#include "test.h"

#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>

int main(void)
{
    int efd = eventfd(0, EFD_NONBLOCK);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &mask, NULL) == 0);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK);
    int p[2];
    CHECK(efd >= 0 && tfd >= 0 && sfd >= 0 && pipe(p) == 0);
    struct pollfd pf[4] = { { .fd = efd, .events = POLLIN },
                            { .fd = tfd, .events = POLLIN },
                            { .fd = sfd, .events = POLLIN },
                            { .fd = p[0], .events = POLLIN } };
    CHECK_EQ(poll(pf, 4, 0), 0);

    uint64_t one = 1;
    CHECK_EQ(write(efd, &one, 8), 8);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK_EQ(poll(pf, 4, 0), 2);
    CHECK_EQ(pf[0].revents, POLLIN);
    CHECK_EQ(pf[1].revents, 0);
    CHECK_EQ(pf[2].revents, POLLIN);
    CHECK_EQ(pf[3].revents, 0);

    fd_set rd;
    FD_ZERO(&rd);
    int maxfd = 0;
    for (int i = 0; i < 4; i++) {
        FD_SET(pf[i].fd, &rd);
        if (pf[i].fd > maxfd)
            maxfd = pf[i].fd;
    }
    struct timeval tv = { 0, 0 };
    CHECK_EQ(select(maxfd + 1, &rd, NULL, NULL, &tv), 2);
    CHECK(FD_ISSET(efd, &rd) && FD_ISSET(sfd, &rd));
    CHECK(!FD_ISSET(tfd, &rd) && !FD_ISSET(p[0], &rd));

    /* Drain, then block until the 20 ms timer fires. */
    uint64_t v;
    CHECK_EQ(read(efd, &v, 8), 8);
    struct signalfd_siginfo si;
    CHECK_EQ(read(sfd, &si, sizeof(si)), (long)sizeof(si));
    struct itimerspec its = { .it_value = { 0, 20 * 1000 * 1000 } };
    CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0);
    CHECK_EQ(poll(pf, 4, 5000), 1);
    CHECK_EQ(pf[1].revents, POLLIN);
    CHECK_EQ(pf[0].revents | pf[2].revents | pf[3].revents, 0);
    /* Eventfd and timerfd are always writable (POLLOUT) while not full. */
    struct pollfd w = { .fd = efd, .events = POLLOUT };
    CHECK_EQ(poll(&w, 1, 0), 1);
    w.fd = tfd;
    CHECK_EQ(poll(&w, 1, 0), 0); /* timerfd is never writable */
    TEST_OK();
}
