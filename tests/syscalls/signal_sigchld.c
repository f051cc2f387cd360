/* SPDX-License-Identifier: Apache-2.0 */
/* SIGCHLD on child exit carries CLD_EXITED / CLD_KILLED with pid and status; SA_NOCLDSTOP
 * suppresses stop notifications. */
#include "test.h"

#include <signal.h>

static volatile sig_atomic_t g_calls;
static volatile siginfo_t g_info;

static void on_chld(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    memcpy((void *)&g_info, info, sizeof(*info));
    g_calls++;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(42);
    /* Wait for the signal itself before reaping. */
    sigset_t empty;
    sigemptyset(&empty);
    while (g_calls == 0)
        sigsuspend(&empty);
    CHECK_EQ(g_info.si_signo, SIGCHLD);
    CHECK_EQ(g_info.si_code, CLD_EXITED);
    CHECK_EQ(g_info.si_pid, child);
    CHECK_EQ(g_info.si_status, 42);
    CHECK_EQ(g_info.si_uid, getuid());
    test_wait_exit(child, 42);

    /* Killed child. Stops are not reported because of SA_NOCLDSTOP. */
    g_calls = 0;
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        for (;;)
            pause();
    }
    CHECK(kill(child, SIGSTOP) == 0);
    int st;
    CHECK_EQ(waitpid(child, &st, WUNTRACED), child);
    CHECK(WIFSTOPPED(st));
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGCHLD));
    CHECK(kill(child, SIGKILL) == 0);
    while (g_calls == 0)
        sigsuspend(&empty);
    CHECK_EQ(g_info.si_code, CLD_KILLED);
    CHECK_EQ(g_info.si_status, SIGKILL);
    CHECK_EQ(g_info.si_pid, child);
    st = test_wait(child);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    TEST_OK();
}
