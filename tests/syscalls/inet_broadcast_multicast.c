/* SPDX-License-Identifier: Apache-2.0 */
/* SO_BROADCAST gates sends to the loopback broadcast address 127.255.255.255 (EACCES without
 * it); IP_MULTICAST_LOOP defaults to 1, IP_MULTICAST_TTL to 1; joining a group on the
 * loopback interface works once (EADDRINUSE the second time) and leaving twice is
 * EADDRNOTAVAIL. Nothing leaves the loopback interface. */
#include "test.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
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
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_EQ(get(s, SOL_SOCKET, SO_BROADCAST), 0);
    struct sockaddr_in bc = { .sin_family = AF_INET, .sin_port = htons(9) };
    CHECK_EQ(inet_pton(AF_INET, "127.255.255.255", &bc.sin_addr), 1);
    CHECK_ERR(sendto(s, "b", 1, 0, (struct sockaddr *)&bc, sizeof(bc)), EACCES);
    int one = 1;
    CHECK(setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) == 0);
    CHECK_EQ(get(s, SOL_SOCKET, SO_BROADCAST), 1);
    CHECK_EQ(sendto(s, "b", 1, 0, (struct sockaddr *)&bc, sizeof(bc)), 1);

    CHECK_EQ(get(s, IPPROTO_IP, IP_MULTICAST_LOOP), 1);
    CHECK_EQ(get(s, IPPROTO_IP, IP_MULTICAST_TTL), 1);
    int zero = 0;
    CHECK(setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) == 0);
    CHECK_EQ(get(s, IPPROTO_IP, IP_MULTICAST_LOOP), 0);
    int ttl = 300;
    CHECK_ERR(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)), EINVAL);

    struct ip_mreqn mr = { .imr_ifindex = (int)if_nametoindex("lo") };
    CHECK(mr.imr_ifindex > 0);
    CHECK_EQ(inet_pton(AF_INET, "239.255.42.99", &mr.imr_multiaddr), 1);
    CHECK(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) == 0);
    CHECK_ERR(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)), EADDRINUSE);
    CHECK(setsockopt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof(mr)) == 0);
    CHECK_ERR(setsockopt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof(mr)), EADDRNOTAVAIL);
    /* A unicast address is not a group. */
    CHECK_EQ(inet_pton(AF_INET, "127.0.0.1", &mr.imr_multiaddr), 1);
    CHECK_ERR(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)), EINVAL);
    /* Too short an option. */
    CHECK_ERR(setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, 4), EINVAL);
    close(s);
    TEST_OK();
}
