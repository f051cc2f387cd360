/* SPDX-License-Identifier: Apache-2.0 */
/* EPOLLONESHOT: after one report the fd is disabled (no more events even with new data) but
 * stays registered (ADD again is EEXIST); EPOLL_CTL_MOD re-arms it and a pending state is
 * reported at once. */
#include "test.h"

#include <sys/epoll.h>

int main(void)
{
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    int p[2];
    CHECK(pipe(p) == 0);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u32 = 7 };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
    CHECK_EQ(write(p[1], "a", 1), 1);
    struct epoll_event out[2];
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 7);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    CHECK_EQ(write(p[1], "b", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);

    ev.data.u32 = 8;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 8);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    /* With EPOLLET too: fires once after re-arm only when new data arrives after it. */
    ev.events = EPOLLIN | EPOLLONESHOT | EPOLLET;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1); /* MOD checks the current state */
    CHECK_EQ(write(p[1], "c", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0); /* disabled again */
    /* DEL works on a disabled entry. */
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    close(p[0]);
    close(p[1]);
    close(ep);
    TEST_OK();
}
