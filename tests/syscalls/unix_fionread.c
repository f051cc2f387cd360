/* SPDX-License-Identifier: Apache-2.0 */
/* FIONREAD/SIOCINQ on unix sockets: a stream or seqpacket socket reports all queued bytes, a
 * datagram socket only the size of the first datagram; SIOCOUTQ counts what the peer has not
 * read yet and drops to 0 once it has. On a listener SIOCINQ is EINVAL. */
#include "test.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/socket.h>
#include <sys/un.h>

static int ioc(int fd, unsigned long req)
{
    int v = -1;
    CHECK(ioctl(fd, req, &v) == 0);
    return v;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(ioc(sv[1], FIONREAD), 0);
    CHECK_EQ(ioc(sv[0], SIOCOUTQ), 0);
    CHECK_EQ(write(sv[0], "hello", 5), 5);
    CHECK_EQ(write(sv[0], "world!", 6), 6);
    CHECK_EQ(ioc(sv[1], FIONREAD), 11);
    CHECK_EQ(ioc(sv[1], SIOCINQ), 11);
    /* SIOCOUTQ counts memory, at least the bytes in flight. */
    CHECK(ioc(sv[0], SIOCOUTQ) >= 11);
    char buf[32];
    CHECK_EQ(read(sv[1], buf, 3), 3);
    CHECK_EQ(ioc(sv[1], FIONREAD), 8);
    CHECK_EQ(read(sv[1], buf, sizeof(buf)), 8);
    CHECK_EQ(ioc(sv[1], FIONREAD), 0);
    CHECK_EQ(ioc(sv[0], SIOCOUTQ), 0);

    int dv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv) == 0);
    CHECK_EQ(ioc(dv[1], FIONREAD), 0);
    CHECK_EQ(send(dv[0], "1234", 4, 0), 4);
    CHECK_EQ(send(dv[0], "1234567", 7, 0), 7);
    CHECK_EQ(ioc(dv[1], FIONREAD), 4);
    CHECK_EQ(recv(dv[1], buf, sizeof(buf), 0), 4);
    CHECK_EQ(ioc(dv[1], FIONREAD), 7);
    CHECK_EQ(recv(dv[1], buf, sizeof(buf), 0), 7);
    CHECK_EQ(ioc(dv[0], SIOCOUTQ), 0);

    int qv[2];
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, qv) == 0);
    CHECK_EQ(send(qv[0], "ab", 2, 0), 2);
    CHECK_EQ(send(qv[0], "cde", 3, 0), 3);
    CHECK_EQ(ioc(qv[1], FIONREAD), 5);

    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "corpus3-fionread-%d", (int)getpid());
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK(listen(ls, 1) == 0);
    int v;
    CHECK_ERR(ioctl(ls, SIOCINQ, &v), EINVAL);
    /* A terminal ioctl on a socket: ENOTTY. */
    CHECK_ERR(ioctl(sv[0], TCGETS, &v), ENOTTY);
    close(ls);
    close(qv[0]);
    close(qv[1]);
    close(dv[0]);
    close(dv[1]);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
