/* SPDX-License-Identifier: Apache-2.0 */
/* waitid: WNOHANG leaves si_pid 0, WEXITED fills siginfo, WNOWAIT leaves the child waitable,
 * P_PGID and P_ALL select children, and bad arguments give EINVAL / ECHILD. */
#include "test.h"

#include <signal.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[1]);
        char c;
        _exit(read(p[0], &c, 1) == 0 ? 13 : 1);
    }
    close(p[0]);

    siginfo_t si;
    memset(&si, 0xff, sizeof(si));
    CHECK(waitid(P_PID, child, &si, WEXITED | WNOHANG) == 0);
    /* Nothing to report: si_pid (and si_signo) are zeroed. */
    CHECK_EQ(si.si_pid, 0);
    CHECK_EQ(si.si_signo, 0);

    close(p[1]);
    memset(&si, 0, sizeof(si));
    CHECK(waitid(P_PID, child, &si, WEXITED | WNOWAIT) == 0);
    CHECK_EQ(si.si_signo, SIGCHLD);
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_pid, child);
    CHECK_EQ(si.si_status, 13);
    CHECK_EQ(si.si_uid, getuid());
    /* Still there after WNOWAIT. */
    memset(&si, 0, sizeof(si));
    CHECK(waitid(P_ALL, 0, &si, WEXITED) == 0);
    CHECK_EQ(si.si_pid, child);
    CHECK_ERR(waitid(P_PID, child, &si, WEXITED), ECHILD);

    /* P_PGID: a child in its own process group. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        setpgid(0, 0);
        _exit(14);
    }
    /* Set it from the parent too so the group exists before we wait (no race). */
    setpgid(child, child);
    memset(&si, 0, sizeof(si));
    CHECK(waitid(P_PGID, child, &si, WEXITED) == 0);
    CHECK_EQ(si.si_pid, child);
    CHECK_EQ(si.si_status, 14);

    /* Killed child: CLD_KILLED with the signal number. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        raise(SIGKILL);
        _exit(1);
    }
    memset(&si, 0, sizeof(si));
    CHECK(waitid(P_PID, child, &si, WEXITED) == 0);
    CHECK_EQ(si.si_code, CLD_KILLED);
    CHECK_EQ(si.si_status, SIGKILL);

    /* Errors. */
    CHECK_ERR(waitid(P_PID, getpid(), &si, WEXITED), ECHILD);
    CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    CHECK_ERR(waitid(P_ALL, 0, &si, 0), EINVAL);
    CHECK_ERR(waitid(P_ALL, 0, &si, WNOHANG), EINVAL);
    CHECK_ERR(waitid((idtype_t)42, 0, &si, WEXITED), EINVAL);
    CHECK_ERR(waitid(P_PID, 0, &si, WEXITED), EINVAL);
    TEST_OK();
}
