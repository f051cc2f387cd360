/* SPDX-License-Identifier: Apache-2.0 */
/* O_TMPFILE creates an unnamed file in a directory (nlink 0, invisible to getdents) that
 * linkat can give a name through /proc/self/fd; with O_EXCL it can never be linked. O_TMPFILE
 * needs write access and a directory. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

int main(void)
{
    char dir[64], f[96], proc[64];
    test_mkdtemp(dir);
    umask(022);
    int fd = open(dir, O_TMPFILE | O_RDWR, 0640);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(st.st_mode & 0777, 0640);
    CHECK_EQ(write(fd, "tmpdata", 7), 7);
    CHECK_EQ(count_entries(dir), 0);

    snprintf(f, sizeof(f), "%s/named", dir);
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    CHECK(linkat(AT_FDCWD, proc, AT_FDCWD, f, AT_SYMLINK_FOLLOW) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_nlink, 1);
    CHECK_EQ(count_entries(dir), 1);
    int rfd = open(f, O_RDONLY);
    CHECK(rfd >= 0);
    char buf[16];
    CHECK_EQ(read(rfd, buf, sizeof(buf)), 7);
    CHECK(memcmp(buf, "tmpdata", 7) == 0);
    close(rfd);
    /* Linking a file that has a name again is allowed (an ordinary hard link). */
    char f2[96];
    snprintf(f2, sizeof(f2), "%s/again", dir);
    CHECK(linkat(AT_FDCWD, proc, AT_FDCWD, f2, AT_SYMLINK_FOLLOW) == 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK_EQ(st.st_nlink, 2);
    close(fd);
    CHECK(unlink(f2) == 0);

    /* O_TMPFILE|O_EXCL: linkat fails with ENOENT. */
    fd = open(dir, O_TMPFILE | O_EXCL | O_WRONLY, 0600);
    CHECK(fd >= 0);
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    snprintf(f2, sizeof(f2), "%s/never", dir);
    CHECK_ERR(linkat(AT_FDCWD, proc, AT_FDCWD, f2, AT_SYMLINK_FOLLOW), ENOENT);
    close(fd);

    /* O_TMPFILE needs O_WRONLY or O_RDWR, and a directory. */
    CHECK_ERR(open(dir, O_TMPFILE | O_RDONLY, 0600), EINVAL);
    CHECK_ERR(open(f, O_TMPFILE | O_RDWR, 0600), ENOTDIR);
    CHECK_ERR(open("/nonexistent-dir-xyz", O_TMPFILE | O_RDWR, 0600), ENOENT);
    CHECK_EQ(count_entries(dir), 1);

    CHECK(unlink(f) == 0);
    CHECK(rmdir(dir) == 0);
    TEST_OK();
}
