/* SPDX-License-Identifier: Apache-2.0 */
/* Canonical mode: the slave's read returns only complete lines (one per read, including the
 * newline), a partial line is not readable (EAGAIN non-blocking) until the newline arrives,
 * ICRNL turns CR into NL, and VEOF (^D) ends a read without being returned (an empty read at
 * the start of a line is EOF). */
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

/* Waits until the slave has input to read (the pty moves data through a work queue). */
static void wait_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
}

int main(void)
{
    int m, s;
    open_pty(&m, &s);
    struct termios t;
    CHECK(tcgetattr(s, &t) == 0);
    CHECK(t.c_lflag & ICANON);
    t.c_lflag &= ~ECHO; /* keep the master side quiet */
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    int fl = fcntl(s, F_GETFL);
    CHECK(fcntl(s, F_SETFL, fl | O_NONBLOCK) == 0);

    CHECK_EQ(write(m, "par", 3), 3);
    struct pollfd p = { .fd = s, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 20), 0);
    char buf[64];
    CHECK_ERR(read(s, buf, sizeof(buf)), EAGAIN);
    CHECK_EQ(write(m, "tial\nsecond\n", 12), 12);
    wait_readable(s);
    CHECK_EQ(read(s, buf, sizeof(buf)), 8);
    CHECK(memcmp(buf, "partial\n", 8) == 0);
    CHECK_EQ(read(s, buf, sizeof(buf)), 7);
    CHECK(memcmp(buf, "second\n", 7) == 0);
    CHECK_ERR(read(s, buf, sizeof(buf)), EAGAIN);

    /* A short buffer takes part of a line; the rest follows. */
    CHECK_EQ(write(m, "abcdef\n", 7), 7);
    wait_readable(s);
    CHECK_EQ(read(s, buf, 3), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK_EQ(read(s, buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "def\n", 4) == 0);

    /* CR -> NL with ICRNL (default). */
    CHECK_EQ(write(m, "cr\r", 3), 3);
    wait_readable(s);
    CHECK_EQ(read(s, buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "cr\n", 3) == 0);

    /* ^D: "eof<^D>" gives "eof" without a newline; ^D alone gives 0. */
    char eof = (char)t.c_cc[VEOF];
    char seq[5] = { 'e', 'o', 'f', eof, eof };
    CHECK_EQ(write(m, seq, 5), 5);
    wait_readable(s);
    CHECK_EQ(read(s, buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "eof", 3) == 0);
    CHECK_EQ(read(s, buf, sizeof(buf)), 0);
    CHECK_ERR(read(s, buf, sizeof(buf)), EAGAIN);
    close(s);
    close(m);
    TEST_OK();
}
