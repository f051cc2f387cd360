/* SPDX-License-Identifier: Apache-2.0 */
/* preadv2/pwritev2: offset -1 uses and advances the file offset, RWF_APPEND appends at EOF
 * for that call regardless of the offset, RWF_NOWAIT on a cached ext4 file works (tmpfs:
 * EOPNOTSUPP), unknown flags are EOPNOTSUPP, and reads at or past EOF return 0. */
#include "test.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    struct iovec iov = { "hello", 5 };
    CHECK_EQ(pwritev2(fd, &iov, 1, -1, 0), 5); /* at the file offset */
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    iov = (struct iovec){ "XY", 2 };
    CHECK_EQ(pwritev2(fd, &iov, 1, 0, 0), 2); /* explicit offset: file offset unchanged */
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
    iov = (struct iovec){ "END", 3 };
    CHECK_EQ(pwritev2(fd, &iov, 1, 1, RWF_APPEND), 3); /* appends despite offset 1 */
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 8);

    char buf[16] = { 0 };
    struct iovec r = { buf, sizeof(buf) };
    CHECK_EQ(preadv2(fd, &r, 1, 0, 0), 8);
    CHECK(memcmp(buf, "XYlloEND", 8) == 0);
    struct statfs sfs;
    CHECK(fstatfs(fd, &sfs) == 0);
    if (sfs.f_type == TMPFS_MAGIC)
        CHECK_ERR(preadv2(fd, &r, 1, 0, RWF_NOWAIT), EOPNOTSUPP); /* no FMODE_NOWAIT */
    else
        CHECK_EQ(preadv2(fd, &r, 1, 0, RWF_NOWAIT), 8);
    CHECK_EQ(preadv2(fd, &r, 1, 8, 0), 0);
    CHECK_EQ(preadv2(fd, &r, 1, 100, 0), 0);
    CHECK_EQ(lseek(fd, 6, SEEK_SET), 6);
    CHECK_EQ(preadv2(fd, &r, 1, -1, 0), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);

    CHECK_ERR(preadv2(fd, &r, 1, 0, 0x80000000), EOPNOTSUPP);
    CHECK_ERR(pwritev2(fd, &iov, 1, 0, 0x80000000), EOPNOTSUPP);
    CHECK_ERR(preadv2(fd, &r, 1, -2, 0), EINVAL);
    /* RWF_DSYNC/RWF_SYNC are accepted for writes. */
    CHECK_EQ(pwritev2(fd, &iov, 1, 0, RWF_DSYNC), 3);
    CHECK_EQ(pwritev2(fd, &iov, 1, 0, RWF_SYNC), 3);
    /* On a pipe, an explicit offset is ESPIPE but -1 works. */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(pwritev2(p[1], &iov, 1, 0, 0), ESPIPE);
    CHECK_EQ(pwritev2(p[1], &iov, 1, -1, 0), 3);
    CHECK_EQ(preadv2(p[0], &r, 1, -1, 0), 3);
    /* RWF_NOWAIT on an empty pipe is EAGAIN even though the pipe is blocking. */
    CHECK_ERR(preadv2(p[0], &r, 1, -1, RWF_NOWAIT), EAGAIN);
    close(p[0]);
    close(p[1]);
    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
