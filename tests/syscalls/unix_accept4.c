/* SPDX-License-Identifier: Apache-2.0 */
/* accept4 applies SOCK_CLOEXEC and SOCK_NONBLOCK to the new socket only (the listener's
 * O_NONBLOCK is not inherited, unlike BSD); unknown flags are EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "corpus3-accept4-%d", (int)getpid());
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    CHECK(listen(ls, 4) == 0);
    CHECK_ERR(accept4(ls, NULL, NULL, SOCK_CLOEXEC), EAGAIN);

    int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c1, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c2, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c3, (struct sockaddr *)&sun, sizeof(sun)) == 0);

    CHECK_ERR(accept4(ls, NULL, NULL, 0x1), EINVAL);
    CHECK_ERR(accept4(ls, NULL, NULL, O_APPEND), EINVAL);

    int a1 = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    CHECK(a1 >= 0);
    CHECK_EQ(fcntl(a1, F_GETFD), FD_CLOEXEC);
    CHECK(fcntl(a1, F_GETFL) & O_NONBLOCK);
    char b;
    CHECK_ERR(read(a1, &b, 1), EAGAIN);

    /* Plain accept on a non-blocking listener: the new socket is blocking. */
    int a2 = accept(ls, NULL, NULL);
    CHECK(a2 >= 0);
    CHECK_EQ(fcntl(a2, F_GETFD), 0);
    CHECK_EQ(fcntl(a2, F_GETFL) & O_NONBLOCK, 0);

    int a3 = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    CHECK(a3 >= 0);
    CHECK_EQ(fcntl(a3, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(a3, F_GETFL) & O_NONBLOCK, 0);

    /* Connections were accepted in order. */
    CHECK_EQ(write(c1, "1", 1), 1);
    CHECK_EQ(write(c2, "2", 1), 1);
    CHECK_EQ(write(c3, "3", 1), 1);
    CHECK_EQ(read(a1, &b, 1), 1);
    CHECK_EQ(b, '1');
    CHECK_EQ(read(a2, &b, 1), 1);
    CHECK_EQ(b, '2');
    CHECK_EQ(read(a3, &b, 1), 1);
    CHECK_EQ(b, '3');
    close(a1);
    close(a2);
    close(a3);
    close(c1);
    close(c2);
    close(c3);
    close(ls);
    TEST_OK();
}
