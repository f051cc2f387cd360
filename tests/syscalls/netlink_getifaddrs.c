/* SPDX-License-Identifier: Apache-2.0 */
/* getifaddrs() (glibc builds it from netlink dumps): lo appears with an AF_INET entry
 * 127.0.0.1 netmask 255.0.0.0 and IFF_LOOPBACK|IFF_UP, an AF_INET6 entry ::1, and an
 * AF_PACKET entry. */
#include "test.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

int main(void)
{
    struct ifaddrs *ifa = NULL;
    CHECK(getifaddrs(&ifa) == 0);
    int v4 = 0, v6 = 0, pk = 0;
    for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
        if (strcmp(i->ifa_name, "lo") != 0 || !i->ifa_addr)
            continue;
        CHECK(i->ifa_flags & IFF_LOOPBACK);
        CHECK(i->ifa_flags & IFF_UP);
        switch (i->ifa_addr->sa_family) {
        case AF_INET: {
            struct sockaddr_in *a = (struct sockaddr_in *)i->ifa_addr;
            struct sockaddr_in *m = (struct sockaddr_in *)i->ifa_netmask;
            CHECK_EQ(a->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
            CHECK(m != NULL);
            CHECK_EQ(m->sin_addr.s_addr, htonl(0xff000000));
            v4++;
            break;
        }
        case AF_INET6:
            CHECK(IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr));
            v6++;
            break;
        case AF_PACKET:
            pk++;
            break;
        }
    }
    CHECK_EQ(v4, 1);
    CHECK_EQ(v6, 1);
    CHECK_EQ(pk, 1);
    freeifaddrs(ifa);
    TEST_OK();
}
