/* SPDX-License-Identifier: Apache-2.0 */
/* O_DIRECT on /tmp: open succeeds on ext4 and on tmpfs (since 6.6); aligned reads and writes
 * work and see the same data as buffered I/O; on ext4 a misaligned buffer or offset is EINVAL.
 * F_SETFL can toggle O_DIRECT. */
#include "test.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT | O_DIRECT, 0600);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFL) & O_DIRECT);
    struct statfs sfs;
    CHECK(fstatfs(fd, &sfs) == 0);

    static char buf[8192] __attribute__((aligned(4096)));
    memset(buf, 'd', sizeof(buf));
    CHECK_EQ(write(fd, buf, 4096), 4096);
    CHECK_EQ(pwrite(fd, buf, 4096, 4096), 4096);
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(pread(fd, buf, 8192, 0), 8192);
    for (int i = 0; i < 8192; i++)
        CHECK(buf[i] == 'd');
    int bfd = open(f, O_RDONLY);
    CHECK(bfd >= 0);
    char c;
    CHECK_EQ(pread(bfd, &c, 1, 8191), 1);
    CHECK(c == 'd');
    close(bfd);

    if (sfs.f_type == EXT4_SUPER_MAGIC) {
        CHECK_ERR(pread(fd, buf + 1, 4096, 0), EINVAL);
        CHECK_ERR(pread(fd, buf, 4096, 1), EINVAL);
        CHECK_ERR(pwrite(fd, buf, 100, 0), EINVAL);
    } else if (sfs.f_type == TMPFS_MAGIC) {
        /* tmpfs accepts O_DIRECT but does buffered I/O: any alignment works. */
        CHECK_EQ(pread(fd, buf + 1, 100, 3), 100);
    }

    CHECK(fcntl(fd, F_SETFL, 0) == 0);
    CHECK(!(fcntl(fd, F_GETFL) & O_DIRECT));
    CHECK_EQ(pread(fd, buf + 1, 100, 3), 100);
    CHECK(fcntl(fd, F_SETFL, O_DIRECT) == 0);
    CHECK(fcntl(fd, F_GETFL) & O_DIRECT);

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
