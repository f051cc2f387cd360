/* SPDX-License-Identifier: Apache-2.0 */
/* eventfd: the initial value is readable, writes add up, a read returns the whole counter and
 * resets it, a non-blocking read of zero is EAGAIN, buffers under 8 bytes (and writes over 8) are
 * EINVAL, writing ~0 is EINVAL, and lseek is a no-op returning 0, and the fd's flags follow
 * EFD_NONBLOCK/EFD_CLOEXEC. */
#include "test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/eventfd.h>

int main(void)
{
    int fd = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    uint64_t v = 0;
    CHECK_EQ(read(fd, &v, 8), 8);
    CHECK_EQ(v, 5);
    CHECK_ERR(read(fd, &v, 8), EAGAIN);

    v = 3;
    CHECK_EQ(write(fd, &v, 8), 8);
    v = 4;
    CHECK_EQ(write(fd, &v, 8), 8);
    v = 0;
    CHECK_EQ(write(fd, &v, 8), 8); /* adding 0 is allowed */
    /* A larger buffer reads 8 bytes. */
    uint64_t big[2] = { 0, 0 };
    CHECK_EQ(read(fd, big, sizeof(big)), 8);
    CHECK_EQ(big[0], 7);

    char small[4];
    CHECK_ERR(read(fd, small, 4), EINVAL);
    CHECK_ERR(write(fd, small, 4), EINVAL);
    v = UINT64_MAX;
    CHECK_ERR(write(fd, &v, 8), EINVAL);
    /* Reads may be larger than 8 bytes, but on this kernel writes must be exactly 8. */
    uint64_t two[2] = { 9, 100 };
    CHECK_ERR(write(fd, two, sizeof(two)), EINVAL);
    CHECK_ERR(read(fd, &v, 8), EAGAIN);

    CHECK_ERR(eventfd(0, 0x2), EINVAL); /* 0x1 is EFD_SEMAPHORE */
    /* lseek is not ESPIPE as for pipes: anon inodes use noop_llseek and return 0. */
    CHECK_EQ(lseek(fd, 100, SEEK_SET), 0);
    /* The raw eventfd (no flags) syscall: blocking, no cloexec. */
    int fd2 = (int)syscall(SYS_eventfd, 2);
    CHECK(fd2 >= 0);
    CHECK_EQ(fcntl(fd2, F_GETFD), 0);
    CHECK(!(fcntl(fd2, F_GETFL) & O_NONBLOCK));
    CHECK_EQ(read(fd2, &v, 8), 8);
    CHECK_EQ(v, 2);
    close(fd2);
    close(fd);
    TEST_OK();
}
