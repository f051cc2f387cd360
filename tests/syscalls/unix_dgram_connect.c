/* SPDX-License-Identifier: Apache-2.0 */
/* Unix datagram connect: after connect() send needs no address; an unconnected socket sending
 * without one is ENOTCONN; a socket connected elsewhere refuses datagrams from strangers
 * (EPERM); sendto with an address on a connected socket overrides the peer; AF_UNSPEC
 * disconnects; recvfrom reports the sender's bound name. */
#include "test.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static socklen_t name(struct sockaddr_un *sun, const char *tag)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    int n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "corpus3-dgc-%s-%d", tag,
                     (int)getpid());
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int main(void)
{
    struct sockaddr_un an, bn, cn;
    socklen_t al = name(&an, "a"), bl = name(&bn, "b"), cl = name(&cn, "c");
    int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0),
        c = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(a, (struct sockaddr *)&an, al) == 0);
    CHECK(bind(b, (struct sockaddr *)&bn, bl) == 0);
    CHECK(bind(c, (struct sockaddr *)&cn, cl) == 0);

    CHECK_ERR(send(a, "x", 1, 0), ENOTCONN);
    CHECK(connect(a, (struct sockaddr *)&bn, bl) == 0);
    CHECK_EQ(send(a, "to-b", 4, 0), 4);
    char buf[16];
    struct sockaddr_un from;
    socklen_t fl = sizeof(from);
    CHECK_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 4);
    CHECK_EQ(fl, al);
    CHECK(memcmp(from.sun_path, an.sun_path, al - offsetof(struct sockaddr_un, sun_path)) == 0);

    /* a is connected to b: c may not send to a. */
    CHECK_ERR(sendto(c, "no", 2, 0, (struct sockaddr *)&an, al), EPERM);
    /* b is not connected, so c may send to b; a may send to c with an explicit address. */
    CHECK_EQ(sendto(c, "c>b", 3, 0, (struct sockaddr *)&bn, bl), 3);
    CHECK_EQ(recv(b, buf, sizeof(buf), 0), 3);
    CHECK_EQ(sendto(a, "a>c", 3, 0, (struct sockaddr *)&cn, cl), 3);
    CHECK_EQ(recv(c, buf, sizeof(buf), 0), 3);
    CHECK(memcmp(buf, "a>c", 3) == 0);

    /* getpeername on the connected datagram socket. */
    fl = sizeof(from);
    CHECK(getpeername(a, (struct sockaddr *)&from, &fl) == 0);
    CHECK_EQ(fl, bl);

    /* AF_UNSPEC dissolves the association. */
    struct sockaddr unspec = { .sa_family = AF_UNSPEC };
    CHECK(connect(a, &unspec, sizeof(unspec)) == 0);
    CHECK_ERR(send(a, "x", 1, 0), ENOTCONN);
    fl = sizeof(from);
    CHECK_ERR(getpeername(a, (struct sockaddr *)&from, &fl), ENOTCONN);
    CHECK_EQ(sendto(c, "ok", 2, 0, (struct sockaddr *)&an, al), 2);
    CHECK_EQ(recv(a, buf, sizeof(buf), 0), 2);

    /* An unbound sender shows up with an empty address (length 0 from recvfrom). */
    int u = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_EQ(sendto(u, "anon", 4, 0, (struct sockaddr *)&bn, bl), 4);
    fl = sizeof(from);
    memset(&from, 0x22, sizeof(from));
    CHECK_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 4);
    CHECK_EQ(fl, 0);

    /* Sending to a name nobody holds: ECONNREFUSED; to a stream socket's name: EPROTOTYPE. */
    struct sockaddr_un gone;
    socklen_t gl = name(&gone, "gone");
    CHECK_ERR(sendto(u, "x", 1, 0, (struct sockaddr *)&gone, gl), ECONNREFUSED);
    close(u);
    close(a);
    close(b);
    close(c);
    TEST_OK();
}
