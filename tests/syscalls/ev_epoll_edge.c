/* SPDX-License-Identifier: Apache-2.0 */
/* Edge-triggered epoll reports a readable pipe once per new write, not again while data stays
 * unread; a new write re-arms it even if not drained; EPOLLOUT edges come when room is made. */
#include "test.h"

#include <fcntl.h>
#include <sys/epoll.h>

int main(void)
{
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    int p[2];
    CHECK(pipe2(p, O_NONBLOCK) == 0);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = p[0] };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
    struct epoll_event out[2];
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    CHECK_EQ(write(p[1], "ab", 2), 2);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].events, EPOLLIN);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0); /* no new edge */
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0); /* reading is not an edge */
    CHECK_EQ(write(p[1], "c", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1); /* new data: new edge */
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    char buf[8];
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 2);
    CHECK_ERR(read(p[0], buf, sizeof(buf)), EAGAIN);

    /* EPOLLOUT edge: fill the pipe, then make room. */
    struct epoll_event wev = { .events = EPOLLOUT | EPOLLET, .data.fd = p[1] };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &wev) == 0);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1); /* initially writable */
    CHECK_EQ(out[0].data.fd, p[1]);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    static char fill[65536];
    while (write(p[1], fill, sizeof(fill)) > 0)
        ;
    CHECK_EQ(errno, EAGAIN);
    int n = epoll_wait(ep, out, 2, 0);
    CHECK_EQ(n, 1); /* the read side got an edge */
    CHECK_EQ(out[0].data.fd, p[0]);
    static char drain[65536];
    while (read(p[0], drain, sizeof(drain)) > 0)
        ;
    n = epoll_wait(ep, out, 2, 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(out[0].data.fd, p[1]);
    CHECK_EQ(out[0].events, EPOLLOUT);
    /* EPOLL_CTL_MOD re-arms and reports the current state once. */
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &wev) == 0);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    close(p[0]);
    close(p[1]);
    close(ep);
    TEST_OK();
}
