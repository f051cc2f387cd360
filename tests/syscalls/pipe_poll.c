/* SPDX-License-Identifier: Apache-2.0 */
/* poll and select on pipes: POLLOUT when there is room, POLLIN with data, POLLHUP once the
 * writers are gone (with POLLIN while data remains), POLLERR on a write end without readers;
 * timeouts return 0. */
#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    struct pollfd fds[2] = { { .fd = p[0], .events = POLLIN }, { .fd = p[1], .events = POLLOUT } };
    CHECK_EQ(poll(fds, 2, 0), 1);
    CHECK_EQ(fds[0].revents, 0);
    CHECK_EQ(fds[1].revents, POLLOUT);

    /* A 10 ms timeout with nothing to read. */
    CHECK_EQ(poll(fds, 1, 10), 0);

    CHECK_EQ(write(p[1], "hi", 2), 2);
    CHECK_EQ(poll(fds, 2, 0), 2);
    CHECK_EQ(fds[0].revents, POLLIN);

    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    struct timeval tv = { 0, 0 };
    int maxfd = p[0] > p[1] ? p[0] : p[1];
    CHECK_EQ(select(maxfd + 1, &rd, &wr, NULL, &tv), 2);
    CHECK(FD_ISSET(p[0], &rd));
    CHECK(FD_ISSET(p[1], &wr));

    /* Writer gone with data left: POLLIN | POLLHUP; after draining only POLLHUP. */
    close(p[1]);
    fds[0].events = POLLIN;
    CHECK_EQ(poll(fds, 1, 0), 1);
    CHECK_EQ(fds[0].revents, POLLIN | POLLHUP);
    char buf[4];
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 2);
    CHECK_EQ(poll(fds, 1, 0), 1);
    CHECK_EQ(fds[0].revents, POLLHUP);
    /* POLLHUP is reported even if not requested. */
    fds[0].events = 0;
    CHECK_EQ(poll(fds, 1, 0), 1);
    CHECK_EQ(fds[0].revents, POLLHUP);
    close(p[0]);

    /* Reader gone: the write end reports POLLERR (and POLLOUT). */
    CHECK(pipe(p) == 0);
    close(p[0]);
    struct pollfd w = { .fd = p[1], .events = POLLOUT };
    CHECK_EQ(poll(&w, 1, 0), 1);
    CHECK_EQ(w.revents, POLLOUT | POLLERR);
    close(p[1]);

    /* A closed fd reports POLLNVAL; negative fds are ignored. */
    struct pollfd bad[2] = { { .fd = p[1], .events = POLLIN }, { .fd = -1, .events = POLLIN } };
    CHECK_EQ(poll(bad, 2, 0), 1);
    CHECK_EQ(bad[0].revents, POLLNVAL);
    CHECK_EQ(bad[1].revents, 0);
    FD_ZERO(&rd);
    FD_SET(p[1], &rd);
    CHECK_ERR(select(p[1] + 1, &rd, NULL, NULL, &tv), EBADF);
    TEST_OK();
}
