/* SPDX-License-Identifier: Apache-2.0 */
/* readlink returns the target without a NUL and truncates silently; non-links give EINVAL.
 * access/faccessat check existence and permissions (root bypasses rw but not x without any
 * x bit). */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], path[96], lnk[96], buf[64];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/target", dir);
    snprintf(lnk, sizeof(lnk), "%s/link", dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0000);
    CHECK(fd >= 0);
    CHECK(symlink("target", lnk) == 0);

    memset(buf, 'X', sizeof(buf));
    CHECK_EQ(readlink(lnk, buf, sizeof(buf)), 6);
    CHECK(memcmp(buf, "target", 6) == 0);
    CHECK_EQ(buf[6], 'X');
    CHECK_EQ(readlink(lnk, buf, 3), 3);
    CHECK(memcmp(buf, "tar", 3) == 0);
    CHECK_ERR(readlink(path, buf, sizeof(buf)), EINVAL);
    CHECK_ERR(readlink(lnk, buf, 0), EINVAL);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_EQ(readlinkat(dfd, "link", buf, sizeof(buf)), 6);

    /* /proc/self/fd entries are symlinks to the file. */
    char fdlink[64];
    snprintf(fdlink, sizeof(fdlink), "/proc/self/fd/%d", fd);
    char got[128];
    ssize_t n = readlink(fdlink, got, sizeof(got) - 1);
    CHECK(n > 0);
    got[n] = 0;
    CHECK(strcmp(got, path) == 0);

    /* Mode 0000: as root, read and write are allowed, execute is not. */
    CHECK_EQ(geteuid(), 0);
    CHECK(access(path, F_OK) == 0);
    CHECK(access(path, R_OK | W_OK) == 0);
    CHECK_ERR(access(path, X_OK), EACCES);
    CHECK(chmod(path, 0010) == 0);
    /* Any execute bit is enough for root. */
    CHECK(access(path, X_OK) == 0);
    /* Directories are always searchable for root. */
    CHECK(chmod(dir, 0000) == 0);
    CHECK(access(dir, X_OK) == 0);
    CHECK(chmod(dir, 0700) == 0);

    CHECK_ERR(access("/nonexistent/x", F_OK), ENOENT);
    CHECK_ERR(access(path, 0x10), EINVAL);
    CHECK(faccessat(dfd, "target", R_OK, AT_EACCESS) == 0);
    CHECK(faccessat(dfd, "link", F_OK, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK_ERR(faccessat(dfd, "target", R_OK, 0x1), EINVAL);

    /* A dangling link: access follows it, lstat-style checks do not. */
    CHECK(unlink(path) == 0);
    CHECK_ERR(access(lnk, F_OK), ENOENT);
    CHECK(faccessat(dfd, "link", F_OK, AT_SYMLINK_NOFOLLOW) == 0);

    close(fd);
    close(dfd);
    CHECK(unlink(lnk) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
