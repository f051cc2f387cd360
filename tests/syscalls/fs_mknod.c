/* SPDX-License-Identifier: Apache-2.0 */
/* mknodat creates FIFOs, sockets and regular files (mode 0 type means regular), applies the
 * umask, fails with EEXIST on existing names and EINVAL for directories or bad types; device
 * nodes need CAP_MKNOD (EPERM otherwise) and a 1:3 node behaves like /dev/null. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(void)
{
    char dir[64];
    test_mkdtemp(dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    umask(027);
    struct stat st;

    CHECK(mknodat(dfd, "fifo", S_IFIFO | 0666, 0) == 0);
    CHECK(fstatat(dfd, "fifo", &st, 0) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0640);
    CHECK(mknodat(dfd, "sock", S_IFSOCK | 0777, 0) == 0);
    CHECK(fstatat(dfd, "sock", &st, 0) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0750);
    /* Opening a socket inode is ENXIO. */
    CHECK_ERR(openat(dfd, "sock", O_RDONLY), ENXIO);
    CHECK(mknodat(dfd, "reg", 0644, 0) == 0);
    CHECK(fstatat(dfd, "reg", &st, 0) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_size, 0);
    CHECK(mknodat(dfd, "reg2", S_IFREG | 0600, 0) == 0);

    CHECK_ERR(mknodat(dfd, "fifo", S_IFIFO | 0600, 0), EEXIST);
    CHECK_ERR(mknodat(dfd, "d", S_IFDIR | 0700, 0), EPERM);
    CHECK_ERR(mknodat(dfd, "bad", 0170000 | 0600, 0), EINVAL);
    CHECK_ERR(mknodat(dfd, "missing/x", S_IFIFO | 0600, 0), ENOENT);

    if (test_has_cap(CAP_MKNOD)) {
        CHECK(mknodat(dfd, "null", S_IFCHR | 0666, makedev(1, 3)) == 0);
        CHECK(fstatat(dfd, "null", &st, 0) == 0);
        CHECK(S_ISCHR(st.st_mode));
        CHECK_EQ(st.st_rdev, makedev(1, 3));
        int fd = openat(dfd, "null", O_RDWR);
        CHECK(fd >= 0);
        CHECK_EQ(write(fd, "gone", 4), 4);
        char c;
        CHECK_EQ(read(fd, &c, 1), 0);
        close(fd);
        CHECK(mknodat(dfd, "blk", S_IFBLK | 0600, makedev(7, 200)) == 0);
        CHECK(fstatat(dfd, "blk", &st, 0) == 0);
        CHECK(S_ISBLK(st.st_mode));
        unlinkat(dfd, "null", 0);
        unlinkat(dfd, "blk", 0);
    } else {
        CHECK_ERR(mknodat(dfd, "null", S_IFCHR | 0666, makedev(1, 3)), EPERM);
    }
    /* Unprivileged: FIFOs fine, devices EPERM. */
    CHECK(fchmod(dfd, 0777) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        if (mknodat(dfd, "ufifo", S_IFIFO | 0600, 0) != 0)
            _exit(3);
        if (mknodat(dfd, "unull", S_IFCHR | 0600, makedev(1, 3)) == 0 || errno != EPERM)
            _exit(4);
        _exit(0);
    }
    test_wait_exit(pid, 0);

    unlinkat(dfd, "ufifo", 0);
    unlinkat(dfd, "fifo", 0);
    unlinkat(dfd, "sock", 0);
    unlinkat(dfd, "reg", 0);
    unlinkat(dfd, "reg2", 0);
    close(dfd);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
