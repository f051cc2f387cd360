/* SPDX-License-Identifier: Apache-2.0 */
/* A signalfd in epoll: SIGCHLD from exiting children becomes EPOLLIN with ssi_pid and
 * ssi_status; reading clears it; signals are per-thread/process queues, so a signalfd in a
 * forked child reads the child's own signals, not the parent's. */
#include "test.h"

#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

int main(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &mask, NULL) == 0);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK);
    CHECK(sfd >= 0);
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = sfd };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) == 0);
    struct epoll_event out;
    CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(42);
    CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
    CHECK_EQ(out.data.fd, sfd);
    struct signalfd_siginfo si;
    CHECK_EQ(read(sfd, &si, sizeof(si)), (long)sizeof(si));
    CHECK_EQ(si.ssi_signo, SIGCHLD);
    CHECK_EQ(si.ssi_code, CLD_EXITED);
    CHECK_EQ(si.ssi_pid, pid);
    CHECK_EQ(si.ssi_status, 42);
    CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
    test_wait_exit(pid, 42);

    /* A child reading the inherited signalfd sees its own pending signals. */
    CHECK(kill(getpid(), SIGUSR1) == 0); /* pending in the parent */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct signalfd_siginfo csi;
        /* The parent's pending SIGUSR1 is not ours: nothing to read. */
        if (read(sfd, &csi, sizeof(csi)) != -1 || errno != EAGAIN)
            _exit(2);
        if (kill(getpid(), SIGUSR1) != 0)
            _exit(3);
        if (read(sfd, &csi, sizeof(csi)) != sizeof(csi) || csi.ssi_pid != (uint32_t)getpid())
            _exit(4);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    /* Ours is still there, plus the SIGCHLD of that child. */
    int got_usr1 = 0, got_chld = 0;
    while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo == SIGUSR1)
            got_usr1++;
        if (si.ssi_signo == SIGCHLD)
            got_chld++;
    }
    CHECK_EQ(got_usr1, 1);
    CHECK_EQ(got_chld, 1);
    close(ep);
    close(sfd);
    TEST_OK();
}
