/* SPDX-License-Identifier: Apache-2.0 */
/* statfs/fstatfs agree for a file and its directory, report sane sizes (f_bsize > 0,
 * f_bfree <= f_blocks, f_namelen 255), identify /proc and /dev/shm by magic, and fail with
 * ENOENT / ENOTDIR / EBADF. */
#include "test.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

int main(void)
{
    char dir[64], f[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);

    struct statfs a, b;
    CHECK(statfs(dir, &a) == 0);
    CHECK(fstatfs(fd, &b) == 0);
    CHECK_EQ(a.f_type, b.f_type);
    CHECK_EQ(a.f_bsize, b.f_bsize);
    CHECK_EQ(a.f_blocks, b.f_blocks);
    CHECK(memcmp(&a.f_fsid, &b.f_fsid, sizeof(a.f_fsid)) == 0);
    CHECK(a.f_bsize > 0);
    CHECK(a.f_frsize > 0);
    CHECK(a.f_bfree <= a.f_blocks);
    CHECK(a.f_bavail <= a.f_bfree);
    CHECK_EQ(a.f_namelen, 255);
    CHECK(a.f_files == 0 || a.f_ffree <= a.f_files);
    /* The filesystem is writable. */
    CHECK(!(a.f_flags & ST_RDONLY));

    struct statvfs v;
    CHECK(statvfs(dir, &v) == 0);
    CHECK_EQ(v.f_bsize, a.f_bsize);
    CHECK_EQ(v.f_namemax, 255);

    CHECK(statfs("/proc", &a) == 0);
    CHECK_EQ(a.f_type, PROC_SUPER_MAGIC);
    CHECK(statfs("/proc/self/status", &a) == 0);
    CHECK_EQ(a.f_type, PROC_SUPER_MAGIC);
    CHECK(statfs("/dev/shm", &a) == 0);
    CHECK_EQ(a.f_type, TMPFS_MAGIC);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(fstatfs(p[0], &a) == 0);
    CHECK_EQ(a.f_type, PIPEFS_MAGIC);
    close(p[0]);
    close(p[1]);

    CHECK_ERR(statfs("/nonexistent/x", &a), ENOENT);
    char fslash[128];
    snprintf(fslash, sizeof(fslash), "%s/", f);
    CHECK_ERR(statfs(fslash, &a), ENOTDIR);
    CHECK_ERR(fstatfs(-1, &a), EBADF);
    /* An O_PATH fd is enough for fstatfs. */
    int pfd = open(f, O_PATH);
    CHECK(pfd >= 0);
    CHECK(fstatfs(pfd, &a) == 0);
    CHECK_EQ(a.f_type, b.f_type);
    close(pfd);

    close(fd);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
