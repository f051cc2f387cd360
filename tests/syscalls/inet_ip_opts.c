/* SPDX-License-Identifier: Apache-2.0 */
/* IP-level options: IP_TOS round trip (TCP keeps its ECN bits out of the user value), IP_TTL
 * default from sysctl, -1 resets it, 0 and 256 are EINVAL; IPV6_UNICAST_HOPS likewise; IP_TOS
 * delivered as IP_RECVTOS ancillary data on UDP. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

static int get(int s, int level, int opt)
{
    int v = -12345;
    socklen_t len = sizeof(v);
    CHECK(getsockopt(s, level, opt, &v, &len) == 0);
    return v;
}

int main(void)
{
    FILE *f = fopen("/proc/sys/net/ipv4/ip_default_ttl", "r");
    CHECK(f != NULL);
    int defttl = 0;
    CHECK_EQ(fscanf(f, "%d", &defttl), 1);
    fclose(f);

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_EQ(get(u, IPPROTO_IP, IP_TOS), 0);
    int v = IPTOS_LOWDELAY;
    CHECK(setsockopt(u, IPPROTO_IP, IP_TOS, &v, sizeof(v)) == 0);
    CHECK_EQ(get(u, IPPROTO_IP, IP_TOS), IPTOS_LOWDELAY);
    /* UDP keeps the ECN bits as given. */
    v = 0x2b;
    CHECK(setsockopt(u, IPPROTO_IP, IP_TOS, &v, sizeof(v)) == 0);
    CHECK_EQ(get(u, IPPROTO_IP, IP_TOS), 0x2b);
    /* TCP masks them off. */
    int t = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(setsockopt(t, IPPROTO_IP, IP_TOS, &v, sizeof(v)) == 0);
    CHECK_EQ(get(t, IPPROTO_IP, IP_TOS), 0x28);

    CHECK_EQ(get(u, IPPROTO_IP, IP_TTL), defttl);
    v = 7;
    CHECK(setsockopt(u, IPPROTO_IP, IP_TTL, &v, sizeof(v)) == 0);
    CHECK_EQ(get(u, IPPROTO_IP, IP_TTL), 7);
    v = -1;
    CHECK(setsockopt(u, IPPROTO_IP, IP_TTL, &v, sizeof(v)) == 0);
    CHECK_EQ(get(u, IPPROTO_IP, IP_TTL), defttl);
    v = 0;
    CHECK_ERR(setsockopt(u, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
    v = 256;
    CHECK_ERR(setsockopt(u, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);

    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    v = 9;
    CHECK(setsockopt(u6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)) == 0);
    CHECK_EQ(get(u6, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 9);
    v = 256;
    CHECK_ERR(setsockopt(u6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)), EINVAL);
    v = -2;
    CHECK_ERR(setsockopt(u6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)), EINVAL);

    /* IP_RECVTOS: the receiver sees the sender's TOS byte. */
    int r = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in rs = { .sin_family = AF_INET };
    rs.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(r, (struct sockaddr *)&rs, sizeof(rs)) == 0);
    socklen_t len = sizeof(rs);
    CHECK(getsockname(r, (struct sockaddr *)&rs, &len) == 0);
    int one = 1;
    CHECK(setsockopt(r, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one)) == 0);
    v = 0x10;
    CHECK(setsockopt(u, IPPROTO_IP, IP_TOS, &v, sizeof(v)) == 0);
    CHECK_EQ(sendto(u, "t", 1, 0, (struct sockaddr *)&rs, sizeof(rs)), 1);
    char b;
    char cbuf[64];
    struct iovec iov = { .iov_base = &b, .iov_len = 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)
    };
    CHECK_EQ(recvmsg(r, &mh, 0), 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    CHECK(c != NULL);
    CHECK_EQ(c->cmsg_level, IPPROTO_IP);
    CHECK_EQ(c->cmsg_type, IP_TOS);
    CHECK_EQ(*(unsigned char *)CMSG_DATA(c), 0x10);
    close(r);
    close(u6);
    close(t);
    close(u);
    TEST_OK();
}
