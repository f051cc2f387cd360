/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/net/udp and udp6: a bound UDP socket shows state 07 with its address and port, a
 * connected one 01 with its peer, queued datagrams count in rx_queue, an IPv6 socket shows in
 * udp6 only. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int find(const char *path, unsigned port, char *local, char *remote, unsigned *st,
                unsigned *rx)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int found = 0;

    CHECK(f != NULL);
    CHECK(fgets(line, sizeof(line), f) != NULL);
    CHECK(strstr(line, "ref pointer drops") != NULL);
    while (!found && fgets(line, sizeof(line), f) != NULL) {
        char loc[64], rem[64];
        unsigned s, tx, r;
        int sl;
        if (sscanf(line, "%d: %63s %63s %X %X:%X", &sl, loc, rem, &s, &tx, &r) != 6)
            continue;
        if (strtoul(strrchr(loc, ':') + 1, NULL, 16) == port) {
            found = 1;
            strcpy(local, loc);
            strcpy(remote, rem);
            *st = s;
            *rx = r;
        }
    }
    fclose(f);
    return found;
}

int main(void)
{
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(u >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK(bind(u, (struct sockaddr *)&a, sizeof(a)) == 0);
    socklen_t al = sizeof(a);
    CHECK(getsockname(u, (struct sockaddr *)&a, &al) == 0);
    unsigned port = ntohs(a.sin_port), st = 0, rx = 1;
    char loc[64], rem[64], want[64];
    CHECK(find("/proc/net/udp", port, loc, rem, &st, &rx));
    snprintf(want, sizeof(want), "0100007F:%04X", port);
    CHECK(strcmp(loc, want) == 0);
    CHECK(strcmp(rem, "00000000:0000") == 0);
    CHECK_EQ(st, 0x07);
    CHECK_EQ(rx, 0);

    int c = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(c >= 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
    CHECK_EQ(send(c, "hello", 5, 0), 5);
    struct sockaddr_in ca;
    al = sizeof(ca);
    CHECK(getsockname(c, (struct sockaddr *)&ca, &al) == 0);
    CHECK(find("/proc/net/udp", ntohs(ca.sin_port), loc, rem, &st, &rx));
    CHECK_EQ(st, 0x01);
    CHECK(strcmp(rem, want) == 0);
    CHECK(find("/proc/net/udp", port, loc, rem, &st, &rx));
    CHECK(rx > 0);

    FILE *f = fopen("/proc/net/udp", "r");
    CHECK(f != NULL);
    char line[512];
    while (fgets(line, sizeof(line), f) != NULL)
        CHECK_EQ(strlen(line), 128);
    fclose(f);

    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECK(u6 >= 0);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    CHECK(bind(u6, (struct sockaddr *)&a6, sizeof(a6)) == 0);
    al = sizeof(a6);
    CHECK(getsockname(u6, (struct sockaddr *)&a6, &al) == 0);
    CHECK(find("/proc/net/udp6", ntohs(a6.sin6_port), loc, rem, &st, &rx));
    CHECK_EQ(st, 0x07);
    snprintf(want, sizeof(want), "00000000000000000000000001000000:%04X", ntohs(a6.sin6_port));
    CHECK(strcmp(loc, want) == 0);
    close(u);
    close(c);
    close(u6);
    TEST_OK();
}
