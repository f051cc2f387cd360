/* SPDX-License-Identifier: Apache-2.0 */
/* Abstract unix names start with a NUL byte, create no file, are exactly the given length
 * (embedded NULs included, no terminator), are EADDRINUSE while bound by a socket of the same
 * type and free once closed. */
#include "test.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    char name[64];
    int n = snprintf(name, sizeof(name), "corpus3-abstract-%d", (int)getpid());
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    memcpy(sun.sun_path + 1, name, (size_t)n);
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);

    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, alen) == 0);
    CHECK(listen(ls, 4) == 0);

    struct sockaddr_un got;
    memset(&got, 0x11, sizeof(got));
    socklen_t len = sizeof(got);
    CHECK(getsockname(ls, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, alen);
    CHECK_EQ(got.sun_path[0], 0);
    CHECK(memcmp(got.sun_path + 1, name, (size_t)n) == 0);
    /* No terminator is written after an abstract name. */
    CHECK_EQ(got.sun_path[1 + n], 0x11);

    /* Same name and type again: EADDRINUSE. */
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(other, (struct sockaddr *)&sun, alen), EADDRINUSE);
    close(other);
    /* Linux keys abstract names by socket type too: a dgram socket may take the same name. */
    other = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(other, (struct sockaddr *)&sun, alen) == 0);
    close(other);
    other = socket(AF_UNIX, SOCK_DGRAM, 0);
    /* One byte longer (a trailing NUL) is a different name. */
    CHECK(bind(other, (struct sockaddr *)&sun, alen + 1) == 0);
    len = sizeof(got);
    CHECK(getsockname(other, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, alen + 1);
    close(other);

    /* Connect by exact length; a length without the last byte does not exist. */
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&sun, alen - 1), ECONNREFUSED);
    CHECK(connect(c, (struct sockaddr *)&sun, alen) == 0);
    int a = accept(ls, NULL, NULL);
    CHECK(a >= 0);
    len = sizeof(got);
    CHECK(getpeername(c, (struct sockaddr *)&got, &len) == 0);
    CHECK_EQ(len, alen);
    CHECK(memcmp(got.sun_path + 1, name, (size_t)n) == 0);
    close(a);
    close(c);

    /* Closing the socket frees the name. */
    close(ls);
    ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, alen) == 0);
    close(ls);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&sun, alen), ECONNREFUSED);
    close(c);
    TEST_OK();
}
