/* SPDX-License-Identifier: Apache-2.0 */
/* SIGSTOP/SIGCONT are reported by waitpid with WUNTRACED and WCONTINUED, once each. */
#include "test.h"

#include <signal.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[1]);
        char c;
        /* Exits with the byte read once resumed. */
        _exit(read(p[0], &c, 1) == 1 ? c : 99);
    }
    close(p[0]);

    int st;
    /* Nothing to report yet. */
    CHECK_EQ(waitpid(child, &st, WNOHANG | WUNTRACED | WCONTINUED), 0);

    CHECK(kill(child, SIGSTOP) == 0);
    CHECK_EQ(waitpid(child, &st, WUNTRACED), child);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGSTOP);
    /* The stop is reported only once. */
    CHECK_EQ(waitpid(child, &st, WNOHANG | WUNTRACED), 0);

    /* Without WUNTRACED a stopped child is not reported. */
    CHECK_EQ(waitpid(child, &st, WNOHANG), 0);

    CHECK(kill(child, SIGCONT) == 0);
    CHECK_EQ(waitpid(child, &st, WCONTINUED), child);
    CHECK(WIFCONTINUED(st));
    CHECK_EQ(st, 0xffff);
    CHECK_EQ(waitpid(child, &st, WNOHANG | WCONTINUED), 0);

    /* SIGTSTP with the default action stops too. */
    CHECK(kill(child, SIGTSTP) == 0);
    CHECK_EQ(waitpid(child, &st, WUNTRACED), child);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGTSTP);
    CHECK(kill(child, SIGCONT) == 0);
    CHECK_EQ(waitpid(child, &st, WCONTINUED), child);
    CHECK(WIFCONTINUED(st));

    CHECK(write(p[1], "\x07", 1) == 1);
    test_wait_exit(child, 7);
    TEST_OK();
}
