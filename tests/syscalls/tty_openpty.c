/* SPDX-License-Identifier: Apache-2.0 */
/* Opening a pty through /dev/ptmx: posix_openpt + grantpt + unlockpt + ptsname give
 * /dev/pts/N matching TIOCGPTN; the slave cannot be opened while locked (EIO); TIOCGPTPEER
 * opens the peer; data flows both ways; the slave is a character device owned by us with the
 * devpts major (136+). */
#include "test.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(isatty(m));
    int n = -1;
    CHECK(ioctl(m, TIOCGPTN, &n) == 0);
    CHECK(n >= 0);
    char *name = ptsname(m);
    CHECK(name != NULL);
    char want[32];
    snprintf(want, sizeof(want), "/dev/pts/%d", n);
    CHECK(strcmp(name, want) == 0);

    CHECK_ERR(open(name, O_RDWR | O_NOCTTY), EIO); /* still locked */
    CHECK(grantpt(m) == 0);
    CHECK(unlockpt(m) == 0);
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    struct stat st;
    CHECK(fstat(s, &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK(major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143);
    CHECK_EQ(st.st_uid, getuid());
    int lock = 1;
    CHECK(ioctl(m, TIOCGPTLCK, &lock) == 0);
    CHECK_EQ(lock, 0);

    /* Raw mode so bytes pass unchanged. */
    struct termios t;
    CHECK(tcgetattr(s, &t) == 0);
    cfmakeraw(&t);
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    CHECK_EQ(write(m, "to-slave", 8), 8);
    char buf[16];
    CHECK_EQ(read(s, buf, sizeof(buf)), 8);
    CHECK(memcmp(buf, "to-slave", 8) == 0);
    CHECK_EQ(write(s, "to-master", 9), 9);
    CHECK_EQ(read(m, buf, sizeof(buf)), 9);
    CHECK(memcmp(buf, "to-master", 9) == 0);

    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    CHECK(peer >= 0);
    struct stat st2;
    CHECK(fstat(peer, &st2) == 0);
    CHECK_EQ(st2.st_rdev, st.st_rdev);
    close(peer);
    /* TIOCGPTN on the slave is ENOTTY. */
    CHECK_ERR(ioctl(s, TIOCGPTN, &n), ENOTTY);
    /* Each ptmx open is a new pair. */
    int m2 = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m2 >= 0);
    int n2;
    CHECK(ioctl(m2, TIOCGPTN, &n2) == 0);
    CHECK(n2 != n);
    close(m2);
    close(s);
    close(m);
    TEST_OK();
}
