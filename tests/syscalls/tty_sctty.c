/* SPDX-License-Identifier: Apache-2.0 */
/* Controlling terminals: a session leader acquires one with TIOCSCTTY (or by opening without
 * O_NOCTTY); /dev/tty then opens it; a second tty is EPERM; a non-leader gets EPERM; a tty
 * owned by another session is EPERM without force; TIOCNOTTY gives it up (and SIGHUP goes to
 * the foreground group when the leader does so). */
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

static int new_pty(char *name, size_t len)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
    CHECK(ptsname_r(m, name, len) == 0);
    return m;
}

int main(void)
{
    char n1[64], n2[64];
    int m1 = new_pty(n1, sizeof(n1));
    int m2 = new_pty(n2, sizeof(n2));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setsid() == getpid());
        CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
        int s1 = open(n1, O_RDWR | O_NOCTTY);
        CHECK(s1 >= 0);
        CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO); /* O_NOCTTY did not attach it */
        CHECK(ioctl(s1, TIOCSCTTY, 0) == 0);
        CHECK(ioctl(s1, TIOCSCTTY, 0) == 0); /* already ours: fine */
        int tty = open("/dev/tty", O_RDWR);
        CHECK(tty >= 0);
        /* The fd describes the /dev/tty node (5:0), but I/O goes to our pty. */
        struct stat a;
        CHECK(fstat(tty, &a) == 0);
        CHECK_EQ(a.st_rdev, makedev(5, 0));
        CHECK_EQ(write(tty, "via-tty", 7), 7);
        char buf[16];
        CHECK_EQ(read(m1, buf, sizeof(buf)), 7);
        CHECK(memcmp(buf, "via-tty", 7) == 0);
        CHECK_EQ(tcgetsid(s1), getpid());
        int s2 = open(n2, O_RDWR | O_NOCTTY);
        CHECK(s2 >= 0);
        CHECK_ERR(ioctl(s2, TIOCSCTTY, 0), EPERM); /* we already have one */
        CHECK_ERR(tcgetsid(s2), ENOTTY);

        /* A child in our session (not a leader) cannot steal tty 2. */
        pid_t g = fork();
        CHECK(g >= 0);
        if (g == 0) {
            CHECK_ERR(ioctl(s2, TIOCSCTTY, 0), EPERM);
            /* In its own new session it still cannot take our tty 1 without force. */
            CHECK(setsid() == getpid());
            CHECK_ERR(ioctl(s1, TIOCSCTTY, 0), EPERM);
            _exit(0);
        }
        test_wait_exit(g, 0);

        /* Give it up: SIGHUP/SIGCONT go to the foreground group (us), so ignore SIGHUP. */
        signal(SIGHUP, SIG_IGN);
        CHECK(ioctl(tty, TIOCNOTTY) == 0);
        CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
        CHECK_ERR(tcgetsid(s1), ENOTTY);
        /* Opening a tty without O_NOCTTY as a leader without a ctty acquires it. */
        int s2b = open(n2, O_RDWR);
        CHECK(s2b >= 0);
        CHECK_EQ(tcgetsid(s2b), getpid());
        _exit(0);
    }
    test_wait_exit(pid, 0);
    close(m1);
    close(m2);
    TEST_OK();
}
