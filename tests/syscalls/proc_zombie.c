/* SPDX-License-Identifier: Apache-2.0 */
/* An exited child stays a zombie ('Z' in /proc/<pid>/stat, still signalable) until reaped,
 * after which its pid is gone. */
#include "test.h"

#include <fcntl.h>
#include <signal.h>

static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p ? p[2] : 0;
}

int main(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(6);
    /* Wait for the exit without reaping. */
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    CHECK(waitid(P_PID, child, &si, WEXITED | WNOWAIT) == 0);
    CHECK_EQ(si.si_pid, child);

    CHECK_EQ(proc_state(child), 'Z');
    CHECK(kill(child, 0) == 0);
    CHECK(kill(child, SIGKILL) == 0);
    /* A zombie's process group still exists. */
    CHECK_EQ(getpgid(child), getpgrp());
    /* Its exit status is unchanged by the late SIGKILL. */
    test_wait_exit(child, 6);
    CHECK_ERR(kill(child, 0), ESRCH);
    CHECK_EQ(proc_state(child), 0);
    CHECK_ERR(getpgid(child), ESRCH);
    TEST_OK();
}
