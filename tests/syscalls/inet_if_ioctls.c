/* SPDX-License-Identifier: Apache-2.0 */
/* Interface ioctls for "lo": SIOCGIFINDEX (= if_nametoindex, index 1 as in every network
 * namespace), SIOCGIFNAME back, SIOCGIFFLAGS (UP, LOOPBACK, RUNNING), SIOCGIFADDR 127.0.0.1,
 * SIOCGIFNETMASK 255.0.0.0, SIOCGIFMTU, SIOCGIFCONF listing lo; an unknown name is ENODEV. */
#include "test.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int main(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    CHECK(ioctl(s, SIOCGIFINDEX, &ifr) == 0);
    CHECK_EQ(ifr.ifr_ifindex, 1);
    CHECK_EQ(if_nametoindex("lo"), 1);
    char name[IF_NAMESIZE];
    CHECK(if_indextoname(1, name) != NULL);
    CHECK(strcmp(name, "lo") == 0);
    CHECK_EQ(if_nametoindex("nonexistent0"), 0);

    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_ifindex = 1;
    CHECK(ioctl(s, SIOCGIFNAME, &ifr) == 0);
    CHECK(strcmp(ifr.ifr_name, "lo") == 0);

    CHECK(ioctl(s, SIOCGIFFLAGS, &ifr) == 0);
    CHECK(ifr.ifr_flags & IFF_UP);
    CHECK(ifr.ifr_flags & IFF_LOOPBACK);
    CHECK(ifr.ifr_flags & IFF_RUNNING);

    CHECK(ioctl(s, SIOCGIFADDR, &ifr) == 0);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    CHECK_EQ(sin->sin_family, AF_INET);
    CHECK_EQ(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    CHECK(ioctl(s, SIOCGIFNETMASK, &ifr) == 0);
    CHECK_EQ(sin->sin_addr.s_addr, htonl(0xff000000));
    CHECK(ioctl(s, SIOCGIFMTU, &ifr) == 0);
    CHECK(ifr.ifr_mtu >= 1280);

    /* SIOCGIFCONF: a NULL buffer asks for the size; lo is in the list. */
    struct ifconf ifc = { .ifc_len = 0, .ifc_buf = NULL };
    CHECK(ioctl(s, SIOCGIFCONF, &ifc) == 0);
    CHECK(ifc.ifc_len > 0);
    CHECK_EQ(ifc.ifc_len % (int)sizeof(struct ifreq), 0);
    struct ifreq reqs[32];
    ifc.ifc_len = sizeof(reqs);
    ifc.ifc_req = reqs;
    CHECK(ioctl(s, SIOCGIFCONF, &ifc) == 0);
    int found = 0;
    for (int i = 0; i < ifc.ifc_len / (int)sizeof(struct ifreq); i++)
        if (strcmp(reqs[i].ifr_name, "lo") == 0) {
            CHECK_EQ(((struct sockaddr_in *)&reqs[i].ifr_addr)->sin_addr.s_addr,
                     htonl(INADDR_LOOPBACK));
            found = 1;
        }
    CHECK(found);

    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "nonexistent0");
    CHECK_ERR(ioctl(s, SIOCGIFINDEX, &ifr), ENODEV);
    CHECK_ERR(ioctl(s, SIOCGIFFLAGS, &ifr), ENODEV);
    ifr.ifr_ifindex = 0x7fffffff;
    CHECK_ERR(ioctl(s, SIOCGIFNAME, &ifr), ENODEV);
    close(s);
    TEST_OK();
}
