/* SPDX-License-Identifier: Apache-2.0 */
/* A SOCK_SEQPACKET listener on a pathname: accept gives a connection keeping record
 * boundaries in both directions; after the client's SHUT_WR the server reads 0 and can still
 * reply; sendto with an address on the connected socket ignores the address. */
#include "test.h"

#include <sys/socket.h>
#include <sys/un.h>

static char g_dir[64], g_path[128];

static void cleanup(void)
{
    unlink(g_path);
    rmdir(g_dir);
}

int main(void)
{
    test_mkdtemp(g_dir);
    atexit(cleanup);
    snprintf(g_path, sizeof(g_path), "%s/seq", g_dir);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    strcpy(sun.sun_path, g_path);
    int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK(listen(ls, 2) == 0);
    int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(connect(c, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);

    CHECK_EQ(send(c, "rec1", 4, 0), 4);
    CHECK_EQ(send(c, "record2", 7, 0), 7);
    char buf[16];
    CHECK_EQ(recv(a, buf, sizeof(buf), 0), 4);
    CHECK_EQ(recv(a, buf, sizeof(buf), 0), 7);
    CHECK_EQ(send(a, "ack", 3, 0), 3);
    CHECK_EQ(recv(c, buf, sizeof(buf), 0), 3);

    /* Unlike a stream socket (EISCONN), seqpacket ignores the address on a connected socket. */
    CHECK_EQ(sendto(c, "x", 1, 0, (struct sockaddr *)&sun, sizeof(sun)), 1);
    CHECK_EQ(recv(a, buf, sizeof(buf), 0), 1);
    CHECK_EQ(buf[0], 'x');

    CHECK(shutdown(c, SHUT_WR) == 0);
    CHECK_EQ(recv(a, buf, sizeof(buf), 0), 0);
    CHECK_EQ(send(a, "bye", 3, 0), 3);
    CHECK_EQ(recv(c, buf, sizeof(buf), 0), 3);
    CHECK(memcmp(buf, "bye", 3) == 0);
    CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    close(a);
    CHECK_EQ(recv(c, buf, sizeof(buf), 0), 0);
    close(c);
    close(ls);
    TEST_OK();
}
