/* SPDX-License-Identifier: Apache-2.0 */
/* link/linkat: hard links share the inode and bump st_nlink, unlink drops it; linking a
 * directory is EPERM, an existing name EEXIST; linkat links a symlink itself unless
 * AT_SYMLINK_FOLLOW is given; AT_EMPTY_PATH links an open fd (root). */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

static struct stat st_of(int dfd, const char *p)
{
    struct stat st;
    CHECK(fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0);
    return st;
}

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    int fd = openat(dfd, "f", O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(st_of(dfd, "f").st_nlink, 1);
    CHECK(linkat(dfd, "f", dfd, "g", 0) == 0);
    CHECK(linkat(dfd, "g", dfd, "h", 0) == 0);
    CHECK_EQ(st_of(dfd, "f").st_nlink, 3);
    CHECK_EQ(st_of(dfd, "h").st_ino, st_of(dfd, "f").st_ino);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_nlink, 3);
    CHECK_EQ(write(fd, "shared", 6), 6);
    CHECK_EQ(st_of(dfd, "h").st_size, 6);

    CHECK_ERR(linkat(dfd, "f", dfd, "g", 0), EEXIST);
    CHECK(mkdirat(dfd, "d", 0700) == 0);
    CHECK_ERR(linkat(dfd, "d", dfd, "d2", 0), EPERM);
    CHECK_ERR(linkat(dfd, "missing", dfd, "x", 0), ENOENT);
    CHECK_ERR(linkat(dfd, "f", dfd, "nodir/x", 0), ENOENT);
    CHECK_ERR(linkat(dfd, "f", dfd, "x", 0x1), EINVAL);

    CHECK(unlinkat(dfd, "g", 0) == 0);
    CHECK_EQ(st_of(dfd, "f").st_nlink, 2);

    /* linkat on a symlink: no follow by default. */
    CHECK(symlinkat("f", dfd, "sl") == 0);
    CHECK(linkat(dfd, "sl", dfd, "sl_hard", 0) == 0);
    CHECK(S_ISLNK(st_of(dfd, "sl_hard").st_mode));
    CHECK_EQ(st_of(dfd, "sl").st_nlink, 2);
    CHECK(linkat(dfd, "sl", dfd, "followed", AT_SYMLINK_FOLLOW) == 0);
    CHECK(S_ISREG(st_of(dfd, "followed").st_mode));
    CHECK_EQ(st_of(dfd, "f").st_nlink, 3);

    /* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH. */
    if (test_has_cap(CAP_DAC_READ_SEARCH)) {
        CHECK(linkat(fd, "", dfd, "byfd", AT_EMPTY_PATH) == 0);
        CHECK_EQ(st_of(dfd, "f").st_nlink, 4);
        CHECK(unlinkat(dfd, "byfd", 0) == 0);
    } else {
        CHECK_ERR(linkat(fd, "", dfd, "byfd", AT_EMPTY_PATH), ENOENT);
    }
    /* A file whose last name is gone cannot get a new one through its fd. */
    unlinkat(dfd, "f", 0);
    unlinkat(dfd, "h", 0);
    unlinkat(dfd, "followed", 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_nlink, 0);
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    CHECK_ERR(linkat(AT_FDCWD, proc, dfd, "revive", AT_SYMLINK_FOLLOW), ENOENT);
    close(fd);

    unlinkat(dfd, "sl", 0);
    unlinkat(dfd, "sl_hard", 0);
    CHECK(unlinkat(dfd, "d", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
