/* SPDX-License-Identifier: Apache-2.0 */
/* Input processing flags, checked in non-canonical mode: ICRNL maps CR to NL, INLCR maps NL
 * to CR, IGNCR drops CR, ISTRIP clears bit 7, and with all of them off bytes pass unchanged. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>

static int g_m, g_s;

static void set_iflag(tcflag_t iflag)
{
    struct termios t;
    CHECK(tcgetattr(g_s, &t) == 0);
    t.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
    t.c_iflag = iflag;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    CHECK(tcsetattr(g_s, TCSANOW, &t) == 0);
}

static void expect(const char *in, size_t n, const char *want, size_t wn)
{
    CHECK_EQ(write(g_m, in, n), (long)n);
    char buf[32];
    size_t got = 0;
    while (got < wn) {
        struct pollfd p = { .fd = g_s, .events = POLLIN };
        CHECK_EQ(poll(&p, 1, 5000), 1);
        long r = read(g_s, buf + got, sizeof(buf) - got);
        CHECK(r > 0);
        got += (size_t)r;
    }
    CHECK_EQ(got, wn);
    CHECK(memcmp(buf, want, wn) == 0);
    struct pollfd p = { .fd = g_s, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 10), 0); /* nothing more */
}

int main(void)
{
    g_m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(g_m >= 0);
    CHECK(grantpt(g_m) == 0 && unlockpt(g_m) == 0);
    g_s = open(ptsname(g_m), O_RDWR | O_NOCTTY);
    CHECK(g_s >= 0);

    set_iflag(ICRNL);
    expect("a\rb\n", 4, "a\nb\n", 4);
    set_iflag(INLCR);
    expect("a\rb\n", 4, "a\rb\r", 4);
    set_iflag(IGNCR | ICRNL); /* IGNCR wins */
    expect("a\rb\n", 4, "ab\n", 3);
    set_iflag(ISTRIP);
    char hi[2] = { (char)0xc1, 'z' };
    expect(hi, 2, "Az", 2);
    set_iflag(0);
    expect(hi, 2, hi, 2);
    expect("a\rb\n", 4, "a\rb\n", 4);
    close(g_s);
    close(g_m);
    TEST_OK();
}
