/* SPDX-License-Identifier: Apache-2.0 */
/* EPOLLEXCLUSIVE: several processes wait in their own epoll sets on one eventfd with
 * EPOLLEXCLUSIVE; each write wakes at least one remaining waiter, which sees EPOLLIN. */
#include "test.h"

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>

#define WAITERS 3

int main(void)
{
    int efd = eventfd(0, EFD_NONBLOCK);
    CHECK(efd >= 0);
    int res[2];
    CHECK(pipe(res) == 0);
    pid_t kids[WAITERS];
    int ready[2];
    CHECK(pipe(ready) == 0);
    for (int i = 0; i < WAITERS; i++) {
        kids[i] = fork();
        CHECK(kids[i] >= 0);
        if (kids[i] == 0) {
            int ep = epoll_create1(0);
            struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };
            if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) != 0)
                _exit(2);
            if (write(ready[1], "r", 1) != 1)
                _exit(3);
            struct epoll_event out;
            int n = epoll_wait(ep, &out, 1, 3000);
            char r = (n == 1 && out.events == EPOLLIN) ? 'w' : 't';
            if (write(res[1], &r, 1) != 1)
                _exit(4);
            _exit(0);
        }
    }
    char c;
    for (int i = 0; i < WAITERS; i++)
        CHECK_EQ(read(ready[0], &c, 1), 1);
    struct timespec ts = { 0, 30 * 1000 * 1000 };
    nanosleep(&ts, NULL); /* let them block in epoll_wait */
    uint64_t one = 1;
    CHECK_EQ(write(efd, &one, 8), 8);
    /* Exclusive waiters are woken by the write itself (one or more of them), not by the level
     * state, so the others keep sleeping although the counter stays non-zero. */
    CHECK_EQ(read(res[0], &c, 1), 1);
    CHECK(c == 'w');
    /* Each further write wakes at least one of the remaining waiters. */
    for (int i = 1; i < WAITERS; i++)
        CHECK_EQ(write(efd, &one, 8), 8);
    int woken = 1;
    for (int i = 1; i < WAITERS; i++) {
        CHECK_EQ(read(res[0], &c, 1), 1);
        if (c == 'w')
            woken++;
    }
    CHECK_EQ(woken, WAITERS);
    for (int i = 0; i < WAITERS; i++)
        test_wait_exit(kids[i], 0);
    TEST_OK();
}
