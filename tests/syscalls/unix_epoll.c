/* SPDX-License-Identifier: Apache-2.0 */
/* epoll on unix sockets: level-triggered EPOLLIN stays reported until the data is read,
 * edge-triggered reports once per new write, EPOLLRDHUP after the peer's shutdown and
 * EPOLLHUP|EPOLLRDHUP after it closes. */
#include "test.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

static int wait_one(int ep, uint32_t *ev)
{
    struct epoll_event e = { 0 };
    int n = epoll_wait(ep, &e, 1, 0);
    CHECK(n == 0 || n == 1);
    *ev = n ? e.events : 0;
    return n;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    struct epoll_event e = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = sv[0] };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &e) == 0);
    uint32_t ev;
    CHECK_EQ(wait_one(ep, &ev), 0);

    CHECK_EQ(write(sv[1], "ab", 2), 2);
    CHECK_EQ(wait_one(ep, &ev), 1);
    CHECK_EQ(ev, EPOLLIN);
    /* Level-triggered: still there. */
    CHECK_EQ(wait_one(ep, &ev), 1);
    char b[4];
    CHECK_EQ(read(sv[0], b, sizeof(b)), 2);
    CHECK_EQ(wait_one(ep, &ev), 0);

    /* Edge-triggered: one report per write. */
    e.events = EPOLLIN | EPOLLET;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e) == 0);
    CHECK_EQ(write(sv[1], "c", 1), 1);
    CHECK_EQ(wait_one(ep, &ev), 1);
    CHECK_EQ(ev, EPOLLIN);
    CHECK_EQ(wait_one(ep, &ev), 0);
    CHECK_EQ(write(sv[1], "d", 1), 1);
    CHECK_EQ(wait_one(ep, &ev), 1);
    CHECK_EQ(read(sv[0], b, sizeof(b)), 2);

    /* EPOLLRDHUP after the peer's SHUT_WR. */
    e.events = EPOLLIN | EPOLLRDHUP | EPOLLOUT;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e) == 0);
    CHECK_EQ(wait_one(ep, &ev), 1);
    CHECK_EQ(ev, EPOLLOUT);
    CHECK(shutdown(sv[1], SHUT_WR) == 0);
    CHECK_EQ(wait_one(ep, &ev), 1);
    CHECK_EQ(ev, EPOLLIN | EPOLLOUT | EPOLLRDHUP);

    /* Peer gone: EPOLLHUP too (reported without asking). */
    close(sv[1]);
    CHECK_EQ(wait_one(ep, &ev), 1);
    CHECK_EQ(ev, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP);
    e.events = 0;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &e) == 0);
    CHECK_EQ(wait_one(ep, &ev), 1);
    CHECK_EQ(ev, EPOLLHUP);

    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL) == 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL), ENOENT);

    /* A blocking wait woken by another process's write. */
    int dv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv) == 0);
    struct epoll_event de = { .events = EPOLLIN, .data.u64 = 77 };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, dv[0], &de) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK_EQ(send(dv[1], "w", 1, 0), 1);
        _exit(0);
    }
    struct epoll_event out[2];
    int n;
    do {
        n = epoll_wait(ep, out, 2, 5000);
    } while (n < 0 && errno == EINTR);
    CHECK(n >= 1);
    int seen = 0;
    for (int i = 0; i < n; i++)
        if (out[i].data.u64 == 77) {
            CHECK_EQ(out[i].events, EPOLLIN);
            seen = 1;
        }
    CHECK(seen);
    test_wait_exit(child, 0);
    close(dv[0]);
    close(dv[1]);
    close(sv[0]);
    close(ep);
    TEST_OK();
}
