/* SPDX-License-Identifier: Apache-2.0 */
/* statx: STATX_BASIC_STATS are returned for a regular file and agree with fstat, a smaller
 * request mask may return more, STATX__RESERVED is EINVAL, bad flags EINVAL, AT_EMPTY_PATH
 * uses the fd, and stx_attributes_mask is a superset of stx_attributes. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0640);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "12345", 5), 5);

    struct statx sx;
    memset(&sx, 0xff, sizeof(sx));
    CHECK(statx(AT_FDCWD, f, 0, STATX_BASIC_STATS, &sx) == 0);
    CHECK_EQ(sx.stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(sx.stx_size, 5);
    CHECK_EQ(sx.stx_mode, st.st_mode);
    CHECK_EQ(sx.stx_ino, st.st_ino);
    CHECK_EQ(sx.stx_nlink, 1);
    CHECK_EQ(sx.stx_uid, st.st_uid);
    CHECK_EQ(sx.stx_blocks, st.st_blocks);
    CHECK_EQ(sx.stx_blksize, st.st_blksize);
    CHECK_EQ(sx.stx_mtime.tv_sec, st.st_mtim.tv_sec);
    CHECK_EQ(sx.stx_mtime.tv_nsec, st.st_mtim.tv_nsec);
    CHECK_EQ(makedev(sx.stx_dev_major, sx.stx_dev_minor), st.st_dev);
    CHECK_EQ(sx.stx_attributes & ~sx.stx_attributes_mask, 0);
    CHECK_EQ(sx.__spare0[0], 0);

    /* Asking for only the size still fills at least the size. */
    memset(&sx, 0, sizeof(sx));
    CHECK(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx) == 0);
    CHECK(sx.stx_mask & STATX_SIZE);
    CHECK_EQ(sx.stx_size, 5);
    /* Mask 0 is accepted. */
    CHECK(statx(fd, "", AT_EMPTY_PATH, 0, &sx) == 0);
    CHECK(statx(AT_FDCWD, f, AT_STATX_DONT_SYNC, STATX_ALL, &sx) == 0);
    CHECK(statx(AT_FDCWD, f, AT_STATX_FORCE_SYNC, STATX_ALL, &sx) == 0);
    CHECK_ERR(statx(AT_FDCWD, f, AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_ALL, &sx), EINVAL);
    CHECK_ERR(statx(AT_FDCWD, f, 0, STATX__RESERVED, &sx), EINVAL);
    CHECK_ERR(statx(AT_FDCWD, f, 0x80000000, STATX_ALL, &sx), EINVAL);
    CHECK_ERR(statx(AT_FDCWD, "/nonexistent/x", 0, STATX_ALL, &sx), ENOENT);
    CHECK_ERR(statx(AT_FDCWD, "", 0, STATX_ALL, &sx), ENOENT);
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, f, 0, STATX_ALL, NULL), EFAULT);

    /* A symlink: AT_SYMLINK_NOFOLLOW describes the link. */
    char l[96];
    snprintf(l, sizeof(l), "%s/l", dir);
    CHECK(symlink("f", l) == 0);
    CHECK(statx(AT_FDCWD, l, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0);
    CHECK(S_ISLNK(sx.stx_mode));
    CHECK_EQ(sx.stx_size, 1);
    CHECK(statx(AT_FDCWD, l, 0, STATX_BASIC_STATS, &sx) == 0);
    CHECK(S_ISREG(sx.stx_mode));
    /* A directory. */
    CHECK(statx(AT_FDCWD, dir, 0, STATX_BASIC_STATS, &sx) == 0);
    CHECK(S_ISDIR(sx.stx_mode));
    CHECK_EQ(sx.stx_nlink, 2);

    close(fd);
    CHECK(unlink(l) == 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
