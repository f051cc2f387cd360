/* SPDX-License-Identifier: Apache-2.0 */
/* symlink/readlink: st_size is the target length, readlink truncates without a NUL and
 * returns the bytes copied, EINVAL for non-links and bufsiz 0, an empty target is ENOENT,
 * targets are stored verbatim (no resolution), and symlinks get mode 0777 whatever the umask. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    umask(077);
    const char *t = "../some//odd/./target";
    CHECK(symlinkat(t, dfd, "l") == 0);
    struct stat st;
    CHECK(fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0777);
    CHECK_EQ(st.st_size, (long)strlen(t));

    char buf[64];
    memset(buf, '#', sizeof(buf));
    CHECK_EQ(readlinkat(dfd, "l", buf, sizeof(buf)), (long)strlen(t));
    CHECK(memcmp(buf, t, strlen(t)) == 0);
    CHECK(buf[strlen(t)] == '#'); /* no NUL */
    memset(buf, '#', sizeof(buf));
    CHECK_EQ(readlinkat(dfd, "l", buf, 5), 5);
    CHECK(memcmp(buf, "../so", 5) == 0 && buf[5] == '#');
    CHECK_ERR(readlinkat(dfd, "l", buf, 0), EINVAL);

    CHECK_ERR(symlinkat("", dfd, "empty"), ENOENT);
    CHECK_ERR(symlinkat("x", dfd, "l"), EEXIST);
    CHECK_ERR(symlinkat("x", dfd, "nodir/l"), ENOENT);

    int fd = openat(dfd, "file", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_ERR(readlinkat(dfd, "file", buf, sizeof(buf)), EINVAL);
    CHECK_ERR(readlinkat(dfd, ".", buf, sizeof(buf)), EINVAL);
    CHECK_ERR(readlinkat(dfd, "missing", buf, sizeof(buf)), ENOENT);
    /* readlinkat with an empty path on a non-link fd: ENOENT. */
    CHECK_ERR(readlinkat(fd, "", buf, sizeof(buf)), ENOENT);
    close(fd);
    /* ...and on an O_PATH|O_NOFOLLOW fd of the link it reads the link. */
    fd = openat(dfd, "l", O_PATH | O_NOFOLLOW);
    CHECK(fd >= 0);
    CHECK_EQ(readlinkat(fd, "", buf, sizeof(buf)), (long)strlen(t));
    close(fd);
    /* A trailing slash makes readlink follow (then ENOENT for the dangling target). */
    CHECK_ERR(readlinkat(dfd, "l/", buf, sizeof(buf)), ENOENT);

    CHECK(unlinkat(dfd, "l", 0) == 0);
    CHECK(unlinkat(dfd, "file", 0) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
