/* SPDX-License-Identifier: Apache-2.0 */
/* A connected UDP socket: send needs no address, getpeername reports the peer, datagrams
 * from other senders are filtered out, sendto with an explicit address still works, and
 * connecting again re-targets it. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int bound_udp(struct sockaddr_in *sin)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(s, (struct sockaddr *)sin, sizeof(*sin)) == 0);
    socklen_t len = sizeof(*sin);
    CHECK(getsockname(s, (struct sockaddr *)sin, &len) == 0);
    return s;
}

int main(void)
{
    struct sockaddr_in an, bn, cn;
    int a = bound_udp(&an), b = bound_udp(&bn), c = bound_udp(&cn);
    CHECK(connect(a, (struct sockaddr *)&bn, sizeof(bn)) == 0);
    struct sockaddr_in peer;
    socklen_t len = sizeof(peer);
    CHECK(getpeername(a, (struct sockaddr *)&peer, &len) == 0);
    CHECK_EQ(peer.sin_port, bn.sin_port);
    CHECK_EQ(send(a, "1", 1, 0), 1);
    char buf[8];
    CHECK_EQ(recv(b, buf, sizeof(buf), 0), 1);

    /* c sends to a: filtered (a only accepts from b); b's datagram gets through. */
    CHECK_EQ(sendto(c, "c", 1, 0, (struct sockaddr *)&an, sizeof(an)), 1);
    CHECK_EQ(sendto(b, "b", 1, 0, (struct sockaddr *)&an, sizeof(an)), 1);
    CHECK_EQ(recv(a, buf, sizeof(buf), 0), 1);
    CHECK_EQ(buf[0], 'b');
    CHECK_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    /* Explicit destination on a connected UDP socket is allowed. */
    CHECK_EQ(sendto(a, "x", 1, 0, (struct sockaddr *)&cn, sizeof(cn)), 1);
    CHECK_EQ(recv(c, buf, sizeof(buf), 0), 1);

    /* Re-connect to c. */
    CHECK(connect(a, (struct sockaddr *)&cn, sizeof(cn)) == 0);
    CHECK_EQ(send(a, "2", 1, 0), 1);
    CHECK_EQ(recv(c, buf, sizeof(buf), 0), 1);
    CHECK_EQ(buf[0], '2');
    close(a);
    close(b);
    close(c);
    TEST_OK();
}
