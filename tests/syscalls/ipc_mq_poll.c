/* SPDX-License-Identifier: Apache-2.0 */
/* poll and epoll on a POSIX queue: an empty queue is writable only, a message makes it
 * readable, a full one is not writable; an epoll waiter wakes when another process sends. */
#include "test.h"

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <sys/epoll.h>

static char g_name[64];

static void cleanup(void)
{
    mq_unlink(g_name);
}

static short revents(mqd_t q)
{
    struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT };
    CHECK(poll(&p, 1, 0) >= 0);
    return p.revents;
}

int main(void)
{
    snprintf(g_name, sizeof(g_name), "/ipc-mq-poll-%d", (int)getpid());
    atexit(cleanup);
    struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 8 };
    mqd_t q = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1);
    CHECK_EQ(revents(q), POLLOUT);
    CHECK(mq_send(q, "a", 1, 0) == 0);
    CHECK_EQ(revents(q), POLLIN | POLLOUT);
    CHECK(mq_send(q, "b", 1, 0) == 0);
    CHECK_EQ(revents(q), POLLIN);
    char buf[8];
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), NULL), 1);
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), NULL), 1);
    CHECK_EQ(revents(q), POLLOUT);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev) == 0);
    struct epoll_event got;
    CHECK_EQ(epoll_wait(ep, &got, 1, 0), 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        usleep(50000);
        mqd_t c = mq_open(g_name, O_WRONLY);
        _exit(c != (mqd_t)-1 && mq_send(c, "x", 1, 3) == 0 ? 0 : 1);
    }
    CHECK_EQ(epoll_wait(ep, &got, 1, 5000), 1);
    CHECK_EQ(got.data.u32, 7);
    CHECK(got.events & EPOLLIN);
    unsigned prio = 0;
    CHECK_EQ(mq_receive(q, buf, sizeof(buf), &prio), 1);
    CHECK_EQ(prio, 3);
    test_wait_exit(child, 0);
    close(ep);
    CHECK(mq_close(q) == 0);
    TEST_OK();
}
