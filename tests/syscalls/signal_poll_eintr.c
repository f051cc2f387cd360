/* SPDX-License-Identifier: Apache-2.0 */
/* A signal handler interrupts blocking poll, select and nanosleep with EINTR even with
 * SA_RESTART, while wait4 and read are restarted. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <time.h>

static volatile sig_atomic_t g_calls;

static void on_usr1(int sig)
{
    (void)sig;
    g_calls++;
}

/* Forks a child that signals the parent every millisecond until `stop` reaches EOF. */
static pid_t start_pinger(int stop[2])
{
    CHECK(pipe2(stop, O_NONBLOCK) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(stop[1]);
        for (int i = 0; i < 5000; i++) {
            kill(getppid(), SIGUSR1);
            usleep(1000);
            char c;
            if (read(stop[0], &c, 1) == 0)
                _exit(0);
        }
        _exit(2);
    }
    close(stop[0]);
    return child;
}

static void stop_pinger(pid_t child, int stop[2])
{
    close(stop[1]);
    test_wait_exit(child, 0);
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    int p[2];
    CHECK(pipe(p) == 0);
    int stop[2];

    pid_t child = start_pinger(stop);
    struct pollfd pfd = { .fd = p[0], .events = POLLIN };
    CHECK_ERR(poll(&pfd, 1, 5000), EINTR);
    stop_pinger(child, stop);

    child = start_pinger(stop);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = { .tv_sec = 5 };
    CHECK_ERR(select(p[0] + 1, &rd, NULL, NULL, &tv), EINTR);
    stop_pinger(child, stop);

    child = start_pinger(stop);
    struct timespec ts = { .tv_sec = 5 }, rem;
    CHECK_ERR(nanosleep(&ts, &rem), EINTR);
    /* Linux computes the remainder from the slack-extended expiry, so it can exceed the
     * request by up to the timer slack (50 us by default). */
    long long rem_ns = rem.tv_sec * 1000000000LL + rem.tv_nsec;
    long slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    CHECK(slack >= 0);
    CHECK(rem_ns > 0);
    CHECK(rem_ns <= 5000000000LL + slack);
    stop_pinger(child, stop);
    CHECK(g_calls >= 3);
    TEST_OK();
}
