/* SPDX-License-Identifier: Apache-2.0 */
/* Closing a unix stream socket with unread data in its receive queue makes the peer's next
 * read fail once with ECONNRESET (then EOF); closing a listener drops its pending, never
 * accepted connections, whose clients also see ECONNRESET. */
#include "test.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(write(sv[0], "unread", 6), 6);
    close(sv[1]);
    char b[8];
    CHECK_ERR(read(sv[0], b, sizeof(b)), ECONNRESET);
    CHECK_EQ(read(sv[0], b, sizeof(b)), 0);
    CHECK_ERR(write(sv[0], "x", 1), EPIPE);
    close(sv[0]);

    /* Without unread data a close is a clean EOF. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    close(sv[1]);
    CHECK_EQ(read(sv[0], b, sizeof(b)), 0);
    close(sv[0]);

    /* SO_ERROR reports (and clears) the pending reset. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(write(sv[0], "z", 1), 1);
    close(sv[1]);
    int err = -1;
    socklen_t el = sizeof(err);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, ECONNRESET);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &el) == 0);
    CHECK_EQ(err, 0);
    CHECK_EQ(read(sv[0], b, sizeof(b)), 0);
    close(sv[0]);

    /* A listener closed with a pending connection. */
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "corpus3-reset-%d", (int)getpid());
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK(listen(ls, 1) == 0);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK_EQ(write(c, "pending", 7), 7);
    close(ls);
    CHECK_ERR(read(c, b, sizeof(b)), ECONNRESET);
    CHECK_EQ(read(c, b, sizeof(b)), 0);
    CHECK_ERR(write(c, "x", 1), EPIPE);
    close(c);
    TEST_OK();
}
