/* SPDX-License-Identifier: Apache-2.0 */
/* fork + wait4: exit codes are truncated to 8 bits, status encodes exit vs signal, rusage is
 * filled, WNOHANG returns 0, and waiting for a non-child fails with ECHILD. */
#include "test.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static void expect_code(int code, int want)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        exit(code);
    int st = 0;
    struct rusage ru;
    memset(&ru, 0xff, sizeof(ru));
    CHECK_EQ(wait4(child, &st, 0, &ru), child);
    CHECK(WIFEXITED(st));
    CHECK(!WIFSIGNALED(st));
    CHECK_EQ(WEXITSTATUS(st), want);
    CHECK_EQ(st, want << 8);
    CHECK(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec < 1000000);
    CHECK(ru.ru_maxrss > 0);
}

int main(void)
{
    expect_code(0, 0);
    expect_code(1, 1);
    expect_code(255, 255);
    expect_code(256, 0);
    expect_code(-1, 255);

    /* No children left. */
    int st;
    CHECK_ERR(wait4(-1, &st, 0, NULL), ECHILD);
    CHECK_ERR(wait4(-1, &st, WNOHANG, NULL), ECHILD);
    /* Our parent is not our child. */
    CHECK_ERR(wait4(getppid(), &st, 0, NULL), ECHILD);
    CHECK_ERR(wait4(-1, &st, 0x100, NULL), EINVAL);
    /* WNOWAIT is for waitid only. */
    CHECK_ERR(wait4(-1, &st, WNOWAIT, NULL), EINVAL);

    /* WNOHANG with a running child returns 0 and leaves status alone. */
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[1]);
        char c;
        _exit(read(p[0], &c, 1) == 0 ? 17 : 1);
    }
    close(p[0]);
    st = 12345;
    CHECK_EQ(wait4(child, &st, WNOHANG, NULL), 0);
    CHECK_EQ(st, 12345);
    close(p[1]);
    /* wait4(-1) picks up any child; a NULL status pointer is allowed. */
    CHECK_EQ(wait4(-1, NULL, 0, NULL), child);

    /* The fork return values: child sees 0, parent the child's pid, which the child knows as
     * getpid(). */
    CHECK(pipe(p) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pid_t me = getpid();
        _exit(write(p[1], &me, sizeof(me)) == sizeof(me) ? 0 : 1);
    }
    pid_t reported;
    CHECK_EQ(read(p[0], &reported, sizeof(reported)), sizeof(reported));
    CHECK_EQ(reported, child);
    test_wait_exit(child, 0);

    /* A bad status pointer gives EFAULT, but the status is copied out after the reap: the
     * child is gone afterwards. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(4);
    siginfo_t si;
    CHECK(waitid(P_PID, child, &si, WEXITED | WNOWAIT) == 0);
    CHECK_ERR(syscall(SYS_wait4, child, (void *)8, 0, NULL), EFAULT);
    CHECK_ERR(waitpid(child, &st, WNOHANG), ECHILD);
    TEST_OK();
}
