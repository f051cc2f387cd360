/* SPDX-License-Identifier: Apache-2.0 */
/* TCP MSG_PEEK, MSG_WAITALL and urgent data: MSG_OOB sends one out-of-band byte (the last of
 * the buffer) that recv(MSG_OOB) returns separately, SIOCATMARK marks its position, a second
 * MSG_OOB read is EINVAL; with SO_OOBINLINE the byte stays in the stream; reads (even with
 * MSG_WAITALL) stop at the mark. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static void tcp_pair(int *c, int *a)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(ls, (struct sockaddr *)&sin, &len) == 0);
    CHECK(listen(ls, 1) == 0);
    *c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(*c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    *a = accept(ls, NULL, NULL);
    CHECK(*a >= 0);
    close(ls);
}

int main(void)
{
    int c, a;
    tcp_pair(&c, &a);
    CHECK_EQ(write(c, "hello", 5), 5);
    char buf[16];
    CHECK_EQ(recv(a, buf, 5, MSG_PEEK | MSG_WAITALL), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(recv(a, buf, 2, 0), 2);
    CHECK_EQ(recv(a, buf, sizeof(buf), MSG_PEEK), 3);
    CHECK(memcmp(buf, "llo", 3) == 0);
    CHECK_EQ(recv(a, buf, 3, 0), 3);

    /* Urgent data: "ab" normal, "!" out of band. */
    CHECK_EQ(send(c, "ab!", 3, MSG_OOB), 3);
    struct pollfd p = { .fd = a, .events = POLLPRI };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK(p.revents & POLLPRI);
    int mark = -1;
    CHECK(ioctl(a, SIOCATMARK, &mark) == 0);
    CHECK_EQ(mark, 0);
    /* A normal read stops at the mark. */
    CHECK_EQ(recv(a, buf, sizeof(buf), 0), 2);
    CHECK(memcmp(buf, "ab", 2) == 0);
    CHECK(ioctl(a, SIOCATMARK, &mark) == 0);
    CHECK_EQ(mark, 1);
    CHECK_EQ(recv(a, buf, 1, MSG_OOB), 1);
    CHECK_EQ(buf[0], '!');
    CHECK_ERR(recv(a, buf, 1, MSG_OOB), EINVAL);
    /* No data left in the stream. */
    CHECK_ERR(recv(a, buf, 1, MSG_DONTWAIT), EAGAIN);

    /* SO_OOBINLINE: the urgent byte is read in-line; MSG_OOB reads are EINVAL. */
    int one = 1;
    CHECK(setsockopt(a, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)) == 0);
    CHECK_EQ(send(c, "xy", 2, MSG_OOB), 2);
    /* Even MSG_WAITALL stops in front of the urgent byte. */
    CHECK_EQ(recv(a, buf, 2, MSG_WAITALL), 1);
    CHECK_EQ(buf[0], 'x');
    CHECK_EQ(recv(a, buf, 2, 0), 1);
    CHECK_EQ(buf[0], 'y');
    CHECK_ERR(recv(a, buf, 1, MSG_OOB | MSG_DONTWAIT), EINVAL);
    close(a);
    close(c);
    TEST_OK();
}
