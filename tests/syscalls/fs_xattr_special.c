/* SPDX-License-Identifier: Apache-2.0 */
/* user.* xattrs only exist on regular files and directories: symlinks (lsetxattr) give EPERM,
 * FIFOs EPERM; directories work; getxattr follows symlinks while lgetxattr does not; O_PATH
 * fds are EBADF for fgetxattr; the value size limit is 64 KiB (E2BIG above). */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

int main(void)
{
    char dir[64], f[96], l[96], fifo[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(l, sizeof(l), "%s/l", dir);
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(symlink("f", l) == 0);
    CHECK(mkfifo(fifo, 0600) == 0);

    CHECK(setxattr(dir, "user.d", "dir", 3, 0) == 0);
    char buf[16];
    CHECK_EQ(getxattr(dir, "user.d", buf, sizeof(buf)), 3);
    CHECK_ERR(lsetxattr(l, "user.x", "1", 1, 0), EPERM);
    CHECK_ERR(setxattr(fifo, "user.x", "1", 1, 0), EPERM);
    /* Through the link the target gets it. */
    CHECK(setxattr(l, "user.t", "T", 1, 0) == 0);
    CHECK_EQ(getxattr(f, "user.t", buf, sizeof(buf)), 1);
    CHECK_ERR(lgetxattr(l, "user.t", buf, sizeof(buf)), ENODATA);
    CHECK_EQ(llistxattr(l, buf, sizeof(buf)), 0);

    int pfd = open(f, O_PATH);
    CHECK(pfd >= 0);
    CHECK_ERR(fgetxattr(pfd, "user.t", buf, sizeof(buf)), EBADF);
    CHECK_ERR(fsetxattr(pfd, "user.t", "1", 1, 0), EBADF);
    close(pfd);

    static char big[65537];
    CHECK_ERR(setxattr(f, "user.big", big, sizeof(big), 0), E2BIG);
    /* A read-only fd may still set xattrs (permission is checked on the inode). */
    int ro = open(f, O_RDONLY);
    CHECK(ro >= 0);
    CHECK(fsetxattr(ro, "user.ro", "1", 1, 0) == 0);
    close(ro);
    /* Hard links share xattrs; the attributes go away with the inode. */
    char h[96];
    snprintf(h, sizeof(h), "%s/h", dir);
    CHECK(link(f, h) == 0);
    CHECK_EQ(getxattr(h, "user.ro", buf, sizeof(buf)), 1);
    CHECK(unlink(h) == 0);

    close(fd);
    CHECK(unlink(l) == 0);
    CHECK(unlink(fifo) == 0);
    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
