/* SPDX-License-Identifier: Apache-2.0 */
/* SOCK_CLOEXEC and SOCK_NONBLOCK on socket() for every family used here set FD_CLOEXEC and
 * O_NONBLOCK; they are not part of SO_TYPE; fcntl can toggle O_NONBLOCK and the socket
 * follows it; a CLOEXEC socket disappears across exec. */
#include "test.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "check") == 0) {
        int fd = atoi(argv[2]);
        CHECK_ERR(fcntl(fd, F_GETFD), EBADF);
        printf("TEST OK\n");
        return 0;
    }
    int fams[4][3] = { { AF_UNIX, SOCK_STREAM, 0 },
                       { AF_INET, SOCK_DGRAM, 0 },
                       { AF_INET6, SOCK_STREAM, 0 },
                       { AF_NETLINK, SOCK_RAW, NETLINK_ROUTE } };
    for (int i = 0; i < 4; i++) {
        int s = socket(fams[i][0], fams[i][1] | SOCK_CLOEXEC | SOCK_NONBLOCK, fams[i][2]);
        CHECK(s >= 0);
        CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
        CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
        int t = -1;
        socklen_t tl = sizeof(t);
        CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &t, &tl) == 0);
        CHECK_EQ(t, fams[i][1]);
        char b;
        CHECK_ERR(recv(s, &b, 1, 0), fams[i][1] == SOCK_STREAM && fams[i][0] != AF_UNIX
                                         ? ENOTCONN
                                         : (fams[i][0] == AF_UNIX ? EINVAL : EAGAIN));
        close(s);
    }
    /* Toggle O_NONBLOCK with fcntl. */
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
    CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
    char b;
    CHECK_ERR(read(sv[0], &b, 1), EAGAIN);
    CHECK(fcntl(sv[0], F_SETFL, 0) == 0);
    CHECK_EQ(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);

    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(s >= 0);
    char arg[16];
    snprintf(arg, sizeof(arg), "%d", s);
    fflush(stdout);
    execl("/proc/self/exe", argv[0], "check", arg, (char *)NULL);
    CHECK(!"exec failed");
    return 1;
}
