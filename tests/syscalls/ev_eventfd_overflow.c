/* SPDX-License-Identifier: Apache-2.0 */
/* The eventfd counter tops out at 0xfffffffffffffffe: a write that would pass it is EAGAIN on a
 * non-blocking fd (and blocks on a blocking one until a read drains it); poll reports POLLOUT
 * only while at least 1 can be added, POLLIN while the counter is non-zero. */
#include "test.h"

#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>

int main(void)
{
    int fd = eventfd(0, EFD_NONBLOCK);
    CHECK(fd >= 0);
    struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLOUT);

    uint64_t v = UINT64_MAX - 1;
    CHECK_EQ(write(fd, &v, 8), 8);
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLIN);
    v = 1;
    CHECK_ERR(write(fd, &v, 8), EAGAIN);
    v = 0;
    CHECK_EQ(write(fd, &v, 8), 8);
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, UINT64_MAX - 1);
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLOUT);

    /* Blocking writer waits for a reader. */
    int bfd = eventfd(0, 0);
    CHECK(bfd >= 0);
    v = UINT64_MAX - 1;
    CHECK_EQ(write(bfd, &v, 8), 8);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        uint64_t one = 1;
        _exit(write(bfd, &one, 8) == 8 ? 0 : 1);
    }
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    int st;
    CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
    CHECK_EQ(read(bfd, &v, 8), 8);
    CHECK_EQ(v, UINT64_MAX - 1);
    test_wait_exit(pid, 0);
    CHECK_EQ(read(bfd, &v, 8), 8);
    CHECK_EQ(v, 1);
    close(bfd);
    close(fd);
    TEST_OK();
}
