/* SPDX-License-Identifier: Apache-2.0 */
/* bind/connect argument checks for inet sockets: short lengths EINVAL, an AF_INET6 address on
 * an AF_INET socket EAFNOSUPPORT, a non-local address EADDRNOTAVAIL, binding twice EINVAL, a
 * low port needs privilege, listen on UDP EOPNOTSUPP and accept on an unlistened TCP socket
 * EINVAL. */
#include "test.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_ERR(bind(s, (struct sockaddr *)&sin, sizeof(sin) - 1), EINVAL);
    struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    CHECK_ERR(bind(s, (struct sockaddr *)&s6, sizeof(s6)), EAFNOSUPPORT);
    /* 203.0.113.1 (TEST-NET-3) is not a local address; nothing is sent. */
    struct sockaddr_in far = { .sin_family = AF_INET };
    CHECK_EQ(inet_pton(AF_INET, "203.0.113.1", &far.sin_addr), 1);
    CHECK_ERR(bind(s, (struct sockaddr *)&far, sizeof(far)), EADDRNOTAVAIL);
    CHECK(bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    CHECK_ERR(bind(s, (struct sockaddr *)&sin, sizeof(sin)), EINVAL);
    CHECK_ERR(accept(s, NULL, NULL), EINVAL);
    close(s);

    /* Any address in 127/8 is local. */
    s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in l2 = { .sin_family = AF_INET };
    CHECK_EQ(inet_pton(AF_INET, "127.0.0.2", &l2.sin_addr), 1);
    CHECK(bind(s, (struct sockaddr *)&l2, sizeof(l2)) == 0);
    CHECK_ERR(listen(s, 1), EOPNOTSUPP);
    close(s);

    /* A privileged port: allowed only with CAP_NET_BIND_SERVICE (or above
     * ip_unprivileged_port_start). Use a port unlikely to be in use: 1 on 127.0.0.3. */
    FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
    int start = 1024;
    if (f) {
        CHECK_EQ(fscanf(f, "%d", &start), 1);
        fclose(f);
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in low = { .sin_family = AF_INET, .sin_port = htons(1) };
    CHECK_EQ(inet_pton(AF_INET, "127.0.0.3", &low.sin_addr), 1);
    if (test_has_cap(CAP_NET_BIND_SERVICE) || start <= 1)
        CHECK(bind(s, (struct sockaddr *)&low, sizeof(low)) == 0);
    else
        CHECK_ERR(bind(s, (struct sockaddr *)&low, sizeof(low)), EACCES);
    close(s);

    /* AF_INET6 socket with an AF_INET address: EINVAL (length) or EAFNOSUPPORT. */
    int s6s = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK_ERR(bind(s6s, (struct sockaddr *)&sin, sizeof(sin)), EINVAL);
    struct sockaddr_in6 bad6 = s6;
    bad6.sin6_family = AF_INET;
    CHECK_ERR(bind(s6s, (struct sockaddr *)&bad6, sizeof(bad6)), EAFNOSUPPORT);
    close(s6s);

    /* Unsupported protocol for the type. */
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    TEST_OK();
}
