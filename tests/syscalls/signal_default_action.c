/* SPDX-License-Identifier: Apache-2.0 */
/* Default actions: SIGTERM/SIGKILL/SIGUSR1 terminate (WTERMSIG), SIGCHLD/SIGURG/SIGWINCH are
 * ignored, and exit status encodes the signal number. */
#include "test.h"

#include <signal.h>

static void expect_killed_by(int sig)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        raise(sig);
        _exit(0);
    }
    int st = test_wait(child);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != sig) {
        fprintf(stderr, "FAIL: signal %d gave status 0x%x\n", sig, st);
        exit(1);
    }
    CHECK(!WIFEXITED(st));
    CHECK_EQ(st & 0x7f, sig);
}

static void expect_ignored(int sig)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        raise(sig);
        _exit(5);
    }
    test_wait_exit(child, 5);
}

int main(void)
{
    expect_killed_by(SIGTERM);
    expect_killed_by(SIGKILL);
    expect_killed_by(SIGUSR1);
    expect_killed_by(SIGHUP);
    expect_killed_by(SIGPIPE);
    expect_killed_by(SIGALRM);
    expect_killed_by(SIGRTMIN);
    expect_ignored(SIGCHLD);
    expect_ignored(SIGURG);
    expect_ignored(SIGWINCH);
    /* SIGCONT's default action is to continue, which a running process ignores. */
    expect_ignored(SIGCONT);

    /* A child blocked in a syscall is killed by SIGTERM from the parent. */
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[0]);
        char c;
        CHECK(write(p[1], "r", 1) == 1);
        for (;;)
            pause();
        (void)c;
    }
    close(p[1]);
    char c;
    CHECK(read(p[0], &c, 1) == 1);
    CHECK(kill(child, SIGTERM) == 0);
    int st = test_wait(child);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGTERM);
    TEST_OK();
}
