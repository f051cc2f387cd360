/* SPDX-License-Identifier: Apache-2.0 */
/* epoll on pipes and sockets: closing the writer reports EPOLLHUP (with EPOLLIN while data is
 * left), closing the reader reports EPOLLERR on the write end; EPOLLHUP/EPOLLERR are reported
 * even when not requested; a socketpair peer's shutdown(SHUT_WR) gives EPOLLRDHUP|EPOLLIN, and
 * its close EPOLLHUP too. */
#include "test.h"

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>

static uint32_t wait1(int ep)
{
    struct epoll_event out[1];
    int n = epoll_wait(ep, out, 1, 0);
    CHECK(n >= 0);
    return n ? out[0].events : 0;
}

int main(void)
{
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    int p[2];
    CHECK(pipe(p) == 0);
    struct epoll_event ev = { .events = 0 }; /* nothing requested */
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
    CHECK_EQ(write(p[1], "a", 1), 1);
    CHECK_EQ(wait1(ep), 0);
    close(p[1]);
    CHECK_EQ(wait1(ep), EPOLLHUP);
    ev.events = EPOLLIN;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0);
    CHECK_EQ(wait1(ep), EPOLLIN | EPOLLHUP);
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(wait1(ep), EPOLLHUP);
    close(p[0]);

    CHECK(pipe(p) == 0);
    ev.events = EPOLLOUT;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev) == 0);
    CHECK_EQ(wait1(ep), EPOLLOUT);
    close(p[0]);
    CHECK_EQ(wait1(ep), EPOLLOUT | EPOLLERR);
    close(p[1]);

    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    ev.events = EPOLLIN | EPOLLRDHUP;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev) == 0);
    CHECK_EQ(wait1(ep), 0);
    CHECK(shutdown(sv[1], SHUT_WR) == 0);
    CHECK_EQ(wait1(ep), EPOLLIN | EPOLLRDHUP);
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev) == 0);
    CHECK_EQ(wait1(ep), EPOLLIN | EPOLLOUT | EPOLLRDHUP);
    close(sv[1]);
    CHECK_EQ(wait1(ep), EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP);
    close(sv[0]);

    /* Our own shutdown of both directions is EPOLLHUP as well. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    ev.events = EPOLLIN;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev) == 0);
    CHECK(shutdown(sv[0], SHUT_RDWR) == 0);
    CHECK_EQ(wait1(ep), EPOLLIN | EPOLLHUP);
    close(sv[0]);
    close(sv[1]);
    close(ep);
    TEST_OK();
}
