/* SPDX-License-Identifier: Apache-2.0 */
/* Job control: a background process group may write to its terminal unless TOSTOP is set, in
 * which case the write sends SIGTTOU (with SIGTTOU ignored, the write goes through); a
 * background read sends SIGTTIN, or fails with EIO when SIGTTIN is ignored; with the default
 * action the writer is stopped. */
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <termios.h>

static volatile int got;

static void on_sig(int sig)
{
    got = sig;
}

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0);
    char name[64];
    CHECK(ptsname_r(m, name, sizeof(name)) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setsid() == getpid());
        int s = open(name, O_RDWR);
        CHECK(s >= 0);
        pid_t bg = fork();
        CHECK(bg >= 0);
        if (bg == 0) {
            CHECK(setpgid(0, 0) == 0); /* background group */
            CHECK(tcgetpgrp(s) != getpgrp());
            struct sigaction sa = { .sa_handler = on_sig };
            sigaction(SIGTTOU, &sa, NULL);
            sigaction(SIGTTIN, &sa, NULL);
            /* Without TOSTOP: writes are fine. */
            CHECK_EQ(write(s, "a", 1), 1);
            CHECK_EQ(got, 0);
            _exit(0);
        }
        test_wait_exit(bg, 0);
        struct termios t;
        CHECK(tcgetattr(s, &t) == 0);
        t.c_lflag |= TOSTOP;
        CHECK(tcsetattr(s, TCSANOW, &t) == 0);
        bg = fork();
        CHECK(bg >= 0);
        if (bg == 0) {
            CHECK(setpgid(0, 0) == 0);
            struct sigaction sa = { .sa_handler = on_sig };
            sigaction(SIGTTOU, &sa, NULL);
            sigaction(SIGTTIN, &sa, NULL);
            /* With TOSTOP: SIGTTOU is sent and the handled signal makes write fail with
             * EINTR (ERESTARTSYS without SA_RESTART). */
            got = 0;
            CHECK_ERR(write(s, "b", 1), EINTR);
            CHECK_EQ(got, SIGTTOU);
            got = 0;
            char c;
            CHECK_ERR(read(s, &c, 1), EINTR);
            CHECK_EQ(got, SIGTTIN);
            /* Ignored SIGTTOU: the write goes through; ignored SIGTTIN: EIO. */
            signal(SIGTTOU, SIG_IGN);
            signal(SIGTTIN, SIG_IGN);
            CHECK_EQ(write(s, "c", 1), 1);
            CHECK_ERR(read(s, &c, 1), EIO);
            _exit(0);
        }
        test_wait_exit(bg, 0);
        /* A background child with default SIGTTOU is stopped. */
        bg = fork();
        CHECK(bg >= 0);
        if (bg == 0) {
            setpgid(0, 0);
            (void)write(s, "d", 1);
            _exit(3);
        }
        setpgid(bg, bg);
        int st;
        CHECK_EQ(waitpid(bg, &st, WUNTRACED), bg);
        CHECK(WIFSTOPPED(st));
        CHECK_EQ(WSTOPSIG(st), SIGTTOU);
        CHECK(kill(bg, SIGKILL) == 0);
        CHECK_EQ(waitpid(bg, &st, 0), bg);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    close(m);
    TEST_OK();
}
