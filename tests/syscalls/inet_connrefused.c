/* SPDX-License-Identifier: Apache-2.0 */
/* Connecting to a TCP port that is bound but not listening gets a RST: ECONNREFUSED (v4 and
 * v6); the socket can then connect elsewhere. A failed connect leaves SO_ERROR at 0. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    /* Hold a port with a bound, non-listening socket so nobody else can listen there. */
    int hold = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(hold, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(hold, (struct sockaddr *)&sin, &len) == 0);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&sin, sizeof(sin)), ECONNREFUSED);
    int err = -1;
    socklen_t el = sizeof(err);
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, 0);

    /* The same socket connects fine to a listener afterwards. */
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in lsin = sin;
    lsin.sin_port = 0;
    CHECK(bind(ls, (struct sockaddr *)&lsin, sizeof(lsin)) == 0);
    len = sizeof(lsin);
    CHECK(getsockname(ls, (struct sockaddr *)&lsin, &len) == 0);
    CHECK(listen(ls, 1) == 0);
    CHECK(connect(c, (struct sockaddr *)&lsin, sizeof(lsin)) == 0);
    close(c);
    close(ls);

    /* IPv6. */
    int hold6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    CHECK(bind(hold6, (struct sockaddr *)&s6, sizeof(s6)) == 0);
    len = sizeof(s6);
    CHECK(getsockname(hold6, (struct sockaddr *)&s6, &len) == 0);
    int c6 = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK_ERR(connect(c6, (struct sockaddr *)&s6, sizeof(s6)), ECONNREFUSED);

    /* Port 0 as a destination is refused too (nothing can listen there). */
    struct sockaddr_in zero = sin;
    zero.sin_port = 0;
    int cz = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(connect(cz, (struct sockaddr *)&zero, sizeof(zero)), ECONNREFUSED);
    close(cz);
    close(c6);
    close(hold6);
    close(hold);
    TEST_OK();
}
