/* SPDX-License-Identifier: Apache-2.0 */
/* Canonical line editing: VERASE removes the previous character, VKILL the whole line,
 * VWERASE (with IEXTEN) the previous word; erasing at the start of a line does nothing;
 * custom control characters set with tcsetattr are honoured; without ICANON they are data. */
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

static void line_is(int m, int s, const char *typed, size_t n, const char *want)
{
    CHECK_EQ(write(m, typed, n), (long)n);
    struct pollfd p = { .fd = s, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    char buf[64] = { 0 };
    long r = read(s, buf, sizeof(buf) - 1);
    CHECK(r >= 0);
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "FAIL: got '%s' want '%s'\n", buf, want);
        exit(1);
    }
}

int main(void)
{
    int m, s;
    open_pty(&m, &s);
    struct termios t;
    CHECK(tcgetattr(s, &t) == 0);
    t.c_lflag &= ~ECHO;
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    char er = (char)t.c_cc[VERASE], kl = (char)t.c_cc[VKILL], we = (char)t.c_cc[VWERASE];

    char a[] = { 'a', 'b', 'x', er, 'c', '\n' };
    line_is(m, s, a, sizeof(a), "abc\n");
    char b[] = { er, er, 'o', 'k', '\n' };
    line_is(m, s, b, sizeof(b), "ok\n");
    char c[] = { 'g', 'o', 'n', 'e', kl, 'n', 'e', 'w', '\n' };
    line_is(m, s, c, sizeof(c), "new\n");
    char d[] = { 'o', 'n', 'e', ' ', 't', 'w', 'o', we, 'x', '\n' };
    line_is(m, s, d, sizeof(d), "one x\n");

    /* Custom erase character '#'. */
    t.c_cc[VERASE] = '#';
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    line_is(m, s, "abd#c\n", 6, "abc\n");
    /* The old erase character is now plain data. */
    char e[] = { 'z', er, '\n' };
    char want[4] = { 'z', er, '\n', 0 };
    line_is(m, s, e, sizeof(e), want);

    /* Non-canonical: '#' is data. */
    t.c_lflag &= ~ICANON;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    line_is(m, s, "q#", 2, "q#");
    close(s);
    close(m);
    TEST_OK();
}
