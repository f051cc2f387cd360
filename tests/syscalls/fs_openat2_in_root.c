/* SPDX-License-Identifier: Apache-2.0 */
/* openat2 RESOLVE_IN_ROOT treats dirfd as "/": absolute paths and absolute symlinks resolve
 * inside it, and ".." at that root stays there (like a chroot). */
#include "test.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/stat.h>

static long openat2_(int dfd, const char *path, uint64_t resolve)
{
    struct open_how how = { .flags = O_RDONLY, .resolve = resolve };
    return syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

static void expect_content(long fd, const char *want)
{
    CHECK(fd >= 0);
    char buf[32] = { 0 };
    CHECK(read((int)fd, buf, sizeof(buf) - 1) >= 0);
    CHECK(strcmp(buf, want) == 0);
    close((int)fd);
}

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(mkdirat(dfd, "etc", 0700) == 0);
    CHECK(mkdirat(dfd, "a", 0700) == 0);
    int fd = openat(dfd, "etc/passwd", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "inside", 6), 6);
    close(fd);
    CHECK(symlinkat("/etc/passwd", dfd, "a/abs") == 0);
    CHECK(symlinkat("../../../../../../etc/passwd", dfd, "a/up") == 0);
    CHECK(symlinkat("/", dfd, "a/root") == 0);

    expect_content(openat2_(dfd, "/etc/passwd", RESOLVE_IN_ROOT), "inside");
    expect_content(openat2_(dfd, "../../../etc/passwd", RESOLVE_IN_ROOT), "inside");
    expect_content(openat2_(dfd, "a/abs", RESOLVE_IN_ROOT), "inside");
    expect_content(openat2_(dfd, "a/up", RESOLVE_IN_ROOT), "inside");
    expect_content(openat2_(dfd, "a/root/etc/passwd", RESOLVE_IN_ROOT), "inside");
    /* The "root" is dirfd itself. */
    long r = openat2_(dfd, "a/root", RESOLVE_IN_ROOT);
    CHECK(r >= 0);
    struct stat a, b;
    CHECK(fstat((int)r, &a) == 0);
    CHECK(fstat(dfd, &b) == 0);
    CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    close((int)r);
    /* Without RESOLVE_IN_ROOT the absolute link leaves the tree and finds the host file. */
    r = openat2_(dfd, "a/abs", 0);
    CHECK(r >= 0);
    CHECK(fstat((int)r, &a) == 0);
    CHECK(a.st_ino != b.st_ino);
    close((int)r);
    /* Missing files stay missing inside the root. */
    CHECK_ERR(openat2_(dfd, "/etc/shadow-nope", RESOLVE_IN_ROOT), ENOENT);

    unlinkat(dfd, "a/abs", 0);
    unlinkat(dfd, "a/up", 0);
    unlinkat(dfd, "a/root", 0);
    unlinkat(dfd, "etc/passwd", 0);
    CHECK(unlinkat(dfd, "etc", AT_REMOVEDIR) == 0);
    CHECK(unlinkat(dfd, "a", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
