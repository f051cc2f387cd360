/* SPDX-License-Identifier: Apache-2.0 */
/* nanosleep and clock_nanosleep sleep at least the requested time, TIMER_ABSTIME sleeps until
 * a deadline (returning at once if it passed), and bad timespecs give EINVAL. */
#include "test.h"

#include <pthread.h>
#include <time.h>

static long long ns(clockid_t c)
{
    struct timespec ts;
    CHECK(clock_gettime(c, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile int g_stop;

static void *spin(void *arg)
{
    (void)arg;
    while (!g_stop)
        ;
    return NULL;
}

int main(void)
{
    const long long d = 15 * 1000 * 1000;
    struct timespec req = { 0, d };
    long long t0 = ns(CLOCK_MONOTONIC);
    CHECK(nanosleep(&req, NULL) == 0);
    CHECK(ns(CLOCK_MONOTONIC) - t0 >= d);

    t0 = ns(CLOCK_MONOTONIC);
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0);
    CHECK(ns(CLOCK_MONOTONIC) - t0 >= d);

    /* Absolute deadline on two clocks. */
    long long deadline = ns(CLOCK_MONOTONIC) + d;
    struct timespec abs_ts = { deadline / 1000000000LL, deadline % 1000000000LL };
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_ts, NULL), 0);
    CHECK(ns(CLOCK_MONOTONIC) >= deadline);
    deadline = ns(CLOCK_REALTIME) + d;
    abs_ts.tv_sec = deadline / 1000000000LL;
    abs_ts.tv_nsec = deadline % 1000000000LL;
    CHECK_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs_ts, NULL), 0);
    CHECK(ns(CLOCK_REALTIME) >= deadline);

    /* A deadline in the past returns immediately. */
    struct timespec past = { 1, 0 };
    t0 = ns(CLOCK_MONOTONIC);
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
    CHECK(ns(CLOCK_MONOTONIC) - t0 < 500000000LL);

    /* Zero sleeps are fine. */
    struct timespec zero = { 0, 0 };
    CHECK(nanosleep(&zero, NULL) == 0);

    /* The process CPU clock can be slept on: it advances while a second thread spins. */
    pthread_t th;
    CHECK(pthread_create(&th, NULL, spin, NULL) == 0);
    long long cpu0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    struct timespec cpu = { 0, 5000000 };
    CHECK_EQ(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &cpu, NULL), 0);
    CHECK(ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0 >= 5000000);
    g_stop = 1;
    CHECK(pthread_join(th, NULL) == 0);

    struct timespec bad = { 0, 1000000000 };
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
    bad.tv_nsec = -1;
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
    TEST_OK();
}
