/* SPDX-License-Identifier: Apache-2.0 */
/* Blocked signals show in sigpending, standard signals coalesce, and unblocking delivers them. */
#include "test.h"

#include <signal.h>
#include <sys/syscall.h>

static volatile sig_atomic_t g_usr1, g_usr2;

static void on_sig(int sig)
{
    if (sig == SIGUSR1)
        g_usr1++;
    else
        g_usr2++;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_sig;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);

    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    CHECK(!sigismember(&old, SIGUSR1));

    CHECK(sigpending(&pend) == 0);
    CHECK(sigisemptyset(&pend));
    CHECK(raise(SIGUSR1) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(sigpending(&pend) == 0);
    CHECK(sigismember(&pend, SIGUSR1));
    CHECK(!sigismember(&pend, SIGUSR2));
    CHECK_EQ(g_usr1, 0);

    /* Unblocking only SIGUSR1 delivers it once (both the thread and process copies coalesce
     * per set: raise() is thread-directed, kill() process-directed, so it may run twice). */
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, SIGUSR1);
    CHECK(sigprocmask(SIG_UNBLOCK, &one, NULL) == 0);
    CHECK(g_usr1 == 2);
    CHECK(sigpending(&pend) == 0);
    CHECK(sigisemptyset(&pend));

    /* Two raises of the same standard signal coalesce into one delivery. */
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK(raise(SIGUSR2) == 0);
    CHECK(raise(SIGUSR2) == 0);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
    CHECK_EQ(g_usr2, 1);

    /* SIGKILL and SIGSTOP cannot be blocked: the kernel drops them from the mask. */
    sigset_t all;
    sigfillset(&all);
    CHECK(sigprocmask(SIG_SETMASK, &all, NULL) == 0);
    sigset_t cur;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &cur) == 0);
    CHECK(!sigismember(&cur, SIGKILL));
    CHECK(!sigismember(&cur, SIGSTOP));
    CHECK(sigismember(&cur, SIGUSR1));
    CHECK(sigismember(&cur, SIGRTMAX));

    /* Bad arguments. */
    CHECK_ERR(sigprocmask(42, &set, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)1, NULL, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigpending, (void *)1, 8), EFAULT);
    TEST_OK();
}
