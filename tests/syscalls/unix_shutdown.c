/* SPDX-License-Identifier: Apache-2.0 */
/* shutdown on a unix stream: SHUT_WR gives the peer EOF after the pending data while the other
 * direction still works; writing after SHUT_WR is EPIPE with SIGPIPE, or EPIPE alone with
 * MSG_NOSIGNAL; SHUT_RD makes our reads return 0; bad `how` is EINVAL; an unconnected socket
 * accepts shutdown. */
#include "test.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

static volatile sig_atomic_t g_sigpipes;

static void on_pipe(int sig)
{
    (void)sig;
    g_sigpipes++;
}

int main(void)
{
    signal(SIGPIPE, on_pipe);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(write(sv[0], "bye", 3), 3);
    CHECK(shutdown(sv[0], SHUT_WR) == 0);
    char buf[8];
    CHECK_EQ(read(sv[1], buf, sizeof(buf)), 3);
    CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
    CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);

    /* The other direction is unaffected. */
    CHECK_EQ(write(sv[1], "ok", 2), 2);
    CHECK_EQ(read(sv[0], buf, sizeof(buf)), 2);

    /* Writing on the shut side. */
    CHECK_ERR(write(sv[0], "x", 1), EPIPE);
    CHECK_EQ(g_sigpipes, 1);
    CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ(g_sigpipes, 1);
    /* The peer writing to us still works (we only shut our write side)... */
    CHECK_EQ(write(sv[1], "y", 1), 1);
    /* ...until we shut our read side: then the peer's writes are EPIPE. */
    CHECK(shutdown(sv[0], SHUT_RD) == 0);
    CHECK_ERR(write(sv[1], "z", 1), EPIPE);
    CHECK_EQ(g_sigpipes, 2);
    /* SHUT_RD does not discard data already queued; then reads give 0. */
    CHECK_EQ(read(sv[0], buf, sizeof(buf)), 1);
    CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);

    CHECK_ERR(shutdown(sv[0], 3), EINVAL);
    CHECK_ERR(shutdown(sv[0], -1), EINVAL);
    /* Shutting down again is fine. */
    CHECK(shutdown(sv[0], SHUT_RDWR) == 0);

    /* Unlike TCP, an unconnected unix stream socket accepts shutdown (no ENOTCONN). */
    int lone = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(shutdown(lone, SHUT_RDWR) == 0);
    /* Not a socket: ENOTSOCK. */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(shutdown(p[0], SHUT_RD), ENOTSOCK);
    CHECK_ERR(shutdown(12345, SHUT_RD), EBADF);

    /* After closing the peer: EPIPE and a SIGPIPE. */
    int s2[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s2) == 0);
    close(s2[1]);
    CHECK_ERR(send(s2[0], "x", 1, 0), EPIPE);
    CHECK_EQ(g_sigpipes, 3);
    CHECK_EQ(read(s2[0], buf, 1), 0);
    close(s2[0]);
    close(lone);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
