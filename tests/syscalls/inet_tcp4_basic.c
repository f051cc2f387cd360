/* SPDX-License-Identifier: Apache-2.0 */
/* TCP over IPv4 loopback: bind port 0 picks an ephemeral port in ip_local_port_range,
 * listen/connect/accept, names on both sides, data both ways and EOF after close. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(ls >= 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = 0 };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(ls, (struct sockaddr *)&sin, &len) == 0);
    CHECK_EQ(len, sizeof(sin));
    CHECK(sin.sin_port != 0);
    CHECK_EQ(sin.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    CHECK(f != NULL);
    int lo = 0, hi = 0;
    CHECK_EQ(fscanf(f, "%d %d", &lo, &hi), 2);
    fclose(f);
    CHECK(ntohs(sin.sin_port) >= lo && ntohs(sin.sin_port) <= hi);
    CHECK(listen(ls, 8) == 0);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    struct sockaddr_in peer, cname;
    len = sizeof(peer);
    int a = accept(ls, (struct sockaddr *)&peer, &len);
    CHECK(a >= 0);
    CHECK_EQ(len, sizeof(peer));
    CHECK_EQ(peer.sin_family, AF_INET);
    CHECK_EQ(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    len = sizeof(cname);
    CHECK(getsockname(c, (struct sockaddr *)&cname, &len) == 0);
    CHECK_EQ(cname.sin_port, peer.sin_port);
    len = sizeof(cname);
    CHECK(getpeername(c, (struct sockaddr *)&cname, &len) == 0);
    CHECK_EQ(cname.sin_port, sin.sin_port);
    len = sizeof(cname);
    CHECK(getsockname(a, (struct sockaddr *)&cname, &len) == 0);
    CHECK_EQ(cname.sin_port, sin.sin_port);

    CHECK_EQ(write(c, "ping", 4), 4);
    char buf[8];
    CHECK_EQ(recv(a, buf, 4, MSG_WAITALL), 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    CHECK_EQ(write(a, "pong!", 5), 5);
    CHECK_EQ(recv(c, buf, 5, MSG_WAITALL), 5);
    CHECK(memcmp(buf, "pong!", 5) == 0);

    int v = 0;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0);
    CHECK_EQ(v, 1);
    CHECK(getsockopt(c, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0);
    CHECK_EQ(v, IPPROTO_TCP);
    CHECK(getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &vl) == 0);
    CHECK_EQ(v, SOCK_STREAM);
    CHECK(getsockopt(c, SOL_SOCKET, SO_DOMAIN, &v, &vl) == 0);
    CHECK_EQ(v, AF_INET);

    close(c);
    CHECK_EQ(read(a, buf, sizeof(buf)), 0);
    close(a);
    close(ls);
    TEST_OK();
}
