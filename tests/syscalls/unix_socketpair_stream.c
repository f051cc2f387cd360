/* SPDX-License-Identifier: Apache-2.0 */
/* A stream socketpair is a bidirectional byte stream: writes coalesce, reads split, both ends
 * are unnamed (getsockname/getpeername give just the family, length 2) and the socket options
 * report the type, domain and protocol. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);

    CHECK_EQ(write(sv[0], "abc", 3), 3);
    CHECK_EQ(write(sv[0], "defg", 4), 4);
    char buf[16] = { 0 };
    CHECK_EQ(read(sv[1], buf, 2), 2);
    CHECK(memcmp(buf, "ab", 2) == 0);
    CHECK_EQ(read(sv[1], buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "cdefg", 5) == 0);
    CHECK_EQ(write(sv[1], "back", 4), 4);
    CHECK_EQ(read(sv[0], buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "back", 4) == 0);

    struct sockaddr_un sun;
    memset(&sun, 0x55, sizeof(sun));
    socklen_t len = sizeof(sun);
    CHECK(getsockname(sv[0], (struct sockaddr *)&sun, &len) == 0);
    CHECK_EQ(len, sizeof(sa_family_t));
    CHECK_EQ(sun.sun_family, AF_UNIX);
    len = sizeof(sun);
    CHECK(getpeername(sv[0], (struct sockaddr *)&sun, &len) == 0);
    CHECK_EQ(len, sizeof(sa_family_t));

    int v = -1;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &vl) == 0);
    CHECK_EQ(v, SOCK_STREAM);
    CHECK_EQ(vl, sizeof(int));
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &vl) == 0);
    CHECK_EQ(v, AF_UNIX);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0);
    CHECK_EQ(v, 0);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0);
    CHECK_EQ(v, 0);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &vl) == 0);
    CHECK_EQ(v, 0);

    /* Only protocol 0 or PF_UNIX (1) exists for unix sockets. */
    int bad[2];
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 2, bad), EPROTONOSUPPORT);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, PF_UNIX, bad) == 0);
    close(bad[0]);
    close(bad[1]);
    /* socketpair is unsupported for TCP. */
    CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, bad), EOPNOTSUPP);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_RDM, 0, bad), ESOCKTNOSUPPORT);
    /* Unknown bits above the type are EINVAL. */
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM | 0x40, 0, bad), EINVAL);
    /* SOCK_RAW on AF_UNIX silently becomes SOCK_DGRAM. */
    CHECK(socketpair(AF_UNIX, SOCK_RAW, 0, bad) == 0);
    CHECK(getsockopt(bad[0], SOL_SOCKET, SO_TYPE, &v, &vl) == 0);
    CHECK_EQ(v, SOCK_DGRAM);
    close(bad[0]);
    close(bad[1]);

    /* The fds carry SOCK_CLOEXEC / SOCK_NONBLOCK when asked. */
    int nb[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, nb) == 0);
    CHECK_EQ(fcntl(nb[0], F_GETFD), FD_CLOEXEC);
    CHECK(fcntl(nb[1], F_GETFL) & O_NONBLOCK);
    CHECK_ERR(read(nb[0], buf, 1), EAGAIN);
    close(nb[0]);
    close(nb[1]);
    close(sv[0]);
    CHECK_EQ(read(sv[1], buf, 1), 0);
    close(sv[1]);
    TEST_OK();
}
