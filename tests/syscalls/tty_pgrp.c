/* SPDX-License-Identifier: Apache-2.0 */
/* TIOCGPGRP/TIOCSPGRP (tcgetpgrp/tcsetpgrp): the session leader's group starts in the
 * foreground; it can move another group of its session to the foreground; a group of another
 * session or a missing one is EPERM/ESRCH; without a controlling tty it is ENOTTY; the master
 * side reports the slave's foreground group. */
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
    char name[64];
    CHECK(ptsname_r(m, name, sizeof(name)) == 0);
    int s0 = open(name, O_RDWR | O_NOCTTY);
    CHECK(s0 >= 0);
    /* We are not its session: ENOTTY. */
    pid_t pg;
    CHECK_ERR(ioctl(s0, TIOCGPGRP, &pg), ENOTTY);
    close(s0);

    int go[2], res[2];
    CHECK(pipe(go) == 0 && pipe(res) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setsid() == getpid());
        int s = open(name, O_RDWR);
        CHECK(s >= 0);
        CHECK_EQ(tcgetpgrp(s), getpid());
        /* A second group in our session. */
        pid_t g = fork();
        CHECK(g >= 0);
        if (g == 0) {
            setpgid(0, 0);
            char c;
            (void)read(go[0], &c, 1);
            _exit(0);
        }
        CHECK(setpgid(g, g) == 0 || errno == EACCES);
        signal(SIGTTOU, SIG_IGN); /* we become a background group below */
        CHECK(tcsetpgrp(s, g) == 0);
        CHECK_EQ(tcgetpgrp(s), g);
        pid_t fg = 0;
        CHECK(ioctl(m, TIOCGPGRP, &fg) == 0); /* master side */
        CHECK_EQ(fg, g);
        CHECK(tcsetpgrp(s, getpid()) == 0);
        pid_t bogus = 999999;
        CHECK_ERR(ioctl(s, TIOCSPGRP, &bogus), ESRCH);
        pid_t parent_grp = getpgid(getppid());
        CHECK_ERR(ioctl(s, TIOCSPGRP, &parent_grp), EPERM);
        pid_t neg = -1;
        CHECK_ERR(ioctl(s, TIOCSPGRP, &neg), EINVAL);
        CHECK_EQ(write(go[1], "x", 1), 1);
        test_wait_exit(g, 0);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    /* No controlling tty here at all (stdin is not a tty under the runner): ENOTTY/EBADF. */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(tcgetpgrp(p[0]), ENOTTY);
    close(m);
    TEST_OK();
}
