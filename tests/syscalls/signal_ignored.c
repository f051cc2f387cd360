/* SPDX-License-Identifier: Apache-2.0 */
/* Ignored signals are discarded, but a blocked ignored signal stays pending; setting SIG_IGN
 * discards a pending signal; SIG_IGN survives exec-free fork. */
#include "test.h"

#include <signal.h>

int main(void)
{
    CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
    CHECK(raise(SIGUSR1) == 0);
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGUSR1));

    /* Blocked + ignored: Linux queues it because the handler may change before unblock. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(sigpending(&pend) == 0);
    CHECK(sigismember(&pend, SIGUSR1));
    /* Setting SIG_IGN (again) discards the pending signal. */
    CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGUSR1));

    /* Setting SIG_DFL for a signal whose default is ignore (SIGCHLD) also discards. */
    sigaddset(&set, SIGCHLD);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK(raise(SIGCHLD) == 0);
    CHECK(sigpending(&pend) == 0);
    CHECK(sigismember(&pend, SIGCHLD));
    CHECK(signal(SIGCHLD, SIG_DFL) != SIG_ERR);
    CHECK(sigpending(&pend) == 0);
    CHECK(!sigismember(&pend, SIGCHLD));
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);

    /* The ignore disposition is inherited by a forked child. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        raise(SIGUSR1);
        _exit(3);
    }
    test_wait_exit(child, 3);

    /* SIGKILL cannot be ignored. */
    CHECK(signal(SIGKILL, SIG_IGN) == SIG_ERR);
    CHECK_EQ(errno, EINVAL);
    TEST_OK();
}
