/* SPDX-License-Identifier: Apache-2.0 */
/* sigsuspend atomically swaps the mask, returns EINTR after a handler, and restores the mask. */
#include "test.h"

#include <signal.h>

static volatile sig_atomic_t g_calls, g_usr2_blocked_in_handler;

static void on_usr1(int sig)
{
    (void)sig;
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    g_usr2_blocked_in_handler = sigismember(&cur, SIGUSR2);
    g_calls++;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);

    /* A pending signal is delivered as soon as sigsuspend unblocks it. */
    CHECK(raise(SIGUSR1) == 0);
    CHECK_EQ(g_calls, 0);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    sigaddset(&wait_mask, SIGUSR2);
    CHECK_ERR(sigsuspend(&wait_mask), EINTR);
    CHECK_EQ(g_calls, 1);
    /* The handler ran with the temporary mask (SIGUSR2 blocked). */
    CHECK_EQ(g_usr2_blocked_in_handler, 1);
    sigset_t cur;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &cur) == 0);
    CHECK(sigismember(&cur, SIGUSR1));
    CHECK(!sigismember(&cur, SIGUSR2));

    /* A signal from another process wakes a sleeping sigsuspend. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    sigemptyset(&wait_mask);
    CHECK_ERR(sigsuspend(&wait_mask), EINTR);
    CHECK_EQ(g_calls, 2);
    test_wait_exit(child, 0);
    TEST_OK();
}
