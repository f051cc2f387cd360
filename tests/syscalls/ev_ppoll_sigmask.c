/* SPDX-License-Identifier: Apache-2.0 */
/* ppoll and pselect6 atomically swap the signal mask for the wait: a pending signal unblocked
 * by the temporary mask is delivered and the call fails with EINTR; afterwards the original
 * mask is restored. Their timeouts are not updated on return (ppoll's is, by the raw syscall). */
#include "test.h"

#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>

static volatile int hits;

static void on_usr2(int sig)
{
    (void)sig;
    hits++;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_usr2 };
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigemptyset(&empty);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
    int p[2];
    CHECK(pipe(p) == 0);
    struct pollfd pf = { .fd = p[0], .events = POLLIN };

    CHECK(kill(getpid(), SIGUSR2) == 0);
    struct timespec to = { 5, 0 };
    CHECK_ERR(ppoll(&pf, 1, &to, &empty), EINTR);
    CHECK_EQ(hits, 1);
    sigset_t now;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
    CHECK(sigismember(&now, SIGUSR2));

    CHECK(kill(getpid(), SIGUSR2) == 0);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    CHECK_ERR(pselect(p[0] + 1, &rd, NULL, NULL, &to, &empty), EINTR);
    CHECK_EQ(hits, 2);

    /* Raw ppoll updates the timeout with the time left. */
    struct timespec left = { 0, 30 * 1000 * 1000 };
    CHECK_EQ(syscall(SYS_ppoll, &pf, 1, &left, NULL, 8), 0);
    CHECK(left.tv_sec == 0 && left.tv_nsec == 0);
    /* Ready at once: the remaining time is almost the whole timeout. */
    CHECK_EQ(write(p[1], "x", 1), 1);
    left.tv_sec = 5;
    left.tv_nsec = 0;
    CHECK_EQ(syscall(SYS_ppoll, &pf, 1, &left, NULL, 8), 1);
    CHECK(left.tv_sec >= 4);
    /* A NULL mask leaves the mask alone; a bad sigsetsize is EINVAL. */
    CHECK_ERR(syscall(SYS_ppoll, &pf, 1, &left, &empty, 4), EINVAL);
    struct timespec bad = { 0, -1 };
    CHECK_ERR(ppoll(&pf, 1, &bad, NULL), EINVAL);
    /* pselect with ready data and a mask that blocks the signal: no EINTR. */
    CHECK(kill(getpid(), SIGUSR2) == 0);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    CHECK_EQ(pselect(p[0] + 1, &rd, NULL, NULL, &to, &block), 1);
    CHECK_EQ(hits, 2);
    CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
    CHECK_EQ(hits, 3);
    close(p[0]);
    close(p[1]);
    TEST_OK();
}
