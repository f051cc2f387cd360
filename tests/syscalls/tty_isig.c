/* SPDX-License-Identifier: Apache-2.0 */
/* ISIG: typing VINTR (^C) on the master sends SIGINT to the slave's foreground process group,
 * VQUIT SIGQUIT and VSUSP SIGTSTP; the pending input is flushed; without ISIG the characters
 * are plain data. The child runs in a new session with the slave as controlling tty. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

static volatile int sig_seen;

static void on_sig(int sig)
{
    sig_seen = sig;
}

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
    char name[64];
    CHECK(ptsname_r(m, name, sizeof(name)) == 0);
    int res[2], ready[2];
    CHECK(pipe(res) == 0 && pipe(ready) == 0);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setsid() == getpid());
        int s = open(name, O_RDWR); /* becomes the controlling tty */
        CHECK(s >= 0);
        CHECK_EQ(tcgetpgrp(s), getpid());
        struct sigaction sa = { .sa_handler = on_sig };
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGQUIT, &sa, NULL);
        sigaction(SIGTSTP, &sa, NULL);
        sigset_t block, empty;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGQUIT);
        sigaddset(&block, SIGTSTP);
        sigemptyset(&empty);
        sigprocmask(SIG_BLOCK, &block, NULL);
        struct termios t;
        tcgetattr(s, &t);
        t.c_lflag &= ~ECHO;
        tcsetattr(s, TCSANOW, &t);
        int want[3] = { SIGINT, SIGQUIT, SIGTSTP };
        for (int i = 0; i < 3; i++) {
            sig_seen = 0;
            CHECK_EQ(write(ready[1], "r", 1), 1);
            while (!sig_seen)
                sigsuspend(&empty);
            CHECK_EQ(sig_seen, want[i]);
        }
        /* The partial line typed before ^C was flushed. */
        int avail = -1;
        CHECK(ioctl(s, FIONREAD, &avail) == 0);
        CHECK_EQ(avail, 0);
        /* Without ISIG, ^C is data. */
        t.c_lflag &= ~(ISIG | ICANON);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        tcsetattr(s, TCSANOW, &t);
        CHECK_EQ(write(ready[1], "r", 1), 1);
        char c;
        CHECK_EQ(read(s, &c, 1), 1);
        CHECK_EQ(c, 3);
        _exit(0);
    }
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1);
    char typed[3] = { 'a', 'b', 3 }; /* "ab" then ^C */
    CHECK_EQ(write(m, typed, 3), 3);
    CHECK_EQ(read(ready[0], &c, 1), 1);
    char quit = 0x1c;
    CHECK_EQ(write(m, &quit, 1), 1);
    CHECK_EQ(read(ready[0], &c, 1), 1);
    char susp = 0x1a;
    CHECK_EQ(write(m, &susp, 1), 1);
    CHECK_EQ(read(ready[0], &c, 1), 1);
    char intr = 3;
    CHECK_EQ(write(m, &intr, 1), 1);
    test_wait_exit(pid, 0);
    close(m);
    TEST_OK();
}
