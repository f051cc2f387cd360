/* SPDX-License-Identifier: Apache-2.0 */
/* SA_RESETHAND restores SIG_DFL on delivery. Unlike what POSIX suggests, Linux still blocks the
 * signal inside the handler unless SA_NODEFER is also given. */
#include "test.h"

#include <signal.h>

static volatile sig_atomic_t g_calls, g_self_blocked;

static void on_usr1(int sig)
{
    (void)sig;
    g_calls++;
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    g_self_blocked = sigismember(&cur, SIGUSR1);
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESETHAND;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_self_blocked, 1);

    struct sigaction old;
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0);
    CHECK(old.sa_handler == SIG_DFL);
    /* Linux only resets the handler; the flags stay as they were. */
    CHECK(old.sa_flags & SA_RESETHAND);

    /* With SA_NODEFER as well, the signal is not blocked in the handler. */
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK_EQ(g_calls, 2);
    CHECK_EQ(g_self_blocked, 0);
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0);
    CHECK(old.sa_handler == SIG_DFL);

    /* The second delivery takes the default action: the process dies. Check in a child. */
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        raise(SIGUSR1);
        raise(SIGUSR1);
        _exit(0);
    }
    int status = test_wait(child);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGUSR1);
    TEST_OK();
}
