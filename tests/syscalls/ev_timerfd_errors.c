/* SPDX-License-Identifier: Apache-2.0 */
/* timerfd argument checks: unknown clocks and flags are EINVAL, tv_nsec out of range is
 * EINVAL, TFD_TIMER_CANCEL_ON_SET is accepted (ignored outside REALTIME+ABSTIME), settime/gettime
 * on a non-timerfd are EINVAL and bad fds EBADF; a timerfd works in epoll and disarming it clears
 * a pending expiration. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>

int main(void)
{
    CHECK_ERR(timerfd_create(12345, 0), EINVAL);
    CHECK_ERR(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x1), EINVAL);
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    CHECK(fd >= 0);
    struct itimerspec its = { .it_value = { 0, 1000000000 } };
    CHECK_ERR(timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_value.tv_nsec = -1;
    CHECK_ERR(timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_value.tv_nsec = 1000;
    its.it_interval.tv_nsec = 1000000000;
    CHECK_ERR(timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_interval.tv_nsec = 0;
    CHECK_ERR(timerfd_settime(fd, 0x100, &its, NULL), EINVAL);
    /* TFD_TIMER_CANCEL_ON_SET is only honoured for CLOCK_REALTIME with ABSTIME; elsewhere it is
     * accepted and ignored. */
    struct itimerspec soon = { .it_value = { 100, 0 } };
    CHECK(timerfd_settime(fd, TFD_TIMER_CANCEL_ON_SET, &soon, NULL) == 0);
    int rt = timerfd_create(CLOCK_REALTIME, 0);
    CHECK(rt >= 0);
    struct itimerspec far = { .it_value = { 4000000000LL, 0 } };
    CHECK(timerfd_settime(rt, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &far, NULL) == 0);
    struct itimerspec cur;
    CHECK(timerfd_gettime(rt, &cur) == 0);
    CHECK(cur.it_value.tv_sec > 1000000);
    close(rt);

    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(timerfd_settime(p[0], 0, &its, NULL), EINVAL);
    CHECK_ERR(timerfd_gettime(p[0], &cur), EINVAL);
    CHECK_ERR(timerfd_gettime(999, &cur), EBADF);
    close(p[0]);
    close(p[1]);

    /* epoll + disarm. */
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLIN };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
    its = (struct itimerspec){ .it_value = { 0, 1000 } };
    CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
    struct epoll_event out;
    CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
    CHECK_EQ(out.events, EPOLLIN);
    struct itimerspec off = { 0 };
    CHECK(timerfd_settime(fd, 0, &off, NULL) == 0);
    uint64_t n;
    CHECK_ERR(read(fd, &n, 8), EAGAIN);
    CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
    /* Re-arming also clears a pending count. */
    CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
    CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
    its.it_value.tv_sec = 100;
    CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
    CHECK_ERR(read(fd, &n, 8), EAGAIN);
    close(ep);
    close(fd);
    TEST_OK();
}
