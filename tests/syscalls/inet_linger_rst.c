/* SPDX-License-Identifier: Apache-2.0 */
/* SO_LINGER with l_onoff=1, l_linger=0 makes close() send a RST: the peer's read fails with
 * ECONNRESET and its poll shows POLLERR|POLLHUP; closing a TCP socket with unread data also
 * resets. SO_LINGER reads back as set. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
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

static void wait_reset(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK(p.revents & POLLERR);
    CHECK(p.revents & POLLHUP);
}

int main(void)
{
    int c, a;
    tcp_pair(&c, &a);
    struct linger lg = { .l_onoff = 1, .l_linger = 0 };
    CHECK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
    struct linger back = { -1, -1 };
    socklen_t len = sizeof(back);
    CHECK(getsockopt(c, SOL_SOCKET, SO_LINGER, &back, &len) == 0);
    CHECK_EQ(len, sizeof(back));
    CHECK_EQ(back.l_onoff, 1);
    CHECK_EQ(back.l_linger, 0);
    close(c);
    wait_reset(a);
    char b[8];
    CHECK_ERR(read(a, b, sizeof(b)), ECONNRESET);
    /* The error is reported once; then EOF. */
    CHECK_EQ(read(a, b, sizeof(b)), 0);
    CHECK_ERR(send(a, "x", 1, MSG_NOSIGNAL), EPIPE);
    close(a);

    /* Unread data at close: RST as well. */
    tcp_pair(&c, &a);
    CHECK_EQ(write(a, "unread", 6), 6);
    struct pollfd p = { .fd = c, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    close(c);
    wait_reset(a);
    int err = -1;
    socklen_t el = sizeof(err);
    CHECK(getsockopt(a, SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, ECONNRESET);
    close(a);

    /* Default: linger off. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    len = sizeof(back);
    CHECK(getsockopt(s, SOL_SOCKET, SO_LINGER, &back, &len) == 0);
    CHECK_EQ(back.l_onoff, 0);
    CHECK_EQ(back.l_linger, 0);
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg) - 1), EINVAL);
    close(s);
    TEST_OK();
}
