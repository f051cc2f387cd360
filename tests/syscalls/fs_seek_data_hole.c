/* SPDX-License-Identifier: Apache-2.0 */
/* SEEK_DATA/SEEK_HOLE on a sparse file: data at the start, a hole in the middle, data again,
 * the implicit hole at EOF; offsets at or past EOF are ENXIO; a file without holes has its only
 * hole at EOF. */
#include "test.h"

#include <fcntl.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    const off_t mb = 1 << 20;
    static char blk[65536];
    memset(blk, 'd', sizeof(blk));
    CHECK_EQ(pwrite(fd, blk, sizeof(blk), 0), (long)sizeof(blk));
    CHECK_EQ(pwrite(fd, blk, sizeof(blk), 2 * mb), (long)sizeof(blk));
    const off_t end = 2 * mb + (off_t)sizeof(blk);

    CHECK_EQ(lseek(fd, 0, SEEK_DATA), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_HOLE), (off_t)sizeof(blk));
    CHECK_EQ(lseek(fd, 100, SEEK_HOLE), (off_t)sizeof(blk));
    CHECK_EQ(lseek(fd, sizeof(blk), SEEK_DATA), 2 * mb);
    CHECK_EQ(lseek(fd, mb, SEEK_DATA), 2 * mb);
    CHECK_EQ(lseek(fd, mb, SEEK_HOLE), mb); /* already in a hole */
    CHECK_EQ(lseek(fd, 2 * mb + 5, SEEK_HOLE), end);
    CHECK_EQ(lseek(fd, 2 * mb + 5, SEEK_DATA), 2 * mb + 5);
    CHECK_ERR(lseek(fd, end, SEEK_DATA), ENXIO);
    CHECK_ERR(lseek(fd, end, SEEK_HOLE), ENXIO);
    CHECK_ERR(lseek(fd, end + 100, SEEK_DATA), ENXIO);
    CHECK_ERR(lseek(fd, -1, SEEK_DATA), ENXIO);

    /* A trailing hole made by ftruncate: SEEK_DATA past the last data is ENXIO. */
    CHECK(ftruncate(fd, 4 * mb) == 0);
    CHECK_EQ(lseek(fd, 2 * mb, SEEK_HOLE), end);
    CHECK_ERR(lseek(fd, 3 * mb, SEEK_DATA), ENXIO);
    CHECK_EQ(lseek(fd, 3 * mb, SEEK_HOLE), 3 * mb);

    /* Empty file. */
    CHECK(ftruncate(fd, 0) == 0);
    CHECK_ERR(lseek(fd, 0, SEEK_DATA), ENXIO);
    CHECK_ERR(lseek(fd, 0, SEEK_HOLE), ENXIO);
    /* Pipes: ESPIPE. */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(lseek(p[0], 0, SEEK_DATA), ESPIPE);
    close(p[0]);
    close(p[1]);

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
