/* SPDX-License-Identifier: Apache-2.0 */
/* SO_PEEK_OFF: once set (>= 0), MSG_PEEK reads continue from the peek offset and advance it;
 * normal reads move it back by what they consumed. Default is -1 (disabled). */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int off = 0;
    socklen_t len = sizeof(off);
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off, &len) == 0);
    CHECK_EQ(off, -1);

    CHECK_EQ(write(sv[0], "abcdefghij", 10), 10);
    char buf[16];
    /* Disabled: peeks always start at the front. */
    CHECK_EQ(recv(sv[1], buf, 3, MSG_PEEK), 3);
    CHECK_EQ(recv(sv[1], buf, 3, MSG_PEEK), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);

    off = 0;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off)) == 0);
    CHECK_EQ(recv(sv[1], buf, 3, MSG_PEEK), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK_EQ(recv(sv[1], buf, 3, MSG_PEEK), 3);
    CHECK(memcmp(buf, "def", 3) == 0);
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off, &len) == 0);
    CHECK_EQ(off, 6);

    /* A real read of 4 bytes: the peek offset drops to 2. */
    CHECK_EQ(recv(sv[1], buf, 4, 0), 4);
    CHECK(memcmp(buf, "abcd", 4) == 0);
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off, &len) == 0);
    CHECK_EQ(off, 2);
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 4);
    CHECK(memcmp(buf, "ghij", 4) == 0);

    /* Datagram sockets: the offset applies inside the first datagram. */
    int dv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv) == 0);
    CHECK_EQ(send(dv[0], "123456", 6, 0), 6);
    off = 2;
    CHECK(setsockopt(dv[1], SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off)) == 0);
    CHECK_EQ(recv(dv[1], buf, sizeof(buf), MSG_PEEK), 4);
    CHECK(memcmp(buf, "3456", 4) == 0);
    CHECK_EQ(recv(dv[1], buf, sizeof(buf), 0), 6);
    CHECK(memcmp(buf, "123456", 6) == 0);

    /* Only unix (and some) sockets support it; a negative value disables it again. */
    off = -1;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off)) == 0);
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off, &len) == 0);
    CHECK_EQ(off, -1);
    close(sv[0]);
    close(sv[1]);
    close(dv[0]);
    close(dv[1]);
    TEST_OK();
}
