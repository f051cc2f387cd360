/* SPDX-License-Identifier: Apache-2.0 */
/* An epoll fd inside another epoll set reports EPOLLIN when its own set has ready events;
 * adding a set to itself or making a cycle is ELOOP (or EINVAL for itself); the inner set
 * can be polled with poll() too. */
#include "test.h"

#include <poll.h>
#include <sys/epoll.h>
#include <time.h>

int main(void)
{
    int outer = epoll_create1(0), inner = epoll_create1(0);
    CHECK(outer >= 0 && inner >= 0);
    int p[2];
    CHECK(pipe(p) == 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = p[0] };
    CHECK(epoll_ctl(inner, EPOLL_CTL_ADD, p[0], &ev) == 0);
    struct epoll_event iev = { .events = EPOLLIN, .data.fd = inner };
    CHECK(epoll_ctl(outer, EPOLL_CTL_ADD, inner, &iev) == 0);

    struct epoll_event out[2];
    CHECK_EQ(epoll_wait(outer, out, 2, 0), 0);
    struct pollfd pf = { .fd = inner, .events = POLLIN };
    CHECK_EQ(poll(&pf, 1, 0), 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(epoll_wait(outer, out, 2, 0), 1);
    CHECK_EQ(out[0].data.fd, inner);
    CHECK_EQ(out[0].events, EPOLLIN);
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK_EQ(pf.revents, POLLIN);
    CHECK_EQ(epoll_wait(inner, out, 2, 0), 1);
    CHECK_EQ(out[0].data.fd, p[0]);

    /* Cycles. */
    struct epoll_event oev = { .events = EPOLLIN };
    CHECK_ERR(epoll_ctl(inner, EPOLL_CTL_ADD, outer, &oev), ELOOP);
    CHECK_ERR(epoll_ctl(inner, EPOLL_CTL_ADD, inner, &oev), EINVAL);

    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(epoll_wait(outer, out, 2, 0), 0);
    /* A blocking wait on the outer set wakes for the inner one. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        _exit(write(p[1], "y", 1) == 1 ? 0 : 1);
    }
    CHECK_EQ(epoll_wait(outer, out, 2, 5000), 1);
    CHECK_EQ(out[0].data.fd, inner);
    test_wait_exit(pid, 0);
    close(p[0]);
    close(p[1]);
    close(inner);
    close(outer);
    TEST_OK();
}
