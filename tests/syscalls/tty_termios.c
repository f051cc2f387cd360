/* SPDX-License-Identifier: Apache-2.0 */
/* termios round-trips: tcsetattr/tcgetattr keep flags and control characters, the master and
 * slave share one termios, speeds set with cfsetospeed read back, TCSAFLUSH discards pending
 * input, tcflush(TCIFLUSH) too, FIONREAD counts pending input, and bad actions are EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
    char name[64];
    CHECK(ptsname_r(m, name, sizeof(name)) == 0);
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);

    struct termios t, u;
    CHECK(tcgetattr(s, &t) == 0);
    /* Linux defaults for a new pty. */
    CHECK(t.c_lflag & ICANON);
    CHECK(t.c_lflag & ISIG);
    CHECK(t.c_iflag & ICRNL);
    CHECK_EQ(t.c_cc[VINTR], 3);
    CHECK_EQ(t.c_cc[VEOF], 4);
    CHECK_EQ(t.c_cc[VERASE], 0177);
    CHECK_EQ(t.c_cflag & CSIZE, CS8);

    t.c_lflag &= ~(ECHO | ICANON);
    t.c_cc[VMIN] = 7;
    t.c_cc[VTIME] = 3;
    CHECK(cfsetospeed(&t, B9600) == 0);
    CHECK(cfsetispeed(&t, B9600) == 0);
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    CHECK(tcgetattr(m, &u) == 0); /* the master reports the same termios */
    CHECK(!(u.c_lflag & ECHO) && !(u.c_lflag & ICANON));
    CHECK_EQ(u.c_cc[VMIN], 7);
    CHECK_EQ(u.c_cc[VTIME], 3);
    CHECK_EQ(cfgetospeed(&u), B9600);

    /* Pending input and flushing. */
    CHECK_EQ(write(m, "abcdef", 6), 6);
    struct pollfd p = { .fd = s, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    int n = 0;
    CHECK(ioctl(s, FIONREAD, &n) == 0);
    CHECK_EQ(n, 6);
    CHECK(tcflush(s, TCIFLUSH) == 0);
    CHECK(ioctl(s, FIONREAD, &n) == 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(write(m, "xyz", 3), 3);
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK(tcsetattr(s, TCSAFLUSH, &t) == 0);
    CHECK(ioctl(s, FIONREAD, &n) == 0);
    CHECK_EQ(n, 0);

    CHECK_ERR(tcsetattr(s, 42, &t), EINVAL);
    CHECK_ERR(tcflush(s, 42), EINVAL);
    CHECK(tcdrain(s) == 0);
    /* The slave's output is readable on the master (once the pty has moved it over). */
    CHECK_EQ(write(s, "out", 3), 3);
    struct pollfd pm = { .fd = m, .events = POLLIN };
    CHECK_EQ(poll(&pm, 1, 5000), 1);
    CHECK(ioctl(m, FIONREAD, &n) == 0);
    CHECK_EQ(n, 3);
    close(s);
    close(m);
    TEST_OK();
}
