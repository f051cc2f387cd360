/* SPDX-License-Identifier: Apache-2.0 */
/* A unix datagram socket whose connected peer closed: the first send is ECONNREFUSED and
 * disconnects the socket, later sends are ENOTCONN; data queued for us is still readable. A
 * full receiver makes non-blocking senders get EAGAIN. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    CHECK_EQ(send(sv[1], "kept", 4, 0), 4);
    close(sv[1]);
    char b[8];
    CHECK_EQ(recv(sv[0], b, sizeof(b), MSG_DONTWAIT), 4);
    CHECK_ERR(send(sv[0], "x", 1, 0), ECONNREFUSED);
    CHECK_ERR(send(sv[0], "x", 1, 0), ENOTCONN);
    /* Reading an empty disconnected datagram socket just has nothing. */
    CHECK_ERR(recv(sv[0], b, sizeof(b), MSG_DONTWAIT), EAGAIN);
    close(sv[0]);

    /* Fill the receiver: the queue length limit is net.unix.max_dgram_qlen. */
    FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "r");
    CHECK(f != NULL);
    int qlen = 0;
    CHECK_EQ(fscanf(f, "%d", &qlen), 1);
    fclose(f);
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    int sent = 0;
    for (;;) {
        ssize_t n = send(sv[0], "m", 1, MSG_DONTWAIT);
        if (n < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        sent++;
        CHECK(sent < 100000);
    }
    /* A socketpair is limited by the send buffer, not by max_dgram_qlen. */
    CHECK(sent > 0);
    int got = 0;
    while (recv(sv[1], b, sizeof(b), MSG_DONTWAIT) == 1)
        got++;
    CHECK_EQ(got, sent);
    CHECK(qlen > 0);
    close(sv[0]);
    close(sv[1]);
    TEST_OK();
}
