/* SPDX-License-Identifier: Apache-2.0 */
/* A unix stream listener with backlog N queues N+1 connections (Linux compares the queue
 * length with `>`); a non-blocking connect beyond that is EAGAIN (not EINPROGRESS), and
 * accepting one frees a slot. listen() may be called again to change the backlog. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "corpus3-backlog-%d", (int)getpid());
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK(listen(ls, 2) == 0);

    int c[8];
    for (int i = 0; i < 3; i++) {
        c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        CHECK(connect(c[i], (struct sockaddr *)&sun, sizeof(sun)) == 0);
    }
    c[3] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(c[3], (struct sockaddr *)&sun, sizeof(sun)), EAGAIN);
    CHECK_ERR(connect(c[3], (struct sockaddr *)&sun, sizeof(sun)), EAGAIN);

    /* Accept one: room for one more. */
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);
    CHECK(connect(c[3], (struct sockaddr *)&sun, sizeof(sun)) == 0);
    c[4] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(c[4], (struct sockaddr *)&sun, sizeof(sun)), EAGAIN);

    /* Raising the backlog on the live listener lets more in. */
    CHECK(listen(ls, 4) == 0);
    CHECK(connect(c[4], (struct sockaddr *)&sun, sizeof(sun)) == 0);
    c[5] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(connect(c[5], (struct sockaddr *)&sun, sizeof(sun)) == 0);
    c[6] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(c[6], (struct sockaddr *)&sun, sizeof(sun)), EAGAIN);

    /* Backlog 0 still admits one connection. */
    int l0 = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un s0 = sun;
    s0.sun_path[1] = 'C';
    CHECK(bind(l0, (struct sockaddr *)&s0, sizeof(s0)) == 0);
    CHECK(listen(l0, 0) == 0);
    int z1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(connect(z1, (struct sockaddr *)&s0, sizeof(s0)) == 0);
    int z2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(z2, (struct sockaddr *)&s0, sizeof(s0)), EAGAIN);

    /* The queued connections are accepted in order and are writable. */
    int count = 1;
    CHECK(fcntl(ls, F_SETFL, O_NONBLOCK) == 0);
    for (;;) {
        int x = accept(ls, NULL, NULL);
        if (x < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        count++;
        close(x);
    }
    CHECK_EQ(count, 6);
    close(a);
    for (int i = 0; i < 7; i++)
        close(c[i]);
    close(z1);
    close(z2);
    close(l0);
    close(ls);
    TEST_OK();
}
