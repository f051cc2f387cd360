/* SPDX-License-Identifier: Apache-2.0 */
/* readv/writev gather and scatter in order, preadv/pwritev at an offset, zero-length
 * iovecs are skipped, and bad counts or lengths give EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/uio.h>

int main(void)
{
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);

    struct iovec w[4] = {
        { "hello", 5 },
        { NULL, 0 },
        { ", ", 2 },
        { "world", 5 },
    };
    CHECK_EQ(writev(fd, w, 4), 12);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);

    char a[3], b[4], c[10];
    struct iovec r[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ(readv(fd, r, 3), 12);
    CHECK(memcmp(a, "hel", 3) == 0);
    CHECK(memcmp(b, "lo, ", 4) == 0);
    CHECK(memcmp(c, "world", 5) == 0);

    struct iovec pw[2] = { { "AB", 2 }, { "CD", 2 } };
    CHECK_EQ(pwritev(fd, pw, 2, 1), 4);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
    char x[6] = { 0 };
    struct iovec pr[1] = { { x, 6 } };
    CHECK_EQ(preadv(fd, pr, 1, 0), 6);
    CHECK(memcmp(x, "hABCD,", 6) == 0);

    CHECK_ERR(syscall(SYS_writev, fd, w, -1), EINVAL);
    CHECK_ERR(syscall(SYS_writev, fd, w, IOV_MAX + 1), EINVAL);
    CHECK_EQ(writev(fd, w, 0), 0);
    /* A single length above SSIZE_MAX is EINVAL (large totals are silently clamped). */
    struct iovec big[2] = { { a, 1 }, { b, SIZE_MAX } };
    CHECK_ERR(writev(fd, big, 2), EINVAL);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 12);
    CHECK_ERR(syscall(SYS_writev, fd, (void *)8, 1), EFAULT);
    CHECK_ERR(preadv(fd, pr, 1, -1), EINVAL);

    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
