/* SPDX-License-Identifier: Apache-2.0 */
/* open returns the lowest free fd; O_CREAT|O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY and O_PATH
 * behave as on Linux, with ENOENT/EEXIST/ENOTDIR/EISDIR/ENAMETOOLONG/EBADF errors. */
#include "test.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

int main(void)
{
    char dir[64], path[96], sub[128];
    test_mkdtemp(dir);
    snprintf(path, sizeof(path), "%s/f", dir);

    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
    CHECK(fd >= 3);
    CHECK_ERR(open(path, O_RDWR | O_CREAT | O_EXCL, 0640), EEXIST);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    /* The mode is filtered by the umask (022 by default here, set it to be sure). */
    CHECK_EQ(st.st_mode & 07777, 0640 & ~umask(022));
    CHECK_EQ(write(fd, "0123456789", 10), 10);

    /* Lowest free descriptor. */
    int a = dup(fd), b = dup(fd);
    CHECK_EQ(b, a + 1);
    CHECK(close(a) == 0);
    int c = open(path, O_RDONLY);
    CHECK_EQ(c, a);
    CHECK(close(c) == 0);
    CHECK(close(b) == 0);
    CHECK_ERR(close(b), EBADF);

    /* O_APPEND always writes at the end. */
    int ap = open(path, O_WRONLY | O_APPEND);
    CHECK(ap >= 0);
    CHECK_EQ(lseek(ap, 0, SEEK_SET), 0);
    CHECK_EQ(write(ap, "ab", 2), 2);
    CHECK_EQ(lseek(ap, 0, SEEK_CUR), 12);
    CHECK(close(ap) == 0);

    /* O_TRUNC empties it. */
    int tr = open(path, O_WRONLY | O_TRUNC);
    CHECK(tr >= 0);
    CHECK(fstat(tr, &st) == 0);
    CHECK_EQ(st.st_size, 0);
    CHECK(close(tr) == 0);

    snprintf(sub, sizeof(sub), "%s/missing", dir);
    CHECK_ERR(open(sub, O_RDONLY), ENOENT);
    snprintf(sub, sizeof(sub), "%s/missing/x", dir);
    CHECK_ERR(open(sub, O_RDONLY | O_CREAT, 0600), ENOENT);
    snprintf(sub, sizeof(sub), "%s/x", path);
    CHECK_ERR(open(sub, O_RDONLY), ENOTDIR);
    CHECK_ERR(open(path, O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERR(open(dir, O_WRONLY), EISDIR);
    CHECK_ERR(open(dir, O_RDWR), EISDIR);
    CHECK_ERR(open(dir, O_RDONLY | O_CREAT, 0600), EISDIR);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
    char longname[NAME_MAX + 2];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    CHECK_ERR(open(longname, O_RDONLY), ENAMETOOLONG);

    /* O_PATH descriptors can be fstat'ed but not read. */
    int op = open(path, O_PATH);
    CHECK(op >= 0);
    CHECK(fstat(op, &st) == 0);
    char ch;
    CHECK_ERR(read(op, &ch, 1), EBADF);
    CHECK_ERR(write(op, "x", 1), EBADF);
    CHECK(close(op) == 0);

    /* Read-only and write-only descriptors. */
    int ro = open(path, O_RDONLY);
    CHECK(ro >= 0);
    CHECK_ERR(write(ro, "x", 1), EBADF);
    int wo = open(path, O_WRONLY);
    CHECK(wo >= 0);
    CHECK_ERR(read(wo, &ch, 1), EBADF);
    CHECK(close(ro) == 0 && close(wo) == 0);

    /* Bad descriptors. */
    CHECK_ERR(close(-1), EBADF);
    CHECK_ERR(close(100000), EBADF);
    CHECK_ERR(read(100000, &ch, 1), EBADF);
    CHECK_ERR(fstat(-5, &st), EBADF);

    CHECK(close(fd) == 0);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
