/* SPDX-License-Identifier: Apache-2.0 */
/* ICMP "ping" sockets (SOCK_DGRAM, IPPROTO_ICMP): allowed only when the caller's group is in
 * net.ipv4.ping_group_range, otherwise socket() is EACCES. When allowed, an echo request to
 * 127.0.0.1 gets an echo reply with our data and the kernel-chosen identifier. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>

int main(void)
{
    FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "r");
    CHECK(f != NULL);
    unsigned long lo = 0, hi = 0;
    CHECK_EQ(fscanf(f, "%lu %lu", &lo, &hi), 2);
    fclose(f);
    /* The check covers the effective gid and the supplementary groups. */
    gid_t groups[256];
    int n = getgroups(256, groups);
    CHECK(n >= 0);
    int allowed = getegid() >= lo && getegid() <= hi;
    for (int i = 0; i < n; i++)
        if (groups[i] >= lo && groups[i] <= hi)
            allowed = 1;

    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    if (!allowed) {
        CHECK_EQ(s, -1);
        CHECK_EQ(errno, EACCES);
        TEST_OK();
    }
    CHECK(s >= 0);
    struct sockaddr_in to = { .sin_family = AF_INET };
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct {
        struct icmphdr h;
        char data[8];
    } req;
    memset(&req, 0, sizeof(req));
    req.h.type = ICMP_ECHO;
    req.h.un.echo.sequence = htons(7);
    memcpy(req.data, "corpus3!", 8);
    CHECK_EQ(sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)), sizeof(req));
    struct pollfd p = { .fd = s, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    char buf[64];
    ssize_t r = recv(s, buf, sizeof(buf), 0);
    CHECK_EQ(r, sizeof(req));
    struct icmphdr rep;
    memcpy(&rep, buf, sizeof(rep));
    CHECK_EQ(rep.type, ICMP_ECHOREPLY);
    CHECK_EQ(ntohs(rep.un.echo.sequence), 7);
    CHECK(memcmp(buf + sizeof(rep), "corpus3!", 8) == 0);
    close(s);
    TEST_OK();
}
