/* SPDX-License-Identifier: Apache-2.0 */
/* A child with a non-SIGCHLD exit signal is a "clone" child: plain wait ignores it, __WCLONE
 * or __WALL finds it, and the parent receives the chosen signal on exit. */
#include "test.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);

    long r = syscall(SYS_clone, SIGUSR1, NULL, NULL, NULL, NULL);
    CHECK(r >= 0);
    if (r == 0)
        _exit(12);
    pid_t child = (pid_t)r;

    siginfo_t si;
    CHECK_EQ(sigwaitinfo(&set, &si), SIGUSR1);
    CHECK_EQ(si.si_pid, child);
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_status, 12);

    int st;
    /* Without __WCLONE/__WALL, a clone child is invisible: ECHILD (no other children). */
    CHECK_ERR(waitpid(child, &st, 0), ECHILD);
    CHECK_EQ(waitpid(child, &st, __WCLONE), child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 12);

    /* Exit signal 0: no signal at all, __WALL reaps it. */
    r = syscall(SYS_clone, 0, NULL, NULL, NULL, NULL);
    CHECK(r >= 0);
    if (r == 0)
        _exit(13);
    CHECK_EQ(waitpid((pid_t)r, &st, __WALL), r);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 13);
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(sigisemptyset(&pend));

    /* A normal SIGCHLD child is not found with __WCLONE. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(14);
    CHECK_ERR(waitpid(child, &st, __WCLONE), ECHILD);
    test_wait_exit(child, 14);
    TEST_OK();
}
