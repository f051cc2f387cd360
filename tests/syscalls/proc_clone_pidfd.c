/* SPDX-License-Identifier: Apache-2.0 */
/*
 * clone(CLONE_PIDFD): the parent gets a close-on-exec pidfd of the child in
 * the parent_tid slot; it polls readable when the child exits. CLONE_PIDFD
 * with CLONE_PARENT_SETTID is EINVAL; a bad pidfd address is EFAULT and
 * makes no child. (With CLONE_THREAD it is EINVAL before Linux 6.9 and a
 * thread pidfd since: not tested.)
 */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

static long raw_clone(unsigned long flags, void *parent_tid)
{
    return syscall(SYS_clone, flags, NULL, parent_tid, NULL, NULL);
}

int main(void)
{
    int pidfd = -1, tid = 0;

    long pid = raw_clone(CLONE_PIDFD | SIGCHLD, &pidfd);
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(7);
    CHECK(pidfd >= 0);
    CHECK((fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0);
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
    CHECK_EQ(poll(&pfd, 1, 10000), 1);
    test_wait_exit((pid_t)pid, 7);
    CHECK(close(pidfd) == 0);

    CHECK_ERR(raw_clone(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, &tid), EINVAL);
    CHECK_ERR(raw_clone(CLONE_PIDFD | SIGCHLD, (void *)8), EFAULT);
    /* No child was made by the failed calls. */
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
    TEST_OK();
}
