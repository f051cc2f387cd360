/* SPDX-License-Identifier: Apache-2.0 */
/* Name limits: a 255-byte component works, 256 bytes is ENAMETOOLONG for open, mkdir, stat
 * and symlink; a path of PATH_MAX bytes or more is ENAMETOOLONG; a symlink target may be up to
 * PATH_MAX - 1 bytes. */
#include "test.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);

    char n255[256], n256[257];
    memset(n255, 'x', 255);
    n255[255] = 0;
    memset(n256, 'y', 256);
    n256[256] = 0;
    int fd = openat(dfd, n255, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(openat(dfd, n256, O_WRONLY | O_CREAT, 0600), ENAMETOOLONG);
    CHECK_ERR(mkdirat(dfd, n256, 0700), ENAMETOOLONG);
    struct stat st;
    CHECK_ERR(fstatat(dfd, n256, &st, 0), ENAMETOOLONG);
    CHECK_ERR(symlinkat("x", dfd, n256), ENAMETOOLONG);
    CHECK_ERR(renameat(dfd, n255, dfd, n256), ENAMETOOLONG);

    /* A path of exactly PATH_MAX bytes (without NUL room) is too long, even made of "./". */
    static char longpath[PATH_MAX + 16];
    for (int i = 0; i < PATH_MAX; i += 2)
        memcpy(longpath + i, "./", 2);
    longpath[PATH_MAX] = 0;
    CHECK_ERR(openat(dfd, longpath, O_RDONLY), ENAMETOOLONG);
    /* PATH_MAX - 1 bytes is accepted: "./././...." ending in "." */
    longpath[PATH_MAX - 1] = 0;
    fd = openat(dfd, longpath, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    close(fd);

    /* Symlink targets: PATH_MAX - 1 bytes ok, PATH_MAX is ENAMETOOLONG. */
    static char target[PATH_MAX + 1];
    memset(target, 'z', PATH_MAX - 1);
    target[PATH_MAX - 1] = 0;
    CHECK(symlinkat(target, dfd, "longlink") == 0);
    CHECK(fstatat(dfd, "longlink", &st, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK_EQ(st.st_size, PATH_MAX - 1);
    target[PATH_MAX - 1] = 'z';
    target[PATH_MAX] = 0;
    CHECK_ERR(symlinkat(target, dfd, "toolong"), ENAMETOOLONG);
    /* Following the long link: its component is 4095 bytes, so ENAMETOOLONG. */
    CHECK_ERR(openat(dfd, "longlink", O_RDONLY), ENAMETOOLONG);

    CHECK(unlinkat(dfd, "longlink", 0) == 0);
    CHECK(unlinkat(dfd, n255, 0) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
