/* SPDX-License-Identifier: Apache-2.0 */
/* An unlinked file stays usable through open descriptors (nlink 0) until the last close;
 * rename replaces atomically and open descriptors follow the inode. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], a[96], b[96];
    test_mkdtemp(dir);
    snprintf(a, sizeof(a), "%s/a", dir);
    snprintf(b, sizeof(b), "%s/b", dir);

    int fd = open(a, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "data", 4), 4);
    CHECK(unlink(a) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(st.st_size, 4);
    CHECK_ERR(stat(a, &st), ENOENT);
    char buf[8];
    CHECK_EQ(pread(fd, buf, 4, 0), 4);
    CHECK(memcmp(buf, "data", 4) == 0);
    CHECK_EQ(write(fd, "more", 4), 4);
    /* /proc/self/fd shows it as deleted. */
    char link[64], target[160];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    CHECK(n > 0);
    target[n] = 0;
    char want[160];
    snprintf(want, sizeof(want), "%s (deleted)", a);
    CHECK(strcmp(target, want) == 0);
    close(fd);

    /* rename over an existing file: descriptors keep their inode. */
    int fa = open(a, O_RDWR | O_CREAT, 0600);
    int fb = open(b, O_RDWR | O_CREAT, 0600);
    CHECK(fa >= 0 && fb >= 0);
    CHECK_EQ(write(fa, "A", 1), 1);
    CHECK_EQ(write(fb, "B", 1), 1);
    struct stat sa;
    CHECK(fstat(fa, &sa) == 0);
    CHECK(rename(a, b) == 0);
    CHECK(stat(b, &st) == 0);
    CHECK_EQ(st.st_ino, sa.st_ino);
    CHECK(fstat(fb, &st) == 0);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_ERR(stat(a, &st), ENOENT);
    int fr = open(b, O_RDONLY);
    CHECK(fr >= 0);
    CHECK_EQ(read(fr, buf, 1), 1);
    CHECK_EQ(buf[0], 'A');

    close(fa);
    close(fb);
    close(fr);
    CHECK(unlink(b) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
