/* SPDX-License-Identifier: Apache-2.0 */
/* Level-triggered epoll reports a readable pipe on every epoll_wait until it is drained, with
 * the registered data; EPOLLOUT for the write end; a timeout of 0 returns 0 at once when
 * nothing is ready; maxevents limits the number returned. */
#include "test.h"

#include <sys/epoll.h>
#include <time.h>

int main(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    int p[2];
    CHECK(pipe(p) == 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
    struct epoll_event out[4];
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);

    CHECK_EQ(write(p[1], "abc", 3), 3);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
        CHECK_EQ(out[0].events, EPOLLIN);
        CHECK_EQ(out[0].data.u64, 0x1122334455667788ULL);
    }
    char c;
    CHECK_EQ(read(p[0], &c, 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1); /* still 2 bytes */
    char buf[8];
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 2);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);

    /* Several ready fds, maxevents 1 returns one at a time. */
    struct epoll_event wev = { .events = EPOLLOUT, .data.fd = p[1] };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &wev) == 0);
    CHECK_EQ(write(p[1], "x", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 2);
    CHECK_EQ(epoll_wait(ep, out, 1, 0), 1);
    /* Modify the interest to nothing: not reported. */
    struct epoll_event none = { .events = 0, .data.fd = p[1] };
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &none) == 0);
    CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
    CHECK_EQ(out[0].data.u64, 0x1122334455667788ULL);
    /* A blocking wait with a timeout returns when data arrives from a child. */
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 1);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        _exit(write(p[1], "y", 1) == 1 ? 0 : 1);
    }
    CHECK_EQ(epoll_wait(ep, out, 4, 5000), 1);
    CHECK_EQ(out[0].events, EPOLLIN);
    test_wait_exit(pid, 0);
    close(p[0]);
    close(p[1]);
    close(ep);
    TEST_OK();
}
