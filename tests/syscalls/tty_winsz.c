/* SPDX-License-Identifier: Apache-2.0 */
/* TIOCGWINSZ/TIOCSWINSZ: a new pty is 0x0, a size set on the master is seen on the slave and
 * vice versa, a change sends SIGWINCH to the foreground process group, and setting the same
 * size again sends nothing. */
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>

static volatile int winch;

static void on_winch(int sig)
{
    (void)sig;
    winch++;
}

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
    char name[64];
    CHECK(ptsname_r(m, name, sizeof(name)) == 0);
    struct winsize ws;
    CHECK(ioctl(m, TIOCGWINSZ, &ws) == 0);
    CHECK(ws.ws_row == 0 && ws.ws_col == 0);

    int ready[2], go[2];
    CHECK(pipe(ready) == 0 && pipe(go) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setsid() == getpid());
        int s = open(name, O_RDWR);
        CHECK(s >= 0);
        struct sigaction sa = { .sa_handler = on_winch };
        sigaction(SIGWINCH, &sa, NULL);
        sigset_t block, empty;
        sigemptyset(&block);
        sigaddset(&block, SIGWINCH);
        sigemptyset(&empty);
        sigprocmask(SIG_BLOCK, &block, NULL);
        CHECK_EQ(write(ready[1], "r", 1), 1);
        while (winch < 1)
            sigsuspend(&empty);
        struct winsize w;
        CHECK(ioctl(s, TIOCGWINSZ, &w) == 0);
        CHECK(w.ws_row == 24 && w.ws_col == 80 && w.ws_xpixel == 640 && w.ws_ypixel == 480);
        /* Same size again: no signal. */
        CHECK(ioctl(s, TIOCSWINSZ, &w) == 0);
        sigset_t pend;
        sigpending(&pend);
        CHECK(!sigismember(&pend, SIGWINCH));
        /* A change from the slave side signals us too. */
        w.ws_row = 50;
        CHECK(ioctl(s, TIOCSWINSZ, &w) == 0);
        sigpending(&pend);
        CHECK(sigismember(&pend, SIGWINCH));
        sigsuspend(&empty);
        CHECK_EQ(winch, 2);
        _exit(0);
    }
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1);
    ws = (struct winsize){ .ws_row = 24, .ws_col = 80, .ws_xpixel = 640, .ws_ypixel = 480 };
    CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0);
    test_wait_exit(pid, 0);
    CHECK(ioctl(m, TIOCGWINSZ, &ws) == 0);
    CHECK_EQ(ws.ws_row, 50);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(ioctl(p[0], TIOCGWINSZ, &ws), ENOTTY);
    close(m);
    TEST_OK();
}
