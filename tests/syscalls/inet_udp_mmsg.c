/* SPDX-License-Identifier: Apache-2.0 */
/* sendmmsg/recvmmsg on UDP loopback: several datagrams per call with per-message lengths and
 * source addresses, MSG_WAITFORONE, a timeout-free non-blocking drain. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    int r = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in rs = { .sin_family = AF_INET };
    rs.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(r, (struct sockaddr *)&rs, sizeof(rs)) == 0);
    socklen_t len = sizeof(rs);
    CHECK(getsockname(r, (struct sockaddr *)&rs, &len) == 0);
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    enum { N = 6 };
    char payload[N][8];
    struct iovec iov[N];
    struct mmsghdr mm[N];
    memset(mm, 0, sizeof(mm));
    for (int i = 0; i < N; i++) {
        memset(payload[i], 'A' + i, sizeof(payload[i]));
        iov[i].iov_base = payload[i];
        iov[i].iov_len = (size_t)i + 1;
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &rs;
        mm[i].msg_hdr.msg_namelen = sizeof(rs);
    }
    CHECK_EQ(sendmmsg(s, mm, N, 0), N);
    for (int i = 0; i < N; i++)
        CHECK_EQ(mm[i].msg_len, i + 1);
    struct sockaddr_in sn;
    len = sizeof(sn);
    CHECK(getsockname(s, (struct sockaddr *)&sn, &len) == 0);

    char rb[8][16];
    struct iovec riov[8];
    struct mmsghdr rm[8];
    struct sockaddr_in from[8];
    memset(rm, 0, sizeof(rm));
    for (int i = 0; i < 8; i++) {
        riov[i].iov_base = rb[i];
        riov[i].iov_len = sizeof(rb[i]);
        rm[i].msg_hdr.msg_iov = &riov[i];
        rm[i].msg_hdr.msg_iovlen = 1;
        rm[i].msg_hdr.msg_name = &from[i];
        rm[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    CHECK_EQ(recvmmsg(r, rm, 4, 0, NULL), 4);
    CHECK_EQ(recvmmsg(r, rm + 4, 8 - 4, MSG_DONTWAIT, NULL), 2);
    for (int i = 0; i < N; i++) {
        CHECK_EQ(rm[i].msg_len, i + 1);
        CHECK_EQ(rb[i][0], 'A' + i);
        CHECK_EQ(rm[i].msg_hdr.msg_namelen, sizeof(struct sockaddr_in));
        CHECK_EQ(from[i].sin_port, sn.sin_port);
    }
    CHECK_ERR(recvmmsg(r, rm, 8, MSG_DONTWAIT, NULL), EAGAIN);
    CHECK_EQ(sendmmsg(s, mm, 1, 0), 1);
    CHECK_EQ(recvmmsg(r, rm, 8, MSG_WAITFORONE, NULL), 1);
    close(s);
    close(r);
    TEST_OK();
}
