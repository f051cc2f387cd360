/* SPDX-License-Identifier: Apache-2.0 */
/* Addresses on unix stream sends: sendto with an address on a connected stream is EISCONN, on
 * an unconnected one EOPNOTSUPP; a send without address on an unconnected stream is ENOTCONN;
 * recvfrom on a stream fills no address (length 0). */
#include "test.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "corpus3-sendto-%d", (int)getpid());
    CHECK_ERR(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&sun, sizeof(sun)), EISCONN);
    /* No address at all is a plain send. */
    CHECK_EQ(sendto(sv[0], "y", 1, 0, NULL, 0), 1);

    struct sockaddr_un from;
    memset(&from, 0x44, sizeof(from));
    socklen_t fl = sizeof(from);
    char b;
    CHECK_EQ(recvfrom(sv[1], &b, 1, 0, (struct sockaddr *)&from, &fl), 1);
    CHECK_EQ(b, 'y');
    CHECK_EQ(fl, 0);

    int lone = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(sendto(lone, "x", 1, 0, (struct sockaddr *)&sun, sizeof(sun)), EOPNOTSUPP);
    CHECK_ERR(send(lone, "x", 1, 0), ENOTCONN);
    CHECK_ERR(write(lone, "x", 1), ENOTCONN);
    CHECK_ERR(recv(lone, &b, 1, 0), EINVAL);
    CHECK_ERR(read(lone, &b, 1), EINVAL);

    /* Seqpacket behaves like stream here, except reads on an unconnected socket. */
    int sq = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_ERR(send(sq, "x", 1, 0), ENOTCONN);
    CHECK_ERR(recv(sq, &b, 1, 0), ENOTCONN);
    /* MSG_OOB exists for unix streams only (when configured); never for seqpacket. */
    CHECK_ERR(send(sq, "x", 1, MSG_OOB), ENOTCONN);
    int qv[2];
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, qv) == 0);
    CHECK_ERR(send(qv[0], "x", 1, MSG_OOB), EOPNOTSUPP);
    close(qv[0]);
    close(qv[1]);
    close(sq);
    close(lone);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
