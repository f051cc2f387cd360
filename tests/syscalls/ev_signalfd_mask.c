/* SPDX-License-Identifier: Apache-2.0 */
/* signalfd(fd, mask) replaces the mask of an existing signalfd; signals outside the mask stay
 * pending; SIGKILL/SIGSTOP in the mask are silently dropped; bad flags, a non-signalfd fd or a
 * wrong sigsetsize are EINVAL; poll reports POLLIN only for pending signals in the mask; a
 * blocking read waits for a signal sent later. */
#include "test.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>

int main(void)
{
    sigset_t all;
    sigemptyset(&all);
    sigaddset(&all, SIGUSR1);
    sigaddset(&all, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &all, NULL) == 0);
    sigset_t m1;
    sigemptyset(&m1);
    sigaddset(&m1, SIGUSR1);
    sigaddset(&m1, SIGKILL);
    int fd = signalfd(-1, &m1, SFD_NONBLOCK);
    CHECK(fd >= 0);
    struct pollfd pf = { .fd = fd, .events = POLLIN };

    CHECK(kill(getpid(), SIGUSR2) == 0);
    CHECK_EQ(poll(&pf, 1, 0), 0);
    struct signalfd_siginfo si;
    CHECK_ERR(read(fd, &si, sizeof(si)), EAGAIN);

    sigset_t m2;
    sigemptyset(&m2);
    sigaddset(&m2, SIGUSR2);
    CHECK_EQ(signalfd(fd, &m2, 0), fd);
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK_EQ(read(fd, &si, sizeof(si)), (long)sizeof(si));
    CHECK_EQ(si.ssi_signo, SIGUSR2);

    /* The mask shows in fdinfo as sigmask; SIGKILL was dropped. */
    char path[64], buf[512];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    int found = 0;
    while (fgets(buf, sizeof(buf), fp))
        if (strncmp(buf, "sigmask:", 8) == 0) {
            unsigned long long m = strtoull(buf + 8, NULL, 16);
            CHECK_EQ(m, 1ULL << (SIGUSR2 - 1));
            found = 1;
        }
    fclose(fp);
    CHECK(found);

    CHECK_ERR(signalfd(fd, &m2, 0x1), EINVAL);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(signalfd(p[0], &m2, 0), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1, &m2, 4, 0), EINVAL);
    CHECK_ERR(signalfd(999, &m2, 0), EBADF);
    close(p[0]);
    close(p[1]);

    /* Blocking read woken by a later signal from a child. */
    int bfd = signalfd(-1, &m1, 0);
    CHECK(bfd >= 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        _exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
    }
    CHECK_EQ(read(bfd, &si, sizeof(si)), (long)sizeof(si));
    CHECK_EQ(si.ssi_signo, SIGUSR1);
    test_wait_exit(pid, 0);
    close(bfd);
    close(fd);
    TEST_OK();
}
