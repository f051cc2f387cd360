/* SPDX-License-Identifier: Apache-2.0 */
/* Trailing slashes: "file/" is ENOTDIR for open, stat, unlink and rename; "dir/" works for
 * mkdir, rmdir, rename and stat; "link-to-dir/" follows the link; creating "new/" with O_CREAT
 * is EISDIR; rmdir of "dir/." is EINVAL and of ".." ENOTEMPTY. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    int fd = openat(dfd, "file", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    struct stat st;
    CHECK_ERR(openat(dfd, "file/", O_RDONLY), ENOTDIR);
    CHECK_ERR(fstatat(dfd, "file/", &st, 0), ENOTDIR);
    CHECK_ERR(fstatat(dfd, "file/.", &st, 0), ENOTDIR);
    CHECK_ERR(unlinkat(dfd, "file/", 0), ENOTDIR);
    CHECK_ERR(renameat(dfd, "file/", dfd, "other"), ENOTDIR);
    CHECK_ERR(renameat(dfd, "file", dfd, "other/"), ENOTDIR);
    CHECK_ERR(openat(dfd, "new/", O_WRONLY | O_CREAT, 0600), EISDIR);
    CHECK_ERR(fstatat(dfd, "new", &st, 0), ENOENT);

    CHECK(mkdirat(dfd, "d/", 0700) == 0);
    CHECK(fstatat(dfd, "d/", &st, 0) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK(fstatat(dfd, "d//.//", &st, 0) == 0);
    CHECK(renameat(dfd, "d/", dfd, "e/") == 0);
    CHECK_ERR(unlinkat(dfd, "e/", 0), EISDIR);
    CHECK_ERR(unlinkat(dfd, "e/.", AT_REMOVEDIR), EINVAL);
    CHECK_ERR(unlinkat(dfd, "e/..", AT_REMOVEDIR), ENOTEMPTY);

    CHECK(symlinkat("e", dfd, "l") == 0);
    CHECK(fstatat(dfd, "l/", &st, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(S_ISDIR(st.st_mode)); /* the slash forces following */
    CHECK(fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(S_ISLNK(st.st_mode));
    /* rmdir of "link/" refuses: ENOTDIR (the link itself is not a directory). */
    CHECK_ERR(unlinkat(dfd, "l/", AT_REMOVEDIR), ENOTDIR);
    CHECK(symlinkat("file", dfd, "fl") == 0);
    CHECK_ERR(openat(dfd, "fl/", O_RDONLY), ENOTDIR);

    CHECK(unlinkat(dfd, "fl", 0) == 0);
    CHECK(unlinkat(dfd, "l", 0) == 0);
    CHECK(unlinkat(dfd, "e/", AT_REMOVEDIR) == 0);
    CHECK(unlinkat(dfd, "file", 0) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
