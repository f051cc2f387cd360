/* SPDX-License-Identifier: Apache-2.0 */
/* F_GETPIPE_SZ / F_SETPIPE_SZ: the default is 64 KiB, sizes round up to a power-of-two number
 * of pages (at least one), shrinking below the buffered data is EBUSY, and the new capacity is
 * what a non-blocking writer can fill. */
#include "test.h"

#include <fcntl.h>

int main(void)
{
    int p[2];
    CHECK(pipe2(p, O_NONBLOCK) == 0);
    CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
    CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);

    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 3 * 4096), 4 * 4096);
    CHECK_EQ(fcntl(p[0], F_GETPIPE_SZ), 4 * 4096);
    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 1), 4096);
    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 0), 4096);
    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 100000), 131072);

    static char buf[1 << 18];
    memset(buf, 1, sizeof(buf));
    CHECK_EQ(write(p[1], buf, sizeof(buf)), 131072);
    CHECK_ERR(write(p[1], buf, 1), EAGAIN);
    /* 128 KiB buffered (32 pages): shrinking to 16 pages is EBUSY. */
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 65536), EBUSY);
    CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 131072);
    char tmp[4096];
    for (int i = 0; i < 32; i++)
        CHECK_EQ(read(p[0], tmp, sizeof(tmp)), 4096);
    CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 8192), 8192);
    CHECK_EQ(write(p[1], buf, sizeof(buf)), 8192);

    /* Absurd sizes. */
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, -1), EINVAL);
    /* Not a pipe. */
    int fd = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(fcntl(fd, F_GETPIPE_SZ), EBADF);
    close(fd);
    close(p[0]);
    close(p[1]);
    TEST_OK();
}
