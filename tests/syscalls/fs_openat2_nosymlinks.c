/* SPDX-License-Identifier: Apache-2.0 */
/* openat2 RESOLVE_NO_SYMLINKS rejects any symlink on the path with ELOOP (O_PATH|O_NOFOLLOW
 * on the last one is allowed), RESOLVE_NO_MAGICLINKS rejects /proc/self/fd links, and
 * RESOLVE_NO_XDEV rejects crossing into /proc with EXDEV. */
#include "test.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/stat.h>

static long openat2_(int dfd, const char *path, uint64_t flags, uint64_t resolve)
{
    struct open_how how = { .flags = flags, .resolve = resolve };
    return syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(mkdirat(dfd, "d", 0700) == 0);
    int fd = openat(dfd, "d/f", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(symlinkat("d", dfd, "dl") == 0);
    CHECK(symlinkat("f", dfd, "d/fl") == 0);

    long r = openat2_(dfd, "d/f", O_RDONLY, RESOLVE_NO_SYMLINKS);
    CHECK(r >= 0);
    close((int)r);
    CHECK_ERR(openat2_(dfd, "dl/f", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
    CHECK_ERR(openat2_(dfd, "d/fl", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
    /* The last component may be a symlink when it is not followed. */
    r = openat2_(dfd, "d/fl", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
    CHECK(r >= 0);
    struct stat st;
    CHECK(fstat((int)r, &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    close((int)r);
    /* Plain symlinks are fine under RESOLVE_NO_MAGICLINKS. */
    r = openat2_(dfd, "dl/fl", O_RDONLY, RESOLVE_NO_MAGICLINKS);
    CHECK(r >= 0);
    close((int)r);

    char magic[64];
    snprintf(magic, sizeof(magic), "/proc/self/fd/%d", fd);
    r = openat2_(AT_FDCWD, magic, O_RDONLY, 0);
    CHECK(r >= 0);
    close((int)r);
    CHECK_ERR(openat2_(AT_FDCWD, magic, O_RDONLY, RESOLVE_NO_MAGICLINKS), ELOOP);
    CHECK_ERR(openat2_(AT_FDCWD, magic, O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
    /* Crossing a mount point. */
    CHECK_ERR(openat2_(AT_FDCWD, "/proc/self/status", O_RDONLY, RESOLVE_NO_XDEV), EXDEV);
    r = openat2_(dfd, "d/f", O_RDONLY, RESOLVE_NO_XDEV);
    CHECK(r >= 0);
    close((int)r);
    close(fd);

    unlinkat(dfd, "d/fl", 0);
    unlinkat(dfd, "dl", 0);
    unlinkat(dfd, "d/f", 0);
    CHECK(unlinkat(dfd, "d", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
