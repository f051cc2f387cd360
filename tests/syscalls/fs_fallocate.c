/* SPDX-License-Identifier: Apache-2.0 */
/* fallocate: mode 0 extends the size (reading zeros), FALLOC_FL_KEEP_SIZE allocates blocks
 * without changing the size, PUNCH_HOLE (only with KEEP_SIZE) zeroes a range and frees its
 * blocks; bad arguments are EINVAL, read-only fds (and so directories) EBADF, pipes ESPIPE.
 * An O_APPEND fd may punch holes (only the append-only inode flag forbids it). ZERO_RANGE is
 * filesystem specific: EOPNOTSUPP on tmpfs, supported on ext4. */
#include "test.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    struct stat st;

    CHECK(fallocate(fd, 0, 0, 65536) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 65536);
    CHECK(st.st_blocks >= 65536 / 512);
    static char buf[65536];
    memset(buf, 1, sizeof(buf));
    CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 65536);
    for (size_t i = 0; i < sizeof(buf); i++)
        CHECK(buf[i] == 0);

    /* KEEP_SIZE beyond EOF: size stays, blocks grow. */
    blkcnt_t blocks = st.st_blocks;
    CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 65536, 65536) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 65536);
    CHECK(st.st_blocks >= blocks + 65536 / 512);
    /* Allocating inside the file changes nothing visible. */
    CHECK(fallocate(fd, 0, 0, 4096) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 65536);

    memset(buf, 'z', sizeof(buf));
    CHECK_EQ(pwrite(fd, buf, sizeof(buf), 0), 65536);
    CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 4096, 8192), EOPNOTSUPP);
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 8192) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 65536);
    CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 65536);
    for (int i = 0; i < 65536; i++)
        CHECK(buf[i] == ((i >= 4096 && i < 12288) ? 0 : 'z'));
    /* SEEK_HOLE finds the punched hole. */
    CHECK_EQ(lseek(fd, 0, SEEK_HOLE), 4096);
    /* Punching past EOF is fine and does not grow the file. */
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 60000, 100000) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 65536);

    struct statfs sfs;
    CHECK(fstatfs(fd, &sfs) == 0);
    int zr = fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 4096);
    if (sfs.f_type == TMPFS_MAGIC) {
        CHECK(zr == -1 && errno == EOPNOTSUPP);
    } else if (sfs.f_type == EXT4_SUPER_MAGIC) {
        CHECK(zr == 0);
        CHECK_EQ(pread(fd, buf, 4096, 0), 4096);
        for (int i = 0; i < 4096; i++)
            CHECK(buf[i] == 0);
    }

    CHECK_ERR(fallocate(fd, 0, -1, 10), EINVAL);
    CHECK_ERR(fallocate(fd, 0, 0, 0), EINVAL);
    CHECK_ERR(fallocate(fd, 0, 0, -5), EINVAL);
    CHECK_ERR(fallocate(fd, 0x1000, 0, 10), EOPNOTSUPP);
    int rfd = open(f, O_RDONLY);
    CHECK(rfd >= 0);
    CHECK_ERR(fallocate(rfd, 0, 0, 10), EBADF);
    close(rfd);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(fallocate(p[1], 0, 0, 10), ESPIPE);
    close(p[0]);
    close(p[1]);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_ERR(fallocate(dfd, 0, 0, 10), EBADF);
    close(dfd);
    int afd = open(f, O_WRONLY | O_APPEND);
    CHECK(afd >= 0);
    CHECK(fallocate(afd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10) == 0);
    CHECK(fallocate(afd, 0, 0, 70000) == 0);
    close(afd);

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
