/* SPDX-License-Identifier: Apache-2.0 */
/* pidfd_send_signal delivers a signal with a caller-built siginfo (SI_QUEUE + value) or, with
 * NULL, like kill (SI_USER); signal 0 checks existence; after the process is reaped it is
 * ESRCH (while a zombie it still succeeds); PIDFD_NONBLOCK pidfds make waitid return EAGAIN
 * for a running child; poll reports POLLIN on exit. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

static volatile int got_value, got_code;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    got_value = si->si_value.sival_int;
    got_code = si->si_code;
}

int main(void)
{
    int ready[2], res[2];
    CHECK(pipe(ready) == 0 && pipe(res) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
        sigaction(SIGUSR1, &sa, NULL);
        sigset_t block, empty;
        sigemptyset(&block);
        sigaddset(&block, SIGUSR1);
        sigemptyset(&empty);
        sigprocmask(SIG_BLOCK, &block, NULL); /* no lost wake-up between check and wait */
        if (write(ready[1], "r", 1) != 1)
            _exit(2);
        while (!got_code)
            sigsuspend(&empty);
        int out[2] = { got_value, got_code };
        if (write(res[1], out, sizeof(out)) != sizeof(out))
            _exit(3);
        pause(); /* wait for SIGTERM */
        _exit(4);
    }
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1);
    int pfd = (int)syscall(SYS_pidfd_open, pid, PIDFD_NONBLOCK);
    CHECK(pfd >= 0);
    siginfo_t wi;
    CHECK_ERR(waitid(P_PIDFD, pfd, &wi, WEXITED), EAGAIN);
    CHECK(syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0) == 0);

    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = 777;
    CHECK(syscall(SYS_pidfd_send_signal, pfd, SIGUSR1, &si, 0) == 0);
    int out[2];
    CHECK_EQ(read(res[0], out, sizeof(out)), (long)sizeof(out));
    CHECK_EQ(out[0], 777);
    CHECK_EQ(out[1], SI_QUEUE);

    /* si_signo must match sig; flags must be 0; a kernel-only si_code is EPERM. */
    si.si_signo = SIGUSR2;
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pfd, SIGUSR1, &si, 0), EINVAL);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pfd, SIGUSR1, NULL, 0x100), EINVAL);
    si.si_signo = SIGUSR1;
    si.si_code = SI_KERNEL;
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pfd, SIGUSR1, &si, 0), EPERM);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, res[0], SIGUSR1, NULL, 0), EBADF);

    struct pollfd pf = { .fd = pfd, .events = POLLIN };
    CHECK_EQ(poll(&pf, 1, 0), 0);
    CHECK(syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0) == 0);
    CHECK_EQ(poll(&pf, 1, 5000), 1);
    CHECK(pf.revents & POLLIN);
    /* A zombie can still be signalled. */
    CHECK(syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0) == 0);
    memset(&wi, 0, sizeof(wi));
    CHECK(waitid(P_PIDFD, pfd, &wi, WEXITED) == 0);
    CHECK_EQ(wi.si_pid, pid);
    CHECK_EQ(wi.si_code, CLD_KILLED);
    CHECK_EQ(wi.si_status, SIGTERM);
    CHECK_ERR(syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0), ESRCH);
    close(pfd);
    TEST_OK();
}
