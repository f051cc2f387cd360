/* SPDX-License-Identifier: Apache-2.0 */
/* UDP over 127.0.0.1: sendto/recvfrom with the sender's address, unbound senders autobind an
 * ephemeral port, datagram boundaries, MSG_TRUNC (short buffer and flag), zero-length
 * datagrams, FIONREAD giving the first datagram's size, EDESTADDRREQ for a send without
 * address, EMSGSIZE above 65507 bytes. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
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
    struct sockaddr_in sn;
    len = sizeof(sn);
    CHECK(getsockname(s, (struct sockaddr *)&sn, &len) == 0);
    CHECK_EQ(sn.sin_port, 0);
    CHECK_ERR(send(s, "x", 1, 0), EDESTADDRREQ);

    CHECK_EQ(sendto(s, "alpha", 5, 0, (struct sockaddr *)&rs, sizeof(rs)), 5);
    len = sizeof(sn);
    CHECK(getsockname(s, (struct sockaddr *)&sn, &len) == 0);
    CHECK(sn.sin_port != 0);
    CHECK_EQ(sendto(s, "", 0, 0, (struct sockaddr *)&rs, sizeof(rs)), 0);
    CHECK_EQ(sendto(s, "gamma-long", 10, 0, (struct sockaddr *)&rs, sizeof(rs)), 10);
    CHECK_EQ(sendto(s, "delta", 5, 0, (struct sockaddr *)&rs, sizeof(rs)), 5);

    char buf[32];
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    int avail = -1;
    CHECK(ioctl(r, FIONREAD, &avail) == 0);
    CHECK_EQ(avail, 5);
    CHECK_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 5);
    CHECK_EQ(fl, sizeof(from));
    CHECK_EQ(from.sin_port, sn.sin_port);
    CHECK_EQ(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    CHECK(memcmp(buf, "alpha", 5) == 0);
    CHECK_EQ(recv(r, buf, sizeof(buf), 0), 0);

    struct iovec iov = { .iov_base = buf, .iov_len = 4 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    CHECK_EQ(recvmsg(r, &mh, 0), 4);
    CHECK_EQ(mh.msg_flags, MSG_TRUNC);
    CHECK(memcmp(buf, "gamm", 4) == 0);
    mh.msg_flags = 0;
    CHECK_EQ(recvmsg(r, &mh, MSG_TRUNC), 5);
    CHECK_EQ(mh.msg_flags, MSG_TRUNC);
    CHECK_ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    /* A datagram above 65507 bytes of payload is EMSGSIZE. */
    static char big[65508];
    CHECK_ERR(sendto(s, big, sizeof(big), 0, (struct sockaddr *)&rs, sizeof(rs)), EMSGSIZE);
    CHECK_EQ(sendto(s, big, 65507, 0, (struct sockaddr *)&rs, sizeof(rs)), 65507);
    static char rbig[70000];
    CHECK_EQ(recv(r, rbig, sizeof(rbig), 0), 65507);

    /* Wrong address family or length on sendto. */
    CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&rs, sizeof(rs) - 1), EINVAL);
    struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
    CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&s6, sizeof(s6)), EAFNOSUPPORT);
    close(s);
    close(r);
    TEST_OK();
}
