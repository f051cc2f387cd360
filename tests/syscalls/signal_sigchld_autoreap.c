/* SPDX-License-Identifier: Apache-2.0 */
/* With SIGCHLD set to SIG_IGN (or SA_NOCLDWAIT), children are reaped automatically and wait
 * blocks until all are gone, then fails with ECHILD. */
#include "test.h"

#include <signal.h>

static void run(int use_nocldwait)
{
    struct sigaction sa = { 0 };
    if (use_nocldwait) {
        sa.sa_handler = SIG_DFL;
        sa.sa_flags = SA_NOCLDWAIT;
    } else {
        sa.sa_handler = SIG_IGN;
    }
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        CHECK(kids[i] >= 0);
        if (kids[i] == 0)
            _exit(i);
    }
    int st;
    /* wait() waits for all children to exit, then reports ECHILD. */
    CHECK_ERR(wait(&st), ECHILD);
    for (int i = 0; i < 3; i++)
        CHECK_ERR(kill(kids[i], 0), ESRCH);
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
}

int main(void)
{
    run(0);
    run(1);
    /* Back to the default: children become zombies again and are reported. */
    CHECK(signal(SIGCHLD, SIG_DFL) != SIG_ERR);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(9);
    test_wait_exit(child, 9);
    TEST_OK();
}
