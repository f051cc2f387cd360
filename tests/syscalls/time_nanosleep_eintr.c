/* SPDX-License-Identifier: Apache-2.0 */
/* A handled signal interrupts nanosleep with EINTR and the remaining time; clock_nanosleep
 * with TIMER_ABSTIME returns EINTR and leaves `rem` untouched. */
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

static void arm(long usec)
{
    struct itimerval it = { .it_value = { .tv_sec = 0, .tv_usec = usec } };
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alrm;
    sa.sa_flags = SA_RESTART; /* nanosleep is not restarted even so */
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);

    arm(20000);
    struct timespec req = { .tv_sec = 2, .tv_nsec = 0 }, rem = { -1, -1 };
    CHECK_ERR(nanosleep(&req, &rem), EINTR);
    CHECK_EQ(g_calls, 1);
    long long rem_ns = rem.tv_sec * 1000000000LL + rem.tv_nsec;
    CHECK(rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
    /* At least 20 ms elapsed; the remainder may exceed the rest by the timer slack. */
    CHECK(rem_ns <= 2000000000LL - 20000000LL + 1000000LL);
    CHECK(rem_ns > 0);

    /* Relative clock_nanosleep reports the remainder the same way. */
    arm(20000);
    rem.tv_sec = -1;
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem), EINTR);
    CHECK(rem.tv_sec >= 0 && rem.tv_sec <= 2);

    /* Absolute: rem is not written. */
    struct timespec now;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &now) == 0);
    struct timespec deadline = { now.tv_sec + 2, now.tv_nsec };
    arm(20000);
    rem.tv_sec = 77;
    rem.tv_nsec = 88;
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, &rem), EINTR);
    CHECK_EQ(rem.tv_sec, 77);
    CHECK_EQ(rem.tv_nsec, 88);
    CHECK_EQ(g_calls, 3);
    TEST_OK();
}
