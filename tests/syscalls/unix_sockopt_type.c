/* SPDX-License-Identifier: Apache-2.0 */
/* SO_TYPE/SO_DOMAIN/SO_PROTOCOL for each unix socket type, SO_ACCEPTCONN turning 1 after
 * listen(); listen on a datagram socket is EOPNOTSUPP and accept on it too; socket-level
 * options on a non-socket are ENOTSOCK. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

static int opt(int s, int o)
{
    int v = -1;
    socklen_t len = sizeof(v);
    CHECK(getsockopt(s, SOL_SOCKET, o, &v, &len) == 0);
    return v;
}

int main(void)
{
    int types[3] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
    for (int i = 0; i < 3; i++) {
        int s = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
        CHECK(s >= 0);
        CHECK_EQ(opt(s, SO_TYPE), types[i]);
        CHECK_EQ(opt(s, SO_DOMAIN), AF_UNIX);
        CHECK_EQ(opt(s, SO_PROTOCOL), 0);
        CHECK_EQ(opt(s, SO_ACCEPTCONN), 0);
        close(s);
    }

    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "corpus3-sotype-%d", (int)getpid());
    int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK(listen(ls, 1) == 0);
    CHECK_EQ(opt(ls, SO_ACCEPTCONN), 1);
    int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(connect(c, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);
    CHECK_EQ(opt(a, SO_ACCEPTCONN), 0);
    CHECK_EQ(opt(a, SO_TYPE), SOCK_SEQPACKET);

    /* Datagram sockets cannot listen or accept. */
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un dn = sun;
    dn.sun_path[1] = 'D';
    CHECK(bind(d, (struct sockaddr *)&dn, sizeof(dn)) == 0);
    CHECK_ERR(listen(d, 1), EOPNOTSUPP);
    CHECK_ERR(accept(d, NULL, NULL), EOPNOTSUPP);

    /* Socket calls on non-sockets. */
    int p[2];
    CHECK(pipe(p) == 0);
    int v;
    socklen_t len = sizeof(v);
    CHECK_ERR(getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &len), ENOTSOCK);
    CHECK_ERR(listen(p[0], 1), ENOTSOCK);
    CHECK_ERR(accept(p[0], NULL, NULL), ENOTSOCK);
    CHECK_ERR(getsockopt(9999, SOL_SOCKET, SO_TYPE, &v, &len), EBADF);

    /* Bad domain / type. */
    CHECK_ERR(socket(AF_MAX + 5, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, SOCK_DGRAM | 0x100, 0), EINVAL);
    close(p[0]);
    close(p[1]);
    close(d);
    close(a);
    close(c);
    close(ls);
    TEST_OK();
}
