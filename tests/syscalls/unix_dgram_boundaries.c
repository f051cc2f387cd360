/* SPDX-License-Identifier: Apache-2.0 */
/* Unix datagram sockets keep message boundaries: each recv returns one datagram, a short buffer
 * truncates it (the rest is lost), MSG_TRUNC makes recv return the full length and sets
 * MSG_TRUNC in msg_flags; zero-length datagrams are delivered. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);

    CHECK_EQ(send(sv[0], "first", 5, 0), 5);
    CHECK_EQ(send(sv[0], "second!", 7, 0), 7);
    CHECK_EQ(send(sv[0], "", 0, 0), 0);
    CHECK_EQ(send(sv[0], "fourth", 6, 0), 6);
    CHECK_EQ(send(sv[0], "fifth", 5, 0), 5);

    char buf[64];
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 5);
    CHECK(memcmp(buf, "first", 5) == 0);

    /* Truncated: 3 bytes returned, the rest discarded. */
    memset(buf, 0, sizeof(buf));
    struct iovec iov = { .iov_base = buf, .iov_len = 3 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    CHECK_EQ(recvmsg(sv[1], &mh, 0), 3);
    CHECK_EQ(mh.msg_flags, MSG_TRUNC);
    CHECK(memcmp(buf, "sec", 3) == 0);

    /* The empty datagram. */
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);

    /* MSG_TRUNC as a flag: returns the real length. */
    mh.msg_flags = 0;
    CHECK_EQ(recvmsg(sv[1], &mh, MSG_TRUNC), 6);
    CHECK_EQ(mh.msg_flags, MSG_TRUNC);
    CHECK(memcmp(buf, "fou", 3) == 0);

    /* MSG_PEEK|MSG_TRUNC with a zero-size buffer tells the size without consuming. */
    CHECK_EQ(recv(sv[1], NULL, 0, MSG_PEEK | MSG_TRUNC), 5);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 5);
    CHECK(memcmp(buf, "fifth", 5) == 0);
    CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    /* A datagram larger than the send buffer can never fit: EMSGSIZE. */
    int sndbuf = 0;
    socklen_t sl = sizeof(sndbuf);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl) == 0);
    char *big = calloc(1, (size_t)sndbuf + 1);
    CHECK(big != NULL);
    CHECK_ERR(send(sv[0], big, (size_t)sndbuf + 1, 0), EMSGSIZE);
    free(big);

    /* read() on a datagram socket also takes one datagram. */
    CHECK_EQ(write(sv[1], "xy", 2), 2);
    CHECK_EQ(write(sv[1], "z", 1), 1);
    CHECK_EQ(read(sv[0], buf, sizeof(buf)), 2);
    CHECK_EQ(read(sv[0], buf, sizeof(buf)), 1);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
