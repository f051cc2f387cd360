/* SPDX-License-Identifier: Apache-2.0 */
/* clone3 works like fork with exit_signal SIGCHLD, fills parent_tid and a pidfd, and rejects
 * bad sizes and flags with EINVAL (E2BIG for non-zero trailing bytes). */
#include "test.h"

#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

int main(void)
{
    pid_t ptid = 0;
    int pidfd = -1;
    struct clone_args args;
    memset(&args, 0, sizeof(args));
    args.flags = CLONE_PARENT_SETTID | CLONE_PIDFD;
    args.parent_tid = (uintptr_t)&ptid;
    args.pidfd = (uintptr_t)&pidfd;
    args.exit_signal = SIGCHLD;
    long r = syscall(SYS_clone3, &args, sizeof(args));
    CHECK(r >= 0);
    if (r == 0)
        _exit(getppid() > 0 ? 31 : 1);
    CHECK_EQ(ptid, r);
    CHECK(pidfd >= 0);
    /* The pidfd becomes readable when the child exits. */
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
    CHECK_EQ(poll(&pfd, 1, 5000), 1);
    test_wait_exit((pid_t)r, 31);
    close(pidfd);

    /* Minimal size (CLONE_ARGS_SIZE_VER0 = 64) is accepted. */
    memset(&args, 0, sizeof(args));
    args.exit_signal = SIGCHLD;
    r = syscall(SYS_clone3, &args, 64);
    CHECK(r >= 0);
    if (r == 0)
        _exit(32);
    test_wait_exit((pid_t)r, 32);

    CHECK_ERR(syscall(SYS_clone3, &args, 63), EINVAL);
    CHECK_ERR(syscall(SYS_clone3, NULL, sizeof(args)), EFAULT);
    /* Larger structs must be zero past what the kernel knows. */
    struct {
        struct clone_args a;
        uint64_t extra[8];
    } big;
    memset(&big, 0, sizeof(big));
    big.a.exit_signal = SIGCHLD;
    big.extra[7] = 1;
    CHECK_ERR(syscall(SYS_clone3, &big, sizeof(big)), E2BIG);
    /* Bad exit signal, thread without VM, unknown flags. */
    memset(&args, 0, sizeof(args));
    args.exit_signal = 100;
    CHECK_ERR(syscall(SYS_clone3, &args, sizeof(args)), EINVAL);
    memset(&args, 0, sizeof(args));
    args.flags = CLONE_THREAD;
    CHECK_ERR(syscall(SYS_clone3, &args, sizeof(args)), EINVAL);
    memset(&args, 0, sizeof(args));
    args.flags = 1ULL << 40;
    CHECK_ERR(syscall(SYS_clone3, &args, sizeof(args)), EINVAL);
    TEST_OK();
}
