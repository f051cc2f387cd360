/* SPDX-License-Identifier: Apache-2.0 */
/* NETLINK_ROUTE RTM_GETLINK dump: the kernel assigns our port id (our pid for the first
 * socket), answers with RTM_NEWLINK messages ending in NLMSG_DONE, and lo is among them with
 * index 1, IFF_LOOPBACK and IFLA_IFNAME "lo". */
#include "test.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

int main(void)
{
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(s >= 0);
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
    CHECK(bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    socklen_t len = sizeof(sa);
    CHECK(getsockname(s, (struct sockaddr *)&sa, &len) == 0);
    CHECK_EQ(len, sizeof(sa));
    CHECK_EQ(sa.nl_family, AF_NETLINK);
    CHECK(sa.nl_pid != 0);

    struct {
        struct nlmsghdr nh;
        struct ifinfomsg ifi;
    } req;
    memset(&req, 0, sizeof(req));
    req.nh.nlmsg_len = sizeof(req);
    req.nh.nlmsg_type = RTM_GETLINK;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nh.nlmsg_seq = 42;
    req.ifi.ifi_family = AF_UNSPEC;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    CHECK_EQ(sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)),
             sizeof(req));

    static char buf[65536];
    int done = 0, found_lo = 0, links = 0;
    while (!done) {
        struct sockaddr_nl from;
        socklen_t fl = sizeof(from);
        ssize_t n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
        CHECK(n > 0);
        CHECK_EQ(from.nl_pid, 0);
        for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)n);
             nh = NLMSG_NEXT(nh, n)) {
            CHECK_EQ(nh->nlmsg_seq, 42);
            CHECK_EQ(nh->nlmsg_pid, sa.nl_pid);
            if (nh->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }
            CHECK(nh->nlmsg_type != NLMSG_ERROR);
            CHECK_EQ(nh->nlmsg_type, RTM_NEWLINK);
            CHECK(nh->nlmsg_flags & NLM_F_MULTI);
            links++;
            struct ifinfomsg *ifi = NLMSG_DATA(nh);
            int alen = (int)IFLA_PAYLOAD(nh);
            for (struct rtattr *rta = IFLA_RTA(ifi); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
                if (rta->rta_type == IFLA_IFNAME && strcmp(RTA_DATA(rta), "lo") == 0) {
                    CHECK_EQ(ifi->ifi_index, 1);
                    CHECK(ifi->ifi_flags & IFF_LOOPBACK);
                    CHECK(ifi->ifi_flags & IFF_UP);
                    found_lo = 1;
                }
        }
    }
    CHECK(links >= 1);
    CHECK(found_lo);
    close(s);
    TEST_OK();
}
