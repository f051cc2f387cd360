/* SPDX-License-Identifier: Apache-2.0 */
/* timerfd with TFD_TIMER_ABSTIME: a deadline in the past fires at once (count 1), a near
 * future deadline fires after it; gettime reports relative remaining time; an interval timer
 * accumulates missed expirations; settime returns the old value; CLOCK_REALTIME and
 * CLOCK_BOOTTIME work. */
#include "test.h"

#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

static long long now_ns(clockid_t c)
{
    struct timespec t;
    CHECK(clock_gettime(c, &t) == 0);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct timespec ts_of(long long ns)
{
    struct timespec t = { ns / 1000000000LL, ns % 1000000000LL };
    return t;
}

int main(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    CHECK(fd >= 0);
    uint64_t n;
    struct itimerspec its = { .it_value = ts_of(now_ns(CLOCK_MONOTONIC) - 1000000000LL) };
    CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0);
    CHECK_EQ(read(fd, &n, 8), 8);
    CHECK_EQ(n, 1);

    long long start = now_ns(CLOCK_MONOTONIC);
    its.it_value = ts_of(start + 20 * 1000 * 1000);
    CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0);
    struct itimerspec cur;
    CHECK(timerfd_gettime(fd, &cur) == 0);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
          cur.it_value.tv_nsec <= 20 * 1000 * 1000);
    CHECK_ERR(read(fd, &n, 8), EAGAIN);
    struct pollfd pf = { .fd = fd, .events = POLLIN };
    CHECK_EQ(poll(&pf, 1, 5000), 1);
    CHECK(now_ns(CLOCK_MONOTONIC) >= start + 20 * 1000 * 1000);
    CHECK_EQ(read(fd, &n, 8), 8);
    CHECK_EQ(n, 1);
    /* A fired one-shot timer reads 0 remaining. */
    CHECK(timerfd_gettime(fd, &cur) == 0);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

    /* Interval timer starting in the past: missed periods count. Start 50 ms ago, 10 ms
     * period: at least 5 expirations at the first read. */
    its.it_value = ts_of(now_ns(CLOCK_MONOTONIC) - 50 * 1000 * 1000);
    its.it_interval = ts_of(10 * 1000 * 1000);
    struct itimerspec old;
    CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, &old) == 0);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
    CHECK_EQ(read(fd, &n, 8), 8);
    CHECK(n >= 5 && n <= 100);
    /* Disarm returns the old setting. */
    struct itimerspec off = { 0 };
    CHECK(timerfd_settime(fd, 0, &off, &old) == 0);
    CHECK_EQ(old.it_interval.tv_nsec, 10 * 1000 * 1000);
    CHECK(timerfd_gettime(fd, &cur) == 0);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 && cur.it_interval.tv_nsec == 0);
    close(fd);

    clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_BOOTTIME };
    for (int i = 0; i < 2; i++) {
        fd = timerfd_create(clocks[i], TFD_NONBLOCK | TFD_CLOEXEC);
        CHECK(fd >= 0);
        its = (struct itimerspec){ .it_value = ts_of(now_ns(clocks[i]) + 5 * 1000 * 1000) };
        CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0);
        CHECK_EQ(poll(&pf, 0, 0), 0);
        pf.fd = fd;
        CHECK_EQ(poll(&pf, 1, 5000), 1);
        CHECK_EQ(read(fd, &n, 8), 8);
        CHECK_EQ(n, 1);
        close(fd);
    }
    TEST_OK();
}
