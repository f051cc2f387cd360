/* SPDX-License-Identifier: Apache-2.0 */
/* TCP half-close: after SHUT_WR the peer reads the data then EOF and can still send back;
 * writing after SHUT_WR is EPIPE; shutdown on an unconnected TCP or UDP socket is ENOTCONN and
 * bad `how` values are EINVAL. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

int main(void)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(ls, (struct sockaddr *)&sin, &len) == 0);
    CHECK(listen(ls, 1) == 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);

    CHECK_EQ(write(c, "request", 7), 7);
    CHECK(shutdown(c, SHUT_WR) == 0);
    char buf[16];
    size_t got = 0;
    for (;;) {
        ssize_t n = read(a, buf + got, sizeof(buf) - got);
        CHECK(n >= 0);
        if (n == 0)
            break;
        got += (size_t)n;
    }
    CHECK_EQ(got, 7);
    CHECK(memcmp(buf, "request", 7) == 0);
    /* POLLRDHUP on the server side. */
    struct pollfd p = { .fd = a, .events = POLLIN | POLLRDHUP };
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLIN | POLLRDHUP);

    /* Reply on the half-closed connection. */
    CHECK_EQ(write(a, "reply", 5), 5);
    CHECK_EQ(recv(c, buf, 5, MSG_WAITALL), 5);
    CHECK(memcmp(buf, "reply", 5) == 0);
    CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);

    close(a);
    CHECK_EQ(read(c, buf, sizeof(buf)), 0);

    int lone = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(shutdown(lone, SHUT_RDWR), ENOTCONN);
    CHECK_ERR(shutdown(c, 7), EINVAL);
    /* A UDP socket that is not connected: ENOTCONN as well. */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_ERR(shutdown(u, SHUT_RD), ENOTCONN);
    close(u);
    close(lone);
    close(c);
    close(ls);
    TEST_OK();
}
