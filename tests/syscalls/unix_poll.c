/* SPDX-License-Identifier: Apache-2.0 */
/* poll on unix stream sockets: POLLOUT when idle, POLLIN with data, POLLRDHUP (with POLLIN) after
 * the peer's SHUT_WR, POLLHUP once both directions are shut or the peer closed; a listener is
 * readable when a connection is pending. */
#include "test.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

static short revents(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    int n = poll(&p, 1, 0);
    CHECK(n == 0 || n == 1);
    return p.revents;
}

int main(void)
{
    short all = POLLIN | POLLOUT | POLLRDHUP | POLLPRI;
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(revents(sv[0], all), POLLOUT);
    CHECK_EQ(write(sv[1], "x", 1), 1);
    CHECK_EQ(revents(sv[0], all), POLLIN | POLLOUT);
    /* Only the requested events (POLLHUP/POLLERR are always reported). */
    CHECK_EQ(revents(sv[0], POLLIN), POLLIN);

    CHECK(shutdown(sv[1], SHUT_WR) == 0);
    CHECK_EQ(revents(sv[0], all), POLLIN | POLLOUT | POLLRDHUP);
    char b;
    CHECK_EQ(read(sv[0], &b, 1), 1);
    /* At EOF the socket stays readable (read returns 0). */
    CHECK_EQ(revents(sv[0], all), POLLIN | POLLOUT | POLLRDHUP);

    /* Our own SHUT_WR as well: both directions gone -> POLLHUP. */
    CHECK(shutdown(sv[0], SHUT_WR) == 0);
    CHECK_EQ(revents(sv[0], all), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    close(sv[0]);
    close(sv[1]);

    /* Peer closed: POLLIN | POLLOUT | POLLRDHUP | POLLHUP. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    close(sv[1]);
    CHECK_EQ(revents(sv[0], all), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    close(sv[0]);

    /* A listener: nothing, then POLLIN with a pending connection. */
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "corpus3-poll-%d", (int)getpid());
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK(listen(ls, 1) == 0);
    CHECK_EQ(revents(ls, all), 0);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK_EQ(revents(ls, all), POLLIN);
    /* A fresh unconnected stream socket: POLLOUT | POLLHUP (it is not connected). */
    int lone = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_EQ(revents(lone, all), POLLOUT | POLLHUP);
    close(lone);
    close(c);
    close(ls);

    /* Datagram socketpair: writable; after the peer closes, still writable-looking. */
    int dv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv) == 0);
    CHECK_EQ(revents(dv[0], all), POLLOUT);
    CHECK_EQ(send(dv[1], "d", 1, 0), 1);
    CHECK_EQ(revents(dv[0], all), POLLIN | POLLOUT);
    close(dv[0]);
    close(dv[1]);
    TEST_OK();
}
