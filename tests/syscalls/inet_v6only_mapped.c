/* SPDX-License-Identifier: Apache-2.0 */
/* IPV6_V6ONLY and v4-mapped addresses: the default follows net.ipv6.bindv6only; a v6 socket
 * bound to ::ffff:127.0.0.1 accepts an IPv4 client whose address appears as
 * ::ffff:127.0.0.1; with IPV6_V6ONLY set such a bind is EINVAL; the option cannot change
 * after bind (EINVAL). */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    FILE *f = fopen("/proc/sys/net/ipv6/bindv6only", "r");
    CHECK(f != NULL);
    int def = -1;
    CHECK_EQ(fscanf(f, "%d", &def), 1);
    fclose(f);

    int ls = socket(AF_INET6, SOCK_STREAM, 0);
    int v = -1;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl) == 0);
    CHECK_EQ(v, def);
    int zero = 0;
    CHECK(setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) == 0);

    struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
    CHECK_EQ(inet_pton(AF_INET6, "::ffff:127.0.0.1", &s6.sin6_addr), 1);
    CHECK(bind(ls, (struct sockaddr *)&s6, sizeof(s6)) == 0);
    socklen_t len = sizeof(s6);
    CHECK(getsockname(ls, (struct sockaddr *)&s6, &len) == 0);
    CHECK(IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr));
    CHECK(listen(ls, 4) == 0);
    int one = 1;
    CHECK_ERR(setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)), EINVAL);

    /* An IPv4 client. */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = s6.sin6_port };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    struct sockaddr_in6 peer;
    len = sizeof(peer);
    int a = accept(ls, (struct sockaddr *)&peer, &len);
    CHECK(a >= 0);
    CHECK_EQ(len, sizeof(peer));
    CHECK_EQ(peer.sin6_family, AF_INET6);
    char txt[64];
    CHECK(inet_ntop(AF_INET6, &peer.sin6_addr, txt, sizeof(txt)) != NULL);
    CHECK(strcmp(txt, "::ffff:127.0.0.1") == 0);

    /* A v6 client to the mapped address also works and is IPv4 on the wire. */
    int c6 = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(connect(c6, (struct sockaddr *)&s6, sizeof(s6)) == 0);
    int a6 = accept(ls, NULL, NULL);
    CHECK(a6 >= 0);

    /* With V6ONLY a v4-mapped bind is refused. */
    int only = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(setsockopt(only, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == 0);
    CHECK(getsockopt(only, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl) == 0);
    CHECK_EQ(v, 1);
    s6.sin6_port = 0;
    CHECK_ERR(bind(only, (struct sockaddr *)&s6, sizeof(s6)), EINVAL);
    /* And connecting to a v4-mapped address from it is ENETUNREACH. */
    s6.sin6_port = sin.sin_port;
    CHECK_ERR(connect(only, (struct sockaddr *)&s6, sizeof(s6)), ENETUNREACH);

    /* IPV6_V6ONLY is not an IPv4 option. */
    CHECK_ERR(setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)), ENOPROTOOPT);
    close(only);
    close(a6);
    close(c6);
    close(a);
    close(c);
    close(ls);
    TEST_OK();
}
