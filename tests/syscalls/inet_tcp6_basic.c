/* SPDX-License-Identifier: Apache-2.0 */
/* TCP over IPv6 loopback (::1): ephemeral bind, connect/accept, sockaddr_in6 names of length
 * 28 with scope id 0 and flowinfo 0, data exchange. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    int ls = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(ls >= 0);
    struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    CHECK(bind(ls, (struct sockaddr *)&s6, sizeof(s6)) == 0);
    socklen_t len = sizeof(s6);
    CHECK(getsockname(ls, (struct sockaddr *)&s6, &len) == 0);
    CHECK_EQ(len, sizeof(struct sockaddr_in6));
    CHECK(s6.sin6_port != 0);
    CHECK(IN6_IS_ADDR_LOOPBACK(&s6.sin6_addr));
    CHECK_EQ(s6.sin6_scope_id, 0);
    CHECK(listen(ls, 4) == 0);

    int c = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&s6, sizeof(s6)) == 0);
    struct sockaddr_in6 peer;
    memset(&peer, 0x7f, sizeof(peer));
    len = sizeof(peer);
    int a = accept(ls, (struct sockaddr *)&peer, &len);
    CHECK(a >= 0);
    CHECK_EQ(len, sizeof(peer));
    CHECK_EQ(peer.sin6_family, AF_INET6);
    CHECK(IN6_IS_ADDR_LOOPBACK(&peer.sin6_addr));
    CHECK_EQ(peer.sin6_flowinfo, 0);
    CHECK_EQ(peer.sin6_scope_id, 0);
    struct sockaddr_in6 cn;
    len = sizeof(cn);
    CHECK(getsockname(c, (struct sockaddr *)&cn, &len) == 0);
    CHECK_EQ(cn.sin6_port, peer.sin6_port);

    /* A sockaddr_in6 shorter than 24 bytes is EINVAL. */
    int c2 = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK_ERR(connect(c2, (struct sockaddr *)&s6, 23), EINVAL);
    /* The 24-byte RFC 2133 form without scope id is accepted. */
    CHECK(connect(c2, (struct sockaddr *)&s6, 24) == 0);
    int a2 = accept(ls, NULL, NULL);
    CHECK(a2 >= 0);

    static char big[100000];
    memset(big, 'v', sizeof(big));
    CHECK_EQ(send(c, big, sizeof(big), 0), sizeof(big));
    static char rb[100000];
    CHECK_EQ(recv(a, rb, sizeof(rb), MSG_WAITALL), sizeof(rb));
    CHECK(memcmp(big, rb, sizeof(rb)) == 0);

    /* Getting a v6 name into a v4-sized buffer truncates and reports 28. */
    char small[16];
    len = sizeof(small);
    CHECK(getsockname(c, (struct sockaddr *)small, &len) == 0);
    CHECK_EQ(len, sizeof(struct sockaddr_in6));
    close(a2);
    close(c2);
    close(a);
    close(c);
    close(ls);
    TEST_OK();
}
