/* SPDX-License-Identifier: Apache-2.0 */
/* SO_RCVTIMEO on a TCP socket and a UDP socket: a blocking recv fails with EAGAIN after the
 * timeout; SO_SNDTIMEO on a TCP socket whose peer does not read: send returns the partial
 * count, then EAGAIN after the timeout. */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    socklen_t len = sizeof(sin);
    CHECK(getsockname(ls, (struct sockaddr *)&sin, &len) == 0);
    CHECK(listen(ls, 1) == 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);

    struct timeval tv = { 0, 100000 };
    CHECK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    char b;
    long long t0 = now_ms();
    CHECK_ERR(recv(c, &b, 1, 0), EAGAIN);
    long long dt = now_ms() - t0;
    CHECK(dt >= 90 && dt < 1500);

    /* Shrink the buffers so the send fills up fast. */
    int sz = 4096;
    CHECK(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) == 0);
    CHECK(setsockopt(a, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) == 0);
    CHECK(setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0);
    static char blk[1 << 20];
    t0 = now_ms();
    ssize_t n = send(c, blk, sizeof(blk), MSG_NOSIGNAL);
    /* Partial: something was queued, not everything. */
    CHECK(n > 0 && n < (ssize_t)sizeof(blk));
    CHECK_ERR(send(c, blk, sizeof(blk), MSG_NOSIGNAL), EAGAIN);
    dt = now_ms() - t0;
    CHECK(dt >= 90 && dt < 3000);

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in us = { .sin_family = AF_INET };
    us.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(u, (struct sockaddr *)&us, sizeof(us)) == 0);
    CHECK(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    t0 = now_ms();
    CHECK_ERR(recv(u, &b, 1, 0), EAGAIN);
    dt = now_ms() - t0;
    CHECK(dt >= 90 && dt < 1500);
    close(u);
    close(a);
    close(c);
    close(ls);
    TEST_OK();
}
