/* SPDX-License-Identifier: Apache-2.0 */
/* Echo and output processing: with ECHO the master reads back what it typed (newline as
 * CR NL through ONLCR), without ECHO nothing comes back; ECHOCTL shows control characters as
 * ^X; OPOST|ONLCR turns the slave's "\n" into "\r\n", and without OPOST bytes pass as is. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>

static void open_pty(int *m, int *s)
{
    *m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(*m >= 0);
    CHECK(grantpt(*m) == 0 && unlockpt(*m) == 0);
    *s = open(ptsname(*m), O_RDWR | O_NOCTTY);
    CHECK(*s >= 0);
}

/* Reads exactly `n` bytes from the master (which may arrive in pieces). */
static void read_master(int m, char *buf, int n)
{
    int got = 0;
    while (got < n) {
        struct pollfd p = { .fd = m, .events = POLLIN };
        CHECK_EQ(poll(&p, 1, 5000), 1);
        long r = read(m, buf + got, n - got);
        CHECK(r > 0);
        got += (int)r;
    }
}

static int master_quiet(int m)
{
    struct pollfd p = { .fd = m, .events = POLLIN };
    return poll(&p, 1, 20) == 0;
}

int main(void)
{
    int m, s;
    open_pty(&m, &s);
    struct termios t;
    CHECK(tcgetattr(s, &t) == 0);
    CHECK(t.c_lflag & ECHO);
    CHECK(t.c_oflag & ONLCR);

    char buf[64];
    CHECK_EQ(write(m, "hi\n", 3), 3);
    read_master(m, buf, 4);
    CHECK(memcmp(buf, "hi\r\n", 4) == 0);
    CHECK(master_quiet(m));
    CHECK_EQ(read(s, buf, sizeof(buf)), 3);

    /* Control characters echo as ^X with ECHOCTL. */
    char ctl[2] = { 0x01, '\n' };
    CHECK_EQ(write(m, ctl, 2), 2);
    read_master(m, buf, 4);
    CHECK(memcmp(buf, "^A\r\n", 4) == 0);
    CHECK_EQ(read(s, buf, sizeof(buf)), 2);

    t.c_lflag &= ~ECHO;
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    CHECK_EQ(write(m, "quiet\n", 6), 6);
    CHECK_EQ(read(s, buf, sizeof(buf)), 6);
    CHECK(master_quiet(m));

    /* Output processing on the slave's writes. */
    CHECK_EQ(write(s, "a\nb", 3), 3);
    read_master(m, buf, 4);
    CHECK(memcmp(buf, "a\r\nb", 4) == 0);
    t.c_oflag &= ~OPOST;
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    CHECK_EQ(write(s, "c\nd", 3), 3);
    read_master(m, buf, 3);
    CHECK(memcmp(buf, "c\nd", 3) == 0);
    CHECK(master_quiet(m));
    close(s);
    close(m);
    TEST_OK();
}
