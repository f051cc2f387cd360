/* SPDX-License-Identifier: Apache-2.0 */
/* Packet mode (TIOCPKT): every master read starts with a status byte, TIOCPKT_DATA (0) before
 * data, and a flush of the slave's input queue is reported as TIOCPKT_FLUSHREAD; turning it
 * off returns plain data again. */
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
    struct termios t;
    CHECK(tcgetattr(s, &t) == 0);
    cfmakeraw(&t);
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);

    int on = 1;
    CHECK(ioctl(m, TIOCPKT, &on) == 0);
    int mode = 0;
    CHECK(ioctl(m, TIOCGPKT, &mode) == 0);
    CHECK_EQ(mode, 1);
    CHECK_EQ(write(s, "data", 4), 4);
    struct pollfd p = { .fd = m, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    char buf[16];
    CHECK_EQ(read(m, buf, sizeof(buf)), 5);
    CHECK_EQ(buf[0], TIOCPKT_DATA);
    CHECK(memcmp(buf + 1, "data", 4) == 0);

    /* Flushing the slave's input is reported to the master. */
    CHECK(tcflush(s, TCIFLUSH) == 0);
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK_EQ(read(m, buf, sizeof(buf)), 1);
    CHECK(buf[0] & TIOCPKT_FLUSHREAD);

    int off = 0;
    CHECK(ioctl(m, TIOCPKT, &off) == 0);
    CHECK_EQ(write(s, "raw", 3), 3);
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK_EQ(read(m, buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "raw", 3) == 0);
    /* TIOCPKT on the slave is ENOTTY. */
    CHECK_ERR(ioctl(s, TIOCPKT, &on), ENOTTY);
    close(s);
    close(m);
    TEST_OK();
}
