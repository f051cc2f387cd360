/* SPDX-License-Identifier: Apache-2.0 */
/* TCP accept details: a non-blocking listener with nothing pending is EAGAIN, poll reports
 * POLLIN once a client connected, accept4 flags apply to the new socket only, accepted
 * sockets inherit TCP_NODELAY from the listener, and accept with a short address buffer
 * truncates but reports the full length. */
#include "test.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

int main(void)
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(ls, (struct sockaddr *)&sin, &len) == 0);
    CHECK(listen(ls, 4) == 0);
    int one = 1;
    CHECK(setsockopt(ls, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
    CHECK_ERR(accept(ls, NULL, NULL), EAGAIN);

    int c1 = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c1, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c2, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    struct pollfd p = { .fd = ls, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK_EQ(p.revents, POLLIN);

    char small[4];
    len = sizeof(small);
    int a1 = accept4(ls, (struct sockaddr *)small, &len, SOCK_CLOEXEC);
    CHECK(a1 >= 0);
    CHECK_EQ(len, sizeof(struct sockaddr_in));
    CHECK_EQ(fcntl(a1, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(a1, F_GETFL) & O_NONBLOCK, 0);
    int v = 0;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(a1, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0);
    CHECK_EQ(v, 1);

    int a2 = -1;
    for (int i = 0; i < 5000 && a2 < 0; i++) {
        a2 = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
        if (a2 < 0) {
            CHECK_EQ(errno, EAGAIN);
            CHECK_EQ(poll(&p, 1, 1000), 1);
        }
    }
    CHECK(a2 >= 0);
    CHECK(fcntl(a2, F_GETFL) & O_NONBLOCK);
    char b;
    CHECK_ERR(read(a2, &b, 1), EAGAIN);
    CHECK_ERR(accept4(ls, NULL, NULL, 0x8000000), EINVAL);
    close(a1);
    close(a2);
    close(c1);
    close(c2);
    close(ls);
    TEST_OK();
}
