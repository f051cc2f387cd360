/* SPDX-License-Identifier: Apache-2.0 */
/* renameat2: RENAME_NOREPLACE fails with EEXIST over an existing name, RENAME_EXCHANGE swaps
 * two names atomically (even a file and a directory) and needs both (ENOENT), combining them
 * is EINVAL, unknown flags are EINVAL, and RENAME_WHITEOUT (root only) leaves a 0/0 character
 * device behind. */
#include "test.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static long renameat2_(int od, const char *o, int nd, const char *n, unsigned flags)
{
    return syscall(SYS_renameat2, od, o, nd, n, flags);
}

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
    put(dfd, "a", "A");
    put(dfd, "b", "B");

    CHECK_ERR(renameat2_(dfd, "a", dfd, "b", RENAME_NOREPLACE), EEXIST);
    expect(dfd, "a", "A");
    CHECK(renameat2_(dfd, "a", dfd, "c", RENAME_NOREPLACE) == 0);
    expect(dfd, "c", "A");

    CHECK(renameat2_(dfd, "b", dfd, "c", RENAME_EXCHANGE) == 0);
    expect(dfd, "b", "A");
    expect(dfd, "c", "B");
    CHECK_ERR(renameat2_(dfd, "b", dfd, "missing", RENAME_EXCHANGE), ENOENT);
    CHECK_ERR(renameat2_(dfd, "b", dfd, "c", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
    CHECK_ERR(renameat2_(dfd, "b", dfd, "c", 1U << 10), EINVAL);

    /* Exchange a file and a directory: types swap names, no ENOTDIR/EISDIR. */
    CHECK(mkdirat(dfd, "d", 0700) == 0);
    put(dfd, "d/in", "IN");
    CHECK(renameat2_(dfd, "b", dfd, "d", RENAME_EXCHANGE) == 0);
    expect(dfd, "d", "A");
    expect(dfd, "b/in", "IN");
    /* Exchanging a directory into its own subtree: EINVAL. */
    CHECK(mkdirat(dfd, "b/sub", 0700) == 0);
    CHECK_ERR(renameat2_(dfd, "b", dfd, "b/sub", RENAME_EXCHANGE), EINVAL);

    struct stat st;
    if (test_has_cap(CAP_MKNOD)) {
        CHECK(renameat2_(dfd, "c", dfd, "w", RENAME_WHITEOUT) == 0);
        CHECK(fstatat(dfd, "c", &st, AT_SYMLINK_NOFOLLOW) == 0);
        CHECK(S_ISCHR(st.st_mode));
        CHECK_EQ(st.st_rdev, makedev(0, 0));
        expect(dfd, "w", "B");
        CHECK_ERR(renameat2_(dfd, "w", dfd, "x", RENAME_WHITEOUT | RENAME_EXCHANGE), EINVAL);
        CHECK(unlinkat(dfd, "c", 0) == 0);
    } else {
        CHECK_ERR(renameat2_(dfd, "c", dfd, "w", RENAME_WHITEOUT), EPERM);
        CHECK(renameat(dfd, "c", dfd, "w") == 0);
    }

    unlinkat(dfd, "w", 0);
    unlinkat(dfd, "d", 0);
    unlinkat(dfd, "b/in", 0);
    CHECK(unlinkat(dfd, "b/sub", AT_REMOVEDIR) == 0);
    CHECK(unlinkat(dfd, "b", AT_REMOVEDIR) == 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
