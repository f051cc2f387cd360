/* SPDX-License-Identifier: Apache-2.0 */
/* mkdir/rmdir: EEXIST for any existing name, ENOENT for a missing parent, ENOTDIR through a
 * file, ENOTEMPTY for a non-empty directory, EINVAL for ".", ENOTDIR for rmdir of a file; a
 * directory's link count is 2 plus its subdirectories. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

static nlink_t links(int dfd, const char *p)
{
    struct stat st;
    CHECK(fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0);
    return st.st_nlink;
}

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    umask(022);
    CHECK(mkdirat(dfd, "a", 0777) == 0);
    struct stat st;
    CHECK(fstatat(dfd, "a", &st, 0) == 0);
    CHECK_EQ(st.st_mode & 07777, 0755);
    CHECK_EQ(links(dfd, "a"), 2);
    CHECK_EQ(links(dfd, "."), 3);
    CHECK_ERR(mkdirat(dfd, "a", 0700), EEXIST);
    int fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(mkdirat(dfd, "f", 0700), EEXIST);
    CHECK(symlinkat("nowhere", dfd, "dangling") == 0);
    CHECK_ERR(mkdirat(dfd, "dangling", 0700), EEXIST); /* mkdir does not follow */
    CHECK_ERR(mkdirat(dfd, "missing/x", 0700), ENOENT);
    CHECK_ERR(mkdirat(dfd, "f/x", 0700), ENOTDIR);
    CHECK_ERR(mkdirat(dfd, ".", 0700), EEXIST);
    CHECK_ERR(mkdirat(dfd, "", 0700), ENOENT);

    CHECK(mkdirat(dfd, "a/b", 0700) == 0);
    CHECK(mkdirat(dfd, "a/c", 0700) == 0);
    CHECK_EQ(links(dfd, "a"), 4);
    fd = openat(dfd, "a/c/file", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(links(dfd, "a/c"), 2); /* files do not count */
    CHECK_ERR(unlinkat(dfd, "a", AT_REMOVEDIR), ENOTEMPTY);
    CHECK_ERR(unlinkat(dfd, "a/c", AT_REMOVEDIR), ENOTEMPTY);
    CHECK_ERR(unlinkat(dfd, "f", AT_REMOVEDIR), ENOTDIR);
    CHECK_ERR(unlinkat(dfd, "dangling", AT_REMOVEDIR), ENOTDIR);
    CHECK_ERR(unlinkat(dfd, "missing", AT_REMOVEDIR), ENOENT);
    CHECK_ERR(unlinkat(dfd, "a/.", AT_REMOVEDIR), EINVAL);
    CHECK_ERR(unlinkat(dfd, ".", AT_REMOVEDIR), EINVAL);
    CHECK(unlinkat(dfd, "a/c/file", 0) == 0);
    CHECK(unlinkat(dfd, "a/c", AT_REMOVEDIR) == 0);
    CHECK_EQ(links(dfd, "a"), 3);
    CHECK(unlinkat(dfd, "a/b", AT_REMOVEDIR) == 0);
    CHECK_EQ(links(dfd, "a"), 2);

    /* A removed directory that is still open has nlink 0 and refuses new entries. */
    int afd = openat(dfd, "a", O_RDONLY | O_DIRECTORY);
    CHECK(afd >= 0);
    CHECK(unlinkat(dfd, "a", AT_REMOVEDIR) == 0);
    CHECK(fstat(afd, &st) == 0);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_ERR(openat(afd, "new", O_WRONLY | O_CREAT, 0600), ENOENT);
    CHECK_ERR(mkdirat(afd, "new", 0700), ENOENT);
    close(afd);
    CHECK_EQ(links(dfd, "."), 2);

    CHECK(unlinkat(dfd, "f", 0) == 0);
    CHECK(unlinkat(dfd, "dangling", 0) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
