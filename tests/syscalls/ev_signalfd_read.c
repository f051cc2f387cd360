/* SPDX-License-Identifier: Apache-2.0 */
/* signalfd reads blocked pending signals as signalfd_siginfo records: ssi_signo, ssi_code,
 * ssi_pid/uid of the sender, the sigqueue value; several signals come out in one read, a
 * short buffer is EINVAL, and with nothing pending a non-blocking read is EAGAIN. */
#include "test.h"

#include <signal.h>
#include <sys/signalfd.h>

int main(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGRTMIN);
    CHECK(sigprocmask(SIG_BLOCK, &mask, NULL) == 0);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(fd >= 0);
    struct signalfd_siginfo si[4];
    CHECK_ERR(read(fd, si, sizeof(si)), EAGAIN);

    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK_EQ(read(fd, si, sizeof(si)), (long)sizeof(si[0]));
    CHECK_EQ(si[0].ssi_signo, SIGUSR1);
    CHECK_EQ(si[0].ssi_code, SI_USER);
    CHECK_EQ(si[0].ssi_pid, getpid());
    CHECK_EQ(si[0].ssi_uid, getuid());
    /* Consumed: no longer pending. */
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGUSR1));

    union sigval v = { .sival_int = 4242 };
    CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
    v.sival_int = 4343;
    CHECK(sigqueue(getpid(), SIGRTMIN, v) == 0);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    char small[8];
    CHECK_ERR(read(fd, small, sizeof(small)), EINVAL);
    CHECK_EQ(read(fd, si, sizeof(si)), 3 * (long)sizeof(si[0]));
    /* Standard signals first, then RT signals in queue order. */
    CHECK_EQ(si[0].ssi_signo, SIGUSR1);
    CHECK_EQ(si[1].ssi_signo, (unsigned)SIGRTMIN);
    CHECK_EQ(si[1].ssi_code, SI_QUEUE);
    CHECK_EQ(si[1].ssi_int, 4242);
    CHECK_EQ(si[2].ssi_int, 4343);
    CHECK_ERR(read(fd, si, sizeof(si)), EAGAIN);

    /* A signal from a child carries the child's pid. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
    test_wait_exit(pid, 0);
    CHECK_EQ(read(fd, si, sizeof(si)), (long)sizeof(si[0]));
    CHECK_EQ(si[0].ssi_pid, pid);

    /* Thread-directed (tgkill) signals are readable too, with SI_TKILL. */
    CHECK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1) == 0);
    CHECK_EQ(read(fd, si, sizeof(si)), (long)sizeof(si[0]));
    CHECK_EQ(si[0].ssi_code, SI_TKILL);
    close(fd);
    TEST_OK();
}
