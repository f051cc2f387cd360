/* SPDX-License-Identifier: Apache-2.0 */
/* epoll watches open file descriptions, not fd numbers: closing the only fd removes it from
 * the set, but while a dup keeps the description open events are still reported (under the
 * closed fd's data), and DEL through the closed number is EBADF. */
#include "test.h"

#include <sys/epoll.h>

int main(void)
{
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    int p[2];
    CHECK(pipe(p) == 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 1 };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
    int keep = dup(p[0]);
    CHECK(keep >= 0);
    int old = p[0];
    close(p[0]);
    CHECK_EQ(write(p[1], "a", 1), 1);
    struct epoll_event out[2];
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 1);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, old, NULL), EBADF);
    /* The dup is a different fd number: not registered as such. */
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, keep, NULL), ENOENT);
    close(keep);
    /* Now the description is gone and so is the registration. */
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);

    /* Closing the only fd: removed at once. */
    int q[2];
    CHECK(pipe(q) == 0);
    ev.data.u32 = 2;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev) == 0);
    CHECK_EQ(write(q[1], "b", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    close(q[0]);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    /* A new fd with the same number can be added again. */
    int r[2];
    CHECK(pipe(r) == 0);
    CHECK_EQ(r[0], q[0]);
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, r[0], &ev) == 0);

    /* A forked child that closes its copy does not affect us. */
    CHECK_EQ(write(r[1], "c", 1), 1);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(r[0]);
        _exit(0);
    }
    test_wait_exit(pid, 0);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    close(r[0]);
    close(r[1]);
    close(q[1]);
    close(p[1]);
    close(ep);
    TEST_OK();
}
