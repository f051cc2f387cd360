/* SPDX-License-Identifier: Apache-2.0 */
/* pipe2 flags: O_CLOEXEC marks both ends, O_DIRECT makes a packet pipe where each read returns
 * at most one write, unknown flags give EINVAL; the ends have the right access modes. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(void)
{
    int p[2];
    CHECK(pipe2(p, O_CLOEXEC) == 0);
    CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    struct stat st;
    CHECK(fstat(p[0], &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    char c;
    CHECK_ERR(write(p[0], "x", 1), EBADF);
    CHECK_ERR(read(p[1], &c, 1), EBADF);
    close(p[0]);
    close(p[1]);

    CHECK(pipe(p) == 0);
    CHECK_EQ(fcntl(p[0], F_GETFD), 0);
    close(p[0]);
    close(p[1]);

    /* Packet mode. */
    CHECK(pipe2(p, O_DIRECT) == 0);
    CHECK(fcntl(p[1], F_GETFL) & O_DIRECT);
    CHECK_EQ(write(p[1], "one", 3), 3);
    CHECK_EQ(write(p[1], "three", 5), 5);
    char buf[16];
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, "one", 3) == 0);
    /* A short read of a packet discards the rest of it. */
    CHECK_EQ(read(p[0], buf, 2), 2);
    CHECK(memcmp(buf, "th", 2) == 0);
    CHECK_EQ(write(p[1], "z", 1), 1);
    CHECK_EQ(read(p[0], buf, sizeof(buf)), 1);
    CHECK_EQ(buf[0], 'z');
    close(p[0]);
    close(p[1]);

    CHECK_ERR(pipe2(p, O_APPEND), EINVAL);
    CHECK_ERR(pipe2(p, 0x40000000), EINVAL);
    CHECK_ERR(syscall(SYS_pipe2, NULL, 0), EFAULT);
    TEST_OK();
}
