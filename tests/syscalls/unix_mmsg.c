/* SPDX-License-Identifier: Apache-2.0 */
/* sendmmsg/recvmmsg on a unix datagram pair: several datagrams per call, msg_len filled in per
 * message, vlen capped by what is queued (with MSG_DONTWAIT), and a zero vlen returns 0. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    const char *words[4] = { "a", "bb", "ccc", "dddd" };
    struct iovec iov[4];
    struct mmsghdr mm[4];
    memset(mm, 0, sizeof(mm));
    for (int i = 0; i < 4; i++) {
        iov[i].iov_base = (void *)words[i];
        iov[i].iov_len = strlen(words[i]);
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK_EQ(sendmmsg(sv[0], mm, 4, 0), 4);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(mm[i].msg_len, i + 1);

    char bufs[8][8];
    struct iovec riov[8];
    struct mmsghdr rm[8];
    memset(rm, 0, sizeof(rm));
    for (int i = 0; i < 8; i++) {
        riov[i].iov_base = bufs[i];
        riov[i].iov_len = sizeof(bufs[i]);
        rm[i].msg_hdr.msg_iov = &riov[i];
        rm[i].msg_hdr.msg_iovlen = 1;
    }
    /* Only 4 queued: returns 4 without blocking thanks to MSG_DONTWAIT. */
    CHECK_EQ(recvmmsg(sv[1], rm, 8, MSG_DONTWAIT, NULL), 4);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(rm[i].msg_len, i + 1);
        CHECK(memcmp(bufs[i], words[i], (size_t)i + 1) == 0);
    }
    /* Nothing queued: EAGAIN. */
    CHECK_ERR(recvmmsg(sv[1], rm, 8, MSG_DONTWAIT, NULL), EAGAIN);

    /* MSG_WAITFORONE: blocks for the first only. */
    CHECK_EQ(sendmmsg(sv[0], mm, 2, 0), 2);
    CHECK_EQ(recvmmsg(sv[1], rm, 8, MSG_WAITFORONE, NULL), 2);

    /* A short receive buffer truncates one message and flags it. */
    CHECK_EQ(sendmmsg(sv[0], &mm[3], 1, 0), 1);
    riov[0].iov_len = 2;
    CHECK_EQ(recvmmsg(sv[1], rm, 1, 0, NULL), 1);
    CHECK_EQ(rm[0].msg_len, 2);
    CHECK_EQ(rm[0].msg_hdr.msg_flags, MSG_TRUNC);

    CHECK_EQ(sendmmsg(sv[0], mm, 0, 0), 0);
    CHECK_ERR(recvmmsg(sv[1], rm, 1, MSG_DONTWAIT, NULL), EAGAIN);

    /* On a stream pair each mmsghdr is one sendmsg. */
    int st[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, st) == 0);
    CHECK_EQ(sendmmsg(st[0], mm, 4, 0), 4);
    char all[16];
    CHECK_EQ(read(st[1], all, sizeof(all)), 10);
    CHECK(memcmp(all, "abbcccdddd", 10) == 0);
    close(st[0]);
    close(st[1]);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
