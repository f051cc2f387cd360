/* SPDX-License-Identifier: Apache-2.0 */
/* A NETLINK_KOBJECT_UEVENT socket opens, binds to the kernel multicast group 1 (as udev does),
 * reports its address, and (with no device activity) stays silent for a short poll. Also: an
 * unknown netlink protocol is EPROTONOSUPPORT, and netlink has no SOCK_STREAM. */
#include "test.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

int main(void)
{
    int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
    CHECK(s >= 0);
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = 0, .nl_groups = 1 };
    CHECK(bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    struct sockaddr_nl got;
    socklen_t len = sizeof(got);
    CHECK(getsockname(s, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, sizeof(got));
    CHECK_EQ(got.nl_family, AF_NETLINK);
    CHECK_EQ(got.nl_groups, 1);
    CHECK(got.nl_pid != 0);
    int v = 0;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0);
    CHECK_EQ(v, NETLINK_KOBJECT_UEVENT);

    struct pollfd p = { .fd = s, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 100), 0);
    char b;
    CHECK_ERR(recv(s, &b, 1, MSG_DONTWAIT), EAGAIN);

    /* Binding a second socket to an explicit port id already taken: EADDRINUSE. */
    int s2 = socket(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    struct sockaddr_nl same = { .nl_family = AF_NETLINK, .nl_pid = got.nl_pid };
    CHECK_ERR(bind(s2, (struct sockaddr *)&same, sizeof(same)), EADDRINUSE);
    close(s2);

    CHECK_ERR(socket(AF_NETLINK, SOCK_RAW, 31), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE), ESOCKTNOSUPPORT);
    /* Short address: EINVAL. */
    int s3 = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    CHECK_ERR(bind(s3, (struct sockaddr *)&sa, sizeof(sa) - 1), EINVAL);
    close(s3);
    close(s);
    TEST_OK();
}
