/* SPDX-License-Identifier: Apache-2.0 */
/* MSG_PEEK leaves data queued; MSG_DONTWAIT on an empty blocking socket is EAGAIN without
 * changing the socket's O_NONBLOCK; a stream peek may span several writes, a datagram peek
 * returns one datagram. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    char buf[16];
    CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK), EAGAIN);
    CHECK_EQ(fcntl(sv[1], F_GETFL) & O_NONBLOCK, 0);

    CHECK_EQ(write(sv[0], "abc", 3), 3);
    CHECK_EQ(write(sv[0], "def", 3), 3);
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
    CHECK_EQ(recv(sv[1], buf, 2, MSG_PEEK), 2);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 6);
    CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    /* Datagrams: a peek sees one message. */
    int dv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv) == 0);
    CHECK_ERR(recv(dv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    CHECK_EQ(send(dv[0], "one", 3, 0), 3);
    CHECK_EQ(send(dv[0], "two", 3, 0), 3);
    CHECK_EQ(recv(dv[1], buf, sizeof(buf), MSG_PEEK), 3);
    CHECK(memcmp(buf, "one", 3) == 0);
    CHECK_EQ(recv(dv[1], buf, sizeof(buf), MSG_PEEK), 3);
    CHECK(memcmp(buf, "one", 3) == 0);
    CHECK_EQ(recv(dv[1], buf, sizeof(buf), 0), 3);
    CHECK_EQ(recv(dv[1], buf, sizeof(buf), 0), 3);
    CHECK(memcmp(buf, "two", 3) == 0);

    /* MSG_DONTWAIT on send to a full socket. */
    int one = 1;
    (void)one;
    CHECK(fcntl(sv[0], F_GETFL) >= 0);
    size_t total = 0;
    char blk[4096];
    memset(blk, 'q', sizeof(blk));
    for (;;) {
        ssize_t n = send(sv[0], blk, sizeof(blk), MSG_DONTWAIT);
        if (n < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        total += (size_t)n;
        CHECK(total < (64u << 20));
    }
    CHECK(total > 0);
    close(sv[0]);
    close(sv[1]);
    close(dv[0]);
    close(dv[1]);
    TEST_OK();
}
