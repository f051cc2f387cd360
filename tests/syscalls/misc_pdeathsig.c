/* SPDX-License-Identifier: Apache-2.0 */
/* PR_SET_PDEATHSIG delivers the chosen signal when the parent dies, is readable with
 * PR_GET_PDEATHSIG, and is cleared in the child of a fork. */
#include "test.h"

#include <signal.h>
#include <sys/prctl.h>

int main(void)
{
    /* The test process is the subreaper so the orphan is reparented here and can be reaped. */
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
    int p[2];
    CHECK(pipe(p) == 0);

    pid_t middle = fork();
    CHECK(middle >= 0);
    if (middle == 0) {
        int ready[2];
        if (pipe(ready) != 0)
            _exit(1);
        pid_t gc = fork();
        if (gc < 0)
            _exit(1);
        if (gc == 0) {
            close(p[0]);
            close(ready[0]);
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGUSR1);
            sigprocmask(SIG_BLOCK, &set, NULL);
            if (prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0) != 0)
                _exit(2);
            int sig = 0;
            prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
            if (sig != SIGUSR1)
                _exit(3);
            /* The pdeathsig setting is not inherited by our own children. */
            pid_t ggc = fork();
            if (ggc == 0) {
                int s = -1;
                prctl(PR_GET_PDEATHSIG, &s, 0, 0, 0);
                _exit(s == 0 ? 0 : 1);
            }
            int st;
            waitpid(ggc, &st, 0);
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                _exit(4);
            /* Tell the middle process it may die, then wait for the signal. */
            if (write(ready[1], "r", 1) != 1)
                _exit(5);
            siginfo_t si;
            if (sigwaitinfo(&set, &si) != SIGUSR1)
                _exit(6);
            /* Sent by the kernel on the parent's death: si_pid is the dead parent. */
            int info[2] = { si.si_code, si.si_pid };
            _exit(write(p[1], info, sizeof(info)) == sizeof(info) ? 0 : 7);
        }
        close(ready[1]);
        char c;
        _exit(read(ready[0], &c, 1) == 1 ? 0 : 8);
    }
    close(p[1]);
    test_wait_exit(middle, 0);
    int info[2];
    CHECK_EQ(read(p[0], info, sizeof(info)), sizeof(info));
    CHECK_EQ(info[0], SI_USER);
    CHECK_EQ(info[1], middle);
    /* The orphan was reparented to us. */
    int st;
    pid_t r = wait(&st);
    CHECK(r > 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    TEST_OK();
}
