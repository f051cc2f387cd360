/* SPDX-License-Identifier: Apache-2.0 */
/* epoll_pwait installs its sigmask only while waiting: a signal blocked normally but unblocked
 * by the mask interrupts the wait with EINTR and its handler runs; one blocked by the mask
 * stays pending and does not interrupt; the old mask is back afterwards. epoll_pwait2 takes a
 * timespec timeout. */
#include "test.h"

#include <signal.h>
#include <sys/epoll.h>
#include <time.h>

static volatile int hits;

static void on_usr1(int sig)
{
    (void)sig;
    hits++;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK_EQ(hits, 0);

    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event out[1];
    sigset_t empty;
    sigemptyset(&empty);
    CHECK_ERR(epoll_pwait(ep, out, 1, 5000, &empty), EINTR);
    CHECK_EQ(hits, 1);
    sigset_t now;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
    CHECK(sigismember(&now, SIGUSR1));

    /* Pending but blocked by the wait mask too: times out. */
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK_EQ(epoll_pwait(ep, out, 1, 10, &block), 0);
    CHECK_EQ(hits, 1);
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(sigismember(&pend, SIGUSR1));

    /* epoll_pwait2 with a timespec. */
    struct timespec to = { 0, 1000 * 1000 };
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, out, 1, &to, &empty, 8), EINTR);
    CHECK_EQ(hits, 2);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    to.tv_nsec = 20 * 1000 * 1000;
    CHECK_EQ(syscall(SYS_epoll_pwait2, ep, out, 1, &to, NULL, 8), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long el = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    CHECK(el >= 20 * 1000 * 1000);
    to.tv_nsec = 1000000000;
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, out, 1, &to, NULL, 8), EINVAL);
    /* A wrong sigsetsize is EINVAL. */
    CHECK_ERR(syscall(SYS_epoll_pwait, ep, out, 1, 0, &empty, 4), EINVAL);
    /* Timeout 0 never blocks. */
    CHECK_EQ(epoll_wait(ep, out, 1, 0), 0);
    close(ep);
    TEST_OK();
}
