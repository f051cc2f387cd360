/* SPDX-License-Identifier: Apache-2.0 */
/* execve of /proc/self/exe passes argv and envp exactly, keeps the pid and open fds, resets
 * handled signals to default and keeps ignored ones and the signal mask. */
#include "test.h"

#include <signal.h>

static void on_usr1(int sig)
{
    (void)sig;
}

static int child_main(int argc, char **argv, char **envp)
{
    /* argv: exe --child <fd> "two words" "" */
    CHECK_EQ(argc, 5);
    CHECK(strcmp(argv[3], "two words") == 0);
    CHECK(strcmp(argv[4], "") == 0);
    CHECK(argv[5] == NULL);
    /* The environment is exactly what was passed. */
    int n = 0;
    while (envp[n])
        n++;
    CHECK_EQ(n, 2);
    CHECK(strcmp(envp[0], "MARKER=42") == 0);
    CHECK(strcmp(envp[1], "EMPTY=") == 0);
    CHECK(strcmp(getenv("MARKER"), "42") == 0);

    struct sigaction sa;
    CHECK(sigaction(SIGUSR1, NULL, &sa) == 0);
    CHECK(sa.sa_handler == SIG_DFL);
    CHECK(sigaction(SIGUSR2, NULL, &sa) == 0);
    CHECK(sa.sa_handler == SIG_IGN);
    sigset_t cur;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &cur) == 0);
    CHECK(sigismember(&cur, SIGHUP));
    CHECK(!sigismember(&cur, SIGUSR1));

    /* The inherited fd still works; report our pid through it. */
    int fd = atoi(argv[2]);
    pid_t me = getpid();
    CHECK_EQ(write(fd, &me, sizeof(me)), sizeof(me));
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0) {
        int rc = child_main(argc, argv, envp);
        if (rc == 0)
            return 42;
        return rc;
    }

    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[0]);
        signal(SIGUSR1, on_usr1);
        signal(SIGUSR2, SIG_IGN);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGHUP);
        sigprocmask(SIG_BLOCK, &set, NULL);
        char fdbuf[16];
        snprintf(fdbuf, sizeof(fdbuf), "%d", p[1]);
        char *args[] = { "renamed-argv0", "--child", fdbuf, "two words", "", NULL };
        char *env[] = { "MARKER=42", "EMPTY=", NULL };
        execve("/proc/self/exe", args, env);
        _exit(99);
    }
    close(p[1]);
    pid_t reported = 0;
    CHECK_EQ(read(p[0], &reported, sizeof(reported)), sizeof(reported));
    CHECK_EQ(reported, child);
    test_wait_exit(child, 42);
    TEST_OK();
}
