/* SPDX-License-Identifier: Apache-2.0 */
/* SOCK_SEQPACKET keeps record boundaries like datagrams but is connected: truncation sets
 * MSG_TRUNC, a closed peer gives EOF (0) and sending to it EPIPE. */
#include "test.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    int v = 0;
    socklen_t vl = sizeof(v);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &vl) == 0);
    CHECK_EQ(v, SOCK_SEQPACKET);

    CHECK_EQ(send(sv[0], "one", 3, 0), 3);
    CHECK_EQ(send(sv[0], "twotwo", 6, 0), 6);
    CHECK_EQ(send(sv[0], "three", 5, 0), 5);

    char buf[32];
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 3);
    CHECK(memcmp(buf, "one", 3) == 0);

    struct iovec iov = { .iov_base = buf, .iov_len = 2 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    CHECK_EQ(recvmsg(sv[1], &mh, 0), 2);
    CHECK_EQ(mh.msg_flags, MSG_TRUNC);
    CHECK(memcmp(buf, "tw", 2) == 0);

    /* MSG_TRUNC returns the real record length. */
    mh.msg_flags = 0;
    CHECK_EQ(recvmsg(sv[1], &mh, MSG_TRUNC), 5);
    CHECK_EQ(mh.msg_flags, MSG_TRUNC);
    CHECK(memcmp(buf, "th", 2) == 0);

    /* Records written with several iovecs arrive as one record. */
    struct iovec two[2] = { { .iov_base = "ab", .iov_len = 2 },
                            { .iov_base = "cd", .iov_len = 2 } };
    struct msghdr sm = { .msg_iov = two, .msg_iovlen = 2 };
    CHECK_EQ(sendmsg(sv[0], &sm, 0), 4);
    CHECK_EQ(send(sv[0], "e", 1, 0), 1);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 4);
    CHECK(memcmp(buf, "abcd", 4) == 0);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 1);

    /* Peer closed: pending records are still read, then EOF. */
    CHECK_EQ(send(sv[0], "last", 4, 0), 4);
    close(sv[0]);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 4);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 0);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 0);

    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(send(sv[1], "x", 1, 0), EPIPE);
    close(sv[1]);
    TEST_OK();
}
