/* SPDX-License-Identifier: Apache-2.0 */
/* stat, fstat, lstat, fstatat (incl. AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW) and statx agree on
 * the same file; lstat describes a symlink itself. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void same(const struct stat *a, const struct stat *b)
{
    CHECK_EQ(a->st_dev, b->st_dev);
    CHECK_EQ(a->st_ino, b->st_ino);
    CHECK_EQ(a->st_mode, b->st_mode);
    CHECK_EQ(a->st_nlink, b->st_nlink);
    CHECK_EQ(a->st_uid, b->st_uid);
    CHECK_EQ(a->st_gid, b->st_gid);
    CHECK_EQ(a->st_size, b->st_size);
    CHECK_EQ(a->st_mtim.tv_sec, b->st_mtim.tv_sec);
    CHECK_EQ(a->st_mtim.tv_nsec, b->st_mtim.tv_nsec);
}

int main(void)
{
    char dir[64], path[96], lnk[96];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    snprintf(lnk, sizeof(lnk), "%s/l", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "12345", 5), 5);
    CHECK(symlink("f", lnk) == 0);

    struct stat s1, s2, s3, s4, s5, sl;
    CHECK(stat(path, &s1) == 0);
    CHECK(fstat(fd, &s2) == 0);
    CHECK(lstat(path, &s3) == 0);
    CHECK(fstatat(AT_FDCWD, path, &s4, 0) == 0);
    CHECK(fstatat(fd, "", &s5, AT_EMPTY_PATH) == 0);
    same(&s1, &s2);
    same(&s1, &s3);
    same(&s1, &s4);
    same(&s1, &s5);
    CHECK(S_ISREG(s1.st_mode));
    CHECK_EQ(s1.st_mode & 0777, 0600);
    CHECK_EQ(s1.st_size, 5);
    CHECK_EQ(s1.st_nlink, 1);
    CHECK_EQ(s1.st_uid, getuid());

    /* Through the symlink: stat follows, lstat does not. */
    struct stat sf;
    CHECK(stat(lnk, &sf) == 0);
    same(&s1, &sf);
    CHECK(lstat(lnk, &sl) == 0);
    CHECK(S_ISLNK(sl.st_mode));
    CHECK_EQ(sl.st_size, 1); /* length of "f" */
    CHECK(sl.st_ino != s1.st_ino);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(fstatat(dfd, "l", &s4, AT_SYMLINK_NOFOLLOW) == 0);
    same(&sl, &s4);

    struct statx sx;
    CHECK(statx(dfd, "f", 0, STATX_BASIC_STATS, &sx) == 0);
    CHECK((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
    CHECK_EQ(sx.stx_ino, s1.st_ino);
    CHECK_EQ(sx.stx_mode, s1.st_mode);
    CHECK_EQ(sx.stx_size, 5);
    CHECK_EQ(sx.stx_nlink, 1);
    CHECK_EQ(makedev(sx.stx_dev_major, sx.stx_dev_minor), s1.st_dev);
    CHECK_EQ(sx.stx_mtime.tv_sec, s1.st_mtim.tv_sec);
    CHECK_EQ(sx.stx_mtime.tv_nsec, s1.st_mtim.tv_nsec);
    CHECK(statx(dfd, "l", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0);
    CHECK(S_ISLNK(sx.stx_mode));

    CHECK_ERR(statx(dfd, "f", 0x40000000, STATX_BASIC_STATS, &sx), EINVAL);
    CHECK_ERR(statx(dfd, "f", 0, STATX__RESERVED, &sx), EINVAL);
    CHECK_ERR(fstatat(fd, "", &s4, 0), ENOENT);
    CHECK_ERR(fstatat(fd, "x", &s4, 0), ENOTDIR);
    CHECK_ERR(stat("", &s4), ENOENT);

    /* A hard link bumps st_nlink for every view. */
    char hard[96];
    snprintf(hard, sizeof(hard), "%s/h", dir);
    CHECK(link(path, hard) == 0);
    CHECK(fstat(fd, &s2) == 0);
    CHECK_EQ(s2.st_nlink, 2);

    close(dfd);
    close(fd);
    CHECK(unlink(hard) == 0);
    CHECK(unlink(lnk) == 0);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
