/* SPDX-License-Identifier: Apache-2.0 */
/* O_NOFOLLOW fails with ELOOP only when the last component is a symlink; symlinks earlier in
 * the path (or before a trailing slash) are still followed, and O_NOFOLLOW|O_DIRECTORY on a link
 * to a directory is ENOTDIR; O_PATH|O_NOFOLLOW opens the link itself; lstat vs stat. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], p[128];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(mkdirat(dfd, "real", 0700) == 0);
    int fd = openat(dfd, "real/file", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "data", 4), 4);
    close(fd);
    CHECK(symlinkat("real", dfd, "dirlink") == 0);
    CHECK(symlinkat("real/file", dfd, "filelink") == 0);

    CHECK_ERR(openat(dfd, "filelink", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERR(openat(dfd, "dirlink", O_RDONLY | O_NOFOLLOW), ELOOP);
    /* With O_DIRECTORY too, the unfollowed link is "not a directory": ENOTDIR wins over ELOOP. */
    CHECK_ERR(openat(dfd, "dirlink", O_RDONLY | O_NOFOLLOW | O_DIRECTORY), ENOTDIR);
    /* The symlink in the middle is followed. */
    fd = openat(dfd, "dirlink/file", O_RDONLY | O_NOFOLLOW);
    CHECK(fd >= 0);
    char buf[8];
    CHECK_EQ(read(fd, buf, sizeof(buf)), 4);
    close(fd);
    /* A trailing slash makes the link an intermediate component, so it is followed despite
     * O_NOFOLLOW. */
    snprintf(p, sizeof(p), "%s/dirlink/", dir);
    fd = open(p, O_RDONLY | O_NOFOLLOW);
    CHECK(fd >= 0);
    close(fd);

    /* O_PATH|O_NOFOLLOW gives an fd for the link itself. */
    fd = openat(dfd, "filelink", O_PATH | O_NOFOLLOW);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(st.st_size, 9);
    char target[32];
    ssize_t n = readlinkat(fd, "", target, sizeof(target));
    CHECK_EQ(n, 9);
    CHECK(memcmp(target, "real/file", 9) == 0);
    close(fd);
    /* O_NOFOLLOW on a plain file is fine. */
    fd = openat(dfd, "real/file", O_RDONLY | O_NOFOLLOW);
    CHECK(fd >= 0);
    close(fd);

    CHECK(unlinkat(dfd, "filelink", 0) == 0);
    CHECK(unlinkat(dfd, "dirlink", 0) == 0);
    CHECK(unlinkat(dfd, "real/file", 0) == 0);
    CHECK(unlinkat(dfd, "real", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
