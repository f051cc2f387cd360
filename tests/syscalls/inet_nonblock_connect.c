/* SPDX-License-Identifier: Apache-2.0 */
/* Non-blocking TCP connect on loopback: EINPROGRESS, then POLLOUT and SO_ERROR 0, a second
 * connect 0 and a third EISCONN; to a refused port: EINPROGRESS, then POLLOUT|POLLERR|POLLHUP
 * and SO_ERROR ECONNREFUSED (read once, then cleared). */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static short wait_out(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    return p.revents;
}

int main(void)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(ls, (struct sockaddr *)&sin, &len) == 0);
    CHECK(listen(ls, 4) == 0);

    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&sin, sizeof(sin)), EINPROGRESS);
    CHECK_EQ(wait_out(c), POLLOUT);
    int err = -1;
    socklen_t el = sizeof(err);
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, 0);
    /* Linux: the first connect after completion reports success (0) and marks the socket
     * connected; only the one after that is EISCONN. */
    CHECK(connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&sin, sizeof(sin)), EISCONN);
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);
    CHECK_EQ(write(a, "k", 1), 1);
    struct pollfd p = { .fd = c, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    char b;
    CHECK_EQ(read(c, &b, 1), 1);

    /* Refused. */
    int hold = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in hs = sin;
    hs.sin_port = 0;
    CHECK(bind(hold, (struct sockaddr *)&hs, sizeof(hs)) == 0);
    len = sizeof(hs);
    CHECK(getsockname(hold, (struct sockaddr *)&hs, &len) == 0);
    int r = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(r, (struct sockaddr *)&hs, sizeof(hs)), EINPROGRESS);
    CHECK_EQ(wait_out(r), POLLOUT | POLLERR | POLLHUP);
    CHECK(getsockopt(r, SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, ECONNREFUSED);
    CHECK(getsockopt(r, SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, 0);
    /* After the failure the socket is unconnected again. */
    CHECK_ERR(send(r, "x", 1, MSG_NOSIGNAL), EPIPE);

    close(r);
    close(hold);
    close(a);
    close(c);
    close(ls);
    TEST_OK();
}
