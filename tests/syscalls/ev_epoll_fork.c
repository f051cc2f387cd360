/* SPDX-License-Identifier: Apache-2.0 */
/* An epoll instance is shared across fork: an fd the child adds is reported to the parent,
 * and the parent's registrations are EEXIST for the child. Registrations follow open file
 * descriptions: after the parent closes its copy of a registered pipe end, events still arrive
 * while the child holds it open, and stop once the child exits. */
#include "test.h"

#include <sys/epoll.h>

int main(void)
{
    int ep = epoll_create1(0);
    CHECK(ep >= 0);
    int p[2], q[2], go[2];
    CHECK(pipe(p) == 0 && pipe(q) == 0 && pipe(go) == 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 1 };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(go[1]);
        struct epoll_event cev = { .events = EPOLLIN, .data.u32 = 2 };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &cev) != 0)
            _exit(2);
        if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &cev) == 0 || errno != EEXIST)
            _exit(3);
        if (write(q[1], "q", 1) != 1)
            _exit(4);
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(5);
        _exit(0);
    }
    close(go[0]);
    struct epoll_event out[2];
    CHECK_EQ(epoll_wait(ep, out, 2, 5000), 1);
    CHECK_EQ(out[0].data.u32, 2);
    /* The child's registration is ours too: we can modify it. */
    struct epoll_event mod = { .events = EPOLLIN, .data.u32 = 3 };
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &mod) == 0);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 3);
    /* Close our copy: the child's keeps the description (and the registration) alive. */
    close(q[0]);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 3);
    CHECK_EQ(write(go[1], "g", 1), 1);
    test_wait_exit(pid, 0);
    /* Last reference gone: no more events for q. */
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
    CHECK_EQ(write(p[1], "p", 1), 1);
    CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
    CHECK_EQ(out[0].data.u32, 1);
    close(ep);
    TEST_OK();
}
