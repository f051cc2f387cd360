/* SPDX-License-Identifier: Apache-2.0 */
/* Port sharing rules on 127.0.0.1: a second bind to a used TCP port is EADDRINUSE; with
 * SO_REUSEADDR on both sockets a non-listening duplicate is allowed but not while the first
 * listens; SO_REUSEPORT on both allows two listeners; UDP follows the same REUSEPORT rule. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int bound_socket(int type, int opt, struct sockaddr_in *sin)
{
    int s = socket(AF_INET, type, 0);
    CHECK(s >= 0);
    int one = 1;
    if (opt)
        CHECK(setsockopt(s, SOL_SOCKET, opt, &one, sizeof(one)) == 0);
    return s;
}

int main(void)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int a = bound_socket(SOCK_STREAM, 0, &sin);
    CHECK(bind(a, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(a, (struct sockaddr *)&sin, &len) == 0);

    int b = bound_socket(SOCK_STREAM, 0, &sin);
    CHECK_ERR(bind(b, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
    /* Only b has SO_REUSEADDR: still in use. */
    int one = 1;
    CHECK(setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    CHECK_ERR(bind(b, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
    close(a);
    close(b);

    /* Both SO_REUSEADDR, neither listening: allowed. */
    a = bound_socket(SOCK_STREAM, SO_REUSEADDR, &sin);
    sin.sin_port = 0;
    CHECK(bind(a, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    len = sizeof(sin);
    CHECK(getsockname(a, (struct sockaddr *)&sin, &len) == 0);
    b = bound_socket(SOCK_STREAM, SO_REUSEADDR, &sin);
    CHECK(bind(b, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    /* One of them listens: the other cannot listen too. */
    CHECK(listen(a, 1) == 0);
    CHECK_ERR(listen(b, 1), EADDRINUSE);
    int c = bound_socket(SOCK_STREAM, SO_REUSEADDR, &sin);
    CHECK_ERR(bind(c, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
    close(a);
    close(b);
    close(c);

    /* SO_REUSEPORT: two listeners on one port. */
    a = bound_socket(SOCK_STREAM, SO_REUSEPORT, &sin);
    sin.sin_port = 0;
    CHECK(bind(a, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    len = sizeof(sin);
    CHECK(getsockname(a, (struct sockaddr *)&sin, &len) == 0);
    b = bound_socket(SOCK_STREAM, SO_REUSEPORT, &sin);
    CHECK(bind(b, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    CHECK(listen(a, 1) == 0);
    CHECK(listen(b, 1) == 0);
    c = bound_socket(SOCK_STREAM, 0, &sin);
    CHECK_ERR(bind(c, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
    int v = 0;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(a, SOL_SOCKET, SO_REUSEPORT, &v, &vl) == 0);
    CHECK_EQ(v, 1);
    close(a);
    close(b);
    close(c);

    /* UDP. */
    a = bound_socket(SOCK_DGRAM, 0, &sin);
    sin.sin_port = 0;
    CHECK(bind(a, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    len = sizeof(sin);
    CHECK(getsockname(a, (struct sockaddr *)&sin, &len) == 0);
    b = bound_socket(SOCK_DGRAM, 0, &sin);
    CHECK_ERR(bind(b, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
    close(a);
    close(b);
    a = bound_socket(SOCK_DGRAM, SO_REUSEPORT, &sin);
    sin.sin_port = 0;
    CHECK(bind(a, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    len = sizeof(sin);
    CHECK(getsockname(a, (struct sockaddr *)&sin, &len) == 0);
    b = bound_socket(SOCK_DGRAM, SO_REUSEPORT, &sin);
    CHECK(bind(b, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    /* TCP and UDP port spaces are separate. */
    c = bound_socket(SOCK_STREAM, 0, &sin);
    CHECK(bind(c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    close(a);
    close(b);
    close(c);
    TEST_OK();
}
