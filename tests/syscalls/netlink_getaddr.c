/* SPDX-License-Identifier: Apache-2.0 */
/* NETLINK_ROUTE RTM_GETADDR dump for AF_INET lists 127.0.0.1/8 on ifindex 1 (host scope);
 * the AF_INET6 dump lists ::1/128. A request with an unknown type gets an NLMSG_ERROR with a
 * negative errno and the offending header echoed. */
#include "test.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

static int dump_has(int s, int family, const void *addr, size_t alen, int plen)
{
    struct {
        struct nlmsghdr nh;
        struct ifaddrmsg ifa;
    } req;
    memset(&req, 0, sizeof(req));
    req.nh.nlmsg_len = sizeof(req);
    req.nh.nlmsg_type = RTM_GETADDR;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nh.nlmsg_seq = (unsigned)family;
    req.ifa.ifa_family = (unsigned char)family;
    CHECK_EQ(send(s, &req, sizeof(req), 0), sizeof(req));
    static char buf[65536];
    int found = 0;
    for (;;) {
        ssize_t n = recv(s, buf, sizeof(buf), 0);
        CHECK(n > 0);
        for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)n);
             nh = NLMSG_NEXT(nh, n)) {
            if (nh->nlmsg_type == NLMSG_DONE)
                return found;
            CHECK_EQ(nh->nlmsg_type, RTM_NEWADDR);
            struct ifaddrmsg *ifa = NLMSG_DATA(nh);
            CHECK_EQ(ifa->ifa_family, family);
            int rl = (int)IFA_PAYLOAD(nh);
            for (struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, rl); rta = RTA_NEXT(rta, rl))
                if (rta->rta_type == IFA_ADDRESS && RTA_PAYLOAD(rta) == alen &&
                    memcmp(RTA_DATA(rta), addr, alen) == 0) {
                    CHECK_EQ(ifa->ifa_index, 1);
                    CHECK_EQ(ifa->ifa_prefixlen, plen);
                    CHECK_EQ(ifa->ifa_scope, RT_SCOPE_HOST);
                    found = 1;
                }
        }
    }
}

int main(void)
{
    int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    CHECK(s >= 0);
    /* send() without bind autobinds; the default destination is the kernel. */
    struct in_addr v4;
    CHECK_EQ(inet_pton(AF_INET, "127.0.0.1", &v4), 1);
    CHECK(dump_has(s, AF_INET, &v4, sizeof(v4), 8));
    struct in6_addr v6 = IN6ADDR_LOOPBACK_INIT;
    CHECK(dump_has(s, AF_INET6, &v6, sizeof(v6), 128));

    /* An unknown message type is answered with an NLMSG_ERROR carrying a negative errno. */
    struct nlmsghdr bad = {
        .nlmsg_len = sizeof(bad), .nlmsg_type = 0x3ff, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 9
    };
    CHECK_EQ(send(s, &bad, sizeof(bad), 0), sizeof(bad));
    char buf[4096];
    ssize_t n = recv(s, buf, sizeof(buf), 0);
    CHECK(n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)));
    struct nlmsghdr *nh = (struct nlmsghdr *)buf;
    CHECK_EQ(nh->nlmsg_type, NLMSG_ERROR);
    CHECK_EQ(nh->nlmsg_seq, 9);
    struct nlmsgerr *e = NLMSG_DATA(nh);
    CHECK(e->error < 0);
    CHECK_EQ(e->msg.nlmsg_type, 0x3ff);
    close(s);
    TEST_OK();
}
