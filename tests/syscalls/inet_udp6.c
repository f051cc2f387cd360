/* SPDX-License-Identifier: Apache-2.0 */
/* UDP over ::1: sendto/recvfrom with sockaddr_in6 names, connect + send/recv, and a v6 socket
 * (V6ONLY off) receiving from an IPv4 sender via its v4-mapped address. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    int r = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 rs = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    CHECK(bind(r, (struct sockaddr *)&rs, sizeof(rs)) == 0);
    socklen_t len = sizeof(rs);
    CHECK(getsockname(r, (struct sockaddr *)&rs, &len) == 0);
    CHECK(rs.sin6_port != 0);

    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECK_EQ(sendto(s, "six", 3, 0, (struct sockaddr *)&rs, sizeof(rs)), 3);
    char buf[16];
    struct sockaddr_in6 from;
    socklen_t fl = sizeof(from);
    CHECK_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 3);
    CHECK_EQ(fl, sizeof(from));
    CHECK_EQ(from.sin6_family, AF_INET6);
    CHECK(IN6_IS_ADDR_LOOPBACK(&from.sin6_addr));
    struct sockaddr_in6 sn;
    len = sizeof(sn);
    CHECK(getsockname(s, (struct sockaddr *)&sn, &len) == 0);
    CHECK_EQ(from.sin6_port, sn.sin6_port);

    /* Connected: send/recv without addresses; getpeername works. */
    CHECK(connect(s, (struct sockaddr *)&rs, sizeof(rs)) == 0);
    CHECK_EQ(send(s, "c", 1, 0), 1);
    CHECK_EQ(recv(r, buf, sizeof(buf), 0), 1);
    len = sizeof(sn);
    CHECK(getpeername(s, (struct sockaddr *)&sn, &len) == 0);
    CHECK_EQ(sn.sin6_port, rs.sin6_port);

    /* A dual-stack receiver bound to ::ffff:127.0.0.1 gets IPv4 datagrams. */
    int d = socket(AF_INET6, SOCK_DGRAM, 0);
    int zero = 0;
    CHECK(setsockopt(d, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) == 0);
    struct sockaddr_in6 ds = { .sin6_family = AF_INET6 };
    CHECK_EQ(inet_pton(AF_INET6, "::ffff:127.0.0.1", &ds.sin6_addr), 1);
    CHECK(bind(d, (struct sockaddr *)&ds, sizeof(ds)) == 0);
    len = sizeof(ds);
    CHECK(getsockname(d, (struct sockaddr *)&ds, &len) == 0);
    int s4 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = ds.sin6_port };
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_EQ(sendto(s4, "four", 4, 0, (struct sockaddr *)&to, sizeof(to)), 4);
    fl = sizeof(from);
    CHECK_EQ(recvfrom(d, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 4);
    CHECK(IN6_IS_ADDR_V4MAPPED(&from.sin6_addr));
    /* A v6 socket can reply to the mapped address. */
    CHECK_EQ(sendto(d, "back", 4, 0, (struct sockaddr *)&from, sizeof(from)), 4);
    CHECK_EQ(recv(s4, buf, sizeof(buf), 0), 4);
    CHECK(memcmp(buf, "back", 4) == 0);
    close(s4);
    close(d);
    close(s);
    close(r);
    TEST_OK();
}
