/* SPDX-License-Identifier: Apache-2.0 */
/* SO_RCVTIMEO / SO_SNDTIMEO on unix sockets: a blocking recv on an empty socket and a blocking
 * send on a full one fail with EAGAIN after about the timeout; the options read back as set;
 * a usec value of 1,000,000 or more is EDOM. */
#include "test.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct timeval tv = { 0, 0 };
    socklen_t len = sizeof(tv);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0);
    CHECK_EQ(len, sizeof(tv));
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);

    tv.tv_sec = 0;
    tv.tv_usec = 200000;
    /* Linux stores the timeout in jiffies; 200 ms is a whole number of them for HZ 100, 250,
     * 300 and 1000, so it reads back exactly. */
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    struct timeval back;
    len = sizeof(back);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &back, &len) == 0);
    CHECK_EQ(back.tv_sec, 0);
    CHECK_EQ(back.tv_usec, 200000);

    char b;
    long long t0 = now_ms();
    CHECK_ERR(recv(sv[0], &b, 1, 0), EAGAIN);
    long long dt = now_ms() - t0;
    CHECK(dt >= 190);
    CHECK(dt < 1500);

    /* Send timeout on a full socket. */
    tv.tv_usec = 100000;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0);
    static char blk[65536];
    size_t total = 0;
    for (;;) {
        ssize_t n = send(sv[1], blk, sizeof(blk), MSG_DONTWAIT);
        if (n < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        total += (size_t)n;
    }
    t0 = now_ms();
    CHECK_ERR(send(sv[1], blk, sizeof(blk), 0), EAGAIN);
    dt = now_ms() - t0;
    CHECK(dt >= 90);
    CHECK(dt < 1500);

    tv.tv_usec = 1000000;
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
    /* A short option is EINVAL. */
    int small = 1;
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &small, sizeof(small)), EINVAL);
    /* A negative seconds value means no timeout (0). */
    tv.tv_sec = -1;
    tv.tv_usec = 0;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    len = sizeof(back);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &back, &len) == 0);
    CHECK(back.tv_sec == 0 && back.tv_usec == 0);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
