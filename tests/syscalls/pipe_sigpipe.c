/* SPDX-License-Identifier: Apache-2.0 */
/* Writing to a pipe without readers raises SIGPIPE (default: death); with SIGPIPE ignored or
 * blocked, or after a handler, the write fails with EPIPE. */
#include "test.h"

#include <signal.h>

static volatile sig_atomic_t g_calls;
static volatile int g_code, g_pid;

static void on_pipe(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    g_code = info->si_code;
    g_pid = info->si_pid;
    g_calls++;
}

int main(void)
{
    int p[2];

    /* Default action: killed by SIGPIPE. */
    CHECK(pipe(p) == 0);
    close(p[0]);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        signal(SIGPIPE, SIG_DFL);
        (void)!write(p[1], "x", 1);
        _exit(0);
    }
    int st = test_wait(child);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGPIPE);

    /* Ignored: EPIPE. */
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);

    /* Handler: it runs (si_code SI_USER, our pid), then EPIPE. */
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_pipe;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGPIPE, &sa, NULL) == 0);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(g_code, SI_USER);
    CHECK_EQ(g_pid, getpid());

    /* Blocked: EPIPE and SIGPIPE pending. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    sigset_t pend;
    CHECK(sigpending(&pend) == 0);
    CHECK(sigismember(&pend, SIGPIPE));
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
    CHECK_EQ(g_calls, 2);

    /* A zero-length write to a widowed pipe: no data, no signal, returns 0. */
    CHECK_EQ(write(p[1], "", 0), 0);
    CHECK_EQ(g_calls, 2);
    close(p[1]);
    TEST_OK();
}
