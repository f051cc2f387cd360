/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/net/tcp and tcp6: the header, a listening socket on 127.0.0.1 shows state 0A with its
 * port and inode, a connected pair shows 01 with both ends' addresses, an IPv6 listener on ::1
 * shows in tcp6, and a closed listener is gone. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* Finds the line whose local port is `port` and state `st` in `path` (IPv4 or IPv6 layout). */
static int find(const char *path, unsigned port, unsigned st, char *local, char *remote,
                unsigned long *ino)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int found = 0;

    CHECK(f != NULL);
    CHECK(fgets(line, sizeof(line), f) != NULL);
    CHECK(strncmp(line, "  sl  local_address ", 20) == 0);
    while (!found && fgets(line, sizeof(line), f) != NULL) {
        char loc[64], rem[64];
        unsigned s, tx, rx;
        unsigned long inode;
        int sl;
        if (sscanf(line, "%d: %63s %63s %X %X:%X %*s %*s %*s %*s %lu", &sl, loc, rem, &s, &tx, &rx,
                   &inode) != 7)
            continue;
        char *colon = strrchr(loc, ':');
        CHECK(colon != NULL);
        if (strtoul(colon + 1, NULL, 16) == port && s == st) {
            found = 1;
            strcpy(local, loc);
            strcpy(remote, rem);
            *ino = inode;
        }
    }
    fclose(f);
    return found;
}

int main(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(l >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    CHECK(listen(l, 5) == 0);
    socklen_t al = sizeof(a);
    CHECK(getsockname(l, (struct sockaddr *)&a, &al) == 0);
    unsigned port = ntohs(a.sin_port);
    struct stat st;
    CHECK(fstat(l, &st) == 0);

    char loc[64], rem[64], want[64];
    unsigned long ino = 0;
    CHECK(find("/proc/net/tcp", port, 0x0A, loc, rem, &ino));
    snprintf(want, sizeof(want), "0100007F:%04X", port);
    CHECK(strcmp(loc, want) == 0);
    CHECK(strcmp(rem, "00000000:0000") == 0);
    CHECK_EQ(ino, st.st_ino);

    /* A connection: the client's line names the server as its remote end. */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c >= 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
    int s = accept(l, NULL, NULL);
    CHECK(s >= 0);
    struct sockaddr_in ca;
    al = sizeof(ca);
    CHECK(getsockname(c, (struct sockaddr *)&ca, &al) == 0);
    CHECK(find("/proc/net/tcp", ntohs(ca.sin_port), 0x01, loc, rem, &ino));
    CHECK(strcmp(rem, want) == 0);

    /* Every IPv4 line is padded to 149 columns. */
    FILE *f = fopen("/proc/net/tcp", "r");
    CHECK(f != NULL);
    char line[512];
    while (fgets(line, sizeof(line), f) != NULL)
        CHECK_EQ(strlen(line), 150);
    fclose(f);

    int l6 = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(l6 >= 0);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    CHECK(bind(l6, (struct sockaddr *)&a6, sizeof(a6)) == 0);
    CHECK(listen(l6, 5) == 0);
    al = sizeof(a6);
    CHECK(getsockname(l6, (struct sockaddr *)&a6, &al) == 0);
    CHECK(find("/proc/net/tcp6", ntohs(a6.sin6_port), 0x0A, loc, rem, &ino));
    snprintf(want, sizeof(want), "00000000000000000000000001000000:%04X", ntohs(a6.sin6_port));
    CHECK(strcmp(loc, want) == 0);
    CHECK(!find("/proc/net/tcp", ntohs(a6.sin6_port), 0x0A, loc, rem, &ino));

    close(l);
    CHECK(!find("/proc/net/tcp", port, 0x0A, loc, rem, &ino));
    close(c);
    close(s);
    close(l6);
    TEST_OK();
}
