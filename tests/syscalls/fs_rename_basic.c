/* SPDX-License-Identifier: Apache-2.0 */
/* rename: replaces a file atomically, a directory may replace an empty directory but not a
 * non-empty one (ENOTEMPTY), dir over file is ENOTDIR, file over dir EISDIR, a directory into
 * its own subtree is EINVAL, "." is EBUSY, and renaming one hard link onto another of the same
 * inode does nothing. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

static void put(int dfd, const char *p, const char *s)
{
    int fd = openat(dfd, p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, s, strlen(s)), (long)strlen(s));
    close(fd);
}

static void expect(int dfd, const char *p, const char *s)
{
    char buf[32] = { 0 };
    int fd = openat(dfd, p, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, buf, sizeof(buf) - 1) >= 0);
    close(fd);
    CHECK(strcmp(buf, s) == 0);
}

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    struct stat st;

    put(dfd, "a", "A");
    put(dfd, "b", "B");
    CHECK(renameat(dfd, "a", dfd, "b") == 0);
    expect(dfd, "b", "A");
    CHECK_ERR(fstatat(dfd, "a", &st, 0), ENOENT);
    CHECK_ERR(renameat(dfd, "a", dfd, "c"), ENOENT);
    CHECK(renameat(dfd, "b", dfd, "b") == 0); /* same name: no-op */
    expect(dfd, "b", "A");

    CHECK(mkdirat(dfd, "d1", 0700) == 0);
    CHECK(mkdirat(dfd, "d2", 0700) == 0);
    put(dfd, "d1/in", "IN");
    CHECK(renameat(dfd, "d1", dfd, "d2") == 0); /* over an empty dir */
    expect(dfd, "d2/in", "IN");
    CHECK(mkdirat(dfd, "d3", 0700) == 0);
    CHECK_ERR(renameat(dfd, "d3", dfd, "d2"), ENOTEMPTY);
    CHECK_ERR(renameat(dfd, "d3", dfd, "b"), ENOTDIR);
    CHECK_ERR(renameat(dfd, "b", dfd, "d3"), EISDIR);
    CHECK_ERR(renameat(dfd, "d2", dfd, "d2/sub"), EINVAL);
    CHECK(mkdirat(dfd, "d2/deeper", 0700) == 0);
    CHECK_ERR(renameat(dfd, "d2", dfd, "d2/deeper/x"), EINVAL);
    CHECK(renameat(dfd, "d2/deeper", dfd, "d2/deeper") == 0);
    CHECK_ERR(renameat(dfd, ".", dfd, "x"), EBUSY);
    CHECK_ERR(renameat(dfd, "d2/..", dfd, "x"), EBUSY);
    CHECK_ERR(renameat(dfd, "b", dfd, "."), EBUSY);

    /* Two hard links of one inode: rename is a no-op and both names stay. */
    CHECK(linkat(dfd, "b", dfd, "b2", 0) == 0);
    CHECK(renameat(dfd, "b", dfd, "b2") == 0);
    CHECK(fstatat(dfd, "b", &st, 0) == 0);
    CHECK_EQ(st.st_nlink, 2);
    CHECK(fstatat(dfd, "b2", &st, 0) == 0);

    /* A symlink is renamed itself, not its target. */
    CHECK(symlinkat("b", dfd, "sl") == 0);
    CHECK(renameat(dfd, "sl", dfd, "sl2") == 0);
    CHECK(fstatat(dfd, "sl2", &st, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(S_ISLNK(st.st_mode));
    expect(dfd, "b", "A");

    /* Parent link counts follow a directory moving between parents. */
    CHECK(fstatat(dfd, "d2", &st, 0) == 0);
    CHECK_EQ(st.st_nlink, 3);
    CHECK(renameat(dfd, "d2/deeper", dfd, "d3/moved") == 0);
    CHECK(fstatat(dfd, "d2", &st, 0) == 0);
    CHECK_EQ(st.st_nlink, 2);
    CHECK(fstatat(dfd, "d3", &st, 0) == 0);
    CHECK_EQ(st.st_nlink, 3);
    /* The moved dir's ".." now names the new parent. */
    struct stat a, b;
    CHECK(fstatat(dfd, "d3/moved/..", &a, 0) == 0);
    CHECK(fstatat(dfd, "d3", &b, 0) == 0);
    CHECK(a.st_ino == b.st_ino);

    unlinkat(dfd, "sl2", 0);
    unlinkat(dfd, "b", 0);
    unlinkat(dfd, "b2", 0);
    unlinkat(dfd, "d2/in", 0);
    CHECK(unlinkat(dfd, "d2", AT_REMOVEDIR) == 0);
    CHECK(unlinkat(dfd, "d3/moved", AT_REMOVEDIR) == 0);
    CHECK(unlinkat(dfd, "d3", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
