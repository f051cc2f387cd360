/* SPDX-License-Identifier: Apache-2.0 */
/* unlink of a directory is EISDIR, unlinkat with AT_REMOVEDIR on a file ENOTDIR, unknown flags
 * EINVAL; unlinking a symlink removes the link not its target; unlink of "." is EISDIR. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(mkdirat(dfd, "d", 0700) == 0);
    int fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK(symlinkat("d", dfd, "dl") == 0);
    CHECK(symlinkat("f", dfd, "fl") == 0);

    CHECK_ERR(unlinkat(dfd, "d", 0), EISDIR);
    CHECK_ERR(unlinkat(dfd, ".", 0), EISDIR);
    CHECK_ERR(unlinkat(dfd, "f", AT_REMOVEDIR), ENOTDIR);
    CHECK_ERR(unlinkat(dfd, "f", 0x1), EINVAL);
    CHECK_ERR(unlinkat(dfd, "missing", 0), ENOENT);
    CHECK_ERR(unlinkat(dfd, "f/x", 0), ENOTDIR);
    CHECK_ERR(unlinkat(fd, "f", 0), EBADF); /* closed */

    /* Removing links to a dir or file keeps the targets. */
    CHECK(unlinkat(dfd, "dl", 0) == 0);
    CHECK(unlinkat(dfd, "fl", 0) == 0);
    struct stat st;
    CHECK(fstatat(dfd, "d", &st, 0) == 0);
    CHECK(fstatat(dfd, "f", &st, 0) == 0);
    /* Relative to a file dirfd: ENOTDIR. */
    fd = openat(dfd, "f", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(unlinkat(fd, "x", 0), ENOTDIR);
    close(fd);

    CHECK(unlinkat(dfd, "f", 0) == 0);
    CHECK_ERR(unlinkat(dfd, "f", 0), ENOENT);
    CHECK(unlinkat(dfd, "d", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
