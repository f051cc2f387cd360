/* SPDX-License-Identifier: Apache-2.0 */
/* Hang-ups: once the last slave fd is closed, master reads fail with EIO (after draining any
 * data) and poll reports POLLHUP; reopening the slave brings the pair back; after the master
 * is closed, slave reads return 0 (EOF) and writes fail with EIO. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
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

    CHECK_EQ(write(s, "last", 4), 4);
    close(s);
    struct pollfd p = { .fd = m, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    char buf[16];
    CHECK_EQ(read(m, buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "last", 4) == 0);
    CHECK_ERR(read(m, buf, sizeof(buf)), EIO);
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK(p.revents & POLLHUP);

    /* Reopen the slave: reads block again (non-blocking: EAGAIN). */
    s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    int fl = fcntl(m, F_GETFL);
    CHECK(fcntl(m, F_SETFL, fl | O_NONBLOCK) == 0);
    CHECK_ERR(read(m, buf, sizeof(buf)), EAGAIN);

    /* Close the master: the slave sees EOF on read, EIO on write. */
    close(m);
    CHECK_EQ(read(s, buf, sizeof(buf)), 0);
    CHECK_ERR(write(s, "x", 1), EIO);
    p.fd = s;
    p.events = POLLIN | POLLOUT;
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK(p.revents & POLLHUP);
    close(s);
    /* The pts node is gone once both sides are closed. */
    CHECK_ERR(open(name, O_RDWR | O_NOCTTY), ENOENT);
    TEST_OK();
}
