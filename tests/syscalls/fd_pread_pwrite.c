/* SPDX-License-Identifier: Apache-2.0 */
/* pread/pwrite use their own offset and leave the file offset alone; negative offsets are
 * EINVAL, pipes ESPIPE; with O_APPEND, Linux's pwrite appends regardless of the offset. */
#include "test.h"

#include <fcntl.h>

int main(void)
{
    char dir[64], path[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "0123456789", 10), 10);
    CHECK_EQ(lseek(fd, 4, SEEK_SET), 4);

    char buf[8] = { 0 };
    CHECK_EQ(pread(fd, buf, 3, 7), 3);
    CHECK(memcmp(buf, "789", 3) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
    /* Short at EOF, zero past it. */
    CHECK_EQ(pread(fd, buf, 8, 8), 2);
    CHECK_EQ(pread(fd, buf, 8, 100), 0);

    CHECK_EQ(pwrite(fd, "AB", 2, 1), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
    CHECK_EQ(pread(fd, buf, 4, 0), 4);
    CHECK(memcmp(buf, "0AB3", 4) == 0);
    /* A normal read continues from offset 4. */
    CHECK_EQ(read(fd, buf, 2), 2);
    CHECK(memcmp(buf, "45", 2) == 0);

    CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
    CHECK_ERR(pwrite(fd, buf, 1, -1), EINVAL);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
    CHECK_ERR(pwrite(p[1], buf, 1, 0), ESPIPE);

    /* O_APPEND: the offset argument is ignored (a documented Linux bug). */
    int ap = open(path, O_WRONLY | O_APPEND);
    CHECK(ap >= 0);
    CHECK_EQ(pwrite(ap, "X", 1, 0), 1);
    CHECK_EQ(pread(fd, buf, 1, 10), 1);
    CHECK_EQ(buf[0], 'X');
    CHECK_EQ(pread(fd, buf, 1, 0), 1);
    CHECK_EQ(buf[0], '0');

    close(ap);
    close(p[0]);
    close(p[1]);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
