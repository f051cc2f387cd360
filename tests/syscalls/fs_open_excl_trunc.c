/* SPDX-License-Identifier: Apache-2.0 */
/* O_CREAT|O_EXCL fails with EEXIST on files, directories and even dangling symlinks; O_EXCL
 * alone is ignored for existing files; O_TRUNC empties a file even through an O_RDONLY open;
 * O_CREAT on a directory is EISDIR and O_CREAT|O_DIRECTORY is EINVAL. */
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], f[96], d[96], l[96], t[96];
    test_mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/f", dir);
    snprintf(d, sizeof(d), "%s/d", dir);
    snprintf(l, sizeof(l), "%s/l", dir);
    snprintf(t, sizeof(t), "%s/target", dir);

    int fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello", 5), 5);
    close(fd);
    CHECK_ERR(open(f, O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
    /* O_EXCL without O_CREAT is ignored for regular files. */
    fd = open(f, O_RDONLY | O_EXCL);
    CHECK(fd >= 0);
    close(fd);

    CHECK(mkdir(d, 0700) == 0);
    CHECK_ERR(open(d, O_RDONLY | O_CREAT | O_EXCL, 0600), EEXIST);
    CHECK_ERR(open(d, O_RDONLY | O_CREAT, 0600), EISDIR);
    CHECK_ERR(open(d, O_WRONLY), EISDIR);
    CHECK_ERR(open(d, O_RDWR), EISDIR);
    /* Since Linux 6.4 O_CREAT|O_DIRECTORY is rejected outright. */
    CHECK_ERR(open(t, O_RDONLY | O_CREAT | O_DIRECTORY, 0600), EINVAL);

    /* O_EXCL does not follow a dangling symlink: EEXIST, and no target is created. */
    CHECK(symlink("target", l) == 0);
    CHECK_ERR(open(l, O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
    struct stat st;
    CHECK_ERR(stat(t, &st), ENOENT);
    /* Without O_EXCL, O_CREAT through a dangling symlink creates the target. */
    fd = open(l, O_WRONLY | O_CREAT, 0640);
    CHECK(fd >= 0);
    close(fd);
    CHECK(lstat(t, &st) == 0);
    CHECK(S_ISREG(st.st_mode));

    /* O_TRUNC with O_RDONLY truncates too (Linux behaviour; POSIX leaves it unspecified). */
    CHECK(stat(f, &st) == 0);
    CHECK_EQ(st.st_size, 5);
    fd = open(f, O_RDONLY | O_TRUNC);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_size, 0);
    close(fd);
    /* O_TRUNC on a FIFO or /dev/null is ignored. */
    fd = open("/dev/null", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    close(fd);
    /* Bad access mode 3 is accepted by open (it means "no access" for ioctl-only use). */
    fd = open(f, 3);
    CHECK(fd >= 0);
    char c;
    CHECK_ERR(read(fd, &c, 1), EBADF);
    CHECK_ERR(write(fd, &c, 1), EBADF);
    close(fd);

    CHECK(unlink(f) == 0);
    CHECK(unlink(l) == 0);
    CHECK(unlink(t) == 0);
    CHECK(rmdir(d) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
