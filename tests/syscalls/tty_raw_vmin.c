/* SPDX-License-Identifier: Apache-2.0 */
/* Non-canonical mode: bytes are readable at once without a newline; VMIN=0/VTIME=0 returns
 * 0 when empty; VMIN=3 blocks until 3 bytes are there; VMIN=0/VTIME=1 waits up to 0.1 s and
 * returns 0; VMIN>0 with VTIME>0 returns after the inter-byte timer once something arrived. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <time.h>

static void open_pty(int *m, int *s)
{
    *m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(*m >= 0);
    CHECK(grantpt(*m) == 0 && unlockpt(*m) == 0);
    *s = open(ptsname(*m), O_RDWR | O_NOCTTY);
    CHECK(*s >= 0);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(void)
{
    int m, s;
    open_pty(&m, &s);
    struct termios t;
    CHECK(tcgetattr(s, &t) == 0);
    t.c_lflag &= ~(ICANON | ECHO);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    char buf[16];
    CHECK_EQ(read(s, buf, sizeof(buf)), 0);
    CHECK_EQ(write(m, "ab", 2), 2);
    struct pollfd p = { .fd = s, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK_EQ(read(s, buf, sizeof(buf)), 2);

    /* VMIN=0, VTIME=1: a 100 ms timeout, then 0. */
    t.c_cc[VTIME] = 1;
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    long long t0 = now_ms();
    CHECK_EQ(read(s, buf, sizeof(buf)), 0);
    CHECK(now_ms() - t0 >= 90);

    /* VMIN=3, VTIME=0: waits for 3 bytes written in two pieces by a child. */
    t.c_cc[VMIN] = 3;
    t.c_cc[VTIME] = 0;
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        if (write(m, "x", 1) != 1)
            _exit(1);
        nanosleep(&ts, NULL);
        _exit(write(m, "yz", 2) == 2 ? 0 : 1);
    }
    CHECK_EQ(read(s, buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "xyz", 3) == 0);
    test_wait_exit(pid, 0);

    /* VMIN=5, VTIME=1: 2 bytes arrive, the 0.1 s inter-byte timer ends the read with 2. */
    t.c_cc[VMIN] = 5;
    t.c_cc[VTIME] = 1;
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    CHECK_EQ(write(m, "12", 2), 2);
    CHECK_EQ(read(s, buf, sizeof(buf)), 2);
    CHECK(memcmp(buf, "12", 2) == 0);
    close(s);
    close(m);
    TEST_OK();
}
