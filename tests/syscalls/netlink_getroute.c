/* SPDX-License-Identifier: Apache-2.0 */
/* NETLINK_ROUTE RTM_GETROUTE dump of the IPv4 tables parses cleanly (well-formed attributes)
 * and includes the local-table route for 127.0.0.1 on ifindex 1 (RTN_LOCAL, RT_TABLE_LOCAL). */
#include "test.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

int main(void)
{
    int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    CHECK(s >= 0);
    struct {
        struct nlmsghdr nh;
        struct rtmsg rt;
    } req;
    memset(&req, 0, sizeof(req));
    req.nh.nlmsg_len = sizeof(req);
    req.nh.nlmsg_type = RTM_GETROUTE;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nh.nlmsg_seq = 1;
    req.rt.rtm_family = AF_INET;
    CHECK_EQ(send(s, &req, sizeof(req), 0), sizeof(req));

    struct in_addr lo;
    CHECK_EQ(inet_pton(AF_INET, "127.0.0.1", &lo), 1);
    static char buf[65536];
    int done = 0, routes = 0, found = 0;
    while (!done) {
        ssize_t n = recv(s, buf, sizeof(buf), 0);
        CHECK(n > 0);
        for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)n);
             nh = NLMSG_NEXT(nh, n)) {
            if (nh->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }
            CHECK_EQ(nh->nlmsg_type, RTM_NEWROUTE);
            struct rtmsg *rt = NLMSG_DATA(nh);
            CHECK_EQ(rt->rtm_family, AF_INET);
            routes++;
            int rl = (int)RTM_PAYLOAD(nh);
            int oif = 0, is_lo = 0;
            struct rtattr *rta;
            for (rta = RTM_RTA(rt); RTA_OK(rta, rl); rta = RTA_NEXT(rta, rl)) {
                CHECK(rta->rta_len >= sizeof(struct rtattr));
                if (rta->rta_type == RTA_OIF)
                    memcpy(&oif, RTA_DATA(rta), sizeof(oif));
                if (rta->rta_type == RTA_DST && RTA_PAYLOAD(rta) == 4 &&
                    memcmp(RTA_DATA(rta), &lo, 4) == 0)
                    is_lo = 1;
            }
            /* Attributes fill the message exactly. */
            CHECK_EQ(rl, 0);
            if (is_lo && rt->rtm_type == RTN_LOCAL && rt->rtm_dst_len == 32) {
                CHECK_EQ(rt->rtm_table, RT_TABLE_LOCAL);
                CHECK_EQ(oif, 1);
                found = 1;
            }
        }
    }
    CHECK(routes >= 1);
    CHECK(found);
    close(s);
    TEST_OK();
}
