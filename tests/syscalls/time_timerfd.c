/* SPDX-License-Identifier: Apache-2.0 */
/* timerfd: read blocks until expiry and returns the 8-byte expiration count, O_NONBLOCK gives
 * EAGAIN before that, short reads are EINVAL, and intervals accumulate expirations. */
#include "test.h"

#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

int main(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK(fd >= 0);
    uint64_t n;
    CHECK_ERR(read(fd, &n, sizeof(n)), EAGAIN);

    struct itimerspec its = { .it_value = { 0, 10000000 } };
    CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
    struct itimerspec cur;
    CHECK(timerfd_gettime(fd, &cur) == 0);
    CHECK(cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 10000000);
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    CHECK_EQ(poll(&pfd, 1, 5000), 1);
    char small[4];
    CHECK_ERR(read(fd, small, sizeof(small)), EINVAL);
    CHECK_EQ(read(fd, &n, sizeof(n)), 8);
    CHECK_EQ(n, 1);
    CHECK_ERR(read(fd, &n, sizeof(n)), EAGAIN);

    /* Periodic 1 ms: after 20 ms, at least 10 expirations in a single read. */
    its.it_value.tv_nsec = 1000000;
    its.it_interval.tv_nsec = 1000000;
    CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
    struct timespec nap = { 0, 20000000 };
    while (nanosleep(&nap, &nap) != 0)
        ;
    CHECK_EQ(read(fd, &n, sizeof(n)), 8);
    CHECK(n >= 10);
    close(fd);

    /* Blocking read. */
    fd = timerfd_create(CLOCK_REALTIME, 0);
    CHECK(fd >= 0);
    its.it_value.tv_nsec = 5000000;
    its.it_interval.tv_nsec = 0;
    CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
    CHECK_EQ(read(fd, &n, sizeof(n)), 8);
    CHECK_EQ(n, 1);
    close(fd);

    CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x1234), EINVAL);
    CHECK_ERR(timerfd_create(100, 0), EINVAL);
    TEST_OK();
}
