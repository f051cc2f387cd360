/* SPDX-License-Identifier: Apache-2.0 */
/* sigtimedwait times out with EAGAIN, rejects bad timeouts with EINVAL, and dequeues pending
 * signals with their info. */
#include "test.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN + 2);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);

    struct timespec ts = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };
    double t0 = now();
    CHECK_ERR(sigtimedwait(&set, NULL, &ts), EAGAIN);
    double dt = now() - t0;
    CHECK(dt >= 0.019);

    /* A zero timeout polls. */
    struct timespec zero = { 0, 0 };
    CHECK_ERR(sigtimedwait(&set, NULL, &zero), EAGAIN);

    struct timespec bad = { .tv_sec = 0, .tv_nsec = 1000000000 };
    CHECK_ERR(sigtimedwait(&set, NULL, &bad), EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    CHECK_ERR(sigtimedwait(&set, NULL, &bad), EINVAL);

    /* Pending signals are returned, lowest number first, and removed from the pending set. */
    union sigval v = { .sival_int = 5 };
    CHECK(sigqueue(getpid(), SIGRTMIN + 2, v) == 0);
    CHECK(raise(SIGUSR1) == 0);
    siginfo_t info;
    /* The raw syscall reports SI_TKILL for raise() (glibc's wrapper folds it to SI_USER). */
    CHECK_EQ(syscall(SYS_rt_sigtimedwait, &set, &info, &zero, 8), SIGUSR1);
    CHECK_EQ(info.si_signo, SIGUSR1);
    CHECK_EQ(info.si_code, SI_TKILL);
    CHECK_EQ(info.si_pid, getpid());
    CHECK_EQ(sigtimedwait(&set, &info, &zero), SIGRTMIN + 2);
    CHECK_EQ(info.si_value.sival_int, 5);
    CHECK_EQ(info.si_code, SI_QUEUE);
    CHECK_ERR(sigtimedwait(&set, &info, &zero), EAGAIN);
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &info, &zero, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigtimedwait, (void *)1, &info, &zero, 8), EFAULT);
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(sigisemptyset(&pend));
    TEST_OK();
}
