/* SPDX-License-Identifier: Apache-2.0 */
/* kill(0, sig) signals the caller's process group, kill(-pgrp, sig) a named group, and an
 * empty group gives ESRCH. */
#include "test.h"

#include <signal.h>

static volatile sig_atomic_t g_calls;

static void on_usr1(int sig)
{
    (void)sig;
    g_calls++;
}

/* Runs in a fresh process group so kill(0) does not hit the test runner. */
static int leader(void)
{
    CHECK(setpgid(0, 0) == 0);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        CHECK(kids[i] >= 0);
        if (kids[i] == 0) {
            /* Default action of SIGUSR1 terminates the grandchild. */
            signal(SIGUSR1, SIG_DFL);
            close(ready[0]);
            CHECK(write(ready[1], "r", 1) == 1);
            for (;;)
                pause();
        }
    }
    close(ready[1]);
    char c;
    for (int i = 0; i < 2; i++)
        CHECK(read(ready[0], &c, 1) == 1);
    CHECK_EQ(getpgid(kids[0]), getpid());

    CHECK(kill(0, SIGUSR1) == 0);
    CHECK_EQ(g_calls, 1);
    for (int i = 0; i < 2; i++) {
        int st = test_wait(kids[i]);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);
    }

    /* kill(-pgrp) on our own group. */
    CHECK(kill(-getpgrp(), SIGUSR1) == 0);
    CHECK_EQ(g_calls, 2);

    /* A group with no members. */
    CHECK_ERR(kill(-kids[0], SIGUSR1), ESRCH);
    CHECK_ERR(kill(kids[0], SIGUSR1), ESRCH);
    return 0;
}

int main(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(leader());
    test_wait_exit(child, 0);
    CHECK_ERR(kill(-child, 0), ESRCH);
    TEST_OK();
}
