/* SPDX-License-Identifier: Apache-2.0 */
/* socketpair/socket argument errors: bad pointer EFAULT (and no fds leaked), families without
 * socketpair EOPNOTSUPP, unknown family EAFNOSUPPORT, and the pair's fds are the two lowest
 * free descriptors. */
#include "test.h"

#include <fcntl.h>
#include <sys/socket.h>

int main(void)
{
    /* Find the lowest free fd, then check socketpair uses it and the next one. */
    int probe = open("/dev/null", O_RDONLY);
    CHECK(probe >= 0);
    close(probe);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(sv[0], probe);
    CHECK_EQ(sv[1], probe + 1);
    close(sv[0]);
    close(sv[1]);

    CHECK_ERR(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, (int *)8), EFAULT);
    /* Nothing leaked: the next fd is still `probe`. */
    int again = open("/dev/null", O_RDONLY);
    CHECK_EQ(again, probe);
    close(again);

    CHECK_ERR(socketpair(AF_INET, SOCK_DGRAM, 0, sv), EOPNOTSUPP);
    CHECK_ERR(socketpair(AF_INET6, SOCK_STREAM, 0, sv), EOPNOTSUPP);
    CHECK_ERR(socketpair(12345, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 5), EPROTONOSUPPORT);
    TEST_OK();
}
