/* SPDX-License-Identifier: Apache-2.0 */
/* lseek SEEK_SET/CUR/END, seeking past EOF then writing leaves a zero-filled hole, negative
 * results and bad whence give EINVAL, and pipes give ESPIPE. */
#include "test.h"

#include <fcntl.h>

int main(void)
{
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "abcdef", 6), 6);

    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
    char c;
    CHECK_EQ(read(fd, &c, 1), 1);
    CHECK_EQ(c, 'c');
    CHECK_EQ(lseek(fd, -2, SEEK_CUR), 1);
    CHECK_EQ(lseek(fd, -1, SEEK_END), 5);
    CHECK_EQ(read(fd, &c, 1), 1);
    CHECK_EQ(c, 'f');
    CHECK_EQ(read(fd, &c, 1), 0);

    /* Past the end: reads return 0, a write creates a hole of zeroes. */
    CHECK_EQ(lseek(fd, 100, SEEK_END), 106);
    CHECK_EQ(read(fd, &c, 1), 0);
    CHECK_EQ(write(fd, "Z", 1), 1);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 107);
    CHECK_EQ(pread(fd, &c, 1, 50), 1);
    CHECK_EQ(c, 0);

    /* Errors leave the offset unchanged. */
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
    CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(fd, -10, SEEK_CUR), EINVAL);
    CHECK_ERR(lseek(fd, -200, SEEK_END), EINVAL);
    CHECK_ERR(lseek(fd, 0, 17), EINVAL);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 3);

    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(lseek(p[0], 0, SEEK_CUR), ESPIPE);
    CHECK_ERR(lseek(p[1], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(lseek(12345, 0, SEEK_SET), EBADF);

    /* Directories can be rewound. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_EQ(lseek(dfd, 0, SEEK_SET), 0);

    close(dfd);
    close(p[0]);
    close(p[1]);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
