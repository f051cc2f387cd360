/* SPDX-License-Identifier: Apache-2.0 */
/* pidfd_open + pidfd_send_signal + waitid(P_PIDFD): a pidfd polls readable when the process
 * exits, signals it, and can be waited on; bad pids and flags fail. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[1]);
        char c;
        (void)read(p[0], &c, 1);
        _exit(0);
    }
    close(p[0]);
    int pfd = (int)syscall(SYS_pidfd_open, child, 0);
    CHECK(pfd >= 0);
    /* pidfds are close-on-exec. */
    CHECK(fcntl(pfd, F_GETFD) & FD_CLOEXEC);

    struct pollfd pl = { .fd = pfd, .events = POLLIN };
    CHECK_EQ(poll(&pl, 1, 0), 0);

    CHECK(syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0) == 0);
    CHECK_EQ(poll(&pl, 1, 5000), 1);
    CHECK(pl.revents & POLLIN);

    siginfo_t si;
    memset(&si, 0, sizeof(si));
    CHECK(waitid((idtype_t)P_PIDFD, pfd, &si, WEXITED) == 0);
    CHECK_EQ(si.si_pid, child);
    CHECK_EQ(si.si_code, CLD_KILLED);
    CHECK_EQ(si.si_status, SIGTERM);

    /* The process is gone: signalling through the pidfd gives ESRCH. */
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0), ESRCH);
    close(pfd);
    close(p[1]);

    CHECK_ERR(syscall(SYS_pidfd_open, 0x3ffffff0, 0), ESRCH);
    CHECK_ERR(syscall(SYS_pidfd_open, getpid(), 0x1234), EINVAL);
    CHECK_ERR(syscall(SYS_pidfd_open, -1, 0), EINVAL);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, 0, SIGTERM, NULL, 0), EBADF);
    TEST_OK();
}
