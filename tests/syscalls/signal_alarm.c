/* SPDX-License-Identifier: Apache-2.0 */
/* alarm() returns the seconds left on the previous alarm, alarm(0) cancels, and an alarm
 * delivers SIGALRM that interrupts pause(). */
#include "test.h"

#include <signal.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t g_calls;

static void on_alrm(int sig)
{
    (void)sig;
    g_calls++;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alrm;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);

    CHECK_EQ(alarm(100), 0);
    /* The remaining time rounds to the nearest second, so ~100. */
    unsigned left = alarm(50);
    CHECK(left == 100 || left == 99);
    left = alarm(0);
    CHECK(left == 50 || left == 49);
    CHECK_EQ(alarm(0), 0);

    struct timespec t0, t1;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
    CHECK_EQ(alarm(1), 0);
    while (g_calls == 0)
        CHECK_ERR(pause(), EINTR);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
    double dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(dt >= 0.99);
    CHECK_EQ(g_calls, 1);
    CHECK_EQ(alarm(0), 0);

    /* alarm is shared with ITIMER_REAL. */
    CHECK_EQ(alarm(7), 0);
    struct itimerval it;
    CHECK(getitimer(ITIMER_REAL, &it) == 0);
    CHECK(it.it_value.tv_sec == 6 || it.it_value.tv_sec == 7);
    CHECK_EQ(it.it_interval.tv_sec, 0);
    CHECK_EQ(alarm(0), 7);
    TEST_OK();
}
